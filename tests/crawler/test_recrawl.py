"""`reports-recrawl` (crawler/schedule.py) as cron runs it: one at a time under a lock, logged to a file, exit codes.

Real subprocesses crawl the sample portal over HTTP into real SQLite files; one of them is killed with SIGKILL.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from run_helpers import (
    RECRAWL,
    REPORTS_CRAWL,
    SLOW,
    UNREACHABLE,
    clean_env,
    run_command,
    seed_file,
    stored_runs,
    wait_for_running_run,
)

from indexer.model import Run

EXIT_LOCKED = 75
EXIT_CRAWL_FAILED = 3


@dataclass
class Overlap:
    """What happened around a slow recrawl that was finally killed."""

    killed_pid: int
    killed_run: Run
    refused: subprocess.CompletedProcess[str]  # a second recrawl while the first ran
    alongside: subprocess.CompletedProcess[str]  # a plain reports-crawl of the same index meanwhile
    status_while_alive: str  # the first run's stored status after that crawl
    after_kill: subprocess.CompletedProcess[str]  # a recrawl after the first was killed
    runs: dict[str, Run]  # every run at the end, by id
    log: str  # the log file at the end


def recrawl_args(seeds: Path, portal: str, db: Path, log: Path, *extra: str) -> list[str]:
    """reports-recrawl of a seed file on the sample portal (fast local settings) into `db`, logging to `log`."""
    return [*RECRAWL, str(seeds), "--portal", portal, "--local", "--db", str(db), "--log-file", str(log), *extra]


@pytest.fixture(scope="module")
def overlap(portal, tmp_path_factory) -> Overlap:
    """A slow recrawl; meanwhile a second recrawl and a plain crawl; then SIGKILL, then another recrawl."""
    folder = tmp_path_factory.mktemp("recrawl")
    db, log = folder / "data" / "reports.sqlite", folder / "logs" / "recrawl.log"
    (folder / "slow").mkdir()
    (folder / "quick").mkdir()
    slow_seeds = seed_file(folder / "slow", saihan="/saihan/index.html")
    quick_seeds = seed_file(folder / "quick", plain="/robots.txt")
    first = subprocess.Popen(
        recrawl_args(slow_seeds, portal, db, log, *SLOW), cwd=folder, env=clean_env(), stderr=subprocess.PIPE, text=True
    )
    try:
        killed_run = wait_for_running_run(db)
        refused = run_command(recrawl_args(quick_seeds, portal, db, log), folder)
        alongside = run_command(
            [str(REPORTS_CRAWL), str(quick_seeds), "--portal", portal, "--local", "--db", str(db)], folder
        )
        status_while_alive = next(r["status"] for r in stored_runs(db) if r["id"] == killed_run["id"])
        assert first.poll() is None, "the slow recrawl ended too soon for this test"
    finally:
        first.kill()
        first.communicate()
    after_kill = run_command(recrawl_args(quick_seeds, portal, db, log), folder)
    runs = {run["id"]: run for run in stored_runs(db)}
    return Overlap(
        first.pid, killed_run, refused, alongside, status_while_alive, after_kill, runs, log.read_text(encoding="utf-8")
    )


def test_a_second_recrawl_refuses_with_one_line_and_exit_75(overlap):
    refused = overlap.refused
    assert refused.returncode == EXIT_LOCKED, refused.stderr[-3000:]
    assert refused.stderr.count("\n") == 1
    assert refused.stderr.startswith("reports-recrawl: not started: another crawl holds ")
    assert f"reports.sqlite-recrawl.lock (pid {overlap.killed_pid} since " in refused.stderr
    assert refused.stderr.strip() in overlap.log  # and the log file says so too


def test_a_crawl_alongside_leaves_the_live_run_running(overlap):
    assert overlap.alongside.returncode == 0, overlap.alongside.stderr[-3000:]
    assert overlap.status_while_alive == "running"


def test_after_sigkill_the_lock_is_free_and_the_dead_run_is_marked_interrupted(overlap):
    after = overlap.after_kill
    assert after.returncode == 0, after.stderr[-3000:]
    assert after.stdout == after.stderr == ""  # nothing for cron to mail
    assert overlap.runs[overlap.killed_run["id"]]["status"] == "interrupted"
    assert [run["status"] for run in overlap.runs.values()].count("finished") == 2  # alongside and after the kill


def test_the_log_file_collects_each_recrawls_log_and_summary(overlap):
    newest = max(overlap.runs.values(), key=lambda run: run["started_at"])
    assert overlap.log.count("[scrapy.core.engine] INFO: Spider opened") == 2  # the killed one and the last one
    assert f"Run {newest['id']} finished" in overlap.log
    assert f"Run {overlap.killed_run['id']} was left running by a crawl that is gone: marked interrupted" in overlap.log


def test_a_recrawl_that_fetches_nothing_exits_3_and_says_where_to_look(portal, tmp_path):
    seeds = seed_file(tmp_path, gone=f"{UNREACHABLE}/index.html")
    db, log = tmp_path / "reports.sqlite", tmp_path / "recrawl.log"
    done = run_command(recrawl_args(seeds, portal, db, log), tmp_path)
    assert done.returncode == EXIT_CRAWL_FAILED, done.stderr[-3000:]
    (run,) = stored_runs(db)
    assert done.stderr == f"reports-recrawl: run {run['id']} failed; see {log}\n"
    assert "ERROR no page of any seed could be fetched: the run failed" in log.read_text(encoding="utf-8")


def test_recrawl_needs_db_and_log_file(tmp_path):
    done = run_command([*RECRAWL, "seeds.yaml"], tmp_path)
    assert done.returncode == 2 and "--db" in done.stderr and "--log-file" in done.stderr
