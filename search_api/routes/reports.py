"""GET /reports/{id}: one report record, its text a page at a time (never an unbounded body)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query

from ..deps import BackendDep
from ..schemas import ErrorMessage, Report, ReportParams

router = APIRouter(prefix="/reports", tags=["reports"])
ReportId = Annotated[
    str,
    Path(
        min_length=1,
        max_length=200,
        description="the report's id (the `id` of a search hit)",
        examples=["3f0c2a9d41b7e6c8"],
    ),
]


@router.get("/{report_id}", response_model=Report, responses={404: {"model": ErrorMessage}})
def read_report(report_id: ReportId, params: Annotated[ReportParams, Query()], backend: BackendDep) -> dict[str, Any]:
    """Return the stored record (url, urls, stats, checks …) with `text_limit` characters of its text, or 404.

    The text is returned from `text_offset`, at most `text_limit` characters (default 300,000: a whole
    record as the indexer keeps it); `text_length`, `text_offset` and `text_more` say which part it is.
    """
    window = backend.get_window(report_id, params.text_offset, params.text_limit)
    if window is None:
        raise HTTPException(status_code=404, detail=f"no report with id {report_id!r}")
    shown = len(window.record.get("text") or "")
    return {
        **window.record,
        "text_length": window.text_length,
        "text_offset": window.text_offset,
        "text_more": window.text_offset + shown < window.text_length,
    }
