"""Settings are validated when the app starts; the app refuses a missing index or a file that is not one."""

from __future__ import annotations

import sqlite3

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from indexer.errors import StorageUnavailable
from search_api.config import Settings
from search_api.main import create_app


def test_settings_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("REPORTS_DB", str(tmp_path / "x.sqlite"))
    monkeypatch.setenv("SEARCH_BACKEND", "sqlite")
    assert Settings().reports_db == str(tmp_path / "x.sqlite")


@pytest.mark.parametrize("env, value", [("SEARCH_BACKEND", "elasticsearch"), ("QUERY_TIME_LIMIT", "0")])
def test_bad_settings_are_rejected(monkeypatch, env, value):
    monkeypatch.delenv("ES_URL", raising=False)  # elasticsearch without ES_URL is the bad setting
    monkeypatch.setenv(env, value)
    with pytest.raises(ValidationError):
        Settings()


def test_directory_is_not_a_database(tmp_path):
    with pytest.raises(ValidationError, match="directory"):
        Settings(reports_db=tmp_path)


def test_a_missing_index_is_not_created(tmp_path):
    path = tmp_path / "new" / "reports.sqlite"
    with pytest.raises(StorageUnavailable, match="no SQLite index"):
        with TestClient(create_app(Settings(reports_db=path))):
            pass
    assert not path.exists() and not path.parent.exists()


def test_a_file_that_is_not_an_index_is_refused(tmp_path):
    path = tmp_path / "notes.sqlite"
    sqlite3.connect(path).close()  # an empty SQLite file: no `reports` table
    with pytest.raises(StorageUnavailable, match="not a reports index"):
        with TestClient(create_app(Settings(reports_db=path))):
            pass
