"""Query planning: a search request checked and classified once, so every backend only translates it.

`QueryPlan.build` turns a `SearchQuery` into typed groups (the words, keyword filters, check
filters, version numbers and flags (revised, withdrawn), number conditions by number, the date range, the order, the page, the facets with their
kind, the numbers each hit carries) or raises QueryError saying what is wrong. Number conditions
(`where`) have a small grammar, ``<number><op><value>``, read by `parse_condition`. `AgencyPlan.build`
does the same for an `AgencyQuery`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

from indexer.errors import QueryError
from indexer.search_text.segment import query_terms
from indexer.storage.base import MAX_EXPORT_ROWS, MAX_LIMIT, SORT_KEYS, AgencyQuery, SearchQuery
from indexer.storage.facets import (
    AGENCY_FACETS,
    ALL_FACETS,
    FAILED_CHECK,
    FALSE,
    FILTER_FIELDS,
    FLAG_FACETS,
    HAS_FAILED_CHECKS,
    KEYWORD_FIELDS,
    SIGNAL,
    SIGNAL_NAMES,
    TRUE,
    VERSION,
    FacetKind,
    check_value,
    facet_field,
    facet_kind,
)
from indexer.tables.numbers import HEADLINE_NUMBERS, NUMBER_NAMES, NUMBERS

MAX_QUERY_TERMS = 32  # longer queries are cut (AND of 32 words is already very narrow)
MAX_AGENCY_WORD = 50  # characters of one word of an agencies query
MIN_REPORT_YEAR, MAX_REPORT_YEAR = 1990, 2100  # the report years a query may name
NEWEST_FIRST = "-published"  # the order of relevance without words
MAX_VERSION = 1_000_000  # the version numbers a query may name


# --------------------------------------------------------------------------- number conditions
MAX_CONDITION_LENGTH = 200
CONDITION_RE = re.compile(r"\s*([A-Za-z0-9_.]+)\s*(>=|<=|!=|>|<|=)\s*([+-]?[0-9]{1,15}(?:\.[0-9]{1,6})?)\s*", re.ASCII)
CONDITION_SYNTAX = "<number><op><value>, op one of >=, <=, >, <, =, != (e.g. applications.new_received.total>=10)"


@dataclass(frozen=True)
class Condition:
    """`name op value` on a registered number; a report whose number is null never satisfies it."""

    name: str
    op: str
    value: float

    def __str__(self) -> str:
        return f"{self.name}{self.op}{self.value:g}"


def parse_condition(text: str) -> Condition:
    """Parse `applications.new_received.total>=10`; QueryError naming the valid numbers otherwise."""
    if not isinstance(text, str) or len(text) > MAX_CONDITION_LENGTH:
        raise QueryError(f"a condition is at most {MAX_CONDITION_LENGTH} characters: {CONDITION_SYNTAX}")
    match = CONDITION_RE.fullmatch(text)
    if match is None:
        raise QueryError(
            f"cannot read condition {_shorten(text)!r}; write {CONDITION_SYNTAX}; numbers: {', '.join(NUMBER_NAMES)}"
        )
    name, op, value = match.groups()
    if name not in NUMBERS:
        raise QueryError(f"unknown number {_shorten(name)!r}; numbers: {', '.join(NUMBER_NAMES)}")
    return Condition(name, op, float(value))


def _shorten(text: str, limit: int = 60) -> str:
    """Cut echoed user input."""
    return text if len(text) <= limit else text[:limit] + "…"


# --------------------------------------------------------------------------- dates
def iso_ordinal(value: object) -> int | None:
    """Day number of an ISO date string, or None if it is not one."""
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value[:10]).toordinal()
    except ValueError:
        return None


def iso_instant(value: object) -> datetime | None:
    """The moment an ISO date-time string names (UTC when it names no zone), or None if it is not one."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def date_bound(value: str | None, name: str) -> int | None:
    """Day ordinal of an ISO date parameter (None when absent); QueryError with the parameter name if malformed."""
    if value in (None, ""):
        return None
    ordinal = iso_ordinal(value)
    if ordinal is None or len(str(value)) != 10:
        raise QueryError(f"{name} must be an ISO date (YYYY-MM-DD), not {value!r}")
    return ordinal


# --------------------------------------------------------------------------- the plan
@dataclass(frozen=True)
class DateRange:
    """Inclusive day ordinals of the published date; None = open on that side."""

    start: int | None = None
    end: int | None = None

    @property
    def bounded(self) -> bool:
        """Whether the range restricts anything (reports without a date then never match)."""
        return self.start is not None or self.end is not None


@dataclass(frozen=True)
class Order:
    """The order of hits not ranked by relevance: a date, the year, the version or a number; nulls last, ties by id."""

    key: str  # "published", "report_year", "version", "changed_at" or a registered number
    descending: bool

    @property
    def by_number(self) -> bool:
        """Whether the key is a registered number."""
        return self.key in NUMBERS


@dataclass(frozen=True)
class Facet:
    """A requested facet and its kind."""

    name: str
    kind: FacetKind

    @property
    def field(self) -> str:
        """The record field it counts and the filter its own selection is (facets.facet_field)."""
        return facet_field(self.name)


