"""`reports-queue`: start a distributed run from a seed file, watch it, stop it.

    reports-queue fill SEEDS [--portal BASE_URL] [--local] [-s NAME=VALUE ...] [--retries N] [--job-timeout S]
    reports-queue status [--run RUN] [--json]
    reports-queue stop [--run RUN] [--workers]

`fill` groups the seeds by the host of their start URL and puts one job per host on the queue (RQ
queue `reports-crawl`): a site is crawled by one worker, and a job that dies is tried again up to
--retries times. It prints the run id. `status` shows each job (queued, started on which worker,
finished, failed) and each portal's counts so far. `stop` cancels the run's queued jobs and stops
its running ones (their pages already fetched are indexed); with --workers it also asks every
worker to exit once idle. The ingest then closes the run as interrupted. Redis: --redis or
REPORTS_REDIS_URL (default redis://127.0.0.1:6379/0).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import re
import sys
from collections import Counter
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlparse

from redis import Redis
from rq import Callback, Queue, Retry, Worker
from rq.command import send_shutdown_command, send_stop_job_command
from rq.job import Job, JobStatus
from rq.registry import StartedJobRegistry

from crawler import settings as project_settings
from crawler.cli import EXIT_BAD_INPUT, setting_pair
from crawler.errors import SeedError
from crawler.progress import progress_line
from crawler.run import iso_time, new_run_id, portal_run, utc_now
from crawler.seeds import Seed, load_seeds

from .keys import DEFAULT_REDIS_URL, QUEUE_NAME, RUNS, STREAM, run_key
from .worker import crawl_site, job_ended_badly, job_stopped

DEFAULT_JOB_TIMEOUT = 24 * 3600  # one site's crawl at polite speed can take hours
KEEP_RUNS = 1000  # run ids listed in reports:runs (each run's own keys expire with REPORTS_RUN_TTL)
WAITING = (JobStatus.QUEUED, JobStatus.DEFERRED, JobStatus.SCHEDULED)


def job_key(host: str) -> str:
    """A job key from a host (and port): the characters RQ allows in job ids."""
    return re.sub(r"[^A-Za-z0-9-]", "-", host)


def by_host(seeds: Iterable[Seed]) -> dict[str, list[Seed]]:
    """The seeds grouped by the host of their start URL, in seed-file order: one job each."""
    groups: dict[str, list[Seed]] = {}
    for seed in seeds:
        groups.setdefault(urlparse(seed.start_url).netloc.lower(), []).append(seed)
    return groups


def seed_row(seed: Seed) -> dict[str, Any]:
    """A seed as a seed-file row (the job carries its seeds: workers need not have the file)."""
    row = {k: list(v) if isinstance(v, tuple) else v for k, v in dataclasses.asdict(seed).items()}
    return {k: v for k, v in row.items() if v not in (None, [], {}, "")}


def fill(redis: Redis, seeds: list[Seed], source: str, options: dict[str, Any], retries: int, timeout: int) -> str:
    """Make a run and queue one job per host; return the run id."""
    started = utc_now()
    run_id = new_run_id(started)
    groups = by_host(seeds)
    keys = {host: job_key(host) for host in groups}
    meta: dict[Any, str] = {
        "id": run_id,
        "started_at": iso_time(started),
        "seeds": source,
        "status": "running",
        "start_urls": json.dumps({seed.name: seed.start_url for seed in seeds}, ensure_ascii=False),
        "jobs": json.dumps(list(keys.values())),
    }
    ttl = int(options.get("settings", {}).get("REPORTS_RUN_TTL", project_settings.REPORTS_RUN_TTL))
    with redis.pipeline() as pipe:
        pipe.hset(run_key(run_id), mapping=meta)
        pipe.expire(run_key(run_id), ttl)
        pipe.zadd(RUNS, {run_id: started.timestamp()})
        pipe.zremrangebyrank(RUNS, 0, -KEEP_RUNS - 1)
        pipe.execute()
    queue = Queue(QUEUE_NAME, connection=redis)
    for host, group in groups.items():
        queue.enqueue(
            crawl_site,
            run_id,
            keys[host],
            [seed_row(seed) for seed in group],
            options,
            job_id=f"{run_id}_{keys[host]}",
            description=f"crawl {host}: {', '.join(seed.name for seed in group)}",
            retry=Retry(max=retries) if retries > 0 else None,
            job_timeout=timeout,
            result_ttl=ttl,
            failure_ttl=ttl,
            on_failure=Callback(job_ended_badly),
            on_stopped=Callback(job_stopped),
        )
    return run_id


def run_meta(redis: Redis, run_id: str) -> dict[str, str]:
    """The run's meta hash, decoded; empty when the run is unknown (or expired)."""
    stored: Any = redis.hgetall(run_key(run_id))
    return {k.decode(): v.decode() for k, v in stored.items()}


