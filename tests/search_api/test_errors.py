"""Error mapping: a bad query is a 4xx with a message, a slow or unreadable index a 503, a bug stays a 500."""

from __future__ import annotations

import sqlite3

import pytest
from fastapi.testclient import TestClient

from es_recorder import Recorder
from indexer.storage import open_backend
from search_api.config import Settings
from search_api.main import create_app

BULK_TEXT = "政府信息公开工作。" * 50


def record(rid: str, text: str = "行政复议案件2件。") -> dict:
    """A small complete record."""
    url = f"https://example.gov.cn/{rid}.html"
    return {
        "id": rid,
        "url": url,
        "urls": [url],
        "title": "福建省人民政府2021年政府信息公开工作年度报告",
        "agency": "福建省人民政府",
        "agency_type": "人民政府",
        "level": "province",
        "province": "福建省",
        "city": None,
        "county": None,
        "region_code": None,
        "report_year": 2021,
        "published": "2022-01-20",
        "format": "2021",
        "text": text,
        "stats": None,
        "checks": [],
        "source_format": "html",
        "fetched_at": None,
        "content_hash": None,
        "version": 1,
    }


@pytest.fixture
def db(tmp_path):
    """A SQLite index of 300 reports, written through the backend."""
    path = tmp_path / "reports.sqlite"
    backend = open_backend(path)
    backend.write([record(f"r-{i:03d}", BULK_TEXT) for i in range(300)])
    backend.close()
    return path


def test_a_value_error_inside_the_backend_is_a_500_not_a_400(db):
    with sqlite3.connect(db) as conn:  # a damaged stored record: reading it raises a ValueError (JSONDecodeError)
        conn.execute("UPDATE report_records SET record = '{not json' WHERE docid = 1")
    with TestClient(create_app(Settings(reports_db=db)), raise_server_exceptions=False) as client:
        assert client.get("/reports/r-001").status_code == 200
        assert client.get("/reports/r-000").status_code == 500


def test_a_query_the_backend_rejects_is_a_400_with_its_message():
    with Recorder() as es:
        es.state.search_rejections.append("too many clauses")
        settings = Settings(search_backend="elasticsearch", es_url=es.url)
        with TestClient(create_app(settings)) as client:
            response = client.get("/search", params={"q": "行政复议"})
    assert response.status_code == 400
    assert response.json()["detail"].startswith("Elasticsearch rejected the query: search_phase_execution_exception")


def test_a_bad_parameter_is_a_422_with_a_message(db):
    with TestClient(create_app(Settings(reports_db=db))) as client:
        response = client.get("/search", params={"where": "review.total>>1"})
    assert response.status_code == 422
    assert "cannot read condition" in response.json()["detail"][0]["msg"]


def test_a_search_past_the_time_limit_is_a_503(db):
    with TestClient(create_app(Settings(reports_db=db, query_time_limit=1e-6))) as client:
        client.get("/health")
        response = client.get("/search", params={"q": "政府信息公开"})
    assert response.status_code == 503
    assert "longer than" in response.json()["detail"]


def test_an_unreadable_index_is_a_503_on_health(db):
    with TestClient(create_app(Settings(reports_db=db))) as client:
        db.write_bytes(b"not a database" * 400)  # damaged after start: the reader opens it on first use
        response = client.get("/health")
    assert response.status_code == 503
    body = response.json()
    assert (body["status"], body["backend"]) == ("error", "sqlite") and "cannot read" in body["detail"]
