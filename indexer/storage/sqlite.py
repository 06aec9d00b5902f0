"""SQLite backend: one file, FTS5 full-text search over jieba-segmented text, facets in memory.

Tables
* ``reports``        one narrow row per report: the facet/filter/sort columns (indexed) and small fields.
                     ``docid`` (INTEGER PRIMARY KEY) is the stable rowid shared with the FTS table;
                     ``id`` is the record id (UNIQUE). Derived from ``stats``/``checks`` at write time:
                     one REAL column per registered number (``stats_fields.NUMBER_FIELDS``, e.g.
                     ``n_applications_new_received_total``, NULL when the cells are missing),
                     ``has_failed_checks`` (1/0, NULL when no check was evaluated) and
                     ``failed_checks`` (space-separated names of the failed rules).
* ``report_records`` the full record as JSON, kept apart so scans of ``reports`` stay small.
* ``reports_fts``    contentless FTS5 over segmented title / agency / text, plus ``tags``: one opaque
                     token per facet value (``z<field><hash>``) so facet filters run inside FTS5 and
                     BM25 ranks only the filtered rows. The indexed tokens are kept (zlib) in
                     ``report_records.fts_tokens`` to delete the FTS row when a report is re-indexed.
* ``failures``       crawl failures and rejected pages.
* ``meta``           ``generation``, bumped by every write; readers use it to refresh their facet cache.

Search
User text never reaches FTS5 raw: the MATCH expression is built from ``segment.query_terms``, each
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
raises ValueError saying to open it once for writing (or re-index).

Known limits: a one-character query only matches where jieba cut that character as a word; the
facet cache is rebuilt after every write (about 0.5 s at 100,000 reports), so it suits batched writes.
"""
from __future__ import annotations

import functools
import hashlib
import json
import sqlite3
import threading
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Callable, Iterable, Iterator

import numpy as np

from ..highlight import snippet
from ..segment import segment_text
from ..stats_fields import (
    BUCKETS,
    NUMBER_FIELDS,
    NUMBERS,
    compute_numbers,
    failed_checks,
)
from .base import (
    FACET_FIELDS,
    MAX_EXPORT_ROWS,
    ExportResult,
    Hit,
    QueryTimeout,
    SearchQuery,
    SearchResult,
    failure_row,
)
from .plan import FALSE, TRUE, QueryPlan
from .plan import iso_ordinal as _iso_ordinal
from .revisions import reconcile

SCHEMA_VERSION = 2               # 2: number and check columns in `reports`
QUERY_TIME_LIMIT_S = 2.0         # per search; the progress handler interrupts SQLite after it
PROGRESS_STEPS = 2000            # SQLite VM instructions between time checks
BUSY_TIMEOUT_MS = 5000
SNIPPET_WIDTH = 120
PARALLEL_RANK_MIN = 20_000       # BM25 over at least this many rows runs in two threads
RANK_WORKERS = 2
TIE_SLACK = 256                  # extra ranked rows fetched to break score ties by id exactly
BM25_WEIGHTS = (10.0, 5.0, 1.0, 0.0)   # title, agency, body, tags
TEXT_COLUMNS = "{title agency body}"
TAG_PREFIX = "z"
FIELD_CODES = {"report_year": "y", "province": "p", "city": "c", "county": "x",
               "agency_type": "t", "level": "l", "format": "f"}
BASE_COLUMNS = ("id", "report_year", "province", "city", "county", "agency", "agency_type", "level",
                "format", "published", "title", "url", "content_hash", "fetched_at")
CHECK_COLUMNS = ("has_failed_checks", "failed_checks")
NUMBER_COLUMNS = tuple(f.column for f in NUMBER_FIELDS)
DERIVED_COLUMNS = {**{c: "INTEGER" if c == "has_failed_checks" else "TEXT" for c in CHECK_COLUMNS},
                   **{c: "REAL" for c in NUMBER_COLUMNS}}          # column -> SQL type, added to old files
REPORT_COLUMNS = BASE_COLUMNS + tuple(DERIVED_COLUMNS)
SQL_OPS = {">=": ">=", "<=": "<=", ">": ">", "<": "<", "=": "=", "!=": "<>"}
NUMPY_OPS = {">=": np.greater_equal, "<=": np.less_equal, ">": np.greater, "<": np.less,
             "=": np.equal, "!=": np.not_equal}
