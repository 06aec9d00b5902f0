"""GET /failures and GET /failures.csv: why URLs did not become reports, by portal, kind and run, without SQL."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from indexer.model import Failure

from ..deps import BackendDep, SettingsDep
from ..exports import CSV_RESPONSES, csv_response, text_cell
from ..schemas import ErrorMessage, FailureFilters, FailureParams, FailuresResponse

router = APIRouter(tags=["failures"])

FAILURES_FILENAME = "crawl-failures.csv"
# (failure field, header)
FAILURE_COLUMNS = (
    ("portal", "门户 (portal)"),
    ("kind", "类型 (kind)"),
    ("reason", "原因 (reason)"),
    ("url", "网址 (url)"),
    ("status", "HTTP 状态 (status)"),
    ("count", "次数 (count)"),
    ("first_seen", "首次发现 (first_seen)"),
    ("last_seen", "最近发现 (last_seen)"),
    ("run_id", "最近一次抓取 (run_id)"),
)


def failure_row(failure: Failure) -> list[str]:
    """One failure as a CSV row."""
    return [text_cell(failure.get(field)) for field, _ in FAILURE_COLUMNS]


@router.get("/failures", response_model=FailuresResponse, responses={503: {"model": ErrorMessage}})
def read_failures(params: Annotated[FailureParams, Query()], backend: BackendDep) -> FailuresResponse:
    """The crawl failures matching every filter given, most recently seen first, one page.

    One row per (url, kind): the last reason, HTTP status, portal and run that met it, when it was
    first and last seen and how many times.
    """
    offset = (params.page - 1) * params.size
    total, failures = backend.failures(
        portal=params.portal, kind=params.kind, run_id=params.run, limit=params.size, offset=offset
    )
    return FailuresResponse(data=failures, total=total, page=params.page, size=params.size)


@router.get(
    "/failures.csv",
    response_class=StreamingResponse,
    responses={**CSV_RESPONSES, 503: {"model": ErrorMessage}},
)
def export_failures(
    params: Annotated[FailureFilters, Query()], backend: BackendDep, settings: SettingsDep
) -> StreamingResponse:
    """The matching crawl failures as CSV, most recently seen first (at most 10,000 rows).

    Headers: X-Total-Count (all matches), X-Row-Count (rows sent), X-Truncated (true when the cap cut the
    result; the file then ends with a row starting with `#` saying so).
    """
    cap = settings.export_max_rows
    total, failures = backend.failures(portal=params.portal, kind=params.kind, run_id=params.run, limit=cap)
    return csv_response(
        [h for _, h in FAILURE_COLUMNS],
        (failure_row(f) for f in failures),
        total=total,
        cap=cap,
        filename=FAILURES_FILENAME,
        what="failures",
    )
