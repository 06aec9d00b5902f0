"""GET /reports/{id}: one full report record."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path

from indexer.model import Record

from ..deps import BackendDep
from ..schemas import ErrorMessage, Report

router = APIRouter(prefix="/reports", tags=["reports"])
ReportId = Annotated[str, Path(min_length=1, max_length=200)]


@router.get("/{report_id}", response_model=Report, responses={404: {"model": ErrorMessage}})
def read_report(report_id: ReportId, backend: BackendDep) -> Record:
    """Return the stored record (text, url, urls, stats, checks …) or 404."""
    record = backend.get(report_id)
    if record is None:
        raise HTTPException(status_code=404, detail=f"no report with id {report_id!r}")
    return record
