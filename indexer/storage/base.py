"""The storage contract every backend implements (SQLite, Elasticsearch), and what their answers share.

Callers see only this: a `Backend` (open one with `indexer.storage.open_backend`) and, for copies
between backends, a `RecordSource`. Errors come from indexer.errors: InvalidRecord for a record or
failure that cannot be stored, QueryError for a search that cannot be run as asked, QueryTimeout,
and StorageUnavailable when the index cannot be read.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal, Protocol, TypedDict

from indexer.errors import InvalidRecord
from indexer.model import Record
from indexer.search_text.highlight import snippet
from indexer.storage.facets import DEFAULT_FACETS
from indexer.tables.numbers import NUMBER_NAMES

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
SNIPPET_WIDTH = 120  # characters of original text around the matches
TEXT_WEIGHTS = {"title": 10.0, "agency": 5.0, "body": 1.0}  # relevance weight of a match in each text field

RecordFields = dict[str, Any]  # a stored record without `text`, as hits and exports return it


@dataclass
class SearchQuery:
    """A backend-neutral search request (the API builds it from validated parameters)."""

    q: str = ""  # user text; "" lists everything
    filters: dict[str, list[str]] = field(default_factory=dict)  # facets.FILTER_FIELDS name -> accepted values (OR)
    where: list[str] = field(default_factory=list)  # number conditions (plan.parse_condition), ANDed
    published_from: str | None = None  # ISO date, inclusive
    published_to: str | None = None  # ISO date, inclusive
    sort: SortKey = "relevance"  # "-x" = descending, nulls last; relevance without q = newest first
    offset: int = 0
    limit: int = 20
    facets: tuple[str, ...] = DEFAULT_FACETS  # which facet counts to return (facets.ALL_FACETS)
    facet_limit: int = DEFAULT_FACET_LIMIT  # values per facet field, most frequent first


@dataclass
class Hit:
    id: str
    score: float | None  # higher is better; None when not ranked by relevance
    record: RecordFields  # the stored record without `text` (title, agency, url, stats, ...)
    snippet: str  # cut from the original text, matches wrapped in <mark>…</mark>


@dataclass
class SearchResult:
    total: int
    hits: list[Hit]
    facets: dict[str, list[tuple[str, int]]]  # facet -> [(value, count)], facets.py says in which order


@dataclass
class ExportResult:
    total: int  # every match, even past the cap
    records: Iterator[RecordFields]  # at most the cap, in the query's order, each record without `text`


class Failure(TypedDict):
    """A crawl failure or rejected page, as every backend stores it."""

    url: str
    reason: str | None
    portal: str | None
    kind: str  # one of FAILURE_KINDS
    status: int | None
    at: str  # ISO time


class RecordSource(Protocol):
    """Where a copy reads records and crawl failures from (a backend, a JSONL file)."""

    def records(self) -> Iterator[Record]:
        """Yield every record in full (text included)."""
        ...

    def failures(self) -> Iterator[Failure]:
        """Yield the crawl failures kept with the records, oldest first."""
        ...

    def close(self) -> None:
        """Release files and connections."""
        ...


class Backend(RecordSource, Protocol):
    def write(self, records: Iterable[Record]) -> int:
        """Insert or update records by id (re-indexing replaces in place); return how many."""
        ...

    def get(self, record_id: str) -> Record | None:
        """Return the full stored record, or None."""
        ...

    def search(self, query: SearchQuery) -> SearchResult:
        """Run a search; QueryError for a query the backend cannot accept, QueryTimeout when too slow."""
        ...

    def export(self, query: SearchQuery, max_rows: int = MAX_EXPORT_ROWS) -> ExportResult:
        """The matching records (no text) in the query's order, at most `max_rows`; offset/limit/facets ignored."""
        ...

    def record_failure(self, failure: Mapping[str, object]) -> None:
        """Keep a crawl failure or rejected page (url, reason, portal, kind, status, at)."""
        ...

    def count(self) -> int:
        """Return how many reports are indexed (StorageUnavailable when the index cannot be read)."""
        ...


def failure_row(failure: Mapping[str, object]) -> Failure:
    """The row every backend stores for a crawl failure or rejected page; InvalidRecord when it has none."""
    kind = failure.get("kind")
    if not isinstance(kind, str) or kind not in FAILURE_KINDS:
        raise InvalidRecord(f"failure kind must be one of {', '.join(FAILURE_KINDS)}, not {kind!r}")
    if not failure.get("url"):
        raise InvalidRecord("a failure needs a `url`")
    reason, portal, status, at = (failure.get(k) for k in ("reason", "portal", "status", "at"))
    return {
        "url": str(failure["url"]),
        "reason": None if reason is None else str(reason),
        "portal": None if portal is None else str(portal),
        "kind": kind,
        "status": status if isinstance(status, int) else None,
        "at": str(at) if at else datetime.now(UTC).isoformat(timespec="seconds"),
    }


def make_hit(record: Mapping[str, Any], score: float | None, terms: Iterable[str]) -> Hit:
    """A Hit from a stored record: the record without `text`, and a snippet of that text around the terms."""
    fields = dict(record)
    text = fields.pop("text", "")
    return Hit(id=fields["id"], score=score, record=fields, snippet=snippet(text, list(terms), SNIPPET_WIDTH))
