"""The storage contract every backend implements (SQLite now, Elasticsearch later)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Literal, Protocol

# Fields that can be filtered on and faceted (keyword-like values).
FACET_FIELDS = ("report_year", "province", "city", "county", "agency_type", "level", "format")
SortKey = Literal["relevance", "published", "-published", "report_year", "-report_year"]
SORT_KEYS: tuple[str, ...] = ("relevance", "published", "-published", "report_year", "-report_year")
FAILURE_KINDS = ("fetch_failed", "not_a_report", "unreadable")
MAX_LIMIT = 1000            # hits per page a backend accepts
DEFAULT_FACET_LIMIT = 50    # values per facet field (selected values are always included)


class QueryTimeout(Exception):
    """The search ran past the backend's time limit."""


@dataclass
class SearchQuery:
    """A backend-neutral search request (the API builds it from validated parameters)."""

    q: str = ""                                                 # user text; "" lists everything
    filters: dict[str, list[str]] = field(default_factory=dict)  # facet field -> accepted values (OR)
    published_from: str | None = None                          # ISO date, inclusive
    published_to: str | None = None                            # ISO date, inclusive
    sort: SortKey = "relevance"                                # "-x" = descending; relevance without q = newest first
    offset: int = 0
    limit: int = 20
    facets: tuple[str, ...] = FACET_FIELDS                     # which facet counts to return
    facet_limit: int = DEFAULT_FACET_LIMIT                     # values per facet field, most frequent first


@dataclass
class Hit:
    id: str
    score: float | None     # higher is better; None when not ranked by relevance
    record: dict            # the stored record without `text` (title, agency, url, ...)
    snippet: str            # cut from the original text, matches wrapped in <mark>…</mark>


@dataclass
class SearchResult:
    total: int
    hits: list[Hit]
    facets: dict[str, list[tuple[str, int]]]   # field -> [(value, count)], count desc


class Backend(Protocol):
    def write(self, records: Iterable[dict]) -> int:
        """Insert or update records by id (re-indexing replaces in place); return how many."""

    def get(self, record_id: str) -> dict | None:
        """Return the full stored record, or None."""

    def search(self, query: SearchQuery) -> SearchResult:
        """Run a search; raise ValueError for a query the backend cannot accept, QueryTimeout when too slow."""

    def record_failure(self, failure: dict) -> None:
        """Keep a crawl failure or rejected page (url, reason, portal, kind, status, at)."""

    def count(self) -> int:
        """Return how many reports are indexed."""

    def close(self) -> None: ...
