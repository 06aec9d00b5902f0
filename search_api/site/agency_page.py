"""GET /agency/{id}: one agency across the years — names, region, kind, a chart per headline number and the timeline
with its late, missing and other signals."""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from indexer.model import Agency, TimelineYear
from indexer.storage import Backend
from indexer.tables.numbers import HEADLINE_NUMBERS, NUMBERS

from ..deps import BackendDep
from ..labels import signal_label
from .charts import year_chart
from .guard import guarded, not_found
from .render import number_text, page
from .words import VALUE_LABELS, number_label

router = APIRouter()
AGENCY_ID_RE = re.compile(r"ag[0-9a-f]{16}")
TIMELINE_NUMBERS = HEADLINE_NUMBERS  # the figures the timeline table shows beside the dates and signals


@router.get("/agency/{agency_id}")
def agency_page(agency_id: str, backend: BackendDep) -> Response:
    """The agency page, or 404 for an unknown id."""
    return guarded(lambda: _agency_page(agency_id, backend))


def _agency_page(agency_id: str, backend: Backend) -> Response:
    """Read the agency and its timeline and show them."""
    agency = backend.agency(agency_id) if AGENCY_ID_RE.fullmatch(agency_id) else None
    years = backend.timeline(agency_id) if agency else None
    if agency is None or years is None:
        raise not_found("这个机关")
    return page("agency.html", title=agency["name"], **agency_context(agency, years))


def agency_context(agency: Agency, years: list[TimelineYear]) -> dict[str, Any]:
    """What the agency template shows."""
    region = " ".join(p for p in (agency["province"], agency["city"], agency["county"]) if p)
    return {
        "agency": agency,
        "region": region,
        "level": VALUE_LABELS["level"].get(agency["level"] or "", ""),
        "charts": [
            {"label": number_label(n), "full_label": NUMBERS[n].label, "svg": year_chart(n, NUMBERS[n].label, series)}
            for n in HEADLINE_NUMBERS
            if (series := [(y["report_year"], y["figures"].get(n)) for y in years])
        ],
        "columns": [number_label(n) for n in TIMELINE_NUMBERS],
        "years": [year_view(y) for y in reversed(years)],
        "signal_names": [signal_label(s) for s in agency["signals"]],
    }


def year_view(year: TimelineYear) -> dict[str, Any]:
    """One row of the timeline table, newest year first."""
    late = year["late"]
    return {
        "year": year["report_year"],
        "report_id": year["report_id"],
        "published": year["published"],
        "deadline": year["deadline"],
        "late": "—" if late is None else (f"逾期 {year['days_late']} 天" if late else "按时"),
        "is_late": bool(late),
        "figures": [number_text(year["figures"].get(n)) for n in TIMELINE_NUMBERS],
        "signals": [
            {"name": s["signal"], "label": signal_label(s["signal"]), "detail": s["detail"]} for s in year["signals"]
        ],
    }
