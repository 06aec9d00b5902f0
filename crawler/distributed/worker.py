"""`reports-worker`: an RQ worker for the distributed crawl, on any machine that reaches the Redis.

    reports-worker [--redis URL] [--name NAME] [--burst] [--heartbeat S] [--grace S] [--maintenance S]

Each job (one site) runs its crawl in a child process (crawl.py); the child dies with the worker.
A worker that dies loses nothing: its job stays in RQ's started registry until its heartbeat is
--grace seconds late (RQ says 60), then the next worker's maintenance (every --maintenance seconds,
or a `reports-queue status`) puts it back on the queue (Retry), and the retry replays the pages its
first attempt fetched. SIGTERM (systemd stop) lets the current job finish first; a second SIGTERM
or SIGKILL ends it at once (it is then re-queued as above).
"""

from __future__ import annotations

import argparse
import ctypes
import logging
import os
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml
from redis import Redis
from rq import Queue, Worker
from rq.job import Job

from .fetch_once import forget_job
from .handoff import job_end_message
from .keys import DEFAULT_REDIS_URL, QUEUE_NAME, STREAM

logger = logging.getLogger(__name__)

PR_SET_PDEATHSIG = 1  # prctl(2): the signal a child gets when its parent dies (Linux)


class CrawlJobFailed(RuntimeError):
    """A job's crawl did not run to its end (interrupted or crashed): RQ retries it."""


def crawl_site(run_id: str, job_key: str, seeds: list[dict[str, Any]], options: dict[str, Any]) -> str:
    """The RQ job: crawl the seeds of one site in a child process; raise CrawlJobFailed when it did not finish."""
    with tempfile.TemporaryDirectory(prefix="reports-job-") as folder:
        seeds_file = Path(folder) / "seeds.yaml"
        seeds_file.write_text(yaml.safe_dump({"seeds": seeds}, allow_unicode=True), encoding="utf-8")
        command = [sys.executable, "-m", "crawler.distributed.crawl", str(seeds_file), "--run", run_id]
        command += ["--job", job_key, *(["--local"] if options.get("local") else [])]
        command += [f"--set={name}={value}" for name, value in options.get("settings", {}).items()]
        code = subprocess.run(command, preexec_fn=die_with_parent, check=False).returncode
    if code != 0:
        raise CrawlJobFailed(f"the crawl of {job_key} ended with exit code {code}")
    forget_job(Redis.from_url(os.environ.get("REPORTS_REDIS_URL", DEFAULT_REDIS_URL)), run_id, job_key)
    return "finished"


def die_with_parent() -> None:
    """In the child: be killed when the worker's work horse dies (Linux), so no orphan goes on crawling."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def job_ended_badly(job: Job, connection: Redis, *exc_info: Any) -> None:
    """RQ on_failure: when no retry is left, tell the ingest that this job is over (failed)."""
    if job.retries_left:
        return  # RQ tries it again
    run_id, job_key = job.args[0], job.args[1]
    reason = str(exc_info[1]) if len(exc_info) > 1 else "failed"
    connection.xadd(STREAM, job_end_message(run_id, job_key, "failed", {}, []) | {"reason": reason})  # type: ignore[arg-type]
    forget_job(connection, run_id, job_key)


def job_stopped(job: Job, connection: Redis) -> None:
    """RQ on_stopped (reports-queue stop): tell the ingest that this job is over (stopped)."""
    run_id, job_key = job.args[0], job.args[1]
    connection.xadd(STREAM, job_end_message(run_id, job_key, "stopped", {}, []))  # type: ignore[arg-type]
    forget_job(connection, run_id, job_key)


class SiteWorker(Worker):
    """An RQ worker whose dead jobs are noticed `heartbeat_grace` seconds after their last heartbeat."""

    heartbeat_grace = 60

    def get_heartbeat_ttl(self, job: Job) -> int:
        """RQ's TTL with our grace instead of its fixed 60 s."""
        return int(super().get_heartbeat_ttl(job)) - 60 + self.heartbeat_grace


def main(argv: list[str] | None = None) -> int:
    """Work the queue until stopped (or, with --burst, until it is empty)."""
    parser = argparse.ArgumentParser(prog="reports-worker", description="Crawl the sites of the shared queue.")
    parser.add_argument("--redis", default=os.environ.get("REPORTS_REDIS_URL", DEFAULT_REDIS_URL), help="Redis URL")
    parser.add_argument("--name", default=None, help="worker name (default: host and pid)")
    parser.add_argument("--burst", action="store_true", help="stop when the queue is empty")
    parser.add_argument("--heartbeat", type=int, default=30, help="seconds between a job's heartbeats")
    parser.add_argument(
        "--grace", type=int, default=60, help="seconds a heartbeat may be late before the job is re-queued"
    )
    parser.add_argument("--maintenance", type=int, default=60, help="seconds between looks for abandoned jobs")
    parser.add_argument("--log-level", default="INFO")
    args = parser.parse_args(argv)
    os.environ["REPORTS_REDIS_URL"] = args.redis  # the job's crawl process connects there too
    redis = Redis.from_url(args.redis)
    worker = SiteWorker(
        [Queue(QUEUE_NAME, connection=redis)],
        connection=redis,
        name=args.name or f"{socket.gethostname()}.{os.getpid()}",
        job_monitoring_interval=args.heartbeat,
        maintenance_interval=args.maintenance,
        worker_ttl=args.maintenance + 15,  # an idle worker looks for abandoned jobs every --maintenance seconds
    )
    worker.heartbeat_grace = args.grace
    worker.work(burst=args.burst, logging_level=args.log_level.upper(), with_scheduler=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