@dataclass(frozen=True)
class QueryPlan:
    """A checked query in typed groups: what each backend translates into its own query language."""

    terms: tuple[str, ...]
    keyword_filters: dict[str, tuple[str, ...]]  # keyword field -> accepted values (OR), in query order
    has_failed_checks: tuple[bool, ...]  # accepted has_failed_checks values (OR); () = no filter
    failed_checks: tuple[str, ...]  # rules of which one failed (OR); () = no filter
    signals: tuple[str, ...]  # signals of which the report has one (OR); () = no filter
    versions: tuple[int, ...]  # version numbers accepted (OR); () = no filter
    flags: dict[str, tuple[bool, ...]]  # revised / withdrawn -> accepted values (OR), only the flags filtered on
    number_filters: dict[str, tuple[Condition, ...]]  # number -> its conditions (AND)
    published: DateRange
    ranked: bool  # ordered by relevance (there are words); otherwise by `order`
    order: Order
    offset: int
    limit: int
    facets: tuple[Facet, ...]
    facet_limit: int

    @classmethod
    def build(cls, query: SearchQuery, max_limit: int = MAX_LIMIT) -> QueryPlan:
        """Check and classify every part of `query`; QueryError with a message for what is not acceptable."""
        filters = _filters(query)
        terms = tuple(query_terms(query.q)[:MAX_QUERY_TERMS])
        offset, limit = _page(query, max_limit)
        return cls(
            terms=terms,
            keyword_filters={f: v for f, v in filters.items() if f in KEYWORD_FIELDS},
            has_failed_checks=_has_failed_checks(filters.get(HAS_FAILED_CHECKS, ())),
            failed_checks=_failed_check_rules(filters.get(FAILED_CHECK, ())),
            signals=_signal_names(filters.get(SIGNAL, ())),
            versions=_versions(filters.get(VERSION, ())),
            flags={name: _flag(name, filters[name]) for name in FLAG_FACETS if name in filters},
            number_filters=_number_filters(query.where),
            published=_date_range(query),
            ranked=query.sort == "relevance" and bool(terms),
            order=_order(query.sort),
            offset=offset,
            limit=limit,
            facets=_facets(query.facets),
            facet_limit=max(1, query.facet_limit),
        )

    @classmethod
    def for_export(cls, query: SearchQuery, max_rows: int) -> QueryPlan:
        """The plan of an export: `query`'s filters and order, the first `max_rows` matches, no facets."""
        if not 0 <= max_rows <= MAX_EXPORT_ROWS:
            raise QueryError(f"an export returns between 0 and {MAX_EXPORT_ROWS} rows")
        return cls.build(replace(query, offset=0, limit=max_rows, facets=()), max_limit=MAX_EXPORT_ROWS)

    def selected(self, facet: str) -> tuple[str, ...]:
        """The values selected by this facet's own filter, as the facet lists them."""
        if facet == HAS_FAILED_CHECKS:
            return tuple(check_value(v) for v in self.has_failed_checks)
        if facet in FLAG_FACETS:
            return tuple(check_value(v) for v in self.flags.get(facet, ()))
        return self.multi_filters().get(facet) or self.keyword_filters.get(facet_field(facet), ())

    def multi_filters(self) -> dict[str, tuple[str, ...]]:
        """The filters on fields of several values per report (failed_check, signal), when given."""
        given = {FAILED_CHECK: self.failed_checks, SIGNAL: self.signals}
        return {name: values for name, values in given.items() if values}

    @property
    def figures(self) -> tuple[str, ...]:
        """The numbers every hit carries: the headline numbers, then those the query filters or sorts by."""
        sort = (self.order.key,) if self.order.by_number and not self.ranked else ()
        return tuple(dict.fromkeys((*HEADLINE_NUMBERS, *self.number_filters, *sort)))


def _filters(query: SearchQuery) -> dict[str, tuple[str, ...]]:
    """The non-empty filters, values as unique strings; QueryError for an unknown field."""
    unknown = [f for f in query.filters if f not in FILTER_FIELDS]
    if unknown:
        raise QueryError(
            f"unknown facet field(s) {', '.join(map(repr, unknown))} to filter on; use {', '.join(FILTER_FIELDS)}"
        )
    return {f: tuple(dict.fromkeys(str(v) for v in values)) for f, values in query.filters.items() if values}


def _has_failed_checks(values: tuple[str, ...]) -> tuple[bool, ...]:
    """The accepted has_failed_checks values; QueryError for anything but true/false."""
    return _flag(HAS_FAILED_CHECKS, values)


def _flag(name: str, values: tuple[str, ...]) -> tuple[bool, ...]:
    """The accepted values of a true/false filter (has_failed_checks, revised, withdrawn); QueryError otherwise."""
    bad = [v for v in values if v not in (TRUE, FALSE)]
    if bad:
        raise QueryError(f"{name} is {TRUE!r} or {FALSE!r}, not {_shorten(bad[0])!r}")
    return tuple(sorted({v == TRUE for v in values}))


