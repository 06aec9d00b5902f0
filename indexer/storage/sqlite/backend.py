"""SQLite backend: one file, FTS5 full-text search over jieba-segmented text, facets in memory.

Tables
* ``reports``        one narrow row per report: the facet/filter/sort columns (indexed) and small fields.
                     ``docid`` (INTEGER PRIMARY KEY) is the stable rowid shared with the FTS table;
                     ``id`` is the record id (UNIQUE). Derived from ``stats``/``checks`` at write time:
                     one REAL column per registered number (``tables/numbers.py``, e.g.
                     ``n_applications_new_received_total``, NULL when the cells are missing),
                     ``has_failed_checks`` (1/0, NULL when no check was evaluated) and
                     ``failed_checks`` (space-separated names of the failed rules); ``agency_id``,
                     ``signals`` (space-separated signal names), ``version``, ``changed_at`` and
                     ``withdrawn`` from the record.
* ``report_records`` the full record as JSON, kept apart so scans of ``reports`` stay small.
* ``reports_fts``    contentless FTS5 over segmented title / agency / text, plus ``tags``: one opaque
                     token per keyword facet value (``z<field><hash>``) so keyword filters run inside FTS5 and
                     BM25 ranks only the filtered rows. The indexed tokens are kept (zlib) in
                     ``report_records.fts_tokens`` to delete the FTS row when a report is re-indexed.
* ``failures``       crawl failures and rejected pages, one row per (url, kind): first and last seen, how
                     many times, the last reason, status, portal and run (``record_failure`` upserts).
* ``runs``           crawl runs by id, their per-portal counts as JSON.
* ``agencies``, ``agency_signals``  the agency registry (agencies.py): replaced by ``save_agencies``,
                     which also writes each report's ``agency_id`` and ``signals`` back (JSON, columns, FTS tags).
* ``report_urls``    every URL of every report (``urls`` and ``url``), with its host: the report a gone URL
                     belongs to (``mark_gone``) and the URLs of some hosts (``report_urls``).
* ``report_versions`` the superseded versions of each report (revisions.py), one row per (report id, version),
                     the Version as zlib-compressed JSON with its record whole; the current version is the
                     stored record itself. A write, the version it supersedes, its URLs and the capture it
                     came from are one transaction: a crash mid-write loses nothing that was stored.
* ``captures``       the web archive's index: one row per archived response (WARC file, offset), with its
                     URLs, time, status, the report it served and the crawler's meta (``save_capture``).
* ``meta``           ``generation``, bumped by every write; readers use it to refresh their facet cache.

Search
The query is checked and classified by ``plan.QueryPlan``; this module only translates it. User
text never reaches FTS5 raw: the MATCH expression is built from the plan's terms, each
term double-quoted, ANDed. Facet counts come from a per-generation in-memory column store
(numpy arrays indexed by docid): one FTS5 query yields the matching docids, then each facet is
counted with all *other* filters applied. The words' matching docids are kept per generation (search.py
MatchCache); a small filtered set of a common word is ranked by BM25 in SQL, a large one (≥ SCORE_ALL_MIN rows)
or any set of words with few matches (≤ FEW_MATCHES) from the BM25 scores of all the words' matches, computed
once per generation (outside the time limit: search.Deadline.paused), in two rowid halves on two threads
and then filtered and ordered in numpy (the same order: tag tokens weigh nothing in BM25), ties broken by id. Reads check a read-only connection out of a small
pool (readers.py: at most READERS open, whatever the threads) and run inside one transaction (a
consistent snapshot), under a time limit that covers SQLite (progress handler) and the Python steps
between statements (search.Deadline). Snippets look only at the start of each text (highlight.py).

Number conditions (``where``), check filters, the ``version``/``revised``/``withdrawn`` filters, numeric
sorts and the sorts by version and change time run on the same in-memory column store; when BM25 ranks, they are checked per FTS row against ``reports`` (an EXISTS subquery), like
the date range. Exports (``export``) order the matches the same way and stream the stored JSON
without ``text`` in batches.

Older files: opening a file for writing adds any missing derived column (ALTER TABLE) and fills it
from the stored JSON records (``agency_id`` is left for the next registry build), creates the agency
tables and the history tables (listing every stored report's URLs), and regroups a failures table of one row per sighting into one row per (url, kind), each in
one transaction. A read-only open of a file that still needs either raises
StorageUnavailable saying to open it once for writing (or re-index); so does a file that is not a
reports index at all (missing, not SQLite, no ``reports`` table).

Known limits: a one-character query only matches where jieba cut that character as a word; the
facet cache is rebuilt after every write (about 0.5 s at 100,000 reports), so it suits batched writes.
"""

