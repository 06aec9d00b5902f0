"""Distributed crawl throughput (not a test): the sample portal's seven sites, each on its own loopback host, crawled
politely (DOWNLOAD_DELAY per host, one request at a time) by 1, 2, 4 … workers through a local redis-server.

For each worker count: wall time from `reports-queue fill` to the ingest's end, requests the portal answered,
reports stored, and the most requests any one host answered per second (politeness holds whatever the count).

    python bench/distributed_crawl.py --workers 1 2 4 --delay 0.2
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from redis import Redis

from crawler.distributed.local import running_redis, seeds_on_own_hosts
from indexer.storage import open_backend
from sample_portal.server import PortalServer, running_portal

ROOT = Path(__file__).resolve().parents[1]
HOSTS = 7


def script(name: str) -> str:
    """A console script of this virtualenv."""
    return str(Path(sys.executable).with_name(name))


def quiet_process(env: dict[str, str], *command: str) -> subprocess.Popen[bytes]:
    """Start a command with its output discarded."""
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def one_run(redis_url: str, servers: list[PortalServer], workers: int, delay: float, folder: Path) -> dict[str, float]:
    """Fill, ingest, crawl with `workers` workers; return the figures."""
    Redis.from_url(redis_url).flushdb()
    for server in servers:
        server.access_log.clear()
    env = dict(os.environ, REPORTS_REDIS_URL=redis_url)
    seeds = seeds_on_own_hosts(ROOT / "seeds/sample_portal.yaml", [s.base_url for s in servers], folder / "seeds.yaml")
    db = folder / f"workers-{workers}.sqlite"
    polite = ["-s", f"DOWNLOAD_DELAY={delay}", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1"]
    started = time.monotonic()
    subprocess.run(
        [script("reports-queue"), "fill", str(seeds), "--local", *polite],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    ingest = quiet_process(env, script("reports-ingest"), "--db", str(db), "--exit-when-done")
    crawlers = [quiet_process(env, script("reports-worker"), "--burst", "--name", f"w{n}") for n in range(workers)]
    for proc in crawlers:
        proc.wait()
    crawled = time.monotonic() - started
    ingest.wait()
    total = time.monotonic() - started
    backend = open_backend(str(db))
    try:
        reports = sum(1 for _ in backend.records())
    finally:
        backend.close()
    answered = [a for s in servers for a in s.access_log if a.path != "/_truth.json"]
    busiest = max(len([a for a in s.access_log if a.path != "/_truth.json"]) for s in servers)
    return {
        "workers": workers,
        "crawl_s": crawled,
        "total_s": total,
        "requests": len(answered),
        "reports": reports,
        "busiest_host_rps": busiest / crawled,
    }


def main() -> None:
    """Run the bench for each worker count and print a table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--delay", type=float, default=0.2, help="DOWNLOAD_DELAY per host (seconds)")
    args = parser.parse_args()
    rows = []
    with contextlib.ExitStack() as stack, running_redis() as redis_url, tempfile.TemporaryDirectory() as folder:
        servers = [stack.enter_context(running_portal(f"127.0.0.{n}")) for n in range(1, HOSTS + 1)]
        for workers in args.workers:
            row = one_run(redis_url, servers, workers, args.delay, Path(folder))
            print(
                f"{workers} workers: crawl {row['crawl_s']:.1f} s, to the last record {row['total_s']:.1f} s, "
                f"{row['requests']} requests, {row['reports']} reports",
                flush=True,
            )
            rows.append(row)
    print(f"\nDOWNLOAD_DELAY {args.delay} s, one request at a time per host, {HOSTS} hosts")
    print("| workers | crawl (s) | to the last record (s) | requests | reports | busiest host (req/s) |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        print(
            f"| {row['workers']} | {row['crawl_s']:.1f} | {row['total_s']:.1f} | {row['requests']} | {row['reports']} "
            f"| {row['busiest_host_rps']:.2f} |"
        )


if __name__ == "__main__":
    main()
