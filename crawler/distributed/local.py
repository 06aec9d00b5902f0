"""A throwaway redis-server on 127.0.0.1 (tests, benchmarks, trying the distributed crawl on one machine)."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import yaml
from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError


@contextmanager
def running_redis() -> Iterator[str]:
    """Start redis-server on a free port (no persistence); yield its URL; stop it."""
    server = shutil.which("redis-server")
    assert server, "redis-server is not installed (apt-get install redis-server; make system-deps does it)"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    for _ in range(200):
        try:
            Redis.from_url(url).ping()
            break
        except RedisConnectionError:
            time.sleep(0.05)
    try:
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def seeds_on_own_hosts(seed_file: Path, bases: list[str], out: Path) -> Path:
    """The seeds of a `{portal}` seed file with each seed on a host of its own (one base URL per seed): the
    sample portal served on several loopback addresses plays several sites for the distributed crawl."""
    rows = yaml.safe_load(seed_file.read_text(encoding="utf-8"))["seeds"]
    for row, base in zip(rows, bases, strict=True):
        row.update(json.loads(json.dumps(row, ensure_ascii=False).replace("{portal}", base)))
        row["allowed_domains"] = [urlparse(base).hostname]
    out.write_text(yaml.safe_dump({"seeds": rows}, allow_unicode=True), encoding="utf-8")
    return out