from __future__ import annotations

import functools
import json
import sqlite3
import threading
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from indexer.errors import StorageUnavailable
from indexer.model import Agency, Capture, CaptureRow, Failure, GoneHow, Record, Run, TimelineYear, Version
from indexer.search_text.segment import segment_text
from indexer.storage.base import (
    DEFAULT_FAILURES_PAGE,
    DEFAULT_RUNS,
    MAX_EXPORT_ROWS,
    AgencyQuery,
    AgencyRegistry,
    AgencyResult,
    ExportResult,
    FailurePage,
    RecordFields,
    RecordWindow,
    SearchQuery,
    SearchResult,
)
from indexer.storage.options import QUERY_TIME_LIMIT_S
from indexer.storage.plan import AgencyPlan, QueryPlan
from indexer.storage.records import (
    check_failure_page,
    check_gone,
    sighting,
    valid_capture,
    valid_record,
    valid_run,
)
from indexer.storage.revisions import gone, history, host_names, on_hosts, reconcile
from indexer.storage.sqlite.agencies import find_agencies, read_agency, read_timeline, replace_agencies, write_back
from indexer.storage.sqlite.readers import READERS, ReaderPool, open_reader
from indexer.storage.sqlite.schema import (
    BUSY_TIMEOUT_MS,
    EXPORT_BATCH,
    FAILURE_COLUMNS,
    PROGRESS_STEPS,
    RANK_WORKERS,
    RUN_COLUMNS,
    SCHEMA,
    SQL_ALL_FAILURES,
    SQL_ALL_RECORDS,
    SQL_ALL_RUNS,
    SQL_BUMP_GENERATION,
    SQL_CAPTURE_FILTERS,
    SQL_CAPTURES,
    SQL_CLAIM_CAPTURE,
    SQL_COUNT,
    SQL_COUNT_FAILURES,
    SQL_DELETE_FTS,
    SQL_DELETE_URLS,
    SQL_DELETE_VERSIONS,
    SQL_FAILURE_FILTERS,
    SQL_FAILURES_PAGE,
    SQL_FIND_DOCID,
    SQL_FORGET,
    SQL_GENERATION,
    SQL_GET,
    SQL_HOST_URLS,
    SQL_INSERT_FTS,
    SQL_INSERT_REPORT,
    SQL_INSERT_URL,
    SQL_INSERT_VERSION,
    SQL_OLD_TOKENS,
    SQL_OPTIMIZE,
    SQL_RECORDS_NO_TEXT,
    SQL_RUNS,
    SQL_SAVE_CAPTURE,
    SQL_SAVE_RUN,
    SQL_STORED_BY_HASH,
    SQL_STORED_BY_ID,
    SQL_UPDATE_REPORT,
    SQL_UPSERT_FAILURE,
    SQL_UPSERT_RECORD,
    SQL_URL_REPORTS,
    SQL_VERSIONS,
    Snapshot,
    Transaction,
    add_agency_any_signals,
    add_derived_columns,
    add_history_tables,
    add_report_heads,
    analyze_agencies,
    capture_row,
    has_agency_statistics,
    migrate_failures,
    pack_tokens,
    parse_record,
    read_capture_row,
    record_tags,
    replace_head,
    report_row,
    rewrite_record,
    stored_record,
    table_columns,
    unpack_tokens,
    unpack_version,
    upgrades_needed,
    url_rows,
    version_row,
)
from indexer.storage.sqlite.search import Deadline, FacetIndex, Row, Search

