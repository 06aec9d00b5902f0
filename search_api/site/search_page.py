"""GET /: the search page, with the parameters of GET /search (a page URL and an API URL differ only in the path)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from indexer.storage import Backend, SearchResult
from indexer.storage.facets import facet_field
from indexer.storage.plan import parse_condition
from indexer.tables.numbers import HEADLINE_NUMBERS, NUMBER_FIELDS, NUMBERS

from ..deps import BackendDep
from ..labels import facet_values
from ..regions import REGION_FIELDS, resolve_regions, resolve_value
from ..schemas import MAX_PAGE, SearchParams
from .guard import PageError, guarded
from .render import number_text, page
from .urlstate import Pairs, adding, link, parse, query_pairs, replacing, without
from .words import FACET_LABELS, FILTER_LABELS, OPERATORS, SORT_LABELS, VALUE_LABELS, number_label, value_label

router = APIRouter()

SITE_FACETS = (
    "province",
    "city",
    "county",
    "report_year",
    "agency",
    "agency_type",
    "level",
    "format",
    "has_failed_checks",
    "failed_check",
    "signal",
    "revised",
    "withdrawn",
)
SINGLE_VALUED = ("has_failed_checks", "revised", "withdrawn")  # a facet link replaces their value
NOT_FILTERS = ("q", "page", "size", "sort", "facets")  # parameters that do not narrow the results
PAGING = ("page", "size", "facets")  # what /search.csv and /search.atom do not take
WHERE_BUILDER = ("where_number", "where_op", "where_value")  # the form's three fields, joined into one `where`
TEXT_FIELDS = (("q", "关键词"), ("province", "省份"), ("city", "城市"), ("county", "区县"), ("agency_type", "机关类型"))
PAGE_LINKS = 3  # page numbers linked on each side of the current one


@dataclass(frozen=True)
class FormField:
    """One visible field of the search form."""

    name: str
    label: str
    value: str
    options: tuple[tuple[str, str], ...] = ()  # (value, label); empty for a text box


@router.get("/")
def search_page(request: Request, backend: BackendDep) -> Response:
    """The search page: form, total, facets with counts, hits with snippets and figures, pages, exports."""
    return guarded(lambda: _search_page(list(request.query_params.multi_items()), backend))


def _search_page(raw: Pairs, backend: Backend) -> Response:
    """Redirect a form submission to its canonical URL; otherwise search and show the results."""
    pairs = regions_in_full(joined_where(query_pairs(raw)))
    if pairs != raw:
        return RedirectResponse(link("/", pairs), status_code=303)
    params = parse(pairs, SearchParams)
    query = params.to_query()
    if "facets" not in dict(pairs):
        query.facets = SITE_FACETS
    result = backend.search(query)
    return page("search.html", **search_context(pairs, params, result))


def joined_where(pairs: Pairs) -> Pairs:
    """The form's number, operator and value fields as one `where` condition (left out unless all three are given)."""
    given = dict(pairs)
    kept = [(n, v) for n, v in pairs if n not in WHERE_BUILDER]
    if all(given.get(name) for name in WHERE_BUILDER):
        return adding(kept, "where", f"{given['where_number']}{given['where_op']}{given['where_value'].strip()}")
    return kept


def regions_in_full(pairs: Pairs) -> Pairs:
    """The pairs with each region value (吉林, 长春市) replaced by the full names it stands for; a 422 page with
    suggestions for a value no division has."""
    _, errors = resolve_regions({name: [v for n, v in pairs if n == name] for name in REGION_FIELDS})
    if errors:
        raise PageError(422, "没有找到这个地区，请检查名称。", [e.message for e in errors])
    full: Pairs = []
    for name, value in pairs:
        values = resolve_value(name, value) if name in REGION_FIELDS else [value]
        full += [(name, v) for v in values if (name, v) not in full]
    return full


def search_context(pairs: Pairs, params: SearchParams, result: SearchResult) -> dict[str, Any]:
    """What the search template shows."""
    facets = facet_values(result.facets, result.labels)
    agency_names = result.labels.get("agency", {})
    exported = [(n, v) for n, v in pairs if n not in PAGING]
    return {
        "title": f"{params.q} - 搜索" if params.q else "政府信息公开工作年度报告检索",
        "total": result.total,
        "hits": [hit_view(h.record, h.snippet, h.figures, focus_numbers(params)) for h in result.hits],
        "facets": [facet_view(name, values, pairs) for name, values in facets.items() if values],
        "selected": [selected_view(n, v, pairs, agency_names) for n, v in pairs if n not in NOT_FILTERS],
        "form": form_fields(pairs),
        "hidden": hidden_pairs(pairs),
        "sort_options": list(SORT_LABELS.items()),
        "sort": params.sort,
        "numbers": [(f.name, f.label) for f in NUMBER_FIELDS],
        "operators": list(OPERATORS.items()),
        "pages": page_links(pairs, params.page, params.size, result.total),
        "csv_url": link("/search.csv", exported),
        "atom_url": link("/search.atom", exported),
        "jsonl_url": link("/search.jsonl", exported),
        "json_url": link("/search", pairs),
        "overview_url": link("/overview", [(n, v) for n, v in pairs if n in ("province", "city", "county")]),
    }


