"""Elasticsearch search bodies built from a validated query, and facets read back: pure functions.

Semantics mirror the SQLite backend (``sqlite.py``); both validate queries with ``plan.QueryPlan``
(so both raise the same ValueError for the same bad input):

* The main ``query`` holds what every count respects: the words (``combined_fields``, operator AND
  over title/agency/text with SQLite's weights, each word may match in any of them) and the
  ``published`` range.
* Every other filter is a *group*: one per facet field, ``has_failed_checks``, ``failed_check``, and
  one per number carrying ``where`` conditions. All groups go in ``post_filter`` (they narrow the
  hits, not the aggregations); each facet aggregation is wrapped in a ``filter`` aggregation that
  applies every group except its own, so a facet's counts ignore its own selection (multi-select)
  and a number's bucket facet ignores the conditions on that number.
* Keyword facets: the ``facet_limit`` most frequent values (ties by value), plus each selected value
  that exists in the index (counted in scope, found through a ``global`` aggregation). Check facets
  are counted whole and cut like SQLite's. Number facets: a ``range`` aggregation with the five
  buckets of ``stats_fields.BUCKETS``, always all of them, in order.
* Sorts: ``_score`` then ``id`` for relevance with words; otherwise the field (``missing: _last``
  both ways, so nulls come last) then ``id``.
"""

from __future__ import annotations

import math
from datetime import date

from indexer.storage.base import FACET_FIELDS
from indexer.storage.elasticsearch.mapping import (
    ID_FIELD,
    PUBLISHED_FIELD,
    TEXT_FIELDS,
    YEAR_SORT_FIELD,
    facet_field,
    number_field,
)
from indexer.storage.plan import (  # the one validation both backends share
    FALSE,
    TRUE,
    QueryPlan,
)
from indexer.tables.numbers import BUCKETS, NUMBERS, Condition

MAX_WINDOW = 10_000  # Elasticsearch's index.max_result_window: from + size beyond it use search_after
CHECK_FACET_SIZE = 100  # check facets have at most a handful of values; count them all
RANGE_OPS = {">=": "gte", "<=": "lte", ">": "gt", "<": "lt"}
EXISTS_AGG = "selected_exist"  # global aggregation: which selected facet values exist in the index at all
TOP, SELECTED, VALUES, RANGES = "top", "selected", "values", "ranges"

__all__ = [
    "MAX_WINDOW",
    "QueryPlan",
    "facet_aggs",
    "filter_groups",
    "main_query",
    "read_facets",
    "search_body",
    "sort_clause",
    "text_query",
]


# --------------------------------------------------------------------------- query parts
def text_query(terms: tuple[str, ...]) -> dict:
    """Every word must occur in the title, agency or text (segmented fields, SQLite's weights as boosts)."""
    fields = [f"ix.{name}^{boost:g}" for name, boost in TEXT_FIELDS.items()]
    return {"combined_fields": {"query": " ".join(terms), "fields": fields, "operator": "and"}}


def published_range(plan: QueryPlan) -> dict | None:
    """The published-date range (inclusive days), or None without bounds."""
    if plan.published_from is None and plan.published_to is None:
        return None
    bounds = {}
    if plan.published_from is not None:
        bounds["gte"] = date.fromordinal(plan.published_from).isoformat()
    if plan.published_to is not None:
        bounds["lte"] = date.fromordinal(plan.published_to).isoformat()
    return {"range": {PUBLISHED_FIELD: bounds}}


def main_query(plan: QueryPlan) -> dict:
    """The query every count respects: the words and the date range."""
    must = [text_query(plan.terms)] if plan.terms else []
    date_range = published_range(plan)
    if not must and date_range is None:
        return {"match_all": {}}
    return {"bool": {"must": must, "filter": [date_range] if date_range else []}}


def condition_query(condition: Condition) -> dict:
    """One `where` condition; a missing (null) number never matches, not even `!=`."""
    field = number_field(NUMBERS[condition.name].column)
    if condition.op in RANGE_OPS:
        return {"range": {field: {RANGE_OPS[condition.op]: condition.value}}}
    if condition.op == "=":
        return {"term": {field: condition.value}}
    return {"bool": {"filter": [{"exists": {"field": field}}], "must_not": [{"term": {field: condition.value}}]}}


def filter_groups(plan: QueryPlan) -> dict[str, dict]:
    """One filter per group (facet field, check filter, number with conditions), keyed like the facets."""
    groups: dict[str, dict] = {}
    for name, values in plan.filters.items():
        if name in FACET_FIELDS or name == "failed_check":
            groups[name] = {"terms": {facet_field(name): list(values)}}
        elif name == "has_failed_checks":
            groups[name] = {"terms": {facet_field(name): sorted({v == TRUE for v in values})}}
    by_number: dict[str, list[dict]] = {}
    for condition in plan.where:
        by_number.setdefault(condition.name, []).append(condition_query(condition))
    for name, clauses in by_number.items():
        groups[name] = clauses[0] if len(clauses) == 1 else {"bool": {"filter": clauses}}
    return groups


def _all_of(clauses: list[dict]) -> dict:
    """AND of filter clauses (match_all when there are none)."""
    return {"bool": {"filter": clauses}} if clauses else {"match_all": {}}


