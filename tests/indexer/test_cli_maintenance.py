"""`reports-index upgrade` and `optimize` on real SQLite index files, run as the console script."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from indexer.errors import StorageUnavailable
from indexer.record import build_record
from indexer.storage import SearchQuery, StorageOptions, open_backend
from indexer.storage.sqlite.schema import DERIVED_COLUMNS
from sample_files import SAMPLES

SCRIPT = Path(sys.executable).with_name("reports-index")


def reports_index(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the console script installed beside this Python."""
    return subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, timeout=120)


def indexed_file(tmp_path: Path) -> Path:
    """An index holding the three sample reports."""
    path = tmp_path / "reports.sqlite"
    backend = open_backend(path)
    backend.write(
        [
            build_record((SAMPLES / f"{s}.txt").read_bytes(), url=f"https://example.gov.cn/{s}")
            for s in ("saihan-minzheng-2019", "lvyuan-minzheng-2020", "lingwu-minzheng-2024")
        ]
    )
    backend.close()
    return path


def test_upgrade_adds_the_columns_an_old_file_lacks(tmp_path):
    path = indexed_file(tmp_path)
    with sqlite3.connect(path) as conn:  # what a file written before the searchable numbers looks like
        for column in DERIVED_COLUMNS:
            conn.execute(f"ALTER TABLE reports DROP COLUMN {column}")
    with pytest.raises(StorageUnavailable, match="open it once for writing"):
        open_backend(path, StorageOptions(read_only=True))
    done = reports_index("upgrade", str(path))
    assert done.returncode == 0, done.stderr
    assert f"added {len(DERIVED_COLUMNS)} column(s)" in done.stdout
    reader = open_backend(path, StorageOptions(read_only=True))
    try:
        result = reader.search(SearchQuery(where=["applications.new_received.total>=0"]))
        assert result.total == 3
    finally:
        reader.close()
    assert "already up to date" in reports_index("upgrade", str(path)).stdout


def test_optimize_keeps_every_report_searchable(tmp_path):
    path = indexed_file(tmp_path)
    done = reports_index("optimize", str(path))
    assert done.returncode == 0 and "optimized" in done.stdout, done.stderr
    reader = open_backend(path, StorageOptions(read_only=True))
    try:
        assert reader.search(SearchQuery(q="行政复议")).total == 3
    finally:
        reader.close()


def test_a_missing_file_is_an_error_and_is_not_created(tmp_path):
    missing = tmp_path / "typo.sqlite"
    for command in ("upgrade", "optimize"):
        done = reports_index(command, str(missing))
        assert done.returncode == 2 and "no SQLite index at" in done.stderr
    assert not missing.exists() and shutil.which(str(SCRIPT))
