"""`reports-index backup`: a consistent, checked copy of the live SQLite index, taken while a writer writes."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from indexer.model import Record
from indexer.record import build_record
from indexer.storage import SearchQuery, StorageOptions, open_backend
from sample_files import SAMPLES

SCRIPT = Path(sys.executable).with_name("reports-index")
BATCH = 5  # records per write transaction
BACKUPS = 3


def reports_index(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the console script installed beside this Python."""
    return subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def template() -> Record:
    """One real report's record, copied under new ids."""
    source = SAMPLES / "saihan-minzheng-2019.txt"
    return build_record(source.read_bytes(), url="https://example.gov.cn/r/0")


def numbered(template: Record, n: int) -> Record:
    """A distinct report: its own id, URL, text and content hash."""
    url = f"https://example.gov.cn/r/{n}"
    text = f"{template['text']}\n编号 {n}"
    return {**template, "id": f"r-{n:05d}", "url": url, "urls": [url], "text": text, "content_hash": f"h{n}"}


def copied_ids(path: Path) -> list[str]:
    """The report ids in a copy, after checking that it is whole and self-contained."""
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        ids = [row[0] for row in conn.execute("SELECT id FROM reports ORDER BY id")]
        assert conn.execute("SELECT count(*) FROM report_records").fetchone() == (len(ids),)
    conn.close()
    return ids


def test_backup_while_a_writer_keeps_writing(tmp_path, template):
    db = tmp_path / "reports.sqlite"
    writer = open_backend(db)
    writer.write([numbered(template, n) for n in range(BATCH)])
    written = [BATCH]  # committed so far
    stop = threading.Event()

    def keep_writing() -> None:
        while not stop.is_set():
            start = written[0]
            writer.write([numbered(template, n) for n in range(start, start + BATCH)])
            written[0] = start + BATCH

    thread = threading.Thread(target=keep_writing)
    thread.start()
    copies = []
    try:
        for i in range(BACKUPS):
            committed_before = written[0]
            done = reports_index("backup", str(db), str(tmp_path / f"copy-{i}.sqlite"))
            assert done.returncode == 0, done.stderr
            assert "integrity ok" in done.stdout
            copies.append((tmp_path / f"copy-{i}.sqlite", committed_before))
    finally:
        stop.set()
        thread.join()
        writer.close()
    for path, committed_before in copies:
        ids = copied_ids(path)
        assert len(ids) >= committed_before  # everything committed before it started, WAL included
        assert len(ids) % BATCH == 0  # whole transactions only
        assert ids == [f"r-{n:05d}" for n in range(len(ids))]
        reader = open_backend(path, StorageOptions(read_only=True))
        try:
            assert reader.search(SearchQuery(q="编号")).total == len(ids)
        finally:
            reader.close()
    assert len(copied_ids(copies[-1][0])) < written[0]  # the writer went on after the last copy began


def test_backup_skips_an_open_write_transaction_without_waiting_for_it(tmp_path, template):
    db = tmp_path / "reports.sqlite"
    backend = open_backend(db)
    backend.write([numbered(template, n) for n in range(BATCH)])
    backend.close()
    writer = sqlite3.connect(db, isolation_level=None)
    writer.execute("PRAGMA wal_autocheckpoint = 0")
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("DELETE FROM report_records")
    writer.execute("DELETE FROM reports")
    backups = tmp_path / "backups"
    backups.mkdir()
    try:
        done = reports_index("backup", str(db), str(backups))  # a folder: the copy keeps the file's name
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert done.returncode == 0, done.stderr
    assert f"{BATCH} reports" in done.stdout
    assert copied_ids(backups / "reports.sqlite") == [f"r-{n:05d}" for n in range(BATCH)]


def test_backup_refuses_a_missing_file_or_a_file_that_is_not_sqlite(tmp_path):
    missing = reports_index("backup", str(tmp_path / "typo.sqlite"), str(tmp_path / "copy.sqlite"))
    assert missing.returncode == 2 and "no SQLite index at" in missing.stderr
    junk = tmp_path / "notes.sqlite"
    junk.write_text("not a database", encoding="utf-8")
    refused = reports_index("backup", str(junk), str(tmp_path / "copy.sqlite"))
    assert refused.returncode == 2 and "cannot back up" in refused.stderr
    same = reports_index("backup", str(junk), str(junk))
    assert same.returncode == 2 and "is the index itself" in same.stderr
    assert not (tmp_path / "copy.sqlite").exists() and not (tmp_path / "copy.sqlite.partial").exists()
