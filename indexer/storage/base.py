"""The storage contract every backend implements (SQLite, Elasticsearch), and what their answers share.

Callers see only this: a `Backend` (open one with `indexer.storage.open_backend`) and, for copies
between backends, a `RecordSource`. Every report keeps its history (revisions.py): each distinct
version (`versions`), the URLs found gone and its withdrawals (`mark_gone`). Besides reports, a
backend keeps the web archive's index of captures ((URL, time) -> WARC file and offset:
`save_capture`, `captures`), the crawl's bookkeeping (indexer.model): failures, one row per (url, kind) that each sighting updates, and runs by id; and
the agency registry (docs/AGENCIES.md): agencies and their timelines, replaced as a whole by
`save_agencies`, which also writes every report's agency id and signals back.
Errors come from indexer.errors: InvalidRecord for a record, failure or run that cannot be stored
(records.py checks them for every backend), QueryError for a search or failures page that cannot be
run as asked, QueryTimeout, and StorageUnavailable when the index cannot be read.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple, Protocol

from indexer.model import (
    Agency,
    Capture,
    CaptureRow,
    Failure,
    GoneHow,
    Number,
    Record,
    Run,
    Signal,
    TimelineYear,
    Version,
)
from indexer.search_text.highlight import snippet
from indexer.storage.facets import AGENCY_FACETS, DEFAULT_FACETS
from indexer.tables.numbers import NUMBER_NAMES, pick_numbers

SORT_KEYS: tuple[str, ...] = (
    "relevance",
    "published",
    "-published",
    "report_year",
    "-report_year",
    "version",
    "-version",
    "changed_at",
    "-changed_at",
    *(s + n for n in NUMBER_NAMES for s in ("", "-")),
)
SortKey = Literal[SORT_KEYS]  # type: ignore[valid-type]  # built from the number registry
MAX_LIMIT = 1000  # hits per page a backend accepts
MAX_EXPORT_ROWS = 10_000  # records one export returns at most
DEFAULT_FACET_LIMIT = 50  # values per facet field (selected values are always included)
SNIPPET_WIDTH = 120  # characters of original text around the matches
DEFAULT_FAILURES_PAGE = 50  # failures one `failures()` call returns unless asked
MAX_FAILURES_WINDOW = 10_000  # offset + limit of a `failures()` page at most (Elasticsearch's result window)
DEFAULT_RUNS = 20  # runs `runs()` returns unless asked
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
    figures: dict[str, Number | None] = field(default_factory=dict)  # plan.QueryPlan.figures, from `stats`


@dataclass
class SearchResult:
    total: int
    hits: list[Hit]
    facets: dict[str, list[tuple[str, int]]]  # facet -> [(value, count)], facets.py says in which order
    labels: dict[str, dict[str, str]] = field(default_factory=dict)  # facet -> value -> label (agency: its name)


@dataclass
class AgencyQuery:
    """A backend-neutral request for agencies (the API builds it from validated parameters)."""

    q: str = ""  # words, each found in one of the agency's names or its region's names; "" lists every agency
    filters: dict[str, list[str]] = field(default_factory=dict)  # facets.AGENCY_FACETS name -> values (OR)
    signal_year: int | None = None  # the `signal` filter and facet see only the signals of this report year
    offset: int = 0
    limit: int = 20
    facets: tuple[str, ...] = AGENCY_FACETS
    facet_limit: int = DEFAULT_FACET_LIMIT


@dataclass
class AgencyResult:
    """One page of agencies (by name, then id), how many match, and the facet counts."""

    total: int
    agencies: list[Agency]
    facets: dict[str, list[tuple[str, int]]]


class AgencyRegistry(Protocol):
    """What `save_agencies` stores (indexer.agencies.registry.AgencyBuild is one)."""

    agencies: list[Agency]
    timelines: dict[str, list[TimelineYear]]  # agency id -> its years, oldest first
    report_agency: dict[str, str]  # report id -> agency id
    report_signals: dict[str, list[Signal]]  # report id -> every signal of the report


@dataclass
class ExportResult:
    total: int  # every match, even past the cap
    records: Iterator[RecordFields]  # at most the cap, in the query's order, each record without `text`


class FailurePage(NamedTuple):
    """One page of stored failures, most recently seen first, and how many match in all."""

    total: int
    failures: list[Failure]


@dataclass
class RecordWindow:
    """A stored record whose `text` is one window of the stored text, and that text's full length."""

    record: Record
    text_length: int  # characters of the whole stored text
    text_offset: int  # where the window starts


class RecordSource(Protocol):
    """Where a copy reads records, crawl failures and runs from (a backend, a JSONL file)."""

    def records(self) -> Iterator[Record]:
        """Yield every record in full (text included)."""
        ...

    def all_failures(self) -> Iterator[Failure]:
        """Yield every crawl failure kept with the records (one per url and kind)."""
        ...

    def all_runs(self) -> Iterator[Run]:
        """Yield every crawl run kept with the records."""
        ...

    def close(self) -> None:
        """Release files and connections."""
        ...


