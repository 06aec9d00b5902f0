"""GET /search.csv and /search.jsonl: every report a search matches, one CSV row (its table numbers) or one JSON line
(the record without its text) per report."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from indexer.storage.base import RecordFields
from indexer.storage.facets import failed_checks
from indexer.tables.numbers import TABLE_CELLS, cell

from ..deps import BackendDep, SettingsDep
from ..exports import CSV_RESPONSES, JSONL_RESPONSES, csv_response, jsonl_response, number_cell, text_cell
from ..labels import rule_label
from ..regions import apply_regions
from ..schemas import ErrorMessage, ExportParams, HTTPValidationErrors

router = APIRouter(tags=["search"])

EXPORT_FILENAME = "reports-stats.csv"
JSONL_FILENAME = "reports.jsonl"
ERRORS: dict[int | str, dict[str, object]] = {
    400: {"model": ErrorMessage},
    422: {"model": HTTPValidationErrors},
    503: {"model": ErrorMessage},
}
# (record field, header): the identifying columns, before one column per table cell.
ID_COLUMNS = (
    ("id", "编号 (id)"),
    ("url", "网址 (url)"),
    ("title", "标题 (title)"),
    ("agency", "发布机关 (agency)"),
    ("province", "省 (province)"),
    ("city", "市 (city)"),
    ("county", "县 (county)"),
    ("report_year", "报告年度 (report_year)"),
    ("published", "发布日期 (published)"),
    ("format", "表格格式 (format)"),
    ("failed_checks", "未通过的校验 (failed_checks)"),
    ("version", "版本 (version)"),
    ("first_seen", "首次抓取 (first_seen)"),
    ("changed_at", "修改时间 (changed_at)"),
    ("withdrawn", "撤下时间 (withdrawn)"),
)


def header_row() -> list[str]:
    """The column headers: identifying columns, then `label (key)` for each table cell in table order."""
    return [h for _, h in ID_COLUMNS] + [c.header for c in TABLE_CELLS]


def record_row(record: RecordFields) -> list[str]:
    """One report as a CSV row (empty cells where the report lacks a table cell)."""
    failed = failed_checks(record.get("checks")) or []
    ids = {**record, "failed_checks": "；".join(f"{rule_label(rule)} ({rule})" for rule in failed)}
    stats = record.get("stats")
    return [text_cell(ids.get(field)) for field, _ in ID_COLUMNS] + [
        number_cell(cell(stats, *c.path)) for c in TABLE_CELLS
    ]


@router.get("/search.csv", response_class=StreamingResponse, responses={**CSV_RESPONSES, **ERRORS})
def export_reports(
    params: Annotated[ExportParams, Query()], backend: BackendDep, settings: SettingsDep
) -> StreamingResponse:
    """Stream the stats of the matching reports as CSV (same filters and sort as /search, at most 10,000 rows).

    Headers: X-Total-Count (all matches), X-Row-Count (rows sent), X-Truncated (true when the cap cut the
    result; the file then ends with a row starting with `#` saying so). Region filters take short or full names
    (吉林 or 吉林省); an unknown name is a 422 with suggestions.
    """
    params, _ = apply_regions(params)
    result = backend.export(params.to_query(), settings.export_max_rows)
    rows = (record_row(record) for record in result.records)
    return csv_response(
        header_row(),
        rows,
        total=result.total,
        cap=settings.export_max_rows,
        filename=EXPORT_FILENAME,
        what="reports",
    )


@router.get("/search.jsonl", response_class=StreamingResponse, responses={**JSONL_RESPONSES, **ERRORS})
def export_reports_jsonl(
    params: Annotated[ExportParams, Query()], backend: BackendDep, settings: SettingsDep
) -> StreamingResponse:
    """Stream the matching reports as JSON Lines, one record (without its text) a line: same filters and sort as
    /search, at most 10,000 lines.

    Headers as GET /search.csv's: X-Total-Count, X-Row-Count, X-Truncated (true when the cap cut the result; the
    last line is then `{"truncated": true, "rows": N, "total": M}`). Region filters take short or full names (吉林
    or 吉林省); an unknown name is a 422 with suggestions.
    """
    params, _ = apply_regions(params)
    result = backend.export(params.to_query(), settings.export_max_rows)
    return jsonl_response(
        result.records, total=result.total, cap=settings.export_max_rows, filename=JSONL_FILENAME, what="reports"
    )
