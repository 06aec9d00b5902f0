"""`reports-index agencies`: rebuild an index's agency registry and say what it holds and how long it took."""

from __future__ import annotations

import re

from indexer.cli import main
from indexer.storage import StorageOptions, open_backend
from indexer.storage.base import AgencyQuery
from registry_records import lvyuan_records

SUMMARY_RE = re.compile(r"^1 agencies from 3 reports; signals: (?P<signals>.+); (?P<seconds>\d+\.\d) s$")


def indexed(tmp_path):
    """A SQLite index of the three reports of 长春市绿园区民政局, without its registry."""
    path = tmp_path / "reports.sqlite"
    backend = open_backend(path)
    backend.write(lvyuan_records())
    backend.close()
    return path


def agencies_in(path) -> list[dict]:
    """The agencies the index holds."""
    backend = open_backend(path, StorageOptions(read_only=True))
    try:
        return backend.agencies(AgencyQuery()).agencies
    finally:
        backend.close()


def test_rebuilds_and_prints_agencies_reports_signals_and_seconds(tmp_path, capsys):
    path = indexed(tmp_path)
    assert agencies_in(path) == []
    assert main(["agencies", "--db", str(path), "--today", "2026-12-06"]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    found = SUMMARY_RE.match(line)
    assert found, line
    assert found["signals"] == "copied 2, cross_year 1, late 1, missing 3"  # missing: 2023, 2024, 2025
    (agency,) = agencies_in(path)
    assert (agency["first_year"], agency["last_year"]) == (2020, 2025)


def test_the_index_comes_from_the_settings_without_db(tmp_path, capsys, monkeypatch):
    path = indexed(tmp_path)
    monkeypatch.setenv("REPORTS_DB", str(path))
    monkeypatch.delenv("SEARCH_BACKEND", raising=False)
    assert main(["agencies", "--today", "2024-01-15"]) == 0  # 2023 not yet due for a department
    assert "1 agencies from 3 reports" in capsys.readouterr().out
    assert agencies_in(path)[0]["last_year"] == 2022


def test_a_missing_index_is_refused_without_creating_it(tmp_path, capsys):
    missing = tmp_path / "nope.sqlite"
    assert main(["agencies", "--db", str(missing)]) == 2
    assert capsys.readouterr().err.strip() == f"error: no SQLite index at {missing}"
    assert not missing.exists()
