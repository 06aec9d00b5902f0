"""CSV downloads (GET /search.csv, GET /failures.csv, GET /agencies/{id}/timeline.csv): UTF-8 with a BOM, streamed, capped, honest about the cap.

A capped download says so three ways: X-Total-Count (all matches), X-Row-Count (rows sent) and
X-Truncated headers, an X-Export-Note header, and a last row starting with `#`. Text cells that a
spreadsheet would run as a formula are prefixed with '.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from fastapi.responses import StreamingResponse

BOM = "\ufeff"  # lets Excel read the file as UTF-8
ROWS_PER_CHUNK = 200  # CSV rows per streamed chunk
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # a text cell starting so is prefixed with ' for spreadsheets
CSV_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {"content": {"text/csv": {}}, "description": "UTF-8 CSV with BOM"}
}


def text_cell(value: object) -> str:
    """A text cell, defused so a spreadsheet never runs it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def number_cell(value: int | float | None) -> str:
    """A number cell: integers without a decimal point, empty when missing."""
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def csv_chunks(header: list[str], rows: Iterable[list[str]], note: str | None) -> Iterator[str]:
    """The CSV text in chunks: BOM and headers first, `note` as a last row starting with # if given."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerow(header)
    for n, row in enumerate(rows, start=1):
        writer.writerow(row)
        if n % ROWS_PER_CHUNK == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if note:
        writer.writerow([f"# {note}"])
    yield buffer.getvalue()


def csv_response(
    header: list[str], rows: Iterable[list[str]], *, total: int, cap: int, filename: str, what: str
) -> StreamingResponse:
    """Stream `rows` (at most `cap` of `total` matching `what`) as a CSV attachment, saying when the cap cut it."""
    sent = min(total, cap)
    truncated = total > sent
    note = (
        f"truncated: the first {sent} of {total} matching {what}; narrow the filters to get the rest"
        if truncated
        else None
    )
    headers = {
        "Content-Disposition": f'attachment; filename="{filename}"',
        "X-Total-Count": str(total),
        "X-Row-Count": str(sent),
        "X-Truncated": "true" if truncated else "false",
    }
    if note:
        headers["X-Export-Note"] = note
    return StreamingResponse(csv_chunks(header, rows, note), media_type="text/csv; charset=utf-8", headers=headers)
