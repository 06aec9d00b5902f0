"""SQLite backend: one file, FTS5 full-text search over jieba-segmented text, facets in memory.

Tables
* ``reports``        one narrow row per report: the facet/filter/sort columns (indexed) and small fields.
                     ``docid`` (INTEGER PRIMARY KEY) is the stable rowid shared with the FTS table;
                     ``id`` is the record id (UNIQUE). Derived from ``stats``/``checks`` at write time:
                     one REAL column per registered number (``tables/numbers.py``, e.g.
                     ``n_applications_new_received_total``, NULL when the cells are missing),
                     ``has_failed_checks`` (1/0, NULL when no check was evaluated) and
                     ``failed_checks`` (space-separated names of the failed rules).
* ``report_records`` the full record as JSON, kept apart so scans of ``reports`` stay small.
* ``reports_fts``    contentless FTS5 over segmented title / agency / text, plus ``tags``: one opaque
                     token per keyword facet value (``z<field><hash>``) so keyword filters run inside FTS5 and
                     BM25 ranks only the filtered rows. The indexed tokens are kept (zlib) in
                     ``report_records.fts_tokens`` to delete the FTS row when a report is re-indexed.
* ``failures``       crawl failures and rejected pages.
* ``meta``           ``generation``, bumped by every write; readers use it to refresh their facet cache.

Search
The query is checked and classified by ``plan.QueryPlan``; this module only translates it. User
text never reaches FTS5 raw: the MATCH expression is built from the plan's terms, each
term double-quoted, ANDed. Facet counts come from a per-generation in-memory column store
(numpy arrays indexed by docid): one FTS5 query yields the matching docids, then each facet is
counted with all *other* filters applied. Only the filtered rows are scored; BM25 over a large set
(≥ PARALLEL_RANK_MIN rows) runs in two rowid halves on two threads and keeps the best
offset+limit(+slack) rows, ties broken by id. Reads use a read-only connection per thread, inside
one transaction (a consistent snapshot), under a time limit (progress handler).

Number conditions (``where``), check filters and numeric sorts run on the same in-memory column
store; when BM25 ranks, they are checked per FTS row against ``reports`` (an EXISTS subquery), like
the date range. Exports (``export``) order the matches the same way and stream the stored JSON
without ``text`` in batches.

Older files: opening a file for writing adds any missing derived column (ALTER TABLE) and fills it
from the stored JSON records, in one transaction. A read-only open of a file that still lacks them
raises StorageUnavailable saying to open it once for writing (or re-index).

Known limits: a one-character query only matches where jieba cut that character as a word; the
facet cache is rebuilt after every write (about 0.5 s at 100,000 reports), so it suits batched writes.
"""

from __future__ import annotations

import functools
import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from indexer.errors import QueryTimeout, StorageUnavailable
from indexer.model import Record
from indexer.search_text.segment import segment_text
from indexer.storage.base import (
    MAX_EXPORT_ROWS,
    ExportResult,
    Failure,
    RecordFields,
    SearchQuery,
    SearchResult,
    failure_row,
)
from indexer.storage.facets import KEYWORD_FACETS, facet_value
from indexer.storage.options import QUERY_TIME_LIMIT_S
from indexer.storage.plan import QueryPlan
from indexer.storage.records import valid_record
from indexer.storage.revisions import reconcile
from indexer.storage.sqlite.schema import (
    BASE_COLUMNS,
    BUSY_TIMEOUT_MS,
    EXPORT_BATCH,
    PROGRESS_STEPS,
    RANK_WORKERS,
    SCHEMA,
    SQL_ALL_RECORDS,
    SQL_BUMP_GENERATION,
    SQL_COUNT,
    SQL_DELETE_FTS,
    SQL_FAILURES,
    SQL_FIND_DOCID,
    SQL_GENERATION,
    SQL_GET,
    SQL_INSERT_FAILURE,
    SQL_INSERT_FTS,
    SQL_INSERT_REPORT,
    SQL_OLD_TOKENS,
    SQL_OPTIMIZE,
    SQL_RECORDS_NO_TEXT,
    SQL_STORED_BY_HASH,
    SQL_STORED_BY_ID,
    SQL_UPDATE_REPORT,
    SQL_UPSERT_RECORD,
    Snapshot,
    Transaction,
    add_derived_columns,
    derived_columns,
    missing_derived_columns,
    pack_tokens,
    parse_record,
    stored_record,
    tag_token,
    unpack_tokens,
)
from indexer.storage.sqlite.search import FacetIndex, Row, Search

T = TypeVar("T")
Prepared = tuple[dict[str, Any], dict[str, str], Record]  # the `reports` row, the FTS values, the record


