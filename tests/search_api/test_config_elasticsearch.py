"""SEARCH_BACKEND=elasticsearch settings are validated at start; the API opens the configured backend."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from indexer.errors import StorageUnavailable
from search_api.config import Settings
from search_api.main import create_app

ES_ENV = ("ES_URL", "ES_USERNAME", "ES_PASSWORD", "ES_API_KEY", "ES_CA_CERTS", "ES_INDEX")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    """No ES_* variable from the caller's shell."""
    for name in ES_ENV:
        monkeypatch.delenv(name, raising=False)


def test_elasticsearch_needs_a_url(monkeypatch):
    monkeypatch.setenv("SEARCH_BACKEND", "elasticsearch")
    with pytest.raises(ValidationError, match="needs ES_URL"):
        Settings()


def test_elasticsearch_settings_from_environment(monkeypatch):
    monkeypatch.setenv("SEARCH_BACKEND", "elasticsearch")
    monkeypatch.setenv("ES_URL", "https://es.example.org:9200")
    monkeypatch.setenv("ES_API_KEY", "c2VjcmV0")
    monkeypatch.setenv("ES_INDEX", "reports-test")
    settings = Settings()
    assert (settings.es_url, settings.es_index, settings.es_api_key.get_secret_value()) == (
        "https://es.example.org:9200",
        "reports-test",
        "c2VjcmV0",
    )
    assert "c2VjcmV0" not in repr(settings)


@pytest.mark.parametrize(
    "extra, message",
    [
        ({"es_url": "es.example.org:9200"}, "http"),
        ({"es_username": "elastic"}, "ES_PASSWORD"),
        ({"es_username": "elastic", "es_password": "x", "es_api_key": "k"}, "not both"),
        ({"es_ca_certs": "/nonexistent/ca.pem"}, "not a file"),
        ({"es_index": "Reports!"}, "pattern"),
    ],
)
def test_bad_elasticsearch_settings(extra, message):
    with pytest.raises(ValidationError, match=message):
        Settings(search_backend="elasticsearch", **{"es_url": "http://127.0.0.1:9200", **extra})


def test_unreachable_cluster_fails_at_start():
    settings = Settings(search_backend="elasticsearch", es_url="http://127.0.0.1:9")  # nothing listens on port 9
    with pytest.raises(StorageUnavailable, match="cannot reach Elasticsearch"):
        with TestClient(create_app(settings)):
            pass
