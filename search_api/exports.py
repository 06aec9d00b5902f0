"""Downloads: CSV (GET /search.csv, GET /failures.csv, GET /agencies/{id}/timeline.csv; UTF-8 with a BOM) and JSON
Lines (GET /search.jsonl), streamed, capped, honest about the cap.

A capped download says so three ways: X-Total-Count (all matches), X-Row-Count (rows sent) and
X-Truncated headers, an X-Export-Note header, and a last line: a CSV row starting with `#`, a JSON line
`{"truncated": true, "rows": N, "total": M}`. Text cells that a spreadsheet would run as a formula are prefixed
with '.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from fastapi.responses import StreamingResponse

BOM = "\ufeff"  # lets Excel read the file as UTF-8
ROWS_PER_CHUNK = 200  # CSV rows or JSON lines per streamed chunk
JSONL_MEDIA_TYPE = "application/x-ndjson; charset=utf-8"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # a text cell starting so is prefixed with ' for spreadsheets
CSV_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {"content": {"text/csv": {}}, "description": "UTF-8 CSV with BOM"}
}
JSONL_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {"content": {"application/x-ndjson": {}}, "description": "JSON Lines (UTF-8): one JSON object a line"}
}


@dataclass(frozen=True)
class Cap:
    """How much of `total` matching `what` one export sends (`sent`), and the note saying so when cut."""

    total: int
    cap: int
    what: str

    @property
    def sent(self) -> int:
        """Rows sent: every match up to the cap."""
        return min(self.total, self.cap)

    @property
    def truncated(self) -> bool:
        """Whether the cap cut the result."""
        return self.total > self.sent

    @property
    def note(self) -> str | None:
        """What a capped export says about itself (None when complete)."""
        if not self.truncated:
            return None
        return (
            f"truncated: the first {self.sent} of {self.total} matching {self.what}; narrow the filters to get the rest"
        )

    def headers(self, filename: str) -> dict[str, str]:
        """The download headers: attachment name, counts, and the note when truncated."""
        headers = {
            "Content-Disposition": f'attachment; filename="{filename}"',
            "X-Total-Count": str(self.total),
            "X-Row-Count": str(self.sent),
            "X-Truncated": "true" if self.truncated else "false",
        }
        if self.note:
            headers["X-Export-Note"] = self.note
        return headers


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
    capped = Cap(total, cap, what)
    return StreamingResponse(
        csv_chunks(header, rows, capped.note),
        media_type="text/csv; charset=utf-8",
        headers=capped.headers(filename),
    )


def jsonl_chunks(objects: Iterable[Mapping[str, object]], capped: Cap) -> Iterator[str]:
    """The JSON Lines text in chunks, ending with a `{"truncated": true, …}` line when the cap cut the result."""
    lines: list[str] = []
    for obj in objects:
        lines.append(json.dumps(obj, ensure_ascii=False) + "\n")
        if len(lines) == ROWS_PER_CHUNK:
            yield "".join(lines)
            lines.clear()
    if capped.truncated:
        lines.append(json.dumps({"truncated": True, "rows": capped.sent, "total": capped.total}) + "\n")
    yield "".join(lines)


def jsonl_response(
    objects: Iterable[Mapping[str, object]], *, total: int, cap: int, filename: str, what: str
) -> StreamingResponse:
    """Stream `objects` (at most `cap` of `total` matching `what`) as a JSON Lines attachment, saying when the cap cut
    it."""
    capped = Cap(total, cap, what)
    return StreamingResponse(
        jsonl_chunks(objects, capped), media_type=JSONL_MEDIA_TYPE, headers=capped.headers(filename)
    )