def latest_run(redis: Redis) -> str | None:
    """The id of the run started last."""
    ids: Any = redis.zrevrange(RUNS, 0, 0)
    return ids[0].decode() if ids else None


def run_stats(redis: Redis, run_id: str) -> dict[str, Any]:
    """The run's per-portal counts (crawler/stats.py keys): numbers, and JSON lists for column routes."""
    stats: dict[str, Any] = {}
    stored: Any = redis.hgetall(run_key(run_id, "stats"))
    for key, value in stored.items():
        name, text = key.decode(), value.decode()
        stats[name] = json.loads(text) if name.endswith("/columns") else int(text)
    return stats


def job_states(redis: Redis, run_id: str, keys: list[str]) -> list[dict[str, Any]]:
    """Each job of the run: key, status, worker, description, retries left (read in one round trip)."""
    StartedJobRegistry(QUEUE_NAME, connection=redis).cleanup()  # re-queues the jobs of dead workers now
    jobs = Job.fetch_many([f"{run_id}_{key}" for key in keys], connection=redis)
    states: list[dict[str, Any]] = []
    for key, job in zip(keys, jobs, strict=True):
        if job is None:
            states.append({"job": key, "status": "expired"})
            continue
        status = job.get_status(refresh=False)
        states.append(
            {
                "job": key,
                "status": str(status.value if status else "unknown"),
                "worker": job.worker_name,
                "description": job.description,
                "retries_left": job.retries_left,
            }
        )
    return states


def status_report(redis: Redis, run_id: str) -> dict[str, Any]:
    """The run as `status` shows it: meta, jobs, portals and how many items wait for the ingest."""
    meta = run_meta(redis, run_id)
    keys = json.loads(meta.get("jobs", "[]"))
    stats = run_stats(redis, run_id)
    names = list(json.loads(meta.get("start_urls", "{}")))
    return {
        "run": run_id,
        "status": meta.get("status"),
        "started_at": meta.get("started_at"),
        "finished_at": meta.get("finished_at"),
        "seeds": meta.get("seeds"),
        "jobs_done": redis.scard(run_key(run_id, "done")),
        "jobs": job_states(redis, run_id, keys),
        "portals": [portal_run(stats, name) for name in names],
        "waiting_items": redis.xlen(STREAM),
    }


def print_status(report: dict[str, Any]) -> None:
    """The status for a person: jobs by state, the running and failed ones, the portals that have counts."""
    jobs = report["jobs"]
    states = Counter(job["status"] for job in jobs)
    print(
        f"run {report['run']} {report['status']} since {report['started_at']} ({report['seeds']}): "
        f"{report['jobs_done']}/{len(jobs)} jobs done ({', '.join(f'{n} {s}' for s, n in states.most_common())}); "
        f"{report['waiting_items']} items waiting for the ingest"
    )
    for job in jobs:
        if job["status"] in ("started", "failed", "stopped"):
            worker = f" on {job['worker']}" if job.get("worker") else ""
            print(f"  {job['status']:<8} {job['job']}{worker}  {job.get('description') or ''}")
    for portal in report["portals"]:
        if portal["requests"] or portal["reports_new"] or portal["failures"]:
            print("  " + progress_line(portal))