def focus_numbers(params: SearchParams) -> list[str]:
    """The numbers the query sorts or filters by, in that order."""
    names = [params.sort.lstrip("-")] if params.sort.lstrip("-") in NUMBERS else []
    names += [parse_condition(w).name for w in params.where]
    return list(dict.fromkeys(names))


def hit_view(record: dict[str, Any], snippet: str, figures: dict[str, Any], focus: list[str]) -> dict[str, Any]:
    """One result: title, agency, place, dates, snippet, and its figures (those the query uses first)."""
    shown = [*focus, *(n for n in HEADLINE_NUMBERS if n not in focus)]
    return {
        "id": record["id"],
        "title": record.get("title") or "（无标题）",
        "agency": record.get("agency"),
        "agency_id": record.get("agency_id"),
        "region": " ".join(p for p in (record.get("province"), record.get("city"), record.get("county")) if p),
        "report_year": record.get("report_year"),
        "published": record.get("published"),
        "format": VALUE_LABELS["format"].get(record.get("format") or "", ""),
        "snippet": snippet,
        "figures": [
            {"name": n, "label": number_label(n), "value": number_text(figures.get(n)), "focus": n in focus}
            for n in shown
            if n in figures and (figures[n] is not None or n in focus)
        ],
        "signals": [VALUE_LABELS["signal"].get(s["signal"], s["signal"]) for s in record.get("signals") or []],
    }


def facet_view(name: str, values: list[Any], pairs: Pairs) -> dict[str, Any]:
    """One facet: its Chinese name and each value with its count and the link that adds or removes it."""
    param = facet_field(name)
    if name == "report_year":
        values = sorted(values, key=lambda item: item.value, reverse=True)
    items = []
    for item in values:
        selected = (param, item.value) in pairs
        if selected:
            target = without(pairs, param, item.value)
        elif name in SINGLE_VALUED:
            target = replacing(pairs, param, item.value)
        else:
            target = adding(pairs, param, item.value)
        items.append(
            {
                "value": item.value,
                "label": value_label(name, item.value, item.label),
                "count": item.count,
                "selected": selected,
                "href": link("/", without(target, "page")),
            }
        )
    return {"name": name, "label": FACET_LABELS.get(name, name), "values": items}


def selected_view(name: str, value: str, pairs: Pairs, agency_names: dict[str, str]) -> dict[str, str]:
    """One active filter, in Chinese, with the link that removes it."""
    if name == "where":
        condition = parse_condition(value)
        shown = f"{number_label(condition.name)} {OPERATORS[condition.op]} {number_text(condition.value)}"
    elif name == "agency_id":
        shown = agency_names.get(value, value)
    else:
        shown = value_label(name, value)
    return {
        "name": name,
        "label": FILTER_LABELS.get(name, name),
        "value": shown,
        "remove": link("/", without(without(pairs, name, value), "page")),
    }


def form_fields(pairs: Pairs) -> list[FormField]:
    """The form's visible fields, each showing the first value given for it."""
    given: dict[str, str] = {}
    for name, value in pairs:
        given.setdefault(name, value)
    fields = [FormField(name, label, given.get(name, "")) for name, label in TEXT_FIELDS]
    fields.insert(4, FormField("report_year", "报告年度", given.get("report_year", "")))
    for name in ("level", "format", "signal", "has_failed_checks", "revised", "withdrawn"):
        options = (("", "不限"), *VALUE_LABELS[name].items())
        fields.append(FormField(name, FACET_LABELS[name], given.get(name, ""), options))
    return fields


def hidden_pairs(pairs: Pairs) -> Pairs:
    """The pairs the form's visible fields do not carry: kept when the form is sent again (not the page)."""
    visible = {name for name, _ in TEXT_FIELDS} | {"report_year", "sort", "page"}
    visible |= {"level", "format", "signal", "has_failed_checks", "revised", "withdrawn"}
    seen: set[str] = set()
    hidden = []
    for name, value in pairs:
        if name in visible and name not in seen:
            seen.add(name)
            continue
        if name != "page":
            hidden.append((name, value))
    return hidden


def page_links(pairs: Pairs, current: int, size: int, total: int) -> list[dict[str, Any]]:
    """Links to the pages around the current one, with the previous and next page."""
    last = min(max(1, math.ceil(total / size)), MAX_PAGE)
    if last == 1:
        return []
    numbers = range(max(1, current - PAGE_LINKS), min(last, current + PAGE_LINKS) + 1)
    links = [
        {"label": str(n), "href": link("/", replacing(pairs, "page", str(n))), "current": n == current} for n in numbers
    ]
    if current > 1:
        links.insert(
            0, {"label": "上一页", "href": link("/", replacing(pairs, "page", str(current - 1))), "current": False}
        )
    if current < last:
        links.append(
            {"label": "下一页", "href": link("/", replacing(pairs, "page", str(current + 1))), "current": False}
        )
    return links
