"""GET /overview: for a region and a report year, what a watchdog starts from — which agencies published (sortable
by their numbers), which published late, which did not publish, whose tables fail their checks and whose figures
break from the year before; each row links to the agency."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from indexer.storage import Backend, SearchQuery
from indexer.storage.base import AgencyQuery, RecordFields
from indexer.storage.facets import failed_checks
from indexer.tables.numbers import HEADLINE_NUMBERS, pick_numbers

from ..deps import BackendDep
from ..labels import rule_label, signal_label
from ..schemas import FilterList, SortName, Year
from .guard import guarded
from .render import number_text, page
from .search_page import regions_in_full
from .urlstate import Pairs, link, parse, query_pairs, replacing, without
from .words import SORT_LABELS, number_label

router = APIRouter()
ROWS = 200  # rows each table shows at most (the search page lists the rest)
DEFAULT_SORT = "-applications.new_received.total"
REGION_PARAMS = ("province", "city", "county")


class OverviewParams(BaseModel):
    """Query parameters of GET /overview."""

    model_config = ConfigDict(extra="forbid")

    province: FilterList = []
    city: FilterList = []
    county: FilterList = []
    report_year: Year | None = None
    sort: Annotated[SortName, Field()] = DEFAULT_SORT


@dataclass(frozen=True)
class Section:
    """One table of the overview: which reports (a search signal or check filter) or agencies it lists."""

    name: str
    title: str
    explanation: str
    filters: tuple[tuple[str, str], ...]  # the /search filter that picks its reports (none: every report)


SECTIONS = (
    Section("published", "已发布年报的机关", "这一年度已收录报告的机关，可按数字排序。", ()),
    Section(
        "late", "逾期发布", "报告发布日期晚于法定期限（政府：次年3月31日；部门：次年1月31日）。", (("signal", "late"),)
    ),
    Section(
        "failed_checks", "表格数字不能相互印证", "报告的统计表中，数字相加不符。", (("has_failed_checks", "true"),)
    ),
    Section("cross_year", "与上年数据不衔接", "本年期初数字与上年报告的期末数字不一致。", (("signal", "cross_year"),)),
)


@router.get("/overview")
def overview_page(request: Request, backend: BackendDep) -> Response:
    """The overview of one region and year (default: the whole country, the latest year with reports)."""
    return guarded(lambda: _overview_page(list(request.query_params.multi_items()), backend))


def _overview_page(raw: Pairs, backend: Backend) -> Response:
    """Redirect to the canonical URL (full region names, blank fields left out), then count and list."""
    pairs = regions_in_full(query_pairs(raw))
    if pairs != raw:
        return RedirectResponse(link("/overview", pairs), status_code=303)
    params = parse(pairs, OverviewParams)
    region = {name: list(getattr(params, name)) for name in REGION_PARAMS if getattr(params, name)}
    years = report_years(backend, region)
    year = params.report_year or (years[0] if years else None)
    base = [(n, v) for n, v in pairs if n in REGION_PARAMS] + ([("report_year", str(year))] if year else [])
    context: dict[str, Any] = {
        "title": "地区概览",
        "region": " ".join(v for values in region.values() for v in values) or "全国",
        "region_values": {name: " ".join(values) for name, values in region.items()},
        "year": year,
        "years": [{"year": y, "href": link("/overview", replacing(pairs, "report_year", str(y)))} for y in years],
        "sections": [],
        "columns": [],
    }
    if year is None:
        return page("overview.html", **context)
    filters = {**region, "report_year": [str(year)]}
    context["sections"] = [report_section(backend, s, filters, params.sort, base) for s in SECTIONS]
    context["sections"].insert(2, missing_section(backend, region, year))
    context["columns"] = sort_columns(pairs, params.sort)
    return page("overview.html", **context)


def report_years(backend: Backend, region: dict[str, list[str]]) -> list[int]:
    """The report years the region has reports for, newest first."""
    result = backend.search(SearchQuery(filters=region, limit=0, facets=("report_year",), facet_limit=100))
    return sorted((int(value) for value, count in result.facets.get("report_year", []) if count), reverse=True)


def report_section(
    backend: Backend, section: Section, filters: dict[str, list[str]], sort: str, base: Pairs
) -> dict[str, Any]:
    """A table of the region's reports of the year that the section's filter picks, with their count."""
    picked = {**filters, **{name: [value] for name, value in section.filters}}
    query = SearchQuery(
        filters=picked, sort=sort if section.name == "published" else "-published", limit=ROWS, facets=()
    )
    result = backend.search(query)
    search_pairs = [*base, *section.filters, ("sort", query.sort)]
    return {
        "name": section.name,
        "title": section.title,
        "explanation": section.explanation,
        "count": result.total,
        "kind": "reports",
        "rows": [report_row(h.record, section.name) for h in result.hits],
        "more": link("/", search_pairs) if result.total > ROWS else None,
        "search": link("/", search_pairs),
        "csv": link("/search.csv", search_pairs),
    }


def report_row(record: RecordFields, section: str) -> dict[str, Any]:
    """One report in a table: its agency (linked), place, dates, headline figures and what the section is about."""
    figures = pick_numbers(record.get("stats"), HEADLINE_NUMBERS)
    return {
        "id": record["id"],
        "agency": record.get("agency") or record.get("title"),
        "agency_id": record.get("agency_id"),
        "region": " ".join(p for p in (record.get("city"), record.get("county")) if p) or record.get("province") or "",
        "published": record.get("published") or "",
        "figures": [(n, number_text(figures.get(n))) for n in HEADLINE_NUMBERS],
        "note": section_note(record, section),
    }


def section_note(record: RecordFields, section: str) -> str:
    """What a row says about the section's subject: the failed rules, the signal's details, or every signal."""
    signals = record.get("signals") or []
    if section == "failed_checks":
        return "、".join(rule_label(rule) for rule in failed_checks(record.get("checks")) or [])
    if section == "published":
        return "、".join(signal_label(s["signal"]) for s in signals)
    return "；".join(s["detail"] for s in signals if s["signal"] == section)


def missing_section(backend: Backend, region: dict[str, list[str]], year: int) -> dict[str, Any]:
    """The agencies of the region whose report on `year` was due and not found."""
    query = AgencyQuery(filters={**region, "signal": ["missing"]}, signal_year=year, limit=ROWS, facets=())
    result = backend.agencies(query)
    return {
        "name": "missing",
        "title": "未发布年报",
        "explanation": "法定期限已过，却没有找到这一年度报告的机关（只计本工具见过其他年度报告的机关）。",
        "count": result.total,
        "kind": "agencies",
        "rows": [
            {
                "agency": a["name"],
                "agency_id": a["id"],
                "region": " ".join(p for p in (a["city"], a["county"]) if p) or a["province"] or "",
                "kind": a["kind"],
                "years": f"{a['first_year']}–{a['last_year']}",
            }
            for a in result.agencies
        ],
        "more": None,
        "search": None,
        "csv": None,
    }


def sort_columns(pairs: Pairs, sort: str) -> list[dict[str, Any]]:
    """The figure columns of the published table, each a link sorting by it (most first, again: fewest first)."""
    columns = []
    for name in HEADLINE_NUMBERS:
        target = f"-{name}" if sort != f"-{name}" else name
        columns.append(
            {
                "label": number_label(name),
                "title": SORT_LABELS[target],
                "href": link("/overview", replacing(without(pairs, "sort"), "sort", target)),
                "active": sort.lstrip("-") == name,
                "arrow": ("↓" if sort.startswith("-") else "↑") if sort.lstrip("-") == name else "",
            }
        )
    return columns