# --------------------------------------------------------------------------- facets
def _facet_inner(plan: QueryPlan, name: str) -> dict:
    """The aggregation(s) counting one facet inside its filter scope."""
    if name in NUMBERS:
        ranges = [{"key": label, "from": lo, **({} if math.isinf(hi) else {"to": hi})} for label, lo, hi in BUCKETS]
        return {RANGES: {"range": {"field": number_field(NUMBERS[name].column), "ranges": ranges}}}
    if name not in FACET_FIELDS:  # has_failed_checks, failed_check: count every value
        return {VALUES: {"terms": {"field": facet_field(name), "size": CHECK_FACET_SIZE}}}
    inner = {
        TOP: {
            "terms": {
                "field": facet_field(name),
                "size": plan.facet_limit,
                "order": [{"_count": "desc"}, {"_key": "asc"}],
            }
        }
    }
    selected = list(plan.filters.get(name, ()))
    if selected:
        inner[SELECTED] = {"terms": {"field": facet_field(name), "include": selected, "size": len(selected)}}
    return inner


def facet_aggs(plan: QueryPlan, groups: dict[str, dict]) -> dict:
    """One filter aggregation per requested facet (every group but its own), named f0, f1, …"""
    aggs = {
        f"f{i}": {"filter": _all_of([q for g, q in groups.items() if g != name]), "aggs": _facet_inner(plan, name)}
        for i, name in enumerate(plan.facets)
    }
    exist = {
        name: {
            "terms": {"field": facet_field(name), "include": list(plan.filters[name]), "size": len(plan.filters[name])}
        }
        for name in plan.facets
        if name in FACET_FIELDS and plan.filters.get(name)
    }
    if exist:
        aggs[EXISTS_AGG] = {"global": {}, "aggs": exist}
    return aggs


def _bucket_counts(agg: dict) -> dict[str, int]:
    """{value: count} of a terms aggregation (booleans by their string form)."""
    return {str(b.get("key_as_string", b["key"])): int(b["doc_count"]) for b in agg.get("buckets", [])}


def _top(plan: QueryPlan, name: str, counts: dict[str, int]) -> list[tuple[str, int]]:
    """Non-zero counts, most frequent first (ties by value), cut to facet_limit; selected values kept."""
    ranked = sorted((item for item in counts.items() if item[1] > 0), key=lambda kv: (-kv[1], kv[0]))
    chosen = ranked[: plan.facet_limit]
    for value in plan.filters.get(name, ()):
        if value not in dict(chosen):
            chosen.append((value, counts.get(value, 0)))
    return chosen


def _keyword_facet(plan: QueryPlan, name: str, agg: dict, existing: dict[str, int]) -> list[tuple[str, int]]:
    """Top values, then each selected value that exists in the index (its count in scope, maybe 0)."""
    chosen = [(str(b["key"]), int(b["doc_count"])) for b in agg[TOP]["buckets"]]
    in_scope = _bucket_counts(agg.get(SELECTED, {}))
    for value in plan.filters.get(name, ()):
        if existing.get(value, 0) > 0 and value not in dict(chosen):
            chosen.append((value, in_scope.get(value, 0)))
    return chosen


def read_facets(plan: QueryPlan, aggregations: dict) -> dict[str, list[tuple[str, int]]]:
    """The facets of a search response, in SearchResult's shape."""
    exist = aggregations.get(EXISTS_AGG, {})
    facets: dict[str, list[tuple[str, int]]] = {}
    for i, name in enumerate(plan.facets):
        agg = aggregations[f"f{i}"]
        if name in NUMBERS:
            counts = {b["key"]: int(b["doc_count"]) for b in agg[RANGES]["buckets"]}
            facets[name] = [(label, counts.get(label, 0)) for label, _, _ in BUCKETS]
        elif name in FACET_FIELDS:
            facets[name] = _keyword_facet(plan, name, agg, _bucket_counts(exist.get(name, {})))
        else:
            counts = _bucket_counts(agg[VALUES])
            if name == "has_failed_checks":
                counts = {TRUE: counts.get(TRUE, 0), FALSE: counts.get(FALSE, 0)}
            facets[name] = _top(plan, name, counts)
    return facets


# --------------------------------------------------------------------------- sort and body
def sort_clause(plan: QueryPlan) -> list[dict]:
    """The sort: relevance = _score then id; otherwise the field (nulls last either way) then id."""
    if plan.sort == "relevance" and plan.terms:
        return [{"_score": {"order": "desc"}}, {ID_FIELD: {"order": "asc"}}]
    key = "-published" if plan.sort == "relevance" else plan.sort
    name = key.lstrip("-")
    field = {"published": PUBLISHED_FIELD, "report_year": YEAR_SORT_FIELD}.get(name)
    field = field or number_field(NUMBERS[name].column)
    order = "desc" if key.startswith("-") else "asc"
    return [{field: {"order": order, "missing": "_last"}}, {ID_FIELD: {"order": "asc"}}]


def ranked(plan: QueryPlan) -> bool:
    """Whether hits are ordered by score (the first sort value is the score)."""
    return plan.sort == "relevance" and bool(plan.terms)


def search_body(
    plan: QueryPlan,
    *,
    size: int,
    offset: int = 0,
    search_after: list | None = None,
    facets: bool = True,
    source: bool | dict = True,
    timeout_ms: int | None = None,
) -> dict:
    """The body of one _search request for `plan` (from/size, or search_after for deep pages)."""
    groups = filter_groups(plan)
    body: dict = {"query": main_query(plan), "sort": sort_clause(plan), "size": size, "track_total_hits": True}
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
