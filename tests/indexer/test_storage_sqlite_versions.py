"""Version history in the SQLite file: a write and the version it supersedes are one transaction, so a failure
or a killed process mid-write never loses a stored record or leaves a version without its text; and what each
superseded version costs."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from indexer.storage import SearchQuery, open_backend
from registry_records import lvyuan_records

ROOT = Path(__file__).resolve().parents[2]
EDITS = 400  # edits the killed writer would make, one write each


def edit(record: dict, n: int) -> dict:
    """The n-th edit of a report: one sentence and the content hash differ."""
    return {
        **record,
        "text": record["text"] + f"\n第{n}次更正。",
        "content_hash": f"edit-{n}",
        "fetched_at": f"2026-01-01T05:{n // 60:02d}:{n % 60:02d}+00:00",
    }


def test_a_failure_mid_write_keeps_the_stored_record_and_its_versions(tmp_path):
    path = tmp_path / "reports.sqlite"
    report = lvyuan_records()[0]
    backend = open_backend(path)
    try:
        backend.write([edit(report, 1)])
        backend.write([edit(report, 2)])
        before = (backend.get(report["id"]), backend.versions(report["id"]))
        with sqlite3.connect(path) as conn:  # the disk fails when the superseded version is written
            conn.execute(
                "CREATE TRIGGER fail_version BEFORE INSERT ON report_versions BEGIN SELECT RAISE(ABORT, 'disk gone'); END"
            )
        conn.close()
        with pytest.raises(sqlite3.IntegrityError, match="disk gone"):
            backend.write([edit(report, 3)])
        assert (backend.get(report["id"]), backend.versions(report["id"])) == before  # the record was not replaced
        assert [h.record["content_hash"] for h in backend.search(SearchQuery()).hits] == [
            "edit-2"
        ]  # nor its search row
        with sqlite3.connect(path) as conn:
            conn.execute("DROP TRIGGER fail_version")
        conn.close()
        backend.write([edit(report, 3)])
        assert [v["version"] for v in backend.versions(report["id"])] == [1, 2, 3]
    finally:
        backend.close()


WRITER = textwrap.dedent(
    """
    import sys
    from indexer.storage import open_backend
    from registry_records import lvyuan_records
    from test_storage_sqlite_versions import EDITS, edit

    backend = open_backend(sys.argv[1])
    report = lvyuan_records()[0]
    for n in range(1, EDITS + 1):
        backend.write([edit(report, n)])
        print(n, flush=True)
    """
)


def test_a_killed_writer_leaves_every_version_whole(tmp_path):
    path = tmp_path / "reports.sqlite"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "indexer")]),
    }
    child = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, text=True, env=env, cwd=tmp_path
    )
    try:
        assert child.stdout is not None
        written = 0
        deadline = time.monotonic() + 60
        while written < 20 and time.monotonic() < deadline:  # let it write some versions, then kill it mid-write
            written = int(child.stdout.readline() or written)
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait(timeout=30)
        if child.stdout is not None:
            child.stdout.close()
    assert written >= 20
    backend = open_backend(path)
    try:
        report = lvyuan_records()[0]
        stored = backend.get(report["id"])
        versions = backend.versions(report["id"])
        assert stored["version"] >= written  # every write that returned is there
        assert [v["version"] for v in versions] == list(range(1, stored["version"] + 1))
        for v in versions:  # each version is whole: its own text and hash
            assert (
                v["record"]["text"].endswith(f"第{v['version']}次更正。")
                and v["content_hash"] == f"edit-{v['version']}"
            )
    finally:
        backend.close()


def test_what_a_superseded_version_costs(tmp_path):
    path = tmp_path / "reports.sqlite"
    report = lvyuan_records()[0]
    backend = open_backend(path)
    try:
        for n in range(1, 11):
            backend.write([edit(report, n)])
    finally:
        backend.close()
    with sqlite3.connect(path) as conn:
        (stored,) = conn.execute("SELECT sum(length(data)) FROM report_versions").fetchone()
        (count,) = conn.execute("SELECT count(*) FROM report_versions").fetchone()
    conn.close()
    text_bytes = len(report["text"].encode("utf-8"))
    assert count == 9  # the current version is the stored record itself
    assert stored / count < text_bytes  # compressed: a superseded version, record whole, costs less than its text
