"""Run `scrapy crawl reports` in a subprocess with the local profile; measure it; read the index it wrote."""

from __future__ import annotations

import ast
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STATS_RE = re.compile(r"Dumping Scrapy stats:\s*(\{.*?\})\s*\n\d{4}-\d{2}-\d{2} ", re.S)
CRAWL_TIMEOUT_SECONDS = 300
MEASURED = (  # run argv[1:], print the peak RSS of that child (ru_maxrss), exit with its code
    "import resource, subprocess, sys; code = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(code)"
)


@dataclass
class Crawl:
    """How a crawl process ended: exit code, log, wall time and peak resident memory."""

    returncode: int
    log: str
    seconds: float
    peak_rss_mb: float

    @property
    def stats(self) -> dict:
        """Return Scrapy's final stats dump (the log must be at INFO or below)."""
        match = STATS_RE.search(self.log)
        if not match:
            raise AssertionError("no stats dump in the log: " + self.log[-2000:])
        return ast.literal_eval(re.sub(r"datetime\.datetime\([^)]*\)", "None", match.group(1)))


def crawl_command(seeds: str, portal: str, log_level: str) -> list[str]:
    """Return the command crawling a seed file of the sample portal."""
    return [sys.executable, "-m", "scrapy", "crawl", "reports", "-a", f"seeds={seeds}", "-a", f"portal={portal}"] + [
        "-L",
        log_level,
    ]


def start_crawl(seeds: str, portal: str, db: Path, log: Path, *, log_level: str = "INFO") -> subprocess.Popen:
    """Start a crawl with crawler.settings_local writing into `db`; its log goes to `log`."""
    env = dict(os.environ, SCRAPY_SETTINGS_MODULE="crawler.settings_local", REPORTS_DB=str(db))
    with log.open("wb") as stderr:
        return subprocess.Popen(
            crawl_command(seeds, portal, log_level), cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=stderr
        )


def run_crawl(seeds: str, portal: str, db: Path, *, log_level: str = "INFO") -> Crawl:
    """Run one crawl to its end and measure its peak memory, as the OS counts it (getrusage of a small launcher's child).

    The crawl is started by a fresh Python that does nothing else: a process forked from this one
    (the test runner, hundreds of MB) would count the runner's memory as its own until it execs.
    """
    log = db.with_suffix(".log")
    env = dict(os.environ, SCRAPY_SETTINGS_MODULE="crawler.settings_local", REPORTS_DB=str(db))
    started = time.monotonic()
    with log.open("wb") as stderr:
        done = subprocess.run(
            [sys.executable, "-c", MEASURED, *crawl_command(seeds, portal, log_level)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=stderr,
            timeout=CRAWL_TIMEOUT_SECONDS,
            check=False,
        )
    seconds = time.monotonic() - started
    peak_kb = int(done.stdout.split()[-1]) / (1024 if sys.platform == "darwin" else 1)  # bytes on macOS
    return Crawl(done.returncode, log.read_text(encoding="utf-8", errors="replace"), seconds, peak_kb / 1024)


def kill_when(process: subprocess.Popen, ready: Callable[[], bool], timeout: float = CRAWL_TIMEOUT_SECONDS) -> None:
    """SIGKILL a process as soon as `ready()` holds (polled); fail if it ended first."""
    deadline = time.monotonic() + timeout
    while not ready():
        if process.poll() is not None:
            raise AssertionError(f"crawl ended (exit {process.returncode}) before the kill point")
        if time.monotonic() > deadline:
            raise TimeoutError("kill point not reached")
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)


def read_only(db: Path) -> sqlite3.Connection:
    """Open the index read-only (safe while a crawl writes it)."""
    return sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)


def stored_report_urls(db: Path) -> list[str]:
    """Return the URL of every stored report (one per report row)."""
    if not db.exists():
        return []
    with closing(read_only(db)) as connection:
        try:
            return [url for (url,) in connection.execute("SELECT url FROM reports")]
        except sqlite3.OperationalError:  # not created yet
            return []


def failures(db: Path) -> list[tuple[str, str, str]]:
    """Return (url, kind, reason) of every failure row."""
    with closing(read_only(db)) as connection:
        return list(connection.execute("SELECT url, kind, reason FROM failures"))