class Backend(RecordSource, Protocol):
    def write(self, records: Iterable[Record]) -> int:
        """Insert or update records by id with their history (revisions.reconcile); return how many.

        Re-indexing replaces in place; a changed content hash makes a new version and keeps the stored one
        (`versions`); the same content under another id joins the stored record; a record carrying a
        `capture` registers it in the captures index under the id it is stored as. SQLite writes a record,
        the version it supersedes, its URLs and its capture in one transaction.
        """
        ...

    def get(self, record_id: str) -> Record | None:
        """Return the full stored record, or None."""
        ...

    def versions(self, report_id: str) -> list[Version] | None:
        """Every distinct version of a report, oldest first, each with its full record; None when no such report."""
        ...

    def mark_gone(self, url: str, at: str, how: GoneHow, capture: Capture | None = None) -> str | None:
        """Record that `url` no longer serves the report listing it (revisions.py); idempotent.

        The URL joins the report's `gone_urls`; when every URL of the report is gone and it is not withdrawn
        yet, it is withdrawn at `at` and its id returned; otherwise (or with no such report) None. The
        capture (the 404 or redirect response), when given, joins the captures index under the report id.
        InvalidRecord for a URL that is empty, a time that is not ISO or a `how` that is not a GoneHow.
        """
        ...

    def save_capture(self, capture: Capture, report_id: str | None, requested_url: str, meta: dict[str, str]) -> None:
        """Register an archived response in the captures index ((URL, time) -> WARC file and offset).

        One row per (warc_file, offset): saving it again replaces its requested URL and meta, and its report id
        when one is given (None keeps the report a write or mark_gone named). InvalidRecord for a bad capture.
        """
        ...

    def captures(self, url: str | None = None, report_id: str | None = None) -> list[CaptureRow]:
        """The archived responses of a URL (the final or the requested one) and/or a report, newest first
        (by captured_at, then file and offset); every capture when neither is given."""
        ...

    def report_urls(self, hosts: Collection[str]) -> Iterator[str]:
        """Every URL (`urls`, gone ones included) of the stored reports that is on one of `hosts`, once, in no
        set order. A host name matches any port ("127.0.0.1"); "host:port" only that port."""
        ...

    def forget(self, report_id: str) -> None:
        """Delete a report, its versions and its search rows (its captures stay); nothing when there is none."""
        ...

    def get_window(self, record_id: str, text_offset: int, text_limit: int) -> RecordWindow | None:
        """Return the stored record with only `text_limit` characters of its text from `text_offset`, or None."""
        ...

    def search(self, query: SearchQuery) -> SearchResult:
        """Run a search; QueryError for a query the backend cannot accept, QueryTimeout when too slow."""
        ...

    def export(self, query: SearchQuery, max_rows: int = MAX_EXPORT_ROWS) -> ExportResult:
        """The matching records (no text) in the query's order, at most `max_rows`; offset/limit/facets ignored."""
        ...

    def record_failure(self, failure: Mapping[str, object]) -> None:
        """Keep one sighting of a crawl failure (url, kind, reason, portal, status, at, run_id; records.sighting).

        One row per (url, kind): the first sighting creates it (count 1, first_seen = last_seen = at); a
        later one keeps first_seen, replaces last_seen, reason, portal, status and run_id, and adds 1 to count.
        """
        ...

    def failures(
        self,
        *,
        portal: str | None = None,
        kind: str | None = None,
        run_id: str | None = None,
        limit: int = DEFAULT_FAILURES_PAGE,
        offset: int = 0,
    ) -> FailurePage:
        """The failures matching every filter given, most recently seen first (then by url, kind), one page.

        QueryError when offset + limit exceeds MAX_FAILURES_WINDOW or either is negative.
        """
        ...

    def save_run(self, run: Run) -> None:
        """Insert or replace a crawl run by id (InvalidRecord when it is malformed)."""
        ...

    def runs(self, limit: int = DEFAULT_RUNS) -> list[Run]:
        """The latest `limit` runs, newest (by started_at) first."""
        ...

    def count(self) -> int:
        """Return how many reports are indexed (StorageUnavailable when the index cannot be read)."""
        ...

    def save_agencies(self, registry: AgencyRegistry) -> None:
        """Replace the agency registry, and write each report's agency id and signals where they changed.

        A report the registry does not name keeps its record as stored. InvalidRecord for a signal
        that is not a SignalName.
        """
        ...

    def agencies(self, query: AgencyQuery) -> AgencyResult:
        """Find agencies; QueryError for a query the backend cannot accept."""
        ...

    def agency(self, agency_id: str) -> Agency | None:
        """Return one agency, or None."""
        ...

    def timeline(self, agency_id: str) -> list[TimelineYear] | None:
        """Return an agency's years, oldest first, or None when there is no such agency."""
        ...


def make_hit(record: Mapping[str, Any], score: float | None, terms: Iterable[str], figures: Iterable[str] = ()) -> Hit:
    """A Hit from a stored record: the record without `text`, a snippet of that text around the terms, and the
    named numbers (`figures`) of its stats."""
    fields = dict(record)
    text = fields.pop("text", "")
    return Hit(
        id=fields["id"],
        score=score,
        record=fields,
        snippet=snippet(text, list(terms), SNIPPET_WIDTH),
        figures=pick_numbers(fields.get("stats"), figures),
    )
