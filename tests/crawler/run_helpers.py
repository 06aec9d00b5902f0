"""Helpers for the run tests: seed files of sample-portal sites, the crawl commands as real subprocesses, stored runs."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from indexer.errors import StorageUnavailable
from indexer.model import Run
from indexer.storage import StorageOptions, open_backend

REPORTS_CRAWL = Path(sys.executable).with_name("reports-crawl")
RECRAWL = [sys.executable, "-m", "crawler.schedule"]  # the reports-recrawl console script
UNREACHABLE = "http://127.0.0.1:9"  # the discard port: connection refused
SLOW = ["-s", "DOWNLOAD_DELAY=0.5", "-s", "DOWNLOAD_DELAY_JITTER=0", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1"]


def seed_file(folder: Path, **start_paths: str) -> Path:
    """A seed file with one seed per name, starting at `{portal}` + path (or a full URL)."""
    lines = ["seeds:"]
    for name, path in start_paths.items():
        start = path if "://" in path else "{portal}" + path
        lines += [f"  - name: {name}", f'    start_url: "{start}"', "    allowed_domains: [127.0.0.1]"]
    path = folder / "seeds.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without the variables that would choose settings, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if k not in ("SCRAPY_SETTINGS_MODULE", "REPORTS_DB")}
    return {**env, **extra}


def run_command(command: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run a command to its end and keep what it printed."""
    return subprocess.run(command, cwd=cwd, env=clean_env(**env), capture_output=True, text=True, timeout=300)


def stored_runs(db: Path) -> list[Run]:
    """The runs in the index, newest first."""
    backend = open_backend(db, StorageOptions(read_only=True))
    try:
        return backend.runs(limit=50)
    finally:
        backend.close()


def wait_for_running_run(db: Path, timeout: float = 60) -> Run:
    """Wait until a crawl has saved its run as running; return it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            running = [run for run in stored_runs(db) if run["status"] == "running"]
        except StorageUnavailable:  # not created yet
            running = []
        if running:
            return running[0]
        time.sleep(0.2)
    raise AssertionError(f"no running run in {db} after {timeout} s")
