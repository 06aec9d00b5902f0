"""GET /search.jsonl: the matching records as JSON Lines, streamed, in the search's order, capped like the CSV."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from search_api.config import Settings
from search_api.main import create_app

NEW = "applications.new_received.total"


def read_lines(text: str) -> list[dict]:
    """One JSON object a line."""
    return [json.loads(line) for line in text.splitlines()]


def test_lines_are_the_records_in_the_search_order(client, all_records):
    params = {"where": f"{NEW}>=0", "sort": f"-{NEW}"}
    response = client.get("/search.jsonl", params=params)
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/x-ndjson")
    assert response.headers["content-disposition"] == 'attachment; filename="reports.jsonl"'
    lines = read_lines(response.text)
    searched = [h["id"] for h in client.get("/search", params={**params, "size": 100}).json()["data"]]
    assert [line["id"] for line in lines] == searched
    assert response.headers["x-total-count"] == response.headers["x-row-count"] == str(len(searched))
    assert response.headers["x-truncated"] == "false" and "x-export-note" not in response.headers
    by_id = {r["id"]: r for r in all_records}
    for line in lines:
        assert "text" not in line
        assert (line["stats"], line["checks"], line["title"]) == tuple(
            by_id[line["id"]][k] for k in ("stats", "checks", "title")
        )


def test_same_rows_as_the_csv(client):
    params = {"q": "公开", "sort": "published"}
    csv_response, jsonl_response = client.get("/search.csv", params=params), client.get("/search.jsonl", params=params)
    csv_ids = [row.split(",", 1)[0] for row in csv_response.text.lstrip("\ufeff").splitlines()[1:]]
    assert [line["id"] for line in read_lines(jsonl_response.text)] == csv_ids
    assert jsonl_response.headers["x-total-count"] == csv_response.headers["x-total-count"]


def test_cap_truncates_with_headers_and_a_last_line(db_path, all_records):
    with TestClient(create_app(Settings(reports_db=db_path, export_max_rows=2))) as capped:
        response = capped.get("/search.jsonl", params={"sort": "report_year"})
    *rows, last = read_lines(response.text)
    assert [r["id"] for r in rows] == ["syn-gd-2", "saihan-minzheng-2019"]
    assert last == {"truncated": True, "rows": 2, "total": len(all_records)}
    assert response.headers["x-total-count"] == str(len(all_records))
    assert response.headers["x-row-count"] == "2" and response.headers["x-truncated"] == "true"
    assert response.headers["x-export-note"].startswith("truncated: the first 2 of")


@pytest.mark.parametrize(
    "params", [{"page": 2}, {"size": 10}, {"facets": "province"}, {"sort": "title"}, {"where": "x>1"}]
)
def test_rejects_parameters_it_does_not_take(client, params):
    response = client.get("/search.jsonl", params=params)
    assert response.status_code == 422 and response.json()["detail"][0]["msg"]
