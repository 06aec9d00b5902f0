"""The distributed crawl as the README runs it: a real redis-server, `reports-queue fill`, two `reports-worker`s and
one `reports-ingest`, against the sample portal with each site on its own host (127.0.0.1 … 127.0.0.7).

One worker is killed (SIGKILL, its whole process group: a machine gone) while it crawls a site; the other finishes
that site. Then: every report is indexed exactly once, no page was fetched twice (the site's own access log), and
each host saw one request at a time, DOWNLOAD_DELAY apart, whichever worker asked.
"""

from __future__ import annotations

import collections
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from redis import Redis

from crawler.distributed.keys import QUEUE_NAME, pages_key
from crawler.distributed.local import running_redis, seeds_on_own_hosts
from crawler.seeds import load_seeds
from indexer.storage import open_backend
from sample_portal.server import PortalServer, running_portal

ROOT = Path(__file__).resolve().parents[1]
DELAY = 0.15  # DOWNLOAD_DELAY of the run: the gap the portal's access log must show between two requests to one host
POLITE = ["-s", f"DOWNLOAD_DELAY={DELAY}", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1", "-s", "REPORTS_HOST_LEASE=4"]
# Workers that notice a dead one within seconds (the defaults are 30 s heartbeats, 60 s grace).
QUICK = ["--heartbeat", "1", "--grace", "3", "--maintenance", "2"]
IN_FLIGHT_S = 1.0  # a page answered this shortly before the kill may be asked again (its answer never arrived)


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    with running_redis() as url:
        yield url


@pytest.fixture(scope="module")
def portal_hosts() -> Iterator[list[PortalServer]]:
    """The sample portal served on seven loopback addresses: each seed gets a host of its own."""
    with contextlib.ExitStack() as stack:
        yield [stack.enter_context(running_portal(f"127.0.0.{n}")) for n in range(1, 8)]


def command(name: str, *args: str, redis_url: str, **popen: object) -> subprocess.Popen[bytes]:
    """Start one of the console scripts (from this virtualenv) with REPORTS_REDIS_URL set."""
    script = str(Path(sys.executable).with_name(name))
    env = dict(os.environ, REPORTS_REDIS_URL=redis_url)
    return subprocess.Popen([script, *args], cwd=ROOT, env=env, **popen)  # type: ignore[call-overload]


def run_command(name: str, *args: str, redis_url: str) -> str:
    """Run a console script to its end; return what it printed."""
    proc = command(name, *args, redis_url=redis_url, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err.decode()[-2000:]
    return out.decode()


@pytest.fixture(scope="module")
def crawl(redis_url: str, portal_hosts: list[PortalServer], tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Fill the queue, run the ingest and two workers, kill one mid-site; return what happened."""
    folder = tmp_path_factory.mktemp("distributed")
    bases = [server.base_url for server in portal_hosts]
    seeds_file = seeds_on_own_hosts(ROOT / "seeds/sample_portal.yaml", bases, folder / "seeds.yaml")
    seeds = load_seeds(seeds_file)
    db = folder / "index.sqlite"

    run_id = run_command("reports-queue", "fill", str(seeds_file), "--local", *POLITE, redis_url=redis_url).strip()
    logs = {name: (folder / f"{name}.log").open("wb") for name in ("ingest", "worker-a", "worker-b")}
    ingest = command("reports-ingest", "--db", str(db), "--exit-when-done", redis_url=redis_url, stderr=logs["ingest"])
    workers = {
        name: command(
            "reports-worker", "--name", name, *QUICK, redis_url=redis_url, stderr=logs[name], start_new_session=True
        )
        for name in ("worker-a", "worker-b")
    }
    redis = Redis.from_url(redis_url)
    killed_job, killed_at = kill_mid_site(redis, run_id, workers["worker-a"], "worker-a")
    try:
        ingest.wait(timeout=600)
    finally:
        stopped = run_command("reports-queue", "stop", "--workers", redis_url=redis_url)
        stopped_code = workers["worker-b"].wait(timeout=60)
        for handle in logs.values():
            handle.close()
    status = json.loads(run_command("reports-queue", "status", "--run", run_id, "--json", redis_url=redis_url))
    backend = open_backend(str(db))
    try:
        records = list(backend.records())
        runs = list(backend.runs(limit=5))
    finally:
        backend.close()
    return {
        "run_id": run_id,
        "seeds": seeds,
        "killed_job": killed_job,
        "killed_at": killed_at,
        "status": status,
        "records": records,
        "runs": runs,
        "stopped": stopped,
        "ingest_code": ingest.returncode,
        "worker_b_code": stopped_code,
        "logs": {name: (folder / f"{name}.log").read_text(errors="replace") for name in logs},
    }


def kill_mid_site(redis: Redis, run_id: str, worker: subprocess.Popen[bytes], name: str) -> tuple[str, float]:
    """Wait until `name` has fetched a few pages of a site, then SIGKILL its process group; return the job and when."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        for job_id in redis.zrange(f"rq:wip:{QUEUE_NAME}", 0, -1):
            job_id = job_id.decode().split(":")[0]
            key = job_id.removeprefix(f"{run_id}_")
            if (
                redis.hget(f"rq:job:{job_id}", "worker_name") == name.encode()
                and redis.hlen(pages_key(run_id, key)) >= 10
            ):
                killed_at = time.time()
                kill_tree(worker.pid)
                worker.wait(timeout=10)
                return key, killed_at
        time.sleep(0.05)
    pytest.fail(f"{name} never got far into a site")


def kill_tree(pid: int) -> None:
    """SIGKILL a process and all its descendants at once, as a machine that goes away (RQ's work horse runs in a
    session of its own, so killing the worker's process group would leave it running)."""
    children: dict[int, list[int]] = collections.defaultdict(list)
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children[int(fields[1])].append(int(stat.parent.name))
    tree, todo = [], [pid]
    while todo:
        tree.append(todo.pop())
        todo += children.get(tree[-1], [])
    for member in tree:
        os.kill(member, signal.SIGKILL)


def truth_reports(portal_hosts: list[PortalServer], seeds: list) -> set[str]:
    """The report URLs of each seed's site, on the host that seed was given."""
    expected = set()
    for seed, server in zip(seeds, portal_hosts, strict=True):
        truth = httpx.get(f"{server.base_url}/_truth.json").json()
        expected |= {r["url"] for r in truth["reports"] if r["site"] == seed.name}
    return expected


def test_every_report_indexed_exactly_once(crawl: dict, portal_hosts: list[PortalServer]) -> None:
    urls = [record["url"] for record in crawl["records"]]
    assert len(urls) == len(set(urls))
    expected = truth_reports(portal_hosts, crawl["seeds"])
    assert len(expected) == 171
    assert set(urls) == expected


def test_the_killed_workers_site_was_finished_by_the_other(crawl: dict) -> None:
    jobs = {job["job"]: job for job in crawl["status"]["jobs"]}
    killed = jobs[crawl["killed_job"]]
    assert killed["status"] == "finished"
    assert killed["worker"] == "worker-b"
    assert all(job["status"] == "finished" for job in jobs.values())
    assert crawl["ingest_code"] == 0
    run = crawl["runs"][0]
    assert run["id"] == crawl["run_id"] and run["status"] == "finished"
    assert sum(p["reports_new"] for p in run["portals"]) == 171
    assert all(p["column_found"] for p in run["portals"])


def test_no_page_fetched_twice(crawl: dict, portal_hosts: list[PortalServer]) -> None:
    answers = [access for server in portal_hosts for access in server.access_log]
    counts = collections.Counter((a.host, a.method, a.path, a.form) for a in answers)
    twice = {key for key, n in counts.items() if n > 1}
    first = {(a.host, a.method, a.path, a.form): a.at for a in reversed(answers)}
    # Only a page in flight when the worker was killed may be asked again: its answer never reached anyone.
    assert {key for key in twice if not crawl["killed_at"] - IN_FLIGHT_S <= first[key] <= crawl["killed_at"]} == set()
    assert len(twice) <= 2


def test_one_request_at_a_time_per_host_whichever_worker(crawl: dict, portal_hosts: list[PortalServer]) -> None:
    for server in portal_hosts:
        times = sorted(access.at for access in server.access_log if access.path != "/_truth.json")
        gaps = [later - earlier for earlier, later in zip(times, times[1:], strict=False)]
        assert len(times) > 10
        # Sent DOWNLOAD_DELAY apart; the arrival times the portal logs can shift a little on a busy machine (its seven
        # hosts share one process). Two workers on one host would put about half the gaps under DELAY / 2.
        short = [gap for gap in gaps if gap < DELAY / 2]
        assert len(short) <= max(1, len(gaps) // 50), (server.base_url, short)
        assert min(gaps) >= DELAY / 10, server.base_url
        assert sorted(gaps)[len(gaps) // 2] >= DELAY, server.base_url


def test_stop_asks_the_workers_to_exit(crawl: dict) -> None:
    assert "asked worker worker-b to exit" in crawl["stopped"]
    assert crawl["worker_b_code"] == 0
