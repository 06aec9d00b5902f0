"""GET /failures and GET /failures.csv: a failing portal found without SQL (filters, pages, CSV with its cap)."""

from __future__ import annotations

import csv
import io
from typing import get_type_hints

import pytest
from fastapi.testclient import TestClient

from indexer.model import Failure
from indexer.storage import open_backend
from search_api.config import Settings
from search_api.main import create_app

SIGHTINGS = [  # url, kind, portal, run, reason, at
    (
        "http://127.0.0.1:8000/pingtan/robots-blocked.html",
        "robots",
        "pingtan",
        "r1",
        "disallowed by robots.txt",
        "05:00:01",
    ),
    (
        "http://127.0.0.1:8000/pingtan/big.html",
        "too_large",
        "pingtan",
        "r1",
        "too large: 52428800 bytes, limit 10485760",
        "05:00:02",
    ),
    ("http://127.0.0.1:8000/hostile/loop", "bad_redirect", "hostile", "r1", "redirect loop", "05:00:03"),
    ("http://127.0.0.1:8000/hostile/503", "fetch_failed", "hostile", "r1", "HTTP 503", "05:00:04"),
    ("http://127.0.0.1:8000/hostile/503", "fetch_failed", "hostile", "r2", "=HTTP 503 again", "06:00:04"),
    ("http://127.0.0.1:8000/hostile/", "no_column", "hostile", "r2", "no 年报 column found", "06:00:05"),
]


@pytest.fixture(scope="module")
def failures_db(tmp_path_factory):
    """An index with one report and the failures of two runs, written through the backend."""
    path = tmp_path_factory.mktemp("failures") / "reports.sqlite"
    backend = open_backend(path)
    backend.write([{"id": "r", "title": "平潭综合实验区2021年度政府信息公开工作年度报告", "text": "行政复议"}])
    for url, kind, portal, run_id, reason, at in SIGHTINGS:
        backend.record_failure(
            {"url": url, "kind": kind, "portal": portal, "run_id": run_id, "reason": reason, "at": f"2026-01-01T{at}Z"}
        )
    backend.close()
    return path


@pytest.fixture(scope="module")
def api(failures_db):
    """The API over that index."""
    with TestClient(create_app(Settings(reports_db=failures_db))) as client:
        yield client


def test_failures_newest_first_with_every_field(api):
    body = api.get("/failures").json()
    assert (body["total"], body["page"], body["size"]) == (5, 1, 50)
    assert [f["kind"] for f in body["data"]] == ["no_column", "fetch_failed", "bad_redirect", "too_large", "robots"]
    again = body["data"][1]
    assert list(again) == list(get_type_hints(Failure))
    assert again == {
        "url": "http://127.0.0.1:8000/hostile/503",
        "kind": "fetch_failed",
        "reason": "=HTTP 503 again",
        "portal": "hostile",
        "status": None,
        "first_seen": "2026-01-01T05:00:04Z",
        "last_seen": "2026-01-01T06:00:04Z",
        "count": 2,
        "run_id": "r2",
    }


@pytest.mark.parametrize(
    "params, kinds",
    [
        ({"portal": "pingtan"}, ["too_large", "robots"]),
        ({"portal": "hostile", "run": "r1"}, ["bad_redirect"]),
        ({"run": "r2"}, ["no_column", "fetch_failed"]),
        ({"kind": "robots"}, ["robots"]),
        ({"portal": "nowhere"}, []),
    ],
)
def test_filters(api, params, kinds):
    body = api.get("/failures", params=params).json()
    assert [f["kind"] for f in body["data"]] == kinds and body["total"] == len(kinds)


def test_pages(api):
    body = api.get("/failures", params={"page": 2, "size": 2}).json()
    assert [f["kind"] for f in body["data"]] == ["bad_redirect", "too_large"] and body["total"] == 5


@pytest.mark.parametrize(
    "params",
    [{"kind": "exploded"}, {"size": 0}, {"size": 501}, {"page": 0}, {"page": 101, "size": 100}, {"run_id": "r1"}],
)
def test_bad_parameters_are_422(api, params):
    assert api.get("/failures", params=params).status_code == 422


def read_csv(response) -> list[list[str]]:
    """The rows of a CSV answer (BOM checked and removed)."""
    assert response.text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(response.text[1:])))


def test_csv_of_the_filtered_failures(api):
    response = api.get("/failures.csv", params={"portal": "hostile"})
    assert response.status_code == 200 and response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == 'attachment; filename="crawl-failures.csv"'
    assert (response.headers["x-total-count"], response.headers["x-row-count"]) == ("3", "3")
    assert response.headers["x-truncated"] == "false"
    header, *rows = read_csv(response)
    assert header[:4] == ["门户 (portal)", "类型 (kind)", "原因 (reason)", "网址 (url)"]
    assert [row[1] for row in rows] == ["no_column", "fetch_failed", "bad_redirect"]
    assert rows[1][2] == "'=HTTP 503 again"  # a spreadsheet formula is defused
    assert rows[1][5] == "2"


def test_csv_says_when_the_cap_cut_it(failures_db):
    with TestClient(create_app(Settings(reports_db=failures_db, export_max_rows=2))) as client:
        response = client.get("/failures.csv")
    assert (response.headers["x-total-count"], response.headers["x-row-count"]) == ("5", "2")
    assert response.headers["x-truncated"] == "true"
    *rows, note = read_csv(response)[1:]
    assert len(rows) == 2
    assert note == ["# truncated: the first 2 of 5 matching failures; narrow the filters to get the rest"]
    assert response.headers["x-export-note"] == note[0][2:]


@pytest.mark.parametrize("path", ["/failures", "/failures.csv", "/reports/{report_id}"])
def test_openapi_describes_every_parameter(api, path):
    operation = api.get("/openapi.json").json()["paths"][path]["get"]
    for parameter in operation["parameters"]:
        if parameter["in"] == "query":
            assert parameter.get("description"), parameter["name"]
    names = {p["name"] for p in operation["parameters"]}
    expected = {
        "/failures": {"portal", "kind", "run", "page", "size"},
        "/failures.csv": {"portal", "kind", "run"},
        "/reports/{report_id}": {"report_id", "text_offset", "text_limit"},
    }[path]
    assert names == expected
