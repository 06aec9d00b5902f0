"""A validated search request, shared by every backend so they accept and reject the same input."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from indexer.search_text.segment import query_terms
from indexer.storage.base import (
    ALL_FACETS,
    FILTER_FIELDS,
    MAX_LIMIT,
    SORT_KEYS,
    SearchQuery,
)
from indexer.tables.numbers import NUMBERS, Condition, parse_condition

MAX_QUERY_TERMS = 32  # longer queries are cut (AND of 32 words is already very narrow)
TRUE, FALSE = "true", "false"  # values of the has_failed_checks filter and facet


@dataclass(frozen=True)
class QueryPlan:
    """A validated query: terms, filters, date range, sort and page."""

    terms: tuple[str, ...]
    filters: dict[str, tuple[str, ...]]
    where: tuple[Condition, ...]
    published_from: int | None
    published_to: int | None
    sort: str
    offset: int
    limit: int
    facets: tuple[str, ...]
    facet_limit: int

    @classmethod
    def build(cls, query: SearchQuery, max_limit: int = MAX_LIMIT) -> QueryPlan:
        """Check every part of `query`; raise ValueError with a message for what is not acceptable."""
        _check_names(query)
        if query.offset < 0 or not 0 <= query.limit <= max_limit:
            raise ValueError(f"offset must be >= 0 and limit between 0 and {max_limit}")
        start, end = date_bound(query.published_from, "published_from"), date_bound(query.published_to, "published_to")
        if start is not None and end is not None and start > end:
            raise ValueError("published_from is after published_to")
        filters = {f: tuple(dict.fromkeys(str(v) for v in vals)) for f, vals in query.filters.items() if vals}
        _check_check_filters(filters)
        where = tuple(c if isinstance(c, Condition) else parse_condition(c) for c in query.where)
        if any(c.name not in NUMBERS for c in where):
            raise ValueError(f"unknown number in a condition; numbers: {', '.join(NUMBERS)}")
        return cls(
            tuple(query_terms(query.q)[:MAX_QUERY_TERMS]),
            filters,
            where,
            start,
            end,
            query.sort,
            query.offset,
            query.limit,
            tuple(dict.fromkeys(query.facets)),
            max(1, query.facet_limit),
        )


def _check_names(query: SearchQuery) -> None:
    """Reject unknown filter fields, facet names and sort keys."""
    unknown = [f for f in query.filters if f not in FILTER_FIELDS]
    if unknown:
        raise ValueError(
            f"unknown facet field(s) {', '.join(map(repr, unknown))} to filter on; use {', '.join(FILTER_FIELDS)}"
        )
    unknown = [f for f in query.facets if f not in ALL_FACETS]
    if unknown:
        raise ValueError(f"unknown facet field(s) {', '.join(map(repr, unknown))}; use {', '.join(ALL_FACETS)}")
    if query.sort not in SORT_KEYS:
        raise ValueError(f"sort must be one of {', '.join(SORT_KEYS)}")


def _check_check_filters(filters: dict[str, tuple[str, ...]]) -> None:
    """Reject has_failed_checks values other than true/false and failed_check values that are not one word."""
    bad = [v for v in filters.get("has_failed_checks", ()) if v not in (TRUE, FALSE)]
    if bad:
        raise ValueError(f"has_failed_checks is {TRUE!r} or {FALSE!r}, not {bad[0]!r}")
    if any(not v or len(v.split()) != 1 or v.strip() != v for v in filters.get("failed_check", ())):
        raise ValueError("failed_check values are rule names (one word each)")


def iso_ordinal(value: object) -> int | None:
    """Day number of an ISO date string, or None if it is not one."""
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value[:10]).toordinal()
    except ValueError:
        return None


def date_bound(value: str | None, name: str) -> int | None:
    """Day ordinal of an ISO date parameter; ValueError with the parameter name if malformed."""
    if value in (None, ""):
        return None
    ordinal = iso_ordinal(value)
    if ordinal is None or len(str(value)) != 10:
        raise ValueError(f"{name} must be an ISO date (YYYY-MM-DD), not {value!r}")
    return ordinal
