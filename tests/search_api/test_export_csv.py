"""GET /search.csv: one row per matching report, a column per table cell, headers a spreadsheet user reads."""

from __future__ import annotations

import csv
import io
import re

import pytest
from fastapi.testclient import TestClient

from indexer.storage.facets import failed_checks
from indexer.tables.numbers import TABLE_CELLS, cell
from search_api.config import Settings
from search_api.labels import rule_label
from search_api.main import create_app
from search_api.routes.export import record_row

NEW = "applications.new_received.total"
ID_KEYS = (
    "id",
    "url",
    "title",
    "agency",
    "province",
    "city",
    "county",
    "report_year",
    "published",
    "format",
    "failed_checks",
    "version",
    "first_seen",
    "changed_at",
    "withdrawn",
)
KEY_RE = re.compile(r"\(([a-z0-9_.]+)\)$")


def read_csv(text: str) -> list[list[str]]:
    """Rows of a CSV text without its BOM."""
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def leaves(node: dict, path: tuple[str, ...] = ()):
    """(dotted key, value) of every number in a stats object."""
    for key, value in node.items():
        if isinstance(value, dict):
            yield from leaves(value, (*path, key))
        else:
            yield ".".join((*path, key)), value


def test_headers_and_file_metadata(client):
    response = client.get("/search.csv", params={"province": "福建省"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == 'attachment; filename="reports-stats.csv"'
    assert response.headers["x-total-count"] == "3" and response.headers["x-truncated"] == "false"
    assert response.content.startswith("\ufeff".encode("utf-8"))  # BOM: Excel reads UTF-8
    header = read_csv(response.text)[0]
    assert [KEY_RE.search(h).group(1) for h in header] == [*ID_KEYS, *(c.key for c in TABLE_CELLS)]
    assert "三·本年新收政府信息公开申请数量·自然人 (applications.new_received.natural_person)" in header
    assert "四·行政复议·结果纠正 (review.corrected)" in header
    assert "二·行政事业性收费·金额(万元) (proactive.fees.amount_10k_yuan)" in header
    assert all(re.search(r"[\u4e00-\u9fff]", h) for h in header)  # every header has its Chinese label


def test_rows_equal_the_stats_of_the_matching_reports(client, all_records):
    params = {"where": f"{NEW}>=0", "sort": f"-{NEW}"}
    response = client.get("/search.csv", params=params)
    header, *rows = read_csv(response.text)
    keys = [KEY_RE.search(h).group(1) for h in header]
    searched = [h["id"] for h in client.get("/search", params={**params, "size": 100}).json()["data"]]
    assert [row[0] for row in rows] == searched and response.headers["x-total-count"] == str(len(searched))
    by_id = {r["id"]: r for r in all_records}
    for row in rows:
        record, values = by_id[row[0]], dict(zip(keys, row))
        for key in ID_KEYS[1:10]:
            assert values[key] == ("" if record[key] is None else str(record[key]))
        assert values["failed_checks"] == "；".join(
            f"{rule_label(r)} ({r})" for r in failed_checks(record["checks"]) or []
        )
        assert (values["version"], values["changed_at"], values["withdrawn"]) == ("1", "", "")  # never edited
        assert values["first_seen"] == (record["fetched_at"] or "")
        for key, number in leaves(record["stats"]):  # every cell the report has …
            assert float(values[key]) == number
        present = {key for key, _ in leaves(record["stats"])}
        assert all(values[c.key] == "" for c in TABLE_CELLS if c.key not in present)  # … and nothing else


def test_fractional_and_merged_cells(client):
    header, *rows = read_csv(client.get("/search.csv", params={"q": "福建省人民政府"}).text)
    values = dict(zip([KEY_RE.search(h).group(1) for h in header], rows[0]))
    assert values["id"] == "syn-fj-3"
    assert values["proactive.fees.amount_10k_yuan"] == "7539.443252"
    assert values["applications.new_received.natural_person"] == "140"
    assert values["applications.granted.natural_person"] == ""  # a merged row gives only its total
    assert values["applications.granted.total"] == "100"


def test_reports_without_stats_have_empty_cells(client):
    header, *rows = read_csv(client.get("/search.csv", params={"format": "legacy"}).text)
    assert [r[0] for r in rows] == ["syn-gd-2"]
    assert rows[0][len(ID_KEYS) :] == [""] * len(TABLE_CELLS)


def test_failed_check_filter_in_export(client):
    header, *rows = read_csv(client.get("/search.csv", params={"has_failed_checks": "true", "sort": "published"}).text)
    assert [(r[0], r[10]) for r in rows] == [
        ("syn-gd-1", "复议诉讼结果之和 (suits_totals)；无法读取的单元格 (unparsed)"),
        ("syn-fj-3", "申请收支平衡 (applications_balance)"),
    ]


def test_cap_truncates_with_headers_and_a_note(db_path, all_records):
    with TestClient(create_app(Settings(reports_db=db_path, export_max_rows=2))) as capped:
        response = capped.get("/search.csv", params={"sort": "report_year"})
    header, *rows = read_csv(response.text)
    assert response.headers["x-total-count"] == str(len(all_records))
    assert response.headers["x-row-count"] == "2" and response.headers["x-truncated"] == "true"
    assert "2" in response.headers["x-export-note"] and str(len(all_records)) in response.headers["x-export-note"]
    assert len(rows) == 3 and rows[-1][0].startswith("# truncated: the first 2 of")
    assert [r[0] for r in rows[:2]] == ["syn-gd-2", "saihan-minzheng-2019"]


@pytest.mark.parametrize(
    "params", [{"page": 2}, {"size": 10}, {"facets": "province"}, {"sort": "title"}, {"where": "x>1"}, {"color": "red"}]
)
def test_export_rejects_parameters_it_does_not_take(client, params):
    response = client.get("/search.csv", params=params)
    assert response.status_code == 422 and response.json()["detail"][0]["msg"]


def test_text_cells_cannot_become_formulas():
    row = record_row(
        {
            "id": "x",
            "title": '=HYPERLINK("http://evil")',
            "agency": "+1",
            "url": "@SUM(A1)",
            "stats": {"proactive": {"fees": {"change": -3}}},
            "checks": [],
        }
    )
    assert row[1:4] == ["'@SUM(A1)", '\'=HYPERLINK("http://evil")', "'+1"]
    assert (
        row[len(ID_KEYS) + [c.key for c in TABLE_CELLS].index("proactive.fees.change")] == "-3"
    )  # numbers stay numbers


def test_cell_reader_matches_export(all_records):
    record = next(r for r in all_records if r["id"] == "lingwu-minzheng-2024")
    row = record_row(record)
    for i, c in enumerate(TABLE_CELLS, start=len(ID_KEYS)):
        value = cell(record["stats"], *c.path)
        assert row[i] == ("" if value is None else str(value))