def unreadable_reason(path: Path) -> str | None:
    """Why a reader cannot use the file at `path` (missing, unreadable, derived columns missing), or None."""
    if not path.is_file():
        return f"no SQLite index at {path}"
    try:
        missing = missing_derived_columns(path)
    except sqlite3.Error as exc:
        return f"cannot read the SQLite index {path}: {exc}"
    if missing:
        return (
            f"{path} was indexed before the number/check columns existed ({len(missing)} missing); "
            f'open it once for writing to add and fill them, e.g. python -c "from indexer.storage '
            f"import open_backend; open_backend('{path}').close()\", or re-index"
        )
    return None


# --------------------------------------------------------------------------- the backend
class SqliteBackend:
    """Reports in one SQLite file (WAL): writes in transactions, searches on read-only connections."""

    def __init__(self, path: Path, *, read_only: bool = False, time_limit: float = QUERY_TIME_LIMIT_S):
        self.path = Path(path)
        self.read_only = read_only
        self.time_limit = time_limit
        self._write_lock = threading.Lock()
        self._cache_lock = threading.Lock()
        self._local = threading.local()
        self._readers: list[sqlite3.Connection] = []
        self._writer: sqlite3.Connection | None = None
        self._facets: FacetIndex | None = None
        self._pool: ThreadPoolExecutor | None = None
        if read_only:
            problem = unreadable_reason(self.path)
            if problem is not None:
                raise StorageUnavailable(problem)
        else:
            self._writer = self._connect_writer()

    # ------------------------------------------------------------------ connections
    def _connect_writer(self) -> sqlite3.Connection:
        """Open the single writing connection and create the schema."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.executescript(SCHEMA)
        add_derived_columns(conn)
        return conn

    def _reader(self) -> sqlite3.Connection:
        """This thread's read-only connection (opened on first use)."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            uri = f"{self.path.resolve().as_uri()}?mode=ro"
            conn = sqlite3.connect(uri, uri=True, check_same_thread=False, isolation_level=None)
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA cache_size = -65536")  # 64 MB page cache per reader
            conn.execute("PRAGMA mmap_size = 1073741824")
            self._local.conn = conn
            with self._cache_lock:
                self._readers.append(conn)
        return conn

    def _require_writer(self) -> sqlite3.Connection:
        """The writer, or an error for a read-only backend."""
        if self._writer is None:
            raise ValueError("this backend was opened read-only")
        return self._writer

    # ------------------------------------------------------------------ writing
    def write(self, records: Iterable[Record]) -> int:
        """Insert or update records by id in one transaction; return how many were written."""
        prepared = [self._prepare(valid_record(r)) for r in records]
        if not prepared:
            return 0
        conn = self._require_writer()
        with self._write_lock:
            conn.execute("BEGIN IMMEDIATE")
            try:
                for report, fts, record in prepared:
                    self._write_one(conn, *self._reconciled(conn, report, fts, record))
                conn.execute(SQL_BUMP_GENERATION)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        return len(prepared)

    @classmethod
    def _reconciled(
        cls, conn: sqlite3.Connection, report: dict[str, Any], fts: dict[str, str], record: Record
    ) -> tuple[dict[str, Any], dict[str, str], str]:
        """Merge with the stored record of the same id or content (revisions.py); return row, FTS, JSON."""
        same_id = stored_record(conn, SQL_STORED_BY_ID, {"id": record["id"]})
        same_content = None
        if same_id is None and record.get("content_hash"):
            same_content = stored_record(conn, SQL_STORED_BY_HASH, {"hash": record["content_hash"], "id": record["id"]})
        stored = reconcile(record, same_id, same_content)
        if stored["id"] != record["id"]:
            report, fts, _ = cls._prepare(stored)  # rare: the report was already stored under another URL
        return report, fts, json.dumps(stored, ensure_ascii=False)

    @staticmethod
    def _prepare(record: Record) -> Prepared:
        """The row and FTS values of a checked record (segmentation happens here)."""
        fields: Mapping[str, Any] = record
        report = {c: fields.get(c) for c in BASE_COLUMNS}
        report.update(derived_columns(fields.get("stats"), fields.get("checks")))
        tags = " ".join(tag_token(f, v) for f in KEYWORD_FACETS if (v := facet_value(fields.get(f))) is not None)
        fts = {
            "title": segment_text(fields.get("title")),
            "agency": segment_text(fields.get("agency")),
            "body": segment_text(fields.get("text")),
            "tags": tags,
        }
        return report, fts, record

    @staticmethod
    def _write_one(conn: sqlite3.Connection, report: dict[str, Any], fts: dict[str, str], record_json: str) -> None:
        """Upsert one report: same docid on re-index, FTS row replaced."""
        row = conn.execute(SQL_FIND_DOCID, {"id": report["id"]}).fetchone()
        if row is None:
            docid = conn.execute(SQL_INSERT_REPORT, report).lastrowid
        else:
            docid = row[0]
            conn.execute(SQL_UPDATE_REPORT, {**report, "docid": docid})
            old = conn.execute(SQL_OLD_TOKENS, {"docid": docid}).fetchone()
            if old is not None:
                conn.execute(SQL_DELETE_FTS, {**unpack_tokens(old[0]), "docid": docid})
        conn.execute(SQL_INSERT_FTS, {**fts, "docid": docid})
        conn.execute(SQL_UPSERT_RECORD, {"docid": docid, "record": record_json, "tokens": pack_tokens(fts)})

    def record_failure(self, failure: Mapping[str, object]) -> None:
        """Keep a crawl failure or rejected page (kind: fetch_failed, not_a_report or unreadable)."""
        row = failure_row(failure)
        conn = self._require_writer()
        with self._write_lock:
            with Transaction(conn):
                conn.execute(SQL_INSERT_FAILURE, row)

    def optimize(self) -> None:
        """Merge the FTS index into one segment (after a bulk load) and refresh planner statistics."""
        conn = self._require_writer()
        with self._write_lock:
            conn.execute(SQL_OPTIMIZE)
            conn.execute("PRAGMA optimize")

    # ------------------------------------------------------------------ reading
    def get(self, record_id: str) -> Record | None:
        """Return the full stored record, or None."""
        row = self._reader().execute(SQL_GET, {"id": record_id}).fetchone()
        return parse_record(row[0]) if row else None

    def records(self) -> Iterator[Record]:
        """Yield every stored record in full (text included), oldest first: the source for copies."""
        for (text,) in self._reader().execute(SQL_ALL_RECORDS):
            yield parse_record(text)

    def count(self) -> int:
        """Return how many reports are indexed; StorageUnavailable when the file cannot be read."""
        try:
            count: int = self._reader().execute(SQL_COUNT).fetchone()[0]
        except sqlite3.Error as exc:
            raise StorageUnavailable(f"cannot read the SQLite index {self.path}: {exc}") from exc
        return count

    def failures(self) -> Iterator[Failure]:
        """Yield the recorded failures, oldest first."""
        for url, reason, portal, kind, status, at in self._reader().execute(SQL_FAILURES):
            yield {"url": url, "reason": reason, "portal": portal, "kind": kind, "status": status, "at": at}

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
        """Run `action` on a Search in one read snapshot under the time limit."""
        conn = self._reader()
        try:
            with Snapshot(conn):
                index = self._facet_index(conn)
                deadline = time.monotonic() + self.time_limit
                conn.set_progress_handler(lambda: int(time.monotonic() > deadline), PROGRESS_STEPS)
                parallel = functools.partial(self._run_parallel, deadline=deadline)
                return action(Search(conn, index, plan, parallel))
        except sqlite3.OperationalError as exc:
            if "interrupted" in str(exc):
                raise QueryTimeout(f"search took longer than {self.time_limit:g} s") from exc
            raise
        finally:
            conn.set_progress_handler(None, 0)

    def _stream_records(self, docids: list[int]) -> Iterator[RecordFields]:
        """The stored records of `docids` in order, without `text`, read EXPORT_BATCH at a time."""
        for start in range(0, len(docids), EXPORT_BATCH):
            batch = docids[start : start + EXPORT_BATCH]
            marks = ", ".join("?" for _ in batch)
            rows = dict(self._reader().execute(SQL_RECORDS_NO_TEXT.format(marks=marks), batch).fetchall())
            for docid in batch:
                if docid in rows:
                    fields: RecordFields = json.loads(rows[docid])
                    yield fields

    def _run_parallel(self, jobs: list[tuple[str, dict[str, object]]], deadline: float) -> list[list[Row]]:
        """Run read statements at once on the worker threads' own connections (SQLite drops the GIL)."""
        with self._cache_lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(RANK_WORKERS, thread_name_prefix="sqlite-rank")
            pool = self._pool
        futures = [pool.submit(self._run_job, sql, params, deadline) for sql, params in jobs]
        return [f.result() for f in futures]

    def _run_job(self, sql: str, params: dict[str, object], deadline: float) -> list[Row]:
        """One statement on this thread's read connection, under the caller's deadline."""
        conn = self._reader()
        conn.set_progress_handler(lambda: int(time.monotonic() > deadline), PROGRESS_STEPS)
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
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None
        with self._cache_lock:
            for conn in self._readers:
                conn.close()
            self._readers.clear()
        self._local = threading.local()
        if self._writer is not None:
            self._writer.close()
            self._writer = None
