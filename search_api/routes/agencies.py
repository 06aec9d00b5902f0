"""GET /agencies, /agencies/{id}, /agencies/{id}/timeline(.csv): publishing bodies across the years (docs/AGENCIES.md)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query
from fastapi.responses import StreamingResponse

from indexer.model import Agency, TimelineYear
from indexer.storage import Backend
from indexer.tables.numbers import NUMBER_FIELDS

from ..deps import BackendDep
from ..exports import CSV_RESPONSES, csv_response, number_cell, text_cell
from ..labels import facet_values, signal_label
from ..regions import apply_regions
from ..schemas import (
    AgenciesResponse,
    AgencyParams,
    ErrorMessage,
    HTTPValidationErrors,
    TimelineResponse,
)
from ..schemas import Agency as AgencyModel

router = APIRouter(prefix="/agencies", tags=["agencies"])
AgencyIdPath = Annotated[
    str,
    Path(
        pattern=r"^ag[0-9a-f]{16}$",
        description="the agency's id (GET /agencies, or a report's agency_id)",
        examples=["ag62f35278e5ad65c4"],
    ),
]
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": ErrorMessage}}
# (timeline field, header): the columns before the figures
YEAR_COLUMNS = (
    ("report_year", "报告年度 (report_year)"),
    ("report_id", "报告编号 (report_id)"),
    ("published", "发布日期 (published)"),
    ("deadline", "法定期限 (deadline)"),
    ("late", "是否逾期 (late)"),
    ("days_late", "逾期天数 (days_late)"),
)
SIGNAL_COLUMNS = ("信号 (signals)", "信号说明 (signals.detail)")
YES_NO = {True: "是", False: "否", None: ""}


@router.get(
    "",
    response_model=AgenciesResponse,
    responses={400: {"model": ErrorMessage}, 422: {"model": HTTPValidationErrors}, 503: {"model": ErrorMessage}},
)
def read_agencies(params: Annotated[AgencyParams, Query()], backend: BackendDep) -> AgenciesResponse:
    """The agencies matching the words and every filter, by name, one page; facet counts apply every *other* filter.

    An agency is one publishing body across years and name variants; its `signals` are those of any of its years.
    Region filters take short or full names (吉林 or 吉林省): `resolved` says which full names were searched, and an
    unknown name is a 422 with suggestions. `size=0` returns the total and the facets only.
    """
    params, resolved = apply_regions(params)
    result = backend.agencies(params.to_query())
    return AgenciesResponse(
        data=result.agencies,
        total=result.total,
        facets=facet_values(result.facets, {}),
        page=params.page,
        size=params.size,
        resolved=resolved,
    )


@router.get("/{agency_id}", response_model=AgencyModel, responses=NOT_FOUND)
def read_agency(agency_id: AgencyIdPath, backend: BackendDep) -> Agency:
    """One agency: its name variants, region, level, type, kind, years and signals, or 404."""
    return _agency(backend, agency_id)


@router.get("/{agency_id}/timeline", response_model=TimelineResponse, responses=NOT_FOUND)
def read_timeline(agency_id: AgencyIdPath, backend: BackendDep) -> TimelineResponse:
    """The agency and one entry per year from its first report to the latest year whose deadline has passed.

    Each year: its report (`report_id` null when none was found), published date, deadline, whether and how
    many days late, `figures` (the searchable numbers), `change` (the difference from the year before) and
    `signals` (each with a Chinese detail and its evidence).
    """
    agency, years = _agency(backend, agency_id), _timeline(backend, agency_id)
    return TimelineResponse(agency=agency, years=years)


@router.get("/{agency_id}/timeline.csv", response_class=StreamingResponse, responses={**CSV_RESPONSES, **NOT_FOUND})
def export_timeline(agency_id: AgencyIdPath, backend: BackendDep) -> StreamingResponse:
    """The timeline as CSV (UTF-8 with BOM), one row per year: Chinese headers beside the keys, signals in Chinese."""
    _agency(backend, agency_id)
    years = _timeline(backend, agency_id)
    return csv_response(
        timeline_header(),
        (year_row(year) for year in years),
        total=len(years),
        cap=len(years),
        filename=f"agency-{agency_id}-timeline.csv",
        what="years",
    )


def timeline_header() -> list[str]:
    """The columns of a timeline CSV: the year's report and deadline, each figure, its change, the signals."""
    figures = [f"{f.label} ({f.name})" for f in NUMBER_FIELDS]
    changes = [f"较上年变化·{f.label} (change.{f.name})" for f in NUMBER_FIELDS]
    return [h for _, h in YEAR_COLUMNS] + figures + changes + list(SIGNAL_COLUMNS)


def year_row(year: TimelineYear) -> list[str]:
    """One year of a timeline as a CSV row."""
    cells = {**year, "late": YES_NO[year["late"]]}
    return [
        *(text_cell(cells.get(field)) for field, _ in YEAR_COLUMNS),
        *(number_cell(year["figures"].get(f.name)) for f in NUMBER_FIELDS),
        *(number_cell(year["change"].get(f.name)) for f in NUMBER_FIELDS),
        "；".join(signal_label(s["signal"]) for s in year["signals"]),
        text_cell("\n".join(f"{signal_label(s['signal'])}：{s['detail']}" for s in year["signals"])),
    ]


def _agency(backend: Backend, agency_id: str) -> Agency:
    """The agency, or 404."""
    agency = backend.agency(agency_id)
    if agency is None:
        raise HTTPException(status_code=404, detail=f"no agency with id {agency_id!r}")
    return agency


def _timeline(backend: Backend, agency_id: str) -> list[TimelineYear]:
    """The agency's years, or 404."""
    years = backend.timeline(agency_id)
    if years is None:
        raise HTTPException(status_code=404, detail=f"no agency with id {agency_id!r}")
    return years
