"""The storage contract every backend implements (SQLite now, Elasticsearch later)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal, Protocol

from indexer.tables.numbers import NUMBER_NAMES, Condition

# Fields that can be filtered on and faceted (keyword-like values).
FACET_FIELDS = ("report_year", "province", "city", "county", "agency_type", "level", "format")
# Check facets: has_failed_checks ("true"/"false"; null = no check evaluated) and failed_check
# (multi-valued: the names of the rules that failed). Filterable like FACET_FIELDS.
CHECK_FACETS = ("has_failed_checks", "failed_check")
FILTER_FIELDS = FACET_FIELDS + CHECK_FACETS
DEFAULT_FACETS = FILTER_FIELDS
# Every facet a query may ask for: the above plus one range-bucket facet per registered number.
ALL_FACETS = FILTER_FIELDS + NUMBER_NAMES
SORT_KEYS: tuple[str, ...] = (
    "relevance",
    "published",
    "-published",
    "report_year",
    "-report_year",
    *(s + n for n in NUMBER_NAMES for s in ("", "-")),
)
SortKey = Literal[SORT_KEYS]  # type: ignore[valid-type]  # built from the number registry
FAILURE_KINDS = ("fetch_failed", "not_a_report", "unreadable")
MAX_LIMIT = 1000  # hits per page a backend accepts
MAX_EXPORT_ROWS = 10_000  # records one export returns at most
DEFAULT_FACET_LIMIT = 50  # values per facet field (selected values are always included)


class QueryTimeout(Exception):
    """The search ran past the backend's time limit."""


@dataclass
class SearchQuery:
    """A backend-neutral search request (the API builds it from validated parameters)."""

    q: str = ""  # user text; "" lists everything
    filters: dict[str, list[str]] = field(default_factory=dict)  # FILTER_FIELDS name -> accepted values (OR)
    where: list[Condition | str] = field(default_factory=list)  # number conditions, ANDed (str: parsed)
    published_from: str | None = None  # ISO date, inclusive
    published_to: str | None = None  # ISO date, inclusive
    sort: SortKey = "relevance"  # "-x" = descending, nulls last; relevance without q = newest first
    offset: int = 0
    limit: int = 20
    facets: tuple[str, ...] = DEFAULT_FACETS  # which facet counts to return (ALL_FACETS)
    facet_limit: int = DEFAULT_FACET_LIMIT  # values per facet field, most frequent first


@dataclass
class Hit:
    id: str
    score: float | None  # higher is better; None when not ranked by relevance
    record: dict  # the stored record without `text` (title, agency, url, ...)
    snippet: str  # cut from the original text, matches wrapped in <mark>…</mark>


@dataclass
class SearchResult:
    total: int
    hits: list[Hit]
    facets: dict[str, list[tuple[str, int]]]  # field -> [(value, count)], count desc; number facets:
    # every bucket of stats_fields.BUCKETS in order


@dataclass
class ExportResult:
    total: int  # every match, even past the cap
    records: Iterator[dict]  # at most the cap, in the query's order, each record without `text`


class Backend(Protocol):
    def write(self, records: Iterable[dict]) -> int:
        """Insert or update records by id (re-indexing replaces in place); return how many."""

    def get(self, record_id: str) -> dict | None:
        """Return the full stored record, or None."""

    def search(self, query: SearchQuery) -> SearchResult:
        """Run a search; raise ValueError for a query the backend cannot accept, QueryTimeout when too slow."""

    def export(self, query: SearchQuery, max_rows: int = MAX_EXPORT_ROWS) -> ExportResult:
        """The matching records (no text) in the query's order, at most `max_rows`; offset/limit/facets ignored."""

    def record_failure(self, failure: dict) -> None:
        """Keep a crawl failure or rejected page (url, reason, portal, kind, status, at)."""

    def count(self) -> int:
        """Return how many reports are indexed."""

    def close(self) -> None: ...


def failure_row(failure: dict) -> dict:
    """Validate a crawl failure or rejected page and return the row every backend stores."""
    kind = failure.get("kind")
    if kind not in FAILURE_KINDS:
        raise ValueError(f"failure kind must be one of {', '.join(FAILURE_KINDS)}, not {kind!r}")
    if not failure.get("url"):
        raise ValueError("a failure needs a `url`")
    return {
        "url": str(failure["url"]),
        "reason": failure.get("reason"),
        "portal": failure.get("portal"),
        "kind": kind,
        "status": failure.get("status"),
        "at": failure.get("at") or datetime.now(UTC).isoformat(timespec="seconds"),
    }
