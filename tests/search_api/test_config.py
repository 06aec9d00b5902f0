"""Settings are validated when the app starts; the app creates a missing index empty."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

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


def test_missing_index_is_created_empty(tmp_path):
    with TestClient(create_app(Settings(reports_db=tmp_path / "new" / "reports.sqlite"))) as client:
        assert client.get("/health").json()["reports"] == 0
        assert client.get("/search", params={"q": "行政复议"}).json() == {
            "data": [],
            "total": 0,
            "facets": {
                f: []
                for f in (
                    "report_year",
                    "province",
                    "city",
                    "county",
                    "agency_type",
                    "level",
                    "format",
                    "has_failed_checks",
                    "failed_check",
                )
            },
            "page": 1,
            "size": 20,
        }
