"""The one storage configuration (indexer.config.StorageSettings): environment, defaults, checks, opening."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from indexer.config import DEFAULT_REPORTS_DB, StorageSettings
from indexer.errors import StorageUnavailable
from indexer.storage import SearchQuery, open_backend
from indexer.storage.options import BulkSettings, EsOptions

STORAGE_ENV = (
    "REPORTS_DB",
    "SEARCH_BACKEND",
    "QUERY_TIME_LIMIT",
    "ES_URL",
    "ES_INDEX",
    "ES_USERNAME",
    "ES_PASSWORD",
    "ES_API_KEY",
    "ES_CA_CERTS",
    "ES_SHARDS",
    "ES_REPLICAS",
    "ES_BULK_CHUNK_SIZE",
    "ES_BULK_MAX_RETRIES",
    "ES_BULK_INITIAL_BACKOFF",
)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    """No storage variable from the caller's shell."""
    for name in STORAGE_ENV:
        monkeypatch.delenv(name, raising=False)


def test_defaults_are_written_once():
    settings = StorageSettings()
    assert (settings.reports_db, settings.search_backend, settings.query_time_limit) == (
        DEFAULT_REPORTS_DB,
        "sqlite",
        2.0,
    )
    assert settings.bulk_settings() == BulkSettings()
    assert settings.es_options() == EsOptions(url="")


def test_everything_from_the_environment(monkeypatch, tmp_path):
    ca = tmp_path / "ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n", encoding="utf-8")
    env = {
        "REPORTS_DB": str(tmp_path / "r.sqlite"),
        "SEARCH_BACKEND": "elasticsearch",
        "QUERY_TIME_LIMIT": "5",
        "ES_URL": "https://es.example.org:9200",
        "ES_INDEX": "reports-test",
        "ES_USERNAME": "indexer",
        "ES_PASSWORD": "s3cret",
        "ES_CA_CERTS": str(ca),
        "ES_SHARDS": "3",
        "ES_REPLICAS": "1",
        "ES_BULK_CHUNK_SIZE": "50",
        "ES_BULK_MAX_RETRIES": "2",
        "ES_BULK_INITIAL_BACKOFF": "0.5",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings = StorageSettings()
    assert settings.reports_db == str(tmp_path / "r.sqlite") and settings.query_time_limit == 5
    assert settings.es_options() == EsOptions(
        url="https://es.example.org:9200",
        alias="reports-test",
        username="indexer",
        password="s3cret",
        ca_certs=str(ca),
        shards=3,
        replicas=1,
        bulk=BulkSettings(chunk_size=50, max_retries=2, initial_backoff=0.5),
    )
    assert "s3cret" not in repr(settings)


@pytest.mark.parametrize(
    "target",
    ["http://127.0.0.1:9200?alias=reports", "https://user:pw@es.example.org:9200", "sqlite:///data/x.sqlite"],
)
def test_reports_db_may_be_a_storage_url(target):
    assert StorageSettings(reports_db=target).reports_db == target


def test_reports_db_accepts_a_path_and_rejects_a_directory(tmp_path):
    assert StorageSettings(reports_db=tmp_path / "x.sqlite").reports_db == str(tmp_path / "x.sqlite")
    for bad in (tmp_path, f"sqlite:///{tmp_path}", "", "."):
        with pytest.raises(ValidationError, match="REPORTS_DB"):
            StorageSettings(reports_db=bad)
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(ValidationError, match="not a directory"):
        StorageSettings(reports_db=tmp_path / "file" / "x.sqlite")


@pytest.mark.parametrize(
    "values, message",
    [
        ({}, "needs ES_URL"),
        ({"es_url": "es.example.org:9200"}, "http"),
        ({"es_url": "http://127.0.0.1:9200", "es_username": "elastic"}, "ES_PASSWORD"),
        ({"es_url": "http://127.0.0.1:9200", "es_username": "a", "es_password": "b", "es_api_key": "k"}, "not both"),
        ({"es_url": "http://127.0.0.1:9200", "es_ca_certs": "/nonexistent/ca.pem"}, "not a file"),
        ({"es_url": "http://127.0.0.1:9200", "es_index": "Reports!"}, "pattern"),
        ({"es_url": "http://127.0.0.1:9200", "es_shards": 0}, "greater than or equal to 1"),
        ({"es_url": "http://127.0.0.1:9200", "es_bulk_chunk_size": 0}, "greater than or equal to 1"),
    ],
)
def test_elasticsearch_settings_are_checked(values, message):
    with pytest.raises(ValidationError, match=message):
        StorageSettings(search_backend="elasticsearch", **values)


def test_open_backend_searches_a_file_and_never_creates_a_missing_one(tmp_path):
    path = tmp_path / "new" / "reports.sqlite"
    with pytest.raises(StorageUnavailable, match="no SQLite index"):
        StorageSettings(reports_db=path).open_backend(read_only=True)  # a mistyped path stays an error
    assert not Path(path).exists()
    writer = open_backend(path)
    writer.write([{"id": "a", "title": "福建省报告", "text": "行政复议"}])
    writer.close()
    reader = StorageSettings(reports_db=path).open_backend(read_only=True)
    try:
        assert reader.search(SearchQuery(q="行政复议")).total == 1
        with pytest.raises(ValueError, match="read-only"):
            reader.write([{"id": "b"}])
    finally:
        reader.close()


def test_open_backend_refuses_an_unreadable_file(tmp_path):
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"not a database" * 100)
    with pytest.raises(StorageUnavailable):
        StorageSettings(reports_db=junk).open_backend(read_only=True)
