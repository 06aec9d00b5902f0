"""Elasticsearch search bodies built from a validated query, and facets read back: pure functions.

Semantics mirror the SQLite backend (``sqlite/``); both take the query as a ``plan.QueryPlan``
(checked and classified once, so both raise the same QueryError for the same bad input), and
facets.py says how facets are counted and listed:

* The main ``query`` holds what every count respects: the words (``combined_fields``, operator AND
  over title/agency/text with SQLite's weights, each word may match in any of them) and the
  ``published`` range.
* Every other filter is a *group*: one per keyword field (``agency_id`` for the ``agency`` facet),
  ``has_failed_checks``, ``failed_check``, ``signal``, ``version``, ``revised``, ``withdrawn``, and one per
  number carrying ``where`` conditions. All groups go in ``post_filter`` (they narrow the
  hits, not the aggregations); each facet aggregation is wrapped in a ``filter`` aggregation that
  applies every group except its own, so a facet's counts ignore its own selection (multi-select)
  and a number's bucket facet ignores the conditions on that number.
* Keyword facets: the ``facet_limit`` most frequent values (ties by value), plus each selected value
  that exists in the index (counted in scope, found through a ``global`` aggregation). Check and flag
  facets are counted whole and listed by ``facets.top_values``. Number facets: a ``range`` aggregation with
  the buckets of ``facets.BUCKETS``, always all of them, in order.
* Sorts: ``_score`` then ``id`` for relevance with words; otherwise the field (``missing: _last``
  both ways, so nulls come last) then ``id``.
* Hits (``hit_fields``): the record without ``text``, plus the text's first ``highlight.SCAN_CHARS``
  characters as a script field, all a snippet looks at.

Agencies (``agencies_body``, on ``<alias>-agencies``): each word of ``q`` must match one of the
agency's ``words`` as ``*word*``; filters are groups as above (``signal`` on the ``signals`` field), every
facet counted whole under every group but its own and listed by ``facets.top_values``, the page sorted
by name then id (byte order, as SQLite compares text).
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from indexer.search_text.highlight import SCAN_CHARS
from indexer.storage.elasticsearch.mapping import (
    AGENCY_HIDDEN,
    CHANGED_AT_FIELD,
    ID_FIELD,
    PUBLISHED_FIELD,
    TEXT_FIELDS,
    VERSION_FIELD,
    YEAR_SORT_FIELD,
    Body,
    facet_field,
    number_field,
)
from indexer.storage.facets import (
    BUCKETS,
    FALSE,
    HAS_FAILED_CHECKS,
    SIGNAL,
    SIGNAL_NAMES,
    TRUE,
    VERSION,
    FacetKind,
    top_values,
    year_signal,
)
from indexer.storage.plan import AgencyPlan, Condition, Facet, QueryPlan
from indexer.tables.numbers import NUMBERS

MAX_WINDOW = 10_000  # Elasticsearch's index.max_result_window: from + size beyond it use search_after
CHECK_FACET_SIZE = 100  # check facets have at most a handful of values; count them all
RANGE_OPS = {">=": "gte", "<=": "lte", ">": "gt", "<": "lt"}
EXISTS_AGG = "selected_exist"  # global aggregation: which selected facet values exist in the index at all
TOP, SELECTED, VALUES, RANGES = "top", "selected", "values", "ranges"
SORT_FIELDS = {
    "published": PUBLISHED_FIELD,
    "report_year": YEAR_SORT_FIELD,
    "version": VERSION_FIELD,
    "changed_at": CHANGED_AT_FIELD,
}
AGENCY_FACET_SIZE = 10_000  # agency facet values counted (every county of China fits)
AGENCY_FIELDS = {SIGNAL: "signals"}  # agency filter -> its field in the agencies index, where they differ
YEAR_SIGNALS = "year_signals"  # the agencies index's signals of each year (mapping.agency_document)
WILDCARD_SPECIALS = str.maketrans({"\\": "\\\\", "*": "\\*", "?": "\\?"})

TEXT_HEAD = "text_head"  # the script field holding the start of a hit's text
TEXT_HEAD_SCRIPT = (
    "def text = params['_source']['text']; if (text == null) { return ''; } "
    "return text.length() > params.chars ? text.substring(0, params.chars) : text;"
)


# --------------------------------------------------------------------------- query parts
def text_query(terms: tuple[str, ...]) -> Body:
    """Every word must occur in the title, agency or text (segmented fields, weighted as SQLite's BM25)."""
    fields = [f"ix.{name}^{boost:g}" for name, boost in TEXT_FIELDS.items()]
    return {"combined_fields": {"query": " ".join(terms), "fields": fields, "operator": "and"}}


def published_range(plan: QueryPlan) -> Body | None:
    """The published-date range (inclusive days), or None without bounds."""
    if not plan.published.bounded:
        return None
    bounds = {}
    if plan.published.start is not None:
        bounds["gte"] = date.fromordinal(plan.published.start).isoformat()
    if plan.published.end is not None:
        bounds["lte"] = date.fromordinal(plan.published.end).isoformat()
    return {"range": {PUBLISHED_FIELD: bounds}}


def main_query(plan: QueryPlan) -> Body:
    """The query every count respects: the words and the date range."""
    must = [text_query(plan.terms)] if plan.terms else []
    date_range = published_range(plan)
    if not must and date_range is None:
        return {"match_all": {}}
    return {"bool": {"must": must, "filter": [date_range] if date_range else []}}


def condition_query(condition: Condition) -> Body:
    """One `where` condition; a missing (null) number never matches, not even `!=`."""
    field = number_field(NUMBERS[condition.name].column)
    if condition.op in RANGE_OPS:
        return {"range": {field: {RANGE_OPS[condition.op]: condition.value}}}
    if condition.op == "=":
        return {"term": {field: condition.value}}
    return {"bool": {"filter": [{"exists": {"field": field}}], "must_not": [{"term": {field: condition.value}}]}}


def filter_groups(plan: QueryPlan) -> dict[str, Body]:
    """One filter per group (keyword field, check filter, number with conditions), keyed like the facets' fields."""
    groups: dict[str, Body] = {
        name: {"terms": {facet_field(name): list(values)}} for name, values in plan.keyword_filters.items()
    }
    if plan.has_failed_checks:
        groups[HAS_FAILED_CHECKS] = {"terms": {facet_field(HAS_FAILED_CHECKS): list(plan.has_failed_checks)}}
    for name, values in plan.multi_filters().items():
        groups[name] = {"terms": {facet_field(name): list(values)}}
    if plan.versions:
        groups[VERSION] = {"terms": {VERSION_FIELD: list(plan.versions)}}
    for name, accepted in plan.flags.items():
        groups[name] = {"terms": {facet_field(name): list(accepted)}}
    for name, conditions in plan.number_filters.items():
        clauses = [condition_query(c) for c in conditions]
        groups[name] = clauses[0] if len(clauses) == 1 else {"bool": {"filter": clauses}}
    return groups


def _all_of(clauses: list[Body]) -> Body:
    """AND of filter clauses (match_all when there are none)."""
    return {"bool": {"filter": clauses}} if clauses else {"match_all": {}}


# --------------------------------------------------------------------------- facets
def _facet_inner(plan: QueryPlan, facet: Facet) -> Body:
    """The aggregation(s) counting one facet inside its filter scope."""
    if facet.kind is FacetKind.NUMBER:
        ranges = [{"key": label, "from": lo, **({} if math.isinf(hi) else {"to": hi})} for label, lo, hi in BUCKETS]
        return {RANGES: {"range": {"field": number_field(NUMBERS[facet.name].column), "ranges": ranges}}}
    field = facet_field(facet.field)
    if facet.kind in (FacetKind.CHECK, FacetKind.FLAG):  # a handful of values: count every one
        return {VALUES: {"terms": {"field": field, "size": CHECK_FACET_SIZE}}}
    inner: Body = {
        TOP: {"terms": {"field": field, "size": plan.facet_limit, "order": [{"_count": "desc"}, {"_key": "asc"}]}}
    }
    selected = list(plan.selected(facet.name))
    if selected:
        inner[SELECTED] = {"terms": {"field": field, "include": selected, "size": len(selected)}}
    return inner


def facet_aggs(plan: QueryPlan, groups: dict[str, Body]) -> Body:
    """One filter aggregation per requested facet (every group but its own), named f0, f1, …"""
    aggs: Body = {
        f"f{i}": {
            "filter": _all_of([q for g, q in groups.items() if g != facet.field]),
            "aggs": _facet_inner(plan, facet),
        }
        for i, facet in enumerate(plan.facets)
    }
    exist = {
        facet.name: {"terms": {"field": facet_field(facet.field), "include": list(selected), "size": len(selected)}}
        for facet in plan.facets
        if facet.kind is FacetKind.KEYWORD and (selected := plan.selected(facet.name))
    }
    if exist:
        aggs[EXISTS_AGG] = {"global": {}, "aggs": exist}
    return aggs


def _bucket_counts(agg: Body) -> dict[str, int]:
    """{value: count} of a terms aggregation (booleans by their string form)."""
    return {str(b.get("key_as_string", b["key"])): int(b["doc_count"]) for b in agg.get("buckets", [])}


def _read_facet(plan: QueryPlan, facet: Facet, agg: Body, exist: Body) -> list[tuple[str, int]]:
    """One facet of a search response, listed as facets.py says."""
    if facet.kind is FacetKind.NUMBER:
        counts = {b["key"]: int(b["doc_count"]) for b in agg[RANGES]["buckets"]}
        return [(label, counts.get(label, 0)) for label, _, _ in BUCKETS]
    if facet.kind is FacetKind.KEYWORD:  # the top values, then selected values that exist (counted in scope)
        existing = _bucket_counts(exist.get(facet.name, {}))
        selected = [v for v in plan.selected(facet.name) if existing.get(v, 0) > 0]
        counts = {**_bucket_counts(agg.get(SELECTED, {})), **_bucket_counts(agg[TOP])}
        return top_values(counts, plan.facet_limit, selected)
    counts = _bucket_counts(agg[VALUES])
    if facet.name == HAS_FAILED_CHECKS or facet.kind is FacetKind.FLAG:
        counts = {TRUE: counts.get(TRUE, 0), FALSE: counts.get(FALSE, 0)}
    return top_values(counts, plan.facet_limit, plan.selected(facet.name))


def read_facets(plan: QueryPlan, aggregations: Body) -> dict[str, list[tuple[str, int]]]:
    """The facets of a search response, in SearchResult's shape."""
    exist = aggregations.get(EXISTS_AGG, {})
    return {facet.name: _read_facet(plan, facet, aggregations[f"f{i}"], exist) for i, facet in enumerate(plan.facets)}


# --------------------------------------------------------------------------- sort and body
def sort_clause(plan: QueryPlan) -> list[Body]:
    """The sort: relevance = _score then id; otherwise the field (nulls last either way) then id."""
    if plan.ranked:
        return [{"_score": {"order": "desc"}}, {ID_FIELD: {"order": "asc"}}]
    key = plan.order.key
    field = SORT_FIELDS.get(key) or number_field(NUMBERS[key].column)
    order = "desc" if plan.order.descending else "asc"
    return [{field: {"order": order, "missing": "_last"}}, {ID_FIELD: {"order": "asc"}}]


def search_body(
    plan: QueryPlan,
    *,
    size: int,
    offset: int = 0,
    search_after: list[Any] | None = None,
    facets: bool = True,
    source: bool | Body = True,
    timeout_ms: int | None = None,
) -> Body:
    """The body of one _search request for `plan` (from/size, or search_after for deep pages)."""
    groups = filter_groups(plan)
    body: Body = {"query": main_query(plan), "sort": sort_clause(plan), "size": size, "track_total_hits": True}
    if search_after is not None:
        body["search_after"] = search_after
    elif offset:
        body["from"] = offset
    if groups:
        body["post_filter"] = _all_of(list(groups.values()))
    if facets and plan.facets:
        body["aggs"] = facet_aggs(plan, groups)
    if source is not True:
        body["_source"] = source
    if timeout_ms is not None:
        body["timeout"] = f"{timeout_ms}ms"
    return body


def hit_fields(chars: int = SCAN_CHARS) -> Body:
    """What a page of hits fetches: the record without its text, and the text's first `chars` as a script field.

    A snippet looks at no more (highlight.SCAN_CHARS), so a huge stored text never travels whole.
    """
    return {
        "_source": {"excludes": ["text"]},
        "script_fields": {
            TEXT_HEAD: {"script": {"lang": "painless", "source": TEXT_HEAD_SCRIPT, "params": {"chars": chars}}}
        },
    }


def text_head(hit: Body) -> str:
    """The text head a hit brought (hit_fields), '' when it has none."""
    values = hit.get("fields", {}).get(TEXT_HEAD) or [""]
    head: str = values[0] or ""
    return head


# --------------------------------------------------------------------------- agencies
def agency_groups(plan: AgencyPlan) -> dict[str, Body]:
    """One filter per agency field given (signals of one year only, with a signal year)."""
    groups = {name: {"terms": {AGENCY_FIELDS.get(name, name): list(values)}} for name, values in plan.filters.items()}
    if SIGNAL in plan.filters and plan.signal_year is not None:
        groups[SIGNAL] = {"terms": {YEAR_SIGNALS: [year_signal(s, plan.signal_year) for s in plan.filters[SIGNAL]]}}
    return groups


def agency_facet_terms(plan: AgencyPlan, name: str) -> Body:
    """The terms aggregation of one agency facet (with a signal year: that year's signals only)."""
    if name == SIGNAL and plan.signal_year is not None:
        year_values = [year_signal(s, plan.signal_year) for s in SIGNAL_NAMES]
        return {"field": YEAR_SIGNALS, "include": year_values, "size": len(year_values)}
    return {"field": AGENCY_FIELDS.get(name, name), "size": AGENCY_FACET_SIZE}


def agency_words(plan: AgencyPlan) -> Body:
    """Every word of `q` within one of the agency's words (names and region names, lower case)."""
    clauses = [{"wildcard": {"words": {"value": f"*{w.lower().translate(WILDCARD_SPECIALS)}*"}}} for w in plan.words]
    return _all_of(clauses)


def agencies_body(plan: AgencyPlan, timeout_ms: int | None = None) -> Body:
    """The body of one search of the agencies index: the words, the filters, the page and the facets."""
    groups = agency_groups(plan)
    body: Body = {
        "query": agency_words(plan),
        "sort": [{"name": "asc"}, {"id": "asc"}],
        "from": plan.offset,
        "size": plan.limit,
        "track_total_hits": True,
        "_source": {"excludes": list(AGENCY_HIDDEN)},
    }
    if groups:
        body["post_filter"] = _all_of(list(groups.values()))
    if plan.facets:
        body["aggs"] = {
            f"f{i}": {
                "filter": _all_of([q for g, q in groups.items() if g != name]),
                "aggs": {VALUES: {"terms": agency_facet_terms(plan, name)}},
            }
            for i, name in enumerate(plan.facets)
        }
    if timeout_ms is not None:
        body["timeout"] = f"{timeout_ms}ms"
    return body


def read_agency_facets(plan: AgencyPlan, aggregations: Body) -> dict[str, list[tuple[str, int]]]:
    """The agency facets of a response, listed as facets.py says."""
    return {
        name: top_values(
            {value.split("@")[0]: n for value, n in _bucket_counts(aggregations[f"f{i}"][VALUES]).items()},
            plan.facet_limit,
            plan.filters.get(name, ()),
        )
        for i, name in enumerate(plan.facets)
    }
