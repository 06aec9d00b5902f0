"""GET /search.csv: the table numbers of every report a search matches, one CSV row per report."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from indexer.storage.base import RecordFields
from indexer.storage.facets import failed_checks
from indexer.tables.numbers import TABLE_CELLS, cell

from ..deps import BackendDep, SettingsDep
from ..schemas import ErrorMessage, ExportParams

router = APIRouter(tags=["search"])

EXPORT_FILENAME = "reports-stats.csv"
BOM = "\ufeff"  # lets Excel read the file as UTF-8
ROWS_PER_CHUNK = 200  # CSV rows per streamed chunk
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
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # a text cell starting so is prefixed with ' for spreadsheets


def header_row() -> list[str]:
    """The column headers: identifying columns, then `label (key)` for each table cell in table order."""
    return [h for _, h in ID_COLUMNS] + [c.header for c in TABLE_CELLS]


def _text(value: object) -> str:
    """A text cell, defused so a spreadsheet never runs it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _number(value: int | float | None) -> str:
    """A number cell: integers without a decimal point, empty when missing."""
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def record_row(record: RecordFields) -> list[str]:
    """One report as a CSV row (empty cells where the report lacks a table cell)."""
    failed = failed_checks(record.get("checks")) or []
    ids = {**record, "failed_checks": " ".join(failed)}
    stats = record.get("stats")
    return [_text(ids.get(field)) for field, _ in ID_COLUMNS] + [_number(cell(stats, *c.path)) for c in TABLE_CELLS]


def csv_chunks(records: Iterable[RecordFields], note: str | None) -> Iterator[str]:
    """The CSV text in chunks: BOM and headers first, `note` as a last row starting with # if given."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerow(header_row())
    for n, record in enumerate(records, start=1):
        writer.writerow(record_row(record))
        if n % ROWS_PER_CHUNK == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if note:
        writer.writerow([f"# {note}"])
    yield buffer.getvalue()


@router.get(
    "/search.csv",
    response_class=StreamingResponse,
    responses={
        200: {"content": {"text/csv": {}}, "description": "UTF-8 CSV with BOM"},
        400: {"model": ErrorMessage},
        503: {"model": ErrorMessage},
    },
)
def export_reports(
    params: Annotated[ExportParams, Query()], backend: BackendDep, settings: SettingsDep
) -> StreamingResponse:
    """Stream the stats of the matching reports as CSV (same filters and sort as /search, at most 10,000 rows).

    Headers: X-Total-Count (all matches), X-Row-Count (rows sent), X-Truncated (true when the cap cut the
    result; the file then ends with a row starting with `#` saying so).
    """
    cap = settings.export_max_rows
    result = backend.export(params.to_query(), cap)
    rows = min(result.total, cap)
    truncated = result.total > rows
    note = (
        f"truncated: the first {rows} of {result.total} matching reports; narrow the filters to get the rest"
        if truncated
        else None
    )
    headers = {
        "Content-Disposition": f'attachment; filename="{EXPORT_FILENAME}"',
        "X-Total-Count": str(result.total),
        "X-Row-Count": str(rows),
        "X-Truncated": "true" if truncated else "false",
    }
    if note:
        headers["X-Export-Note"] = note
    return StreamingResponse(csv_chunks(result.records, note), media_type="text/csv; charset=utf-8", headers=headers)
