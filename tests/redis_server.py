"""A real redis-server for the tests of the distributed crawl (Debian's redis-server; scripts/system_deps.sh)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager

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