BUCKET_EDGES = np.array([b[1] for b in BUCKETS[1:]], dtype=np.float64)   # 1, 10, 100, 1000
EXPORT_BATCH = 500                   # records fetched per statement while exporting
NULL_CODE = -1
NULL_SORT_KEY = 1 << 30              # sorts after every day ordinal and year
FTS_COLUMNS = ("title", "agency", "body", "tags")

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS reports (
    docid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    report_year INTEGER, province TEXT, city TEXT, county TEXT, agency TEXT, agency_type TEXT,
    level TEXT, format TEXT, published TEXT, title TEXT, url TEXT, content_hash TEXT, fetched_at TEXT,
    {", ".join(f"{c} {t}" for c, t in DERIVED_COLUMNS.items())}
);
CREATE INDEX IF NOT EXISTS reports_report_year ON reports(report_year);
CREATE INDEX IF NOT EXISTS reports_province ON reports(province);
CREATE INDEX IF NOT EXISTS reports_city ON reports(city);
CREATE INDEX IF NOT EXISTS reports_county ON reports(county);
CREATE INDEX IF NOT EXISTS reports_agency_type ON reports(agency_type);
CREATE INDEX IF NOT EXISTS reports_level ON reports(level);
CREATE INDEX IF NOT EXISTS reports_format ON reports(format);
CREATE INDEX IF NOT EXISTS reports_published ON reports(published);
CREATE INDEX IF NOT EXISTS reports_content_hash ON reports(content_hash);
CREATE TABLE IF NOT EXISTS report_records (
    docid INTEGER PRIMARY KEY,
    record TEXT NOT NULL,          -- the full record, JSON
    fts_tokens BLOB NOT NULL       -- zlib(JSON [title, agency, body, tags]) as indexed, to delete the FTS row
);
CREATE VIRTUAL TABLE IF NOT EXISTS reports_fts USING fts5(
    title, agency, body, tags, content = '', tokenize = 'unicode61 remove_diacritics 0'
);
CREATE TABLE IF NOT EXISTS failures (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL, reason TEXT, portal TEXT, kind TEXT NOT NULL, status INTEGER, at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS failures_url ON failures(url);
INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', '{SCHEMA_VERSION}'), ('generation', '0');
"""

SQL_FIND_DOCID = "SELECT docid FROM reports WHERE id = :id"
SQL_STORED_BY_ID = ("SELECT rr.record FROM reports r JOIN report_records rr ON rr.docid = r.docid "
                    "WHERE r.id = :id")
SQL_STORED_BY_HASH = ("SELECT rr.record FROM reports r JOIN report_records rr ON rr.docid = r.docid "
                      "WHERE r.content_hash = :hash AND r.id != :id ORDER BY r.docid LIMIT 1")
SQL_INSERT_REPORT = (f"INSERT INTO reports ({', '.join(REPORT_COLUMNS)}) "
                     f"VALUES ({', '.join(':' + c for c in REPORT_COLUMNS)})")
SQL_UPDATE_REPORT = (f"UPDATE reports SET {', '.join(f'{c} = :{c}' for c in REPORT_COLUMNS[1:])} "
                     "WHERE docid = :docid")
SQL_UPSERT_RECORD = ("INSERT INTO report_records(docid, record, fts_tokens) VALUES (:docid, :record, :tokens) "
                     "ON CONFLICT(docid) DO UPDATE SET record = excluded.record, fts_tokens = excluded.fts_tokens")
SQL_OLD_TOKENS = "SELECT fts_tokens FROM report_records WHERE docid = :docid"
SQL_DELETE_FTS = ("INSERT INTO reports_fts(reports_fts, rowid, title, agency, body, tags) "
                  "VALUES ('delete', :docid, :title, :agency, :body, :tags)")
SQL_INSERT_FTS = ("INSERT INTO reports_fts(rowid, title, agency, body, tags) "
                  "VALUES (:docid, :title, :agency, :body, :tags)")
SQL_BUMP_GENERATION = "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'"
SQL_GENERATION = "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'generation'"
SQL_GET = ("SELECT rr.record FROM reports r JOIN report_records rr ON rr.docid = r.docid "
           "WHERE r.id = :id")
SQL_COUNT = "SELECT count(*) FROM reports"
SQL_FACET_ROWS = (f"SELECT docid, id, published, {', '.join(FACET_FIELDS)}, "
                  f"{', '.join(CHECK_COLUMNS)}, {', '.join(NUMBER_COLUMNS)} FROM reports")
SQL_MATCH_DOCIDS = "SELECT group_concat(rowid, ' ') FROM reports_fts WHERE reports_fts MATCH :match"
SQL_RANKED = (f"SELECT rowid, bm25(reports_fts, {', '.join(map(str, BM25_WEIGHTS))}) AS score "
              "FROM reports_fts WHERE reports_fts MATCH :match")
SQL_RECORDS = "SELECT docid, record FROM report_records WHERE docid IN ({marks})"
SQL_ALL_RECORDS = "SELECT record FROM report_records ORDER BY docid"
SQL_RECORDS_NO_TEXT = "SELECT docid, json_remove(record, '$.text') FROM report_records WHERE docid IN ({marks})"
SQL_COLUMNS = "SELECT name FROM pragma_table_info('reports')"
SQL_STORED_PARTS = ("SELECT docid, json_extract(record, '$.stats'), json_extract(record, '$.checks') "
                    "FROM report_records")
SQL_SET_SCHEMA_VERSION = "UPDATE meta SET value = :v WHERE key = 'schema_version'"
SQL_INSERT_FAILURE = ("INSERT INTO failures(url, reason, portal, kind, status, at) "
                      "VALUES (:url, :reason, :portal, :kind, :status, :at)")
SQL_FAILURES = "SELECT url, reason, portal, kind, status, at FROM failures ORDER BY id"
SQL_OPTIMIZE = "INSERT INTO reports_fts(reports_fts) VALUES ('optimize')"


def _tag(field: str, value: object) -> str:
    """The FTS token standing for `field = value` (hashed, so any value is one ASCII token)."""
    digest = hashlib.blake2b(str(value).encode("utf-8"), digest_size=8).hexdigest()
    return f"{TAG_PREFIX}{FIELD_CODES[field]}{digest}"


def _pack_tokens(fts: dict) -> bytes:
    """Compress the indexed FTS values (the contentless FTS table needs them again to delete the row)."""
    return zlib.compress(json.dumps([fts[c] for c in FTS_COLUMNS], ensure_ascii=False).encode("utf-8"))


def _unpack_tokens(blob: bytes) -> dict:
    """Inverse of _pack_tokens."""
    return dict(zip(FTS_COLUMNS, json.loads(zlib.decompress(blob).decode("utf-8"))))


def _quote(term: str) -> str:
    """Quote one term as an FTS5 string (inner quotes doubled)."""
    return '"' + term.replace('"', '""') + '"'


def _stored(conn: sqlite3.Connection, sql: str, params: dict) -> dict | None:
    """The stored record a lookup finds, or None."""
    row = conn.execute(sql, params).fetchone()
    return json.loads(row[0]) if row else None


def _facet_value(value: object) -> str | None:
    """Facet values are compared as strings (report_year 2019 -> "2019")."""
    return None if value is None or value == "" else str(value)


def _derived_columns(stats: object, checks: object) -> dict:
    """The number and check columns of one record (stats_fields registry; None where missing)."""
    numbers = compute_numbers(stats if isinstance(stats, dict) else None)
    row: dict = {NUMBERS[name].column: value for name, value in numbers.items()}
    failed = failed_checks(checks)
    row["has_failed_checks"] = None if failed is None else int(bool(failed))
    row["failed_checks"] = None if failed is None else " ".join(failed)
    return row


def _add_derived_columns(conn: sqlite3.Connection) -> None:
    """Add the derived columns an older file lacks and fill them from the stored records (one transaction)."""
    present = {row[0] for row in conn.execute(SQL_COLUMNS)}
    missing = [c for c in DERIVED_COLUMNS if c not in present]
    if not missing:
        return
    with _transaction(conn):
        for column in missing:
            conn.execute(f"ALTER TABLE reports ADD COLUMN {column} {DERIVED_COLUMNS[column]}")
        assignments = ", ".join(f"{c} = :{c}" for c in DERIVED_COLUMNS)
        for docid, stats, checks in conn.execute(SQL_STORED_PARTS).fetchall():
            row = _derived_columns(json.loads(stats) if stats else None, json.loads(checks) if checks else None)
            conn.execute(f"UPDATE reports SET {assignments} WHERE docid = :docid", {**row, "docid": docid})
        conn.execute(SQL_SET_SCHEMA_VERSION, {"v": str(SCHEMA_VERSION)})
        conn.execute(SQL_BUMP_GENERATION)


def _require_derived_columns(path: Path) -> None:
    """Refuse to read a file written before the derived columns existed (a reader cannot add them)."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        present = {row[0] for row in conn.execute(SQL_COLUMNS)}
    finally:
        conn.close()
    missing = [c for c in DERIVED_COLUMNS if c not in present]
    if present and missing:
        raise ValueError(f"{path} was indexed before the number/check columns existed ({len(missing)} missing); "
                         f"open it once for writing to add and fill them, e.g. python -c \"from indexer.storage "
                         f"import open_backend; open_backend('{path}').close()\", or re-index")


# --------------------------------------------------------------------------- facet cache
@dataclass(frozen=True)
class FacetIndex:
    """Column store of the facet fields for one generation of the database, indexed by docid."""

    generation: int
    alive: np.ndarray                   # bool[docid]
    codes: dict[str, np.ndarray]        # field -> int32[docid], NULL_CODE for null
    values: dict[str, list[str]]        # field -> code -> value
    lookup: dict[str, dict[str, int]]   # field -> value -> code
    published: np.ndarray               # int32[docid] day ordinal, NULL_CODE for null
    year: np.ndarray                    # int32[docid] report_year, NULL_CODE for null
    id_rank: np.ndarray                 # int32[docid] position of the id in sorted order
    has_failed: np.ndarray              # int8[docid] 1 / 0, NULL_CODE when no check was evaluated
    failed: dict[str, np.ndarray]       # rule -> bool[docid] (that rule failed), rules sorted
    numbers: dict[str, np.ndarray]      # number name -> float64[docid], NaN for null

    @classmethod
    def load(cls, conn: sqlite3.Connection, generation: int) -> "FacetIndex":
        """Read the facet columns of every report."""
        rows = conn.execute(SQL_FACET_ROWS).fetchall()
        size = (max((r[0] for r in rows), default=0)) + 1
        alive = np.zeros(size, dtype=bool)
        published = np.full(size, NULL_CODE, dtype=np.int32)
        year = np.full(size, NULL_CODE, dtype=np.int32)
        id_rank = np.zeros(size, dtype=np.int32)
        docids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        alive[docids] = True
        order = sorted(range(len(rows)), key=lambda i: rows[i][1])
        id_rank[docids[order]] = np.arange(len(rows), dtype=np.int32)
        published[docids] = [(_iso_ordinal(r[2]) or NULL_CODE) for r in rows]
        codes, values, lookup = {}, {}, {}
        for offset, name in enumerate(FACET_FIELDS, start=3):
            column = [_facet_value(r[offset]) for r in rows]
            uniq = sorted({v for v in column if v is not None})
            table = {v: i for i, v in enumerate(uniq)}
            arr = np.full(size, NULL_CODE, dtype=np.int32)
            arr[docids] = [table.get(v, NULL_CODE) if v is not None else NULL_CODE for v in column]
            codes[name], values[name], lookup[name] = arr, uniq, table
        year[docids] = [r[3] if isinstance(r[3], int) else NULL_CODE for r in rows]
        first = 3 + len(FACET_FIELDS)
        has_failed = np.full(size, NULL_CODE, dtype=np.int8)
        has_failed[docids] = [NULL_CODE if r[first] is None else int(r[first]) for r in rows]
        failed = _failed_rules(size, docids, [r[first + 1] for r in rows])
        numbers = {}
        for offset, field in enumerate(NUMBER_FIELDS, start=first + 2):
            arr = np.full(size, np.nan, dtype=np.float64)
            arr[docids] = np.array([r[offset] for r in rows], dtype=np.float64)   # None -> NaN
            numbers[field.name] = arr
        return cls(generation, alive, codes, values, lookup, published, year, id_rank, has_failed, failed, numbers)


def _failed_rules(size: int, docids: np.ndarray, column: list[str | None]) -> dict[str, np.ndarray]:
    """One bool array per failed rule name found in the `failed_checks` column."""
    failed: dict[str, np.ndarray] = {}
    for docid, names in zip(docids.tolist(), column):
        for rule in (names or "").split():
            failed.setdefault(rule, np.zeros(size, dtype=bool))[docid] = True
    return dict(sorted(failed.items()))


# --------------------------------------------------------------------------- the backend
class SqliteBackend:
    """Reports in one SQLite file (WAL): writes in transactions, searches on read-only connections."""

    def __init__(self, path: Path, *, read_only: bool = False,
                 time_limit: float = QUERY_TIME_LIMIT_S):
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
            if not self.path.exists():
                raise FileNotFoundError(f"no database at {self.path}")
            _require_derived_columns(self.path)
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
        _add_derived_columns(conn)
        return conn

    def _reader(self) -> sqlite3.Connection:
        """This thread's read-only connection (opened on first use)."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            uri = f"{self.path.resolve().as_uri()}?mode=ro"
            conn = sqlite3.connect(uri, uri=True, check_same_thread=False, isolation_level=None)
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA cache_size = -65536")      # 64 MB page cache per reader
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
    def write(self, records: Iterable[dict]) -> int:
        """Insert or update records by id in one transaction; return how many were written."""
        prepared = [self._prepare(r) for r in records]
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
    def _reconciled(cls, conn: sqlite3.Connection, report: dict, fts: dict,
                    record: dict) -> tuple[dict, dict, str]:
        """Merge with the stored record of the same id or content (revisions.py); return row, FTS, JSON."""
        same_id = _stored(conn, SQL_STORED_BY_ID, {"id": record["id"]})
        same_content = None
        if same_id is None and record.get("content_hash"):
            same_content = _stored(conn, SQL_STORED_BY_HASH, {"hash": record["content_hash"], "id": record["id"]})
        stored = reconcile(record, same_id, same_content)
        if stored["id"] != record["id"]:
            report, fts, _ = cls._prepare(stored)   # rare: the report was already stored under another URL
        return report, fts, json.dumps(stored, ensure_ascii=False)

    @staticmethod
    def _prepare(record: dict) -> tuple[dict, dict, dict]:
        """Validate a record and build its row and FTS values (segmentation happens here)."""
        if not isinstance(record, dict) or not isinstance(record.get("id"), str) or not record["id"]:
            raise ValueError("every record needs a non-empty string `id`")
        if not isinstance(record.get("text", ""), str):
            raise ValueError(f"record {record['id']}: `text` must be a string")
        report = {c: record.get(c) for c in BASE_COLUMNS}
        report.update(_derived_columns(record.get("stats"), record.get("checks")))
        if report["report_year"] is not None and not isinstance(report["report_year"], int):
            raise ValueError(f"record {record['id']}: `report_year` must be an integer or null")
        tags = " ".join(_tag(f, v) for f in FACET_FIELDS if (v := _facet_value(record.get(f))) is not None)
        fts = {"title": segment_text(record.get("title")), "agency": segment_text(record.get("agency")),
               "body": segment_text(record.get("text")), "tags": tags}
        return report, fts, record

    @staticmethod
    def _write_one(conn: sqlite3.Connection, report: dict, fts: dict, record_json: str) -> None:
        """Upsert one report: same docid on re-index, FTS row replaced."""
        row = conn.execute(SQL_FIND_DOCID, {"id": report["id"]}).fetchone()
        if row is None:
            docid = conn.execute(SQL_INSERT_REPORT, report).lastrowid
        else:
            docid = row[0]
            conn.execute(SQL_UPDATE_REPORT, {**report, "docid": docid})
            old = conn.execute(SQL_OLD_TOKENS, {"docid": docid}).fetchone()
            if old is not None:
                conn.execute(SQL_DELETE_FTS, {**_unpack_tokens(old[0]), "docid": docid})
        conn.execute(SQL_INSERT_FTS, {**fts, "docid": docid})
        conn.execute(SQL_UPSERT_RECORD, {"docid": docid, "record": record_json, "tokens": _pack_tokens(fts)})

    def record_failure(self, failure: dict) -> None:
        """Keep a crawl failure or rejected page (kind: fetch_failed, not_a_report or unreadable)."""
        row = failure_row(failure)
        conn = self._require_writer()
        with self._write_lock:
            with _transaction(conn):
                conn.execute(SQL_INSERT_FAILURE, row)

    def optimize(self) -> None:
        """Merge the FTS index into one segment (after a bulk load) and refresh planner statistics."""
        conn = self._require_writer()
        with self._write_lock:
            conn.execute(SQL_OPTIMIZE)
            conn.execute("PRAGMA optimize")

    # ------------------------------------------------------------------ reading
    def get(self, record_id: str) -> dict | None:
        """Return the full stored record, or None."""
        row = self._reader().execute(SQL_GET, {"id": record_id}).fetchone()
        return json.loads(row[0]) if row else None

    def records(self) -> Iterator[dict]:
        """Yield every stored record in full (text included), oldest first: the source for copies."""
        for (text,) in self._reader().execute(SQL_ALL_RECORDS):
            yield json.loads(text)

    def count(self) -> int:
        """Return how many reports are indexed."""
        return self._reader().execute(SQL_COUNT).fetchone()[0]

    def failures(self) -> list[dict]:
        """Return the recorded failures, oldest first."""
        cur = self._reader().execute(SQL_FAILURES)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()]

    def search(self, query: SearchQuery) -> SearchResult:
        """Run a search in one read snapshot under the time limit (a facet-cache reload is not timed)."""
        return self._timed(QueryPlan.build(query), lambda search: search.run())

    def export(self, query: SearchQuery, max_rows: int = MAX_EXPORT_ROWS) -> ExportResult:
        """The matching records (no text) in the query's order, at most `max_rows`; offset/limit/facets ignored.

        The order is fixed in one snapshot; the records are then read in batches as the iterator is
        consumed (on whichever thread consumes it), so a report re-indexed meanwhile shows its new version.
        """
        if not 0 <= max_rows <= MAX_EXPORT_ROWS:
            raise ValueError(f"an export returns between 0 and {MAX_EXPORT_ROWS} rows")
        plan = QueryPlan.build(replace(query, offset=0, limit=max_rows, facets=()), max_limit=MAX_EXPORT_ROWS)
        total, docids = self._timed(plan, lambda search: search.select())
        return ExportResult(total=total, records=self._stream_records(docids))

    def _timed(self, plan: QueryPlan, action: Callable[["_Search"], object]):
        """Run `action` on a _Search in one read snapshot under the time limit."""
        conn = self._reader()
        try:
            with _snapshot(conn):
                index = self._facet_index(conn)
                deadline = time.monotonic() + self.time_limit
                conn.set_progress_handler(lambda: int(time.monotonic() > deadline), PROGRESS_STEPS)
                parallel = functools.partial(self._run_parallel, deadline=deadline)
                return action(_Search(conn, index, plan, parallel))
        except sqlite3.OperationalError as exc:
            if "interrupted" in str(exc):
                raise QueryTimeout(f"search took longer than {self.time_limit:g} s") from exc
            raise
        finally:
            conn.set_progress_handler(None, 0)

    def _stream_records(self, docids: list[int]) -> Iterator[dict]:
        """The stored records of `docids` in order, without `text`, read EXPORT_BATCH at a time."""
        for start in range(0, len(docids), EXPORT_BATCH):
            batch = docids[start:start + EXPORT_BATCH]
            marks = ", ".join("?" for _ in batch)
            rows = dict(self._reader().execute(SQL_RECORDS_NO_TEXT.format(marks=marks), batch).fetchall())
            for docid in batch:
                if docid in rows:
                    yield json.loads(rows[docid])

    def _run_parallel(self, jobs: list[tuple[str, dict]], deadline: float) -> list[list[tuple]]:
        """Run read statements at once on the worker threads' own connections (SQLite drops the GIL)."""
        with self._cache_lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(RANK_WORKERS, thread_name_prefix="sqlite-rank")
            pool = self._pool
        futures = [pool.submit(self._run_job, sql, params, deadline) for sql, params in jobs]
        return [f.result() for f in futures]

    def _run_job(self, sql: str, params: dict, deadline: float) -> list[tuple]:
        """One statement on this thread's read connection, under the caller's deadline."""
        conn = self._reader()
        conn.set_progress_handler(lambda: int(time.monotonic() > deadline), PROGRESS_STEPS)
        try:
            return conn.execute(sql, params).fetchall()
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


class _transaction:
    """BEGIN IMMEDIATE … COMMIT, ROLLBACK on error (connection in autocommit mode)."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, exc_type, exc, tb) -> None:
        self.conn.execute("ROLLBACK" if exc_type else "COMMIT")


class _snapshot(_transaction):
    """A read transaction: every statement inside sees the same database state."""

    def __enter__(self) -> sqlite3.Connection:
        self.conn.execute("BEGIN")
        return self.conn

    def __exit__(self, exc_type, exc, tb) -> None:
        if self.conn.in_transaction:
            self.conn.execute("COMMIT")


# --------------------------------------------------------------------------- FTS expressions of a plan
def _text_match(plan: QueryPlan) -> str:
    """FTS5 expression for the words: each quoted, ANDed, in the text columns only."""
    return f"{TEXT_COLUMNS} : ({' AND '.join(_quote(t) for t in plan.terms)})" if plan.terms else ""


def _full_match(plan: QueryPlan) -> str:
    """FTS5 expression for the words and every facet filter (as tag tokens)."""
    parts = [_text_match(plan)] if plan.terms else []
    for field, values in plan.filters.items():
        if field not in FACET_FIELDS:           # check filters: see _Search._row_conditions
            continue
        parts.append("tags : (" + " OR ".join(_quote(_tag(field, v)) for v in values) + ")")
    return " AND ".join(parts)


class _Search:
    """One search against one snapshot: candidate docids, masks, facet counts, the page of hits."""

    def __init__(self, conn: sqlite3.Connection, index: FacetIndex, plan: QueryPlan,
                 parallel: Callable[[list[tuple[str, dict]]], list[list[tuple]]] | None = None):
        self.conn, self.index, self.plan, self.parallel = conn, index, plan, parallel

    def run(self) -> SearchResult:
        """Compute total, facets and hits."""
        candidates = self._candidates()
        masks = self._masks(candidates)
        final = _all(masks, len(candidates))
        selected = candidates[final]
        facets = {f: self._facet(f, candidates, masks) for f in self.plan.facets}
        page = self._page(selected)
        return SearchResult(total=int(selected.size), hits=self._hits(page), facets=facets)

    def select(self) -> tuple[int, list[int]]:
        """The number of matches and the docids of the requested page, in order (no facets, no records)."""
        candidates = self._candidates()
        selected = candidates[_all(self._masks(candidates), len(candidates))]
        return int(selected.size), [d for d, _ in self._page(selected)]

    def _candidates(self) -> np.ndarray:
        """Docids matching the words (all reports when there are none), ascending."""
        if not self.plan.terms:
            return np.flatnonzero(self.index.alive)
        joined = self.conn.execute(SQL_MATCH_DOCIDS, {"match": _text_match(self.plan)}).fetchone()[0]
        if not joined:
            return np.zeros(0, dtype=np.int64)
        ids = np.fromstring(joined, dtype=np.int64, sep=" ")   # text mode: fast and not deprecated
        ids = ids[ids < self.index.alive.size]                  # (same snapshot: a no-op guard)
        ids.sort()
        return ids

    def _masks(self, candidates: np.ndarray) -> dict[str, np.ndarray]:
        """One boolean mask over the candidates per active filter (facet fields and the date range)."""
        masks: dict[str, np.ndarray] = {}
        for field, values in self.plan.filters.items():
            if field not in FACET_FIELDS:            # check filters: _check_masks
                continue
            wanted = [self.index.lookup[field][v] for v in values if v in self.index.lookup[field]]
            masks[field] = np.isin(self.index.codes[field][candidates], np.array(wanted, dtype=np.int32))
        if self.plan.published_from is not None or self.plan.published_to is not None:
            pub = self.index.published[candidates]
            ok = pub != NULL_CODE
            if self.plan.published_from is not None:
                ok &= pub >= self.plan.published_from
            if self.plan.published_to is not None:
                ok &= pub <= self.plan.published_to
            masks["published"] = ok
        self._check_masks(candidates, masks)
        for cond in self.plan.where:                 # one mask per number (its own facet ignores it)
            values = self.index.numbers[cond.name][candidates]
            ok = ~np.isnan(values) & NUMPY_OPS[cond.op](values, cond.value)
            masks[cond.name] = masks[cond.name] & ok if cond.name in masks else ok
        return masks

    def _check_masks(self, candidates: np.ndarray, masks: dict[str, np.ndarray]) -> None:
        """Masks of the has_failed_checks and failed_check filters (rules ORed)."""
        wanted = self.plan.filters.get("has_failed_checks")
        if wanted:
            codes = [1 if v == TRUE else 0 for v in wanted]
            masks["has_failed_checks"] = np.isin(self.index.has_failed[candidates], np.array(codes, dtype=np.int8))
        rules = self.plan.filters.get("failed_check")
        if rules:
            ok = np.zeros(candidates.size, dtype=bool)
            for rule in rules:
                if rule in self.index.failed:
                    ok |= self.index.failed[rule][candidates]
            masks["failed_check"] = ok

    def _facet(self, field: str, candidates: np.ndarray, masks: dict[str, np.ndarray]) -> list[tuple[str, int]]:
        """Counts of one facet among candidates passing every filter except the facet's own."""
        if field in FACET_FIELDS:
            return self._facet_counts(field, candidates, masks)
        pool = candidates[_all({k: m for k, m in masks.items() if k != field}, len(candidates))]
        if field == "has_failed_checks":
            codes = self.index.has_failed[pool]
            return self._top(field, {TRUE: int(np.count_nonzero(codes == 1)), FALSE: int(np.count_nonzero(codes == 0))})
        if field == "failed_check":
            return self._top(field, {rule: int(np.count_nonzero(arr[pool])) for rule, arr in self.index.failed.items()})
        return self._bucket_counts(self.index.numbers[field][pool])   # a registered number

    def _top(self, field: str, counts: dict[str, int]) -> list[tuple[str, int]]:
        """Non-zero counts, most frequent first (ties by value), cut to facet_limit; selected values kept."""
        ranked = sorted((item for item in counts.items() if item[1] > 0), key=lambda kv: (-kv[1], kv[0]))
        chosen = ranked[: self.plan.facet_limit]
        for value in self.plan.filters.get(field, ()):
            if value not in dict(chosen):
                chosen.append((value, counts.get(value, 0)))
        return chosen

    @staticmethod
    def _bucket_counts(values: np.ndarray) -> list[tuple[str, int]]:
        """How many values fall in each range bucket (every bucket listed, in order; nulls and negatives left out)."""
        present = values[~np.isnan(values) & (values >= 0)]
        counts = np.bincount(np.searchsorted(BUCKET_EDGES, present, side="right"), minlength=len(BUCKETS))
        return [(label, int(n)) for (label, _, _), n in zip(BUCKETS, counts)]

    def _facet_counts(self, field: str, candidates: np.ndarray, masks: dict[str, np.ndarray]) -> list[tuple[str, int]]:
        """Counts of `field`'s values among candidates passing every filter except this field's own."""
        others = {k: m for k, m in masks.items() if k != field}
        codes = self.index.codes[field][candidates[_all(others, len(candidates))]]
        values = self.index.values[field]
        counts = np.bincount(codes[codes != NULL_CODE], minlength=len(values))
        order = np.lexsort((np.arange(len(values)), -counts))
        chosen = [int(i) for i in order[: self.plan.facet_limit] if counts[i] > 0]
        for value in self.plan.filters.get(field, ()):          # selected values always shown
            code = self.index.lookup[field].get(value)
            if code is not None and code not in chosen:
                chosen.append(code)
        return [(values[i], int(counts[i])) for i in chosen]

    def _page(self, selected: np.ndarray) -> list[tuple[int, float | None]]:
        """The (docid, score) pairs of the requested page, in order."""
        plan = self.plan
        if plan.limit == 0 or plan.offset >= selected.size:
            return []
        if plan.sort == "relevance" and plan.terms:
            return self._ranked_page(selected)
        key = {"relevance": "-published"}.get(plan.sort, plan.sort)
        if key.lstrip("-") in NUMBERS:
            return [(int(d), None) for d in selected[self._number_order(selected, key)]]
        values = (self.index.year if key.endswith("report_year") else self.index.published)[selected]
        values = values.astype(np.int64)
        primary = -values if key.startswith("-") else values
        primary[values == NULL_CODE] = NULL_SORT_KEY                     # nulls last either way
        combined = (primary << 32) + self.index.id_rank[selected]        # ties broken by id
        wanted = plan.offset + plan.limit
        if wanted < combined.size:
            part = np.argpartition(combined, wanted - 1)[:wanted]
            order = part[np.argsort(combined[part], kind="stable")]
        else:
            order = np.argsort(combined, kind="stable")
        return [(int(d), None) for d in selected[order[plan.offset:wanted]]]

    def _number_order(self, selected: np.ndarray, key: str) -> np.ndarray:
        """Positions in `selected` of the page sorted by a number (`-` = descending), nulls last, ties by id."""
        plan = self.plan
        values = self.index.numbers[key.lstrip("-")][selected]
        null = np.isnan(values)
        primary = np.where(null, np.inf, -values if key.startswith("-") else values)
        wanted = plan.offset + plan.limit
        if wanted < primary.size:           # only rows up to the page's last value (ties included) are sorted
            cutoff = np.partition(primary, wanted - 1)[wanted - 1]
            pool = np.flatnonzero(primary <= cutoff)
        else:
            pool = np.arange(primary.size)
        order = pool[np.lexsort((self.index.id_rank[selected[pool]], primary[pool], null[pool]))]
        return order[plan.offset:wanted]

    def _ranked_page(self, selected: np.ndarray) -> list[tuple[int, float | None]]:
        """BM25 over the filtered rows only (facet filters ride along in MATCH), best first, ties by id."""
        plan = self.plan
        wanted = plan.offset + plan.limit
        sql, params = self._ranked_sql()
        limit = wanted + TIE_SLACK      # rows past the page, so a run of equal scores is seen whole
        rows = self._best_rows(sql, {**params, "n": limit}, selected)[:limit]
        if len(rows) == limit and rows[-1][1] == rows[wanted - 1][1]:
            # the run of equal scores at the page end is longer than the slack: fetch all of it
            last = rows[wanted - 1][1]
            tied = self.conn.execute(f"SELECT rowid, score FROM ({sql}) WHERE score = :s",
                                     {**params, "s": last}).fetchall()
            rows = [r for r in rows if r[1] != last] + tied
        ids = np.array([r[0] for r in rows], dtype=np.int64)
        scores = np.array([r[1] for r in rows], dtype=np.float64)
        keep = _members(ids, selected)                  # same rows as the facets, by construction
        ids, scores = ids[keep], scores[keep]
        order = np.lexsort((self.index.id_rank[ids], scores))[plan.offset:wanted]
        return [(int(ids[i]), -float(scores[i])) for i in order]

    def _best_rows(self, sql: str, params: dict[str, object], selected: np.ndarray) -> list[tuple[int, float]]:
        """The best `:n` (rowid, score) rows; a large set is scored in two rowid halves at once."""
        order = " ORDER BY score, rowid LIMIT :n"
        if self.parallel is None or selected.size < PARALLEL_RANK_MIN:
            return self.conn.execute(sql + order, params).fetchall()
        middle = {**params, "mid": int(selected[selected.size // 2])}
        halves = self.parallel([(f"{sql} AND rowid < :mid{order}", middle),
                                (f"{sql} AND rowid >= :mid{order}", middle)])
        return sorted(halves[0] + halves[1], key=lambda row: (row[1], row[0]))

    def _ranked_sql(self) -> tuple[str, dict[str, object]]:
        """The scoring SELECT (rowid, score) with its parameters, the row filters checked per FTS row."""
        conditions, params = self._row_conditions()
        sql = SQL_RANKED
        if conditions:
            sql += (" AND EXISTS (SELECT 1 FROM reports r WHERE r.docid = reports_fts.rowid AND "
                    + " AND ".join(conditions) + ")")
        return sql, {**params, "match": _full_match(self.plan)}

    def _row_conditions(self) -> tuple[list[str], dict[str, object]]:
        """SQL conditions on `reports r` for the filters FTS tags do not carry: dates, checks, numbers."""
        plan = self.plan
        conditions: list[str] = []
        params: dict[str, object] = {}
        if plan.published_from is not None or plan.published_to is not None:
            conditions.append("r.published BETWEEN :pf AND :pt")
            params["pf"] = date.fromordinal(plan.published_from).isoformat() if plan.published_from else ""
            params["pt"] = (date.fromordinal(plan.published_to).isoformat() if plan.published_to else "9999") + "\uffff"
        if plan.filters.get("has_failed_checks"):
            codes = sorted({1 if v == TRUE else 0 for v in plan.filters["has_failed_checks"]})
            conditions.append(f"r.has_failed_checks IN ({', '.join(map(str, codes))})")
        rules = plan.filters.get("failed_check", ())
        if rules:
            conditions.append("(" + " OR ".join(f"instr(' ' || r.failed_checks || ' ', :fc{i}) > 0"
                                                for i in range(len(rules))) + ")")
            params.update({f"fc{i}": f" {rule} " for i, rule in enumerate(rules)})
        for i, cond in enumerate(plan.where):
            conditions.append(f"r.{NUMBERS[cond.name].column} {SQL_OPS[cond.op]} :w{i}")
            params[f"w{i}"] = cond.value
        return conditions, params

    def _hits(self, page: list[tuple[int, float | None]]) -> list[Hit]:
        """Load the page's records and cut their snippets."""
        if not page:
            return []
        marks = ", ".join("?" for _ in page)
        rows = dict(self.conn.execute(SQL_RECORDS.format(marks=marks), [d for d, _ in page]).fetchall())
        hits = []
        for docid, score in page:
            record = json.loads(rows[docid])
            text = record.pop("text", "")
            hits.append(Hit(id=record["id"], score=score, record=record,
                            snippet=snippet(text, list(self.plan.terms), SNIPPET_WIDTH)))
        return hits


def _members(ids: np.ndarray, sorted_pool: np.ndarray) -> np.ndarray:
    """Mask of the `ids` that occur in the ascending array `sorted_pool`."""
    if sorted_pool.size == 0:
        return np.zeros(ids.size, dtype=bool)
    pos = np.minimum(np.searchsorted(sorted_pool, ids), sorted_pool.size - 1)
    return sorted_pool[pos] == ids


def _all(masks: dict[str, np.ndarray], size: int) -> np.ndarray:
    """AND of the masks (all True when there are none)."""
    out = np.ones(size, dtype=bool)
    for mask in masks.values():
        out &= mask
    return out
