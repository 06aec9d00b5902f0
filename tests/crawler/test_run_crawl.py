"""Each `reports-crawl` is a run: stored with per-portal counts, summed up at the end, with progress while it goes.

Real subprocesses crawl the sample portal over HTTP into real SQLite files.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import termios
import time
from pathlib import Path

import httpx
import pytest
from run_helpers import REPORTS_CRAWL, UNREACHABLE, clean_env, run_command, seed_file, stored_runs

from indexer.storage import StorageOptions, open_backend

RUN_ID_RE = re.compile(r"^\d{8}T\d{6}Z-[0-9a-f]{4}$")
SITES = {"saihan": "/saihan/index.html", "lingwu": "/lingwu/index.html"}
SUMMARY_HEADER_RE = re.compile(
    r"^portal +requests +pages +304 +new +changed +unchanged +failures +column +budgets$", re.M
)


def crawl_args(seeds: Path, portal: str, db: Path, *extra: str) -> list[str]:
    """reports-crawl of a seed file on the sample portal (fast local settings) into `db`."""
    return [str(REPORTS_CRAWL), str(seeds), "--portal", portal, "--local", "--db", str(db), *extra]


@pytest.fixture(scope="module")
def truth(portal: str) -> dict:
    return httpx.get(f"{portal}/_truth.json").json()


@pytest.fixture(scope="module")
def two_crawls(portal, tmp_path_factory):
    """Two crawls of two sites into one index, the second revalidating the first's HTTP cache."""
    folder = tmp_path_factory.mktemp("runs")
    db = folder / "reports.sqlite"
    args = crawl_args(seed_file(folder, **SITES), portal, db, "-s", "REPORTS_PROGRESS_INTERVAL=0.2")
    env = {"REPORTS_INCREMENTAL": "1", "REPORTS_HTTPCACHE_DIR": str(folder / "httpcache")}
    first = run_command(args, folder, **env)
    second = run_command(args, folder, **env)
    return first, second, db


def test_each_crawl_is_a_stored_run_newest_first(two_crawls):
    first, second, db = two_crawls
    assert first.returncode == 0, first.stderr[-3000:]
    assert second.returncode == 0, second.stderr[-3000:]
    newer, older = stored_runs(db)
    assert newer["id"] != older["id"] and newer["started_at"] >= older["started_at"]
    for run in (newer, older):
        assert RUN_ID_RE.match(run["id"])
        assert run["status"] == "finished" and run["finished_at"] >= run["started_at"]
        assert [p["portal"] for p in run["portals"]] == list(SITES)
    assert f"Run {older['id']} finished" in first.stderr and f"Run {newer['id']} finished" in second.stderr


def test_first_run_finds_new_reports_and_the_second_finds_them_unchanged_with_304s(two_crawls, truth):
    _, _, db = two_crawls
    newer, older = stored_runs(db)
    for run in (newer, older):
        for portal in run["portals"]:
            assert portal["pages"] >= portal["not_modified"] and portal["requests"] > 0
    for name in SITES:
        expected = sum(report["site"] == name for report in truth["reports"])
        first = next(p for p in older["portals"] if p["portal"] == name)
        second = next(p for p in newer["portals"] if p["portal"] == name)
        assert (first["reports_new"], first["reports_changed"], first["reports_unchanged"]) == (expected, 0, 0)
        assert (second["reports_new"], second["reports_changed"], second["reports_unchanged"]) == (0, 0, expected)
        assert first["not_modified"] == 0 and second["not_modified"] >= expected


def test_every_failure_row_names_the_run_that_last_met_it(two_crawls):
    _, _, db = two_crawls
    newer, older = stored_runs(db)
    backend = open_backend(db, StorageOptions(read_only=True))
    try:
        met_again = backend.failures(run_id=newer["id"], limit=1000)
        only_first = backend.failures(run_id=older["id"], limit=1000)
        everything = backend.failures(limit=1000)
    finally:
        backend.close()
    counted = sum(sum(p["failures"].values()) for p in newer["portals"])
    assert met_again.total == everything.total == counted > 0  # the sample sites have broken links
    assert only_first.total == 0  # each row now names the second run
    assert all(f["count"] == 2 and f["first_seen"] <= f["last_seen"] for f in met_again.failures)


