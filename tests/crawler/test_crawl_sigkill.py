"""A crawl killed with SIGKILL at several points and restarted ends as one uninterrupted crawl: same reports, once each, intact index."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from crawl_process import kill_when, run_crawl, start_crawl, stored_report_urls
from sample_portal.server import running_portal

SEEDS = "seeds/sample_portal.yaml"
KILL_POINTS = (5, 20, 40)  # stored reports when the crawl is killed


@pytest.fixture(scope="module")
def portal():
    with running_portal() as server:
        yield server.base_url


def reports(db: Path) -> list[tuple[str, str]]:
    """Return (url, content hash) of every stored report, sorted."""
    with closing(sqlite3.connect(db)) as connection:
        return sorted(connection.execute("SELECT url, content_hash FROM reports"))


def integrity_problems(db: Path) -> list[str]:
    """Return what SQLite's and FTS5's integrity checks find wrong (nothing for an intact index)."""
    with closing(sqlite3.connect(db)) as connection:
        problems = [row[0] for row in connection.execute("PRAGMA integrity_check") if row[0] != "ok"]
        fts_tables = connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%USING fts5%'"
        ).fetchall()
        assert fts_tables, "no FTS5 table"
        for (name,) in fts_tables:
            try:
                connection.execute(f"INSERT INTO {name}({name}) VALUES ('integrity-check')")
            except sqlite3.DatabaseError as error:
                problems.append(f"{name}: {error}")
        records = connection.execute("SELECT count(*) FROM report_records").fetchone()[0]
        rows = connection.execute("SELECT count(*) FROM reports").fetchone()[0]
        if records != rows:
            problems.append(f"{rows} reports but {records} records")
    return problems


def test_killed_and_restarted_crawl_ends_like_an_uninterrupted_one(portal, tmp_path):
    reference = tmp_path / "uninterrupted.sqlite"
    assert run_crawl(SEEDS, portal, reference).returncode == 0
    expected = reports(reference)
    assert len(expected) > max(KILL_POINTS)

    db = tmp_path / "killed.sqlite"
    for point in KILL_POINTS:
        process = start_crawl(SEEDS, portal, db, tmp_path / f"killed-at-{point}.log")
        kill_when(process, lambda point=point: len(stored_report_urls(db)) >= point)
        assert process.returncode < 0  # killed, not finished
        assert point <= len(reports(db)) < len(expected)
        assert integrity_problems(db) == []

    restarted = run_crawl(SEEDS, portal, db)
    assert restarted.returncode == 0, restarted.log[-2000:]
    assert reports(db) == expected
    urls = stored_report_urls(db)
    assert len(urls) == len(set(urls))
    assert integrity_problems(db) == []