T = TypeVar("T")


def fts_values(record: Record) -> dict[str, str]:
    """The FTS values of a checked record: its segmented title, agency and text, and its tags."""
    fields: Mapping[str, Any] = record
    return {
        "title": segment_text(fields.get("title")),
        "agency": segment_text(fields.get("agency")),
        "body": segment_text(fields.get("text")),
        "tags": record_tags(fields),
    }


def unreadable_reason(path: Path) -> str | None:
    """Why a reader cannot use the file at `path` (missing, not an index, needs an upgrade), or None."""
    if not path.is_file():
        return f"no SQLite index at {path}"
    try:
        tables = table_columns(path)
    except sqlite3.Error as exc:
        return f"cannot read the SQLite index {path}: {exc}"
    if "reports" not in tables:
        return f"{path} is not a reports index (a SQLite file without a `reports` table)"
    needed = upgrades_needed(tables)
    if needed:
        return (
            f"{path} was written by an older version ({'; '.join(needed)}); "
            "open it once for writing (reports-index upgrade FILE), or re-index"
        )
    return None


# --------------------------------------------------------------------------- the backend
class SqliteBackend:
    """Reports in one SQLite file (WAL): writes in transactions, reads on a small pool of read-only connections."""

    def __init__(
        self,
        path: Path,
        *,
        read_only: bool = False,
        time_limit: float = QUERY_TIME_LIMIT_S,
        readers: int = READERS,
    ):
        self.path = Path(path)
        self.read_only = read_only
        self.time_limit = time_limit
        self._write_lock = threading.Lock()
        self._cache_lock = threading.Lock()
        self._writer: sqlite3.Connection | None = None
        self._facets: FacetIndex | None = None
        self._rankers: ThreadPoolExecutor | None = None
        self._rank_local = threading.local()
        self._rank_readers: list[sqlite3.Connection] = []
        if read_only:
            problem = unreadable_reason(self.path)
            if problem is not None:
                raise StorageUnavailable(problem)
        else:
            self._writer = self._connect_writer()
        self.readers = ReaderPool(self.path, size=readers, wait=time_limit)

    # ------------------------------------------------------------------ connections
    def _connect_writer(self) -> sqlite3.Connection:
        """Open the single writing connection, upgrade an older file and create the schema."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        migrate_failures(conn)
        add_report_heads(conn)
        add_history_tables(conn)
        add_agency_any_signals(conn)
        conn.executescript(SCHEMA)
        if not has_agency_statistics(conn):  # a file whose registry was saved before the covering index
            analyze_agencies(conn)
        add_derived_columns(conn)
        return conn

    def _require_writer(self) -> sqlite3.Connection:
        """The writer, or an error for a read-only backend."""
        if self._writer is None:
            raise ValueError("this backend was opened read-only")
        return self._writer

    # ------------------------------------------------------------------ writing
    def write(self, records: Iterable[Record]) -> int:
        """Insert or update records by id with their history (revisions.py) in one transaction; return how many."""
        prepared = [(record, fts_values(record)) for record in map(valid_record, records)]
        if not prepared:
            return 0
        conn = self._require_writer()
        with self._write_lock, Transaction(conn):
            for record, fts in prepared:
                self._write_reconciled(conn, record, fts)
            conn.execute(SQL_BUMP_GENERATION)
        return len(prepared)

    @classmethod
    def _write_reconciled(cls, conn: sqlite3.Connection, record: Record, fts: dict[str, str]) -> None:
        """Merge with the stored record of the same id or content (revisions.py) and store the result: the
        record, its URLs, the version it supersedes and the capture it came from."""
        same_id = stored_record(conn, SQL_STORED_BY_ID, {"id": record["id"]})
        same_content = None
        if same_id is None and record.get("content_hash"):
            same_content = stored_record(conn, SQL_STORED_BY_HASH, {"hash": record["content_hash"], "id": record["id"]})
        result = reconcile(record, same_id, same_content)
        stored = result.record
        if stored["id"] != record["id"]:
            fts = fts_values(stored)  # rare: the report was already stored under another URL
        cls._write_one(conn, report_row(stored), fts, stored)
        if result.superseded is not None:
            conn.execute(SQL_INSERT_VERSION, version_row(stored["id"], result.superseded))
        capture = record.get("capture")
        if capture:
            conn.execute(SQL_CLAIM_CAPTURE, capture_row(capture, stored["id"], capture["url"], {}))

    @staticmethod
    def _write_one(conn: sqlite3.Connection, report: dict[str, Any], fts: dict[str, str], record: Record) -> None:
        """Upsert one report: same docid on re-index, FTS row, head (of a long text) and URL rows replaced."""
        row = conn.execute(SQL_FIND_DOCID, {"id": report["id"]}).fetchone()
        if row is None:
            docid = conn.execute(SQL_INSERT_REPORT + " RETURNING docid", report).fetchone()[0]
        else:
            docid = row[0]
            conn.execute(SQL_UPDATE_REPORT, {**report, "docid": docid})
            old = conn.execute(SQL_OLD_TOKENS, {"docid": docid}).fetchone()
            if old is not None:
                conn.execute(SQL_DELETE_FTS, {**unpack_tokens(old[0]), "docid": docid})
        conn.execute(SQL_INSERT_FTS, {**fts, "docid": docid})
        record_json = json.dumps(record, ensure_ascii=False)
        conn.execute(SQL_UPSERT_RECORD, {"docid": docid, "record": record_json, "tokens": pack_tokens(fts)})
        replace_head(conn, docid, record)
        conn.execute(SQL_DELETE_URLS, {"docid": docid})
        conn.executemany(SQL_INSERT_URL, url_rows(docid, record))

    def mark_gone(self, url: str, at: str, how: GoneHow, capture: Capture | None = None) -> str | None:
        """The URL no longer serves the report listing it; withdraw the report once all its URLs are gone."""
        check_gone(url, at, how)
        conn = self._require_writer()
        with self._write_lock, Transaction(conn):
            listing = [(docid, parse_record(text)) for docid, text in conn.execute(SQL_URL_REPORTS, {"url": url})]
            changes = [(docid, change) for docid, record in listing if (change := gone(record, url, at, how))]
            for docid, change in changes:
                rewrite_record(conn, docid, change.record)
            if capture and listing:
                conn.execute(SQL_CLAIM_CAPTURE, capture_row(capture, listing[0][1]["id"], url, {}))
            if changes:
                conn.execute(SQL_BUMP_GENERATION)
        return next((change.record["id"] for _, change in changes if change.withdrawn), None)

    def save_capture(self, capture: Capture, report_id: str | None, requested_url: str, meta: dict[str, str]) -> None:
        """Register an archived response in the captures index (base.Backend.save_capture says how)."""
        row = capture_row(valid_capture(capture), report_id, requested_url, meta)
        conn = self._require_writer()
        with self._write_lock, Transaction(conn):
            conn.execute(SQL_SAVE_CAPTURE, row)

    def forget(self, report_id: str) -> None:
        """Delete a report, its versions, URLs and search rows (its captures stay)."""
        conn = self._require_writer()
        with self._write_lock, Transaction(conn):
            row = conn.execute(SQL_FIND_DOCID, {"id": report_id}).fetchone()
            conn.execute(SQL_DELETE_VERSIONS, {"id": report_id})
            if row is None:
                return
            docid = row[0]
            old = conn.execute(SQL_OLD_TOKENS, {"docid": docid}).fetchone()
            if old is not None:
                conn.execute(SQL_DELETE_FTS, {**unpack_tokens(old[0]), "docid": docid})
            for sql in SQL_FORGET:
                conn.execute(sql, {"docid": docid})
            conn.execute(SQL_BUMP_GENERATION)

    def record_failure(self, failure: Mapping[str, object]) -> None:
        """Upsert one sighting into the (url, kind) row (base.Backend.record_failure says how)."""
        row = sighting(failure)
        conn = self._require_writer()
        with self._write_lock:
            with Transaction(conn):
                conn.execute(SQL_UPSERT_FAILURE, row)

    def save_run(self, run: Run) -> None:
        """Insert or replace a crawl run by id."""
        checked = valid_run(run)
        row = {c: checked.get(c) for c in RUN_COLUMNS}
        row["portals"] = json.dumps(checked["portals"], ensure_ascii=False)
        conn = self._require_writer()
        with self._write_lock:
            with Transaction(conn):
                conn.execute(SQL_SAVE_RUN, row)

    def save_agencies(self, registry: AgencyRegistry) -> None:
        """Replace the agency registry and write changed agency ids and signals into the reports, in one transaction."""
        conn = self._require_writer()
        with self._write_lock:
            with Transaction(conn):
                replace_agencies(conn, registry)
                if write_back(conn, registry):
                    conn.execute(SQL_BUMP_GENERATION)

    def optimize(self) -> None:
        """Merge the FTS index into one segment (after a bulk load) and refresh planner statistics."""
        conn = self._require_writer()
        with self._write_lock:
            conn.execute(SQL_OPTIMIZE)
            conn.execute("PRAGMA optimize")

    # ------------------------------------------------------------------ reading
    def get(self, record_id: str) -> Record | None:
        """Return the full stored record, or None."""
        with self.readers.connection() as conn:
            row = conn.execute(SQL_GET, {"id": record_id}).fetchone()
        return parse_record(row[0]) if row else None

    def versions(self, report_id: str) -> list[Version] | None:
        """Every version of a report, oldest first (the superseded ones, then the stored record's); None if none."""
        with self.readers.connection() as conn, Snapshot(conn):
            row = conn.execute(SQL_GET, {"id": report_id}).fetchone()
            if row is None:
                return None
            superseded = [unpack_version(data) for (data,) in conn.execute(SQL_VERSIONS, {"id": report_id})]
        return history(superseded, parse_record(row[0]))

    def captures(self, url: str | None = None, report_id: str | None = None) -> list[CaptureRow]:
        """The archived responses of a URL (final or requested) and/or a report, newest first."""
        given = {k: v for k, v in {"url": url, "report_id": report_id}.items() if v is not None}
        where = " AND ".join(SQL_CAPTURE_FILTERS[k] for k in given) or "1"
        with self.readers.connection() as conn:
            rows = conn.execute(SQL_CAPTURES.format(where=where), given).fetchall()
        return [read_capture_row(row) for row in rows]

    def report_urls(self, hosts: Collection[str]) -> Iterator[str]:
        """Every URL of the stored reports (gone ones included) that is on one of `hosts`."""
        wanted = {h.strip().lower() for h in hosts}
        names = host_names(wanted)
        if not names:
            return
        with self.readers.connection() as conn:
            sql = SQL_HOST_URLS.format(
                marks=", ".join("?" for _ in names), subdomains=" OR ".join("host LIKE ?" for _ in names)
            )
            rows = conn.execute(sql, [*names, *(f"%.{name}" for name in names)]).fetchall()
        yield from dict.fromkeys(url for (url,) in rows if on_hosts(url, wanted))

    def get_window(self, record_id: str, text_offset: int, text_limit: int) -> RecordWindow | None:
        """Return the stored record with `text_limit` characters of its text from `text_offset`, or None."""
        record = self.get(record_id)
        if record is None:
            return None
        text = record.get("text") or ""
        record["text"] = text[text_offset : text_offset + text_limit]
        return RecordWindow(record=record, text_length=len(text), text_offset=text_offset)

    def records(self) -> Iterator[Record]:
        """Yield every stored record in full (text included), oldest first: the source for copies."""
        with self.readers.connection() as conn:
            cursor = conn.execute(SQL_ALL_RECORDS)
            try:
                for (text,) in cursor:
                    yield parse_record(text)
            finally:
                cursor.close()

    def count(self) -> int:
        """Return how many reports are indexed; StorageUnavailable when the file cannot be read."""
        try:
            with self.readers.connection() as conn:
                count: int = conn.execute(SQL_COUNT).fetchone()[0]
        except sqlite3.Error as exc:
            raise StorageUnavailable(f"cannot read the SQLite index {self.path}: {exc}") from exc
        return count

    def failures(
        self,
        *,
        portal: str | None = None,
        kind: str | None = None,
        run_id: str | None = None,
        limit: int = DEFAULT_FAILURES_PAGE,
        offset: int = 0,
    ) -> FailurePage:
        """The failures matching every filter given, most recently seen first (then url, kind), one page."""
        check_failure_page(limit, offset)
        given = {k: v for k, v in {"portal": portal, "kind": kind, "run_id": run_id}.items() if v is not None}
        where = " AND ".join(SQL_FAILURE_FILTERS[k] for k in given) or "1"
        with self.readers.connection() as conn, Snapshot(conn):
            total: int = conn.execute(SQL_COUNT_FAILURES.format(where=where), given).fetchone()[0]
            rows = conn.execute(SQL_FAILURES_PAGE.format(where=where), {**given, "limit": limit, "offset": offset})
            return FailurePage(total, [_failure(row) for row in rows.fetchall()])

    def all_failures(self) -> Iterator[Failure]:
        """Yield every failure row, oldest row first: the source for copies."""
        with self.readers.connection() as conn:
            rows = conn.execute(SQL_ALL_FAILURES).fetchall()
        yield from (_failure(row) for row in rows)

    def runs(self, limit: int = DEFAULT_RUNS) -> list[Run]:
        """The latest `limit` runs, newest first."""
        with self.readers.connection() as conn:
            return [_run(row) for row in conn.execute(SQL_RUNS, {"limit": limit}).fetchall()]

    def all_runs(self) -> Iterator[Run]:
        """Yield every run, oldest first: the source for copies."""
        with self.readers.connection() as conn:
            rows = conn.execute(SQL_ALL_RUNS).fetchall()
        yield from (_run(row) for row in rows)

    def agencies(self, query: AgencyQuery) -> AgencyResult:
        """Find agencies in one read snapshot under the time limit."""
        plan = AgencyPlan.build(query)
        with self._snapshot() as conn:
            return self._under_limit(conn, lambda _: find_agencies(conn, plan))

    def agency(self, agency_id: str) -> Agency | None:
        """Return one agency, or None."""
        with self.readers.connection() as conn:
            return read_agency(conn, agency_id)

    def timeline(self, agency_id: str) -> list[TimelineYear] | None:
        """Return an agency's years, oldest first, or None."""
        with self.readers.connection() as conn:
            return read_timeline(conn, agency_id)

    def search(self, query: SearchQuery) -> SearchResult:
        """Run a search in one read snapshot under the time limit (a facet-cache reload is not timed)."""
        return self._timed(QueryPlan.build(query), lambda search: search.run())

    def export(self, query: SearchQuery, max_rows: int = MAX_EXPORT_ROWS) -> ExportResult:
        """The matching records (no text) in the query's order, at most `max_rows`; offset/limit/facets ignored.

        The order is fixed in one snapshot; the records are then read in batches as the iterator is
        consumed (on whichever thread consumes it), so a report re-indexed meanwhile shows its new version.
        """
        plan = QueryPlan.for_export(query, max_rows)
        total, docids = self._timed(plan, lambda search: search.select())
        return ExportResult(total=total, records=self._stream_records(docids))

    def _timed(self, plan: QueryPlan, action: Callable[[Search], T]) -> T:
        """Run `action` on a Search in one read snapshot under the time limit (SQLite and Python steps); the facet
        cache of the snapshot's generation is loaded first, outside the limit (seconds at a million reports, once
        per write, and a search cut short by it would only load it again)."""
        with self._snapshot() as conn:
            index = self._facet_index(conn)
            return self._under_limit(
                conn,
                lambda deadline: action(
                    Search(conn, index, plan, deadline, functools.partial(self._run_parallel, deadline=deadline))
                ),
            )

    @contextmanager
    def _snapshot(self) -> Iterator[sqlite3.Connection]:
        """A read connection holding one snapshot of the database."""
        with self.readers.connection() as conn, Snapshot(conn):
            yield conn

    def _under_limit(self, conn: sqlite3.Connection, action: Callable[[Deadline], T]) -> T:
        """Run `action` on `conn` under the time limit: SQLite's progress handler and the Python steps check it."""
        deadline = Deadline.after(self.time_limit)
        conn.set_progress_handler(deadline.passed, PROGRESS_STEPS)
        try:
            return action(deadline)
        except sqlite3.OperationalError as exc:
            if "interrupted" in str(exc):
                raise deadline.timeout() from exc
            raise
        finally:
            conn.set_progress_handler(None, 0)

    def _stream_records(self, docids: list[int]) -> Iterator[RecordFields]:
        """The stored records of `docids` in order, without `text`, read EXPORT_BATCH at a time."""
        for start in range(0, len(docids), EXPORT_BATCH):
            batch = docids[start : start + EXPORT_BATCH]
            marks = ", ".join("?" for _ in batch)
            with self.readers.connection() as conn:
                rows = dict(conn.execute(SQL_RECORDS_NO_TEXT.format(marks=marks), batch).fetchall())
            for docid in batch:
                if docid in rows:
                    fields: RecordFields = json.loads(rows[docid])
                    yield fields

    def _run_parallel(self, jobs: list[tuple[str, dict[str, object]]], deadline: Deadline) -> list[list[Row]]:
        """Run read statements at once on the ranking threads' own connections (SQLite drops the GIL)."""
        with self._cache_lock:
            if self._rankers is None:
                self._rankers = ThreadPoolExecutor(
                    RANK_WORKERS, thread_name_prefix="sqlite-rank", initializer=self._open_rank_reader
                )
            pool = self._rankers
        futures = [pool.submit(self._run_job, sql, params, deadline) for sql, params in jobs]
        return [f.result() for f in futures]

    def _open_rank_reader(self) -> None:
        """Give this ranking thread its own read connection (the threads live as long as the backend)."""
        conn = open_reader(self.path)
        self._rank_local.conn = conn
        with self._cache_lock:
            self._rank_readers.append(conn)

    def _run_job(self, sql: str, params: dict[str, object], deadline: Deadline) -> list[Row]:
        """One statement on this ranking thread's connection, under the caller's deadline."""
        conn: sqlite3.Connection = self._rank_local.conn
        conn.set_progress_handler(deadline.passed, PROGRESS_STEPS)
        try:
            rows: list[Row] = conn.execute(sql, params).fetchall()
            return rows
        finally:
            conn.set_progress_handler(None, 0)

    def _facet_index(self, conn: sqlite3.Connection) -> FacetIndex:
        """The facet cache for the generation this snapshot sees (reloaded after writes)."""
        generation = conn.execute(SQL_GENERATION).fetchone()[0]
        cached = self._facets
        if cached is not None and cached.generation == generation:
            return cached
        with self._cache_lock:
            if self._facets is None or self._facets.generation != generation:
                self._facets = FacetIndex.load(conn, generation)
            return self._facets

    def close(self) -> None:
        """Stop the ranking threads and close every connection this backend opened."""
        if self._rankers is not None:
            self._rankers.shutdown(wait=True)
            self._rankers = None
        with self._cache_lock:
            for conn in self._rank_readers:
                conn.close()
            self._rank_readers.clear()
        self.readers.close()
        if self._writer is not None:
            self._writer.close()
            self._writer = None


def _failure(row: tuple[Any, ...]) -> Failure:
    """A failure from a `failures` row (FAILURE_COLUMNS order)."""
    failure: Failure = dict(zip(FAILURE_COLUMNS, row))  # type: ignore[assignment]  # columns are Failure's keys
    return failure


def _run(row: tuple[Any, ...]) -> Run:
    """A run from a `runs` row (RUN_COLUMNS order), its portals parsed."""
    run: Run = {**dict(zip(RUN_COLUMNS, row)), "portals": json.loads(row[-1])}  # type: ignore[typeddict-item]
    return run