def test_summary_table_and_progress_lines_are_logged(two_crawls):
    first, _, db = two_crawls
    _, older = stored_runs(db)
    summary = first.stderr[first.stderr.index(f"Run {older['id']} finished") :]
    assert SUMMARY_HEADER_RE.search(summary)
    rows = [line.split()[0] for line in summary.splitlines()[2:5]]
    assert rows == ["saihan", "lingwu", "total"]
    assert re.search(r"Progress saihan: requests \d+, pages \d+ \(304: \d+\), reports \d+", first.stderr)
    assert "\x1b[" not in first.stderr  # no live table without a terminal


def test_a_seed_without_a_column_and_a_seed_never_reached_are_warnings(portal, tmp_path):
    seeds = seed_file(tmp_path, plain="/robots.txt", gone=f"{UNREACHABLE}/index.html")
    db = tmp_path / "reports.sqlite"
    done = run_command(crawl_args(seeds, portal, db), tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]  # one seed could be crawled
    assert f"WARNING plain: no 年报 column found from {portal}/robots.txt" in done.stderr
    assert f"WARNING gone: start page {UNREACHABLE}/index.html never fetched (see its failures)" in done.stderr
    (run,) = stored_runs(db)
    backend = open_backend(db, StorageOptions(read_only=True))
    try:
        no_column = backend.failures(kind="no_column").failures
        gone = backend.failures(portal="gone").failures
    finally:
        backend.close()
    assert [(f["url"], f["portal"], f["run_id"]) for f in no_column] == [(f"{portal}/robots.txt", "plain", run["id"])]
    assert "no 年报 column found" in no_column[0]["reason"]
    assert gone and all(f["kind"] != "no_column" for f in gone)
    plain = next(p for p in run["portals"] if p["portal"] == "plain")
    assert plain["failures"] == {"no_column": 1} and not plain["column_found"]


def test_a_crawl_that_fetches_nothing_fails_with_exit_3(portal, tmp_path):
    seeds = seed_file(tmp_path, gone=f"{UNREACHABLE}/index.html")
    db = tmp_path / "reports.sqlite"
    done = run_command(crawl_args(seeds, portal, db), tmp_path)
    assert done.returncode == 3, done.stderr[-3000:]
    assert "ERROR no page of any seed could be fetched: the run failed" in done.stderr
    (run,) = stored_runs(db)
    assert run["status"] == "failed" and run["finished_at"]


def on_a_terminal(command: list[str], cwd: Path, timeout: float = 120) -> tuple[int, str]:
    """Run a command with a pseudo-terminal (120 columns) as stdin/stdout/stderr; its exit code and output."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    proc = subprocess.Popen(command, cwd=cwd, env=clean_env(), stdin=slave, stdout=slave, stderr=slave)
    os.close(slave)
    chunks = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 1)
            if not ready:
                continue
            try:
                data = os.read(master, 65536)
            except OSError:  # the other side closed: the command ended
                break
            if not data:
                break
            chunks.append(data)
    finally:
        os.close(master)
        if proc.poll() is None:
            proc.kill()
        proc.wait()
    return proc.returncode, b"".join(chunks).decode("utf-8", "replace")


def test_on_a_terminal_a_live_table_replaces_progress_lines(portal, tmp_path):
    seeds = seed_file(tmp_path, lingwu=SITES["lingwu"])
    slow = ["-s", "DOWNLOAD_DELAY=0.1", "-s", "DOWNLOAD_DELAY_JITTER=0", "-s", "REPORTS_PROGRESS_INTERVAL=0.2"]
    code, output = on_a_terminal(crawl_args(seeds, portal, tmp_path / "reports.sqlite", *slow), tmp_path)
    assert code == 0, output[-3000:]
    assert re.search(r"\x1b\[\d+A\r\x1b\[J", output)  # the table was redrawn in place
    assert re.search(r"portal +requests +pages +304 +reports +failures", output)
    assert "Progress lingwu" not in output  # never both
    assert re.search(r"Run \S+ finished", output)