def _versions(values: tuple[str, ...]) -> tuple[int, ...]:
    """The version numbers of the `version` filter; QueryError for one that is not a positive integer."""
    bad = [v for v in values if not (v.isascii() and v.isdigit() and 1 <= int(v) <= MAX_VERSION)]
    if bad:
        raise QueryError(f"version values are version numbers (1 to {MAX_VERSION:,}), not {_shorten(bad[0])!r}")
    return tuple(dict.fromkeys(int(v) for v in values))


def _failed_check_rules(values: tuple[str, ...]) -> tuple[str, ...]:
    """The failed_check rule names; QueryError for a value that is not one word."""
    if any(not v or len(v.split()) != 1 or v.strip() != v for v in values):
        raise QueryError("failed_check values are rule names (one word each)")
    return values


def _signal_names(values: tuple[str, ...]) -> tuple[str, ...]:
    """The signal names; QueryError for one that is not a signal."""
    bad = [v for v in values if v not in SIGNAL_NAMES]
    if bad:
        raise QueryError(f"unknown signal {_shorten(bad[0])!r}; signals: {', '.join(SIGNAL_NAMES)}")
    return values


def _number_filters(where: list[str]) -> dict[str, tuple[Condition, ...]]:
    """The `where` conditions grouped by number, first-named number first."""
    grouped: dict[str, tuple[Condition, ...]] = {}
    for condition in (parse_condition(text) for text in where):
        grouped[condition.name] = (*grouped.get(condition.name, ()), condition)
    return grouped


def _date_range(query: SearchQuery) -> DateRange:
    """The published range; QueryError for a malformed or reversed one."""
    start = date_bound(query.published_from, "published_from")
    end = date_bound(query.published_to, "published_to")
    if start is not None and end is not None and start > end:
        raise QueryError("published_from is after published_to")
    return DateRange(start, end)


def _order(sort: str) -> Order:
    """The order of a sort key (relevance without words: newest first); QueryError for an unknown key."""
    if sort not in SORT_KEYS:
        raise QueryError(f"sort must be one of {', '.join(SORT_KEYS)}")
    key = NEWEST_FIRST if sort == "relevance" else sort
    return Order(key.lstrip("-"), key.startswith("-"))


def _page(query: SearchQuery, max_limit: int) -> tuple[int, int]:
    """(offset, limit); QueryError when out of range."""
    if query.offset < 0 or not 0 <= query.limit <= max_limit:
        raise QueryError(f"offset must be >= 0 and limit between 0 and {max_limit}")
    return query.offset, query.limit


def _facets(names: tuple[str, ...]) -> tuple[Facet, ...]:
    """The requested facets (repeats dropped) with their kind; QueryError for an unknown one."""
    facets = []
    for name in dict.fromkeys(names):
        kind = facet_kind(name)
        if kind is None:
            unknown = [n for n in names if facet_kind(n) is None]
            raise QueryError(f"unknown facet field(s) {', '.join(map(repr, unknown))}; use {', '.join(ALL_FACETS)}")
        facets.append(Facet(name, kind))
    return tuple(facets)


# --------------------------------------------------------------------------- agencies
@dataclass(frozen=True)
class AgencyPlan:
    """A checked agencies query: the words, the filters by field, the page and the facets."""

    words: tuple[str, ...]  # each must occur in one of the agency's names or its province/city/county
    filters: dict[str, tuple[str, ...]]  # facets.AGENCY_FACETS name -> accepted values (OR)
    signal_year: int | None  # the signal filter and facet count only this report year's signals
    offset: int
    limit: int
    facets: tuple[str, ...]
    facet_limit: int

    @classmethod
    def build(cls, query: AgencyQuery, max_limit: int = MAX_LIMIT) -> AgencyPlan:
        """Check `query`; QueryError with a message for what is not acceptable."""
        unknown = [f for f in (*query.filters, *query.facets) if f not in AGENCY_FACETS]
        if unknown:
            raise QueryError(f"unknown agency field(s) {', '.join(map(repr, unknown))}; use {', '.join(AGENCY_FACETS)}")
        filters = {f: tuple(dict.fromkeys(str(v) for v in values)) for f, values in query.filters.items() if values}
        _signal_names(filters.get(SIGNAL, ()))
        words = tuple(dict.fromkeys(query.q.split()))[:MAX_QUERY_TERMS]
        if any(len(w) > MAX_AGENCY_WORD for w in words):
            raise QueryError(f"a word of an agencies query is at most {MAX_AGENCY_WORD} characters")
        if query.offset < 0 or not 0 <= query.limit <= max_limit:
            raise QueryError(f"offset must be >= 0 and limit between 0 and {max_limit}")
        if query.signal_year is not None and not MIN_REPORT_YEAR <= query.signal_year <= MAX_REPORT_YEAR:
            raise QueryError(f"signal_year must be between {MIN_REPORT_YEAR} and {MAX_REPORT_YEAR}")
        return cls(
            words=words,
            filters=filters,
            signal_year=query.signal_year,
            offset=query.offset,
            limit=query.limit,
            facets=tuple(dict.fromkeys(query.facets)),
            facet_limit=max(1, query.facet_limit),
        )