def stop(redis: Redis, run_id: str, workers: bool) -> list[str]:
    """Cancel the run's waiting jobs, stop its running ones; with `workers`, ask every worker to exit. Returns what was done."""
    done = []
    redis.hset(run_key(run_id), "status", "stopping")
    for state in job_states(redis, run_id, json.loads(run_meta(redis, run_id).get("jobs", "[]"))):
        job_id = f"{run_id}_{state['job']}"
        if state["status"] in WAITING:
            job = Job.fetch(job_id, connection=redis)
            job.cancel()
            job_stopped(job, redis)
            done.append(f"canceled {state['job']}")
        elif state["status"] == JobStatus.STARTED:
            send_stop_job_command(redis, job_id)
            done.append(f"stopped {state['job']}")
    if workers:
        for worker in Worker.all(connection=redis):
            send_shutdown_command(redis, worker.name)
            done.append(f"asked worker {worker.name} to exit")
    return done


def main(argv: list[str] | None = None) -> int:
    """fill, status or stop."""
    parser = argparse.ArgumentParser(prog="reports-queue", description="Distributed crawl: fill, watch, stop.")
    parser.add_argument("--redis", default=os.environ.get("REPORTS_REDIS_URL", DEFAULT_REDIS_URL), help="Redis URL")
    commands = parser.add_subparsers(dest="command", required=True)
    fill_cmd = commands.add_parser("fill", help="queue one job per site of a seed file; print the run id")
    fill_cmd.add_argument("seeds", help="seed file (YAML or CSV)")
    fill_cmd.add_argument("--portal", metavar="BASE_URL", help="base URL filling {portal} in the seeds")
    fill_cmd.add_argument("--local", action="store_true", help="the workers use crawler.settings_local")
    fill_cmd.add_argument("-s", "--set", action="append", default=[], type=setting_pair, metavar="NAME=VALUE")
    fill_cmd.add_argument("--retries", type=int, default=3, help="tries after a job's worker died or it crashed")
    fill_cmd.add_argument("--job-timeout", type=int, default=DEFAULT_JOB_TIMEOUT, help="seconds one site may take")
    status_cmd = commands.add_parser("status", help="the run's jobs and portals")
    status_cmd.add_argument("--run", help="run id (default: the latest)")
    status_cmd.add_argument("--json", action="store_true", help="print JSON")
    stop_cmd = commands.add_parser("stop", help="cancel the run's waiting jobs and stop its running ones")
    stop_cmd.add_argument("--run", help="run id (default: the latest)")
    stop_cmd.add_argument("--workers", action="store_true", help="also ask every worker to exit")
    args = parser.parse_args(argv)
    redis = Redis.from_url(args.redis)
    if args.command == "fill":
        try:
            seeds = load_seeds(args.seeds, portal=args.portal)
        except SeedError as exc:
            parser.exit(EXIT_BAD_INPUT, f"reports-queue: error: {exc}\n")
        options = {"local": args.local, "settings": dict(args.set)}
        print(fill(redis, seeds, str(args.seeds), options, args.retries, args.job_timeout))
        return 0
    run_id = args.run or latest_run(redis)
    if not run_id or not run_meta(redis, run_id):
        parser.exit(EXIT_BAD_INPUT, f"reports-queue: error: no run {args.run or ''} in {args.redis}\n")
    if args.command == "status":
        report = status_report(redis, run_id)
        if args.json:
            print(json.dumps(report, ensure_ascii=False, indent=1))
        else:
            print_status(report)
        return 0
    for line in stop(redis, run_id, args.workers):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
