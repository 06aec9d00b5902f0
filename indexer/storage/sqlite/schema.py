"""Schema, SQL statements, limits and row helpers of the SQLite backend (see backend.py for the design)."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import zlib
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np

from indexer.model import Capture, CaptureRow, Record, Version
from indexer.search_text.highlight import SCAN_CHARS
from indexer.storage.base import TEXT_WEIGHTS
from indexer.storage.facets import (
    BUCKETS,
    FAILED_CHECK,
    KEYWORD_FIELDS,
    SIGNAL,
    facet_value,
    failed_checks,
    signal_names,
)
from indexer.storage.revisions import union_urls, url_host
from indexer.tables.numbers import NUMBER_FIELDS, NUMBERS, compute_numbers

SCHEMA_VERSION = 5  # 2: number and check columns; 3: failures per (url, kind), runs, report heads; 4: agencies;
# 5: version history (report_versions), the web archive's captures index, report_urls, version/changed_at/withdrawn
PROGRESS_STEPS = 2000  # SQLite VM instructions between time checks
BUSY_TIMEOUT_MS = 5000
PARALLEL_RANK_MIN = 20_000  # BM25 over at least this many rows runs in two threads
RANK_WORKERS = 2
TIE_SLACK = 256  # extra ranked rows fetched to break score ties by id exactly
FTS_COLUMNS = ("title", "agency", "body", "tags")
BM25_WEIGHTS = tuple(TEXT_WEIGHTS.get(c, 0.0) for c in FTS_COLUMNS)  # tags do not count
TEXT_COLUMNS = "{title agency body}"
TAG_PREFIX = "z"
FIELD_CODES = {
    "report_year": "y",
    "province": "p",
    "city": "c",
    "county": "x",
    "agency_type": "t",
    "level": "l",
    "format": "f",
    "agency_id": "a",
}
BASE_COLUMNS = (
    "id",
    "report_year",
    "province",
    "city",
    "county",
    "agency",
    "agency_type",
    "level",
    "format",
    "published",
    "title",
    "url",
    "content_hash",
    "fetched_at",
)
MULTI_COLUMNS = {FAILED_CHECK: "failed_checks", SIGNAL: "signals"}  # multi-valued check facet -> its column
CHECK_COLUMNS = ("has_failed_checks", *MULTI_COLUMNS.values())  # the multi-valued: space-separated names
NUMBER_COLUMNS = tuple(f.column for f in NUMBER_FIELDS)
HISTORY_COLUMNS = {"version": "INTEGER", "changed_at": "TEXT", "withdrawn": "TEXT"}  # copied from the record
DERIVED_COLUMNS = {
    "agency_id": "TEXT",
    **{c: "INTEGER" if c == "has_failed_checks" else "TEXT" for c in CHECK_COLUMNS},
    **dict.fromkeys(NUMBER_COLUMNS, "REAL"),
    **HISTORY_COLUMNS,
}  # column -> SQL type, added to old files
REPORT_COLUMNS = BASE_COLUMNS + tuple(DERIVED_COLUMNS)
SQL_OPS = {">=": ">=", "<=": "<=", ">": ">", "<": "<", "=": "=", "!=": "<>"}
NUMPY_OPS = {
    ">=": np.greater_equal,
    "<=": np.less_equal,
    ">": np.greater,
    "<": np.less,
    "=": np.equal,
    "!=": np.not_equal,
}
BUCKET_EDGES = np.array([b[1] for b in BUCKETS[1:]], dtype=np.float64)  # 1, 10, 100, 1000
EXPORT_BATCH = 500  # records fetched per statement while exporting
HEAD_CHARS = SCAN_CHARS  # text kept in a long record's head: all a snippet looks at (highlight.py)
NULL_CODE = -1
NULL_SORT_KEY = 1 << 30  # sorts after every day ordinal and year

REPORT_HEADS_TABLE = """CREATE TABLE IF NOT EXISTS report_heads (
    docid INTEGER PRIMARY KEY,
    record TEXT NOT NULL           -- the record with `text` cut to HEAD_CHARS, only for longer texts: what hits read
);"""
FAILURES_TABLE = """CREATE TABLE IF NOT EXISTS failures (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL, kind TEXT NOT NULL, reason TEXT NOT NULL, portal TEXT, status INTEGER,
    first_seen TEXT NOT NULL, last_seen TEXT NOT NULL, count INTEGER NOT NULL, run_id TEXT,
    UNIQUE (url, kind)
);"""
AGENCY_ANY_SIGNALS_TABLE = """CREATE TABLE IF NOT EXISTS agency_any_signals (
    signal TEXT NOT NULL, agency_id TEXT NOT NULL,  -- agency_signals without the year: the any-year filter and facet
    PRIMARY KEY (signal, agency_id)
) WITHOUT ROWID"""
SQL_FILL_ANY_SIGNALS = "INSERT INTO agency_any_signals SELECT DISTINCT signal, agency_id FROM agency_signals"
# planner statistics of the registry tables: without them SQLite looks agencies up by their primary key and reads
# the wide rows instead of the covering index (a filtered agency list at 54,000 agencies: 1.1 s instead of > 2 s)
AGENCY_STATISTICS = ("agencies", "agency_any_signals", "agency_signals")
SQL_COVER_STATISTICS = "SELECT 1 FROM sqlite_stat1 WHERE idx = 'agencies_cover'"
SQL_TABLE_NAMES = "SELECT name FROM sqlite_master WHERE type = 'table'"
SQL_TABLE_COLUMNS = "SELECT name FROM pragma_table_info(?)"
AGENCY_TABLES = (
    """CREATE TABLE IF NOT EXISTS agencies (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL, province TEXT, city TEXT, county TEXT, level TEXT, agency_type TEXT, kind TEXT NOT NULL,
    words TEXT NOT NULL,           -- its name variants and region names, lower case, one per line: what `q` searches
    record TEXT NOT NULL,          -- the Agency, JSON
    timeline BLOB NOT NULL         -- zlib(JSON [TimelineYear]), oldest year first
);
CREATE INDEX IF NOT EXISTS agencies_name ON agencies(name, id);
CREATE INDEX IF NOT EXISTS agencies_province ON agencies(province);
CREATE INDEX IF NOT EXISTS agencies_city ON agencies(city);
CREATE INDEX IF NOT EXISTS agencies_county ON agencies(county);
CREATE INDEX IF NOT EXISTS agencies_level ON agencies(level);
CREATE INDEX IF NOT EXISTS agencies_agency_type ON agencies(agency_type);
CREATE INDEX IF NOT EXISTS agencies_kind ON agencies(kind);
-- every column a filter or facet reads, so that those scans never read the wide rows (record, timeline)
CREATE INDEX IF NOT EXISTS agencies_cover ON agencies(id, name, province, city, county, level, agency_type, kind, words);
CREATE TABLE IF NOT EXISTS agency_signals (
    signal TEXT NOT NULL, report_year INTEGER NOT NULL, agency_id TEXT NOT NULL,
    PRIMARY KEY (signal, report_year, agency_id)
) WITHOUT ROWID;
"""
    + AGENCY_ANY_SIGNALS_TABLE
    + ";"
)
HISTORY_TABLES = """CREATE TABLE IF NOT EXISTS report_urls (
    url TEXT NOT NULL, docid INTEGER NOT NULL,
    host TEXT NOT NULL,            -- the URL's host name, lower case, no port (revisions.url_host)
    PRIMARY KEY (url, docid)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS report_urls_docid ON report_urls(docid);
CREATE INDEX IF NOT EXISTS report_urls_host ON report_urls(host);
CREATE TABLE IF NOT EXISTS report_versions (
    id INTEGER PRIMARY KEY,
    report_id TEXT NOT NULL, version INTEGER NOT NULL,
    data BLOB NOT NULL,            -- zlib(JSON Version) of a superseded version, its record whole
    UNIQUE (report_id, version)
);
CREATE TABLE IF NOT EXISTS captures (
    warc_file TEXT NOT NULL, "offset" INTEGER NOT NULL, length INTEGER NOT NULL,
    url TEXT NOT NULL, requested_url TEXT NOT NULL, captured_at TEXT NOT NULL, status INTEGER NOT NULL,
    report_id TEXT,
    meta TEXT NOT NULL,            -- JSON {name: value}
    PRIMARY KEY (warc_file, "offset")
);
CREATE INDEX IF NOT EXISTS captures_url ON captures(url, captured_at);
CREATE INDEX IF NOT EXISTS captures_requested_url ON captures(requested_url, captured_at);
CREATE INDEX IF NOT EXISTS captures_report ON captures(report_id, captured_at);"""
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
{REPORT_HEADS_TABLE}
CREATE VIRTUAL TABLE IF NOT EXISTS reports_fts USING fts5(
    title, agency, body, tags, content = '', tokenize = 'unicode61 remove_diacritics 0'
);
{FAILURES_TABLE}
CREATE INDEX IF NOT EXISTS failures_last_seen ON failures(last_seen);
CREATE INDEX IF NOT EXISTS failures_portal ON failures(portal, last_seen);
CREATE INDEX IF NOT EXISTS failures_run ON failures(run_id, last_seen);
CREATE TABLE IF NOT EXISTS runs (
    id TEXT PRIMARY KEY, started_at TEXT NOT NULL, finished_at TEXT, status TEXT NOT NULL, seeds TEXT NOT NULL,
    portals TEXT NOT NULL          -- JSON [PortalRun]
);
CREATE INDEX IF NOT EXISTS runs_started_at ON runs(started_at);
{AGENCY_TABLES}
{HISTORY_TABLES}
INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', '{SCHEMA_VERSION}'), ('generation', '0');
"""

SQL_FIND_DOCID = "SELECT docid FROM reports WHERE id = :id"
SQL_STORED_BY_ID = "SELECT rr.record FROM reports r JOIN report_records rr ON rr.docid = r.docid WHERE r.id = :id"
SQL_STORED_BY_HASH = (
    "SELECT rr.record FROM reports r JOIN report_records rr ON rr.docid = r.docid "
    "WHERE r.content_hash = :hash AND r.id != :id ORDER BY r.docid LIMIT 1"
)
SQL_INSERT_REPORT = (
    f"INSERT INTO reports ({', '.join(REPORT_COLUMNS)}) VALUES ({', '.join(':' + c for c in REPORT_COLUMNS)})"
)
SQL_UPDATE_REPORT = f"UPDATE reports SET {', '.join(f'{c} = :{c}' for c in REPORT_COLUMNS[1:])} WHERE docid = :docid"
SQL_UPSERT_RECORD = (
    "INSERT INTO report_records(docid, record, fts_tokens) VALUES (:docid, :record, :tokens) "
    "ON CONFLICT(docid) DO UPDATE SET record = excluded.record, fts_tokens = excluded.fts_tokens"
)
SQL_OLD_TOKENS = "SELECT fts_tokens FROM report_records WHERE docid = :docid"
SQL_DELETE_FTS = (
    "INSERT INTO reports_fts(reports_fts, rowid, title, agency, body, tags) "
    "VALUES ('delete', :docid, :title, :agency, :body, :tags)"
)
SQL_INSERT_FTS = (
    "INSERT INTO reports_fts(rowid, title, agency, body, tags) VALUES (:docid, :title, :agency, :body, :tags)"
)
SQL_BUMP_GENERATION = "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'"
SQL_GENERATION = "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'generation'"
SQL_GET = "SELECT rr.record FROM reports r JOIN report_records rr ON rr.docid = r.docid WHERE r.id = :id"
SQL_COUNT = "SELECT count(*) FROM reports"
SQL_FACET_ROWS = (
    f"SELECT docid, id, published, {', '.join(KEYWORD_FIELDS)}, "
    f"{', '.join(CHECK_COLUMNS)}, {', '.join(NUMBER_COLUMNS)}, {', '.join(HISTORY_COLUMNS)} FROM reports"
)
SQL_MATCH_DOCIDS = "SELECT group_concat(rowid, ' ') FROM reports_fts WHERE reports_fts MATCH :match"
SQL_RANKED = (
    f"SELECT rowid, bm25(reports_fts, {', '.join(map(str, BM25_WEIGHTS))}) AS score "
    "FROM reports_fts WHERE reports_fts MATCH :match"
)
SQL_HIT_RECORD = (  # the head when there is one: a long record's row is never read whole for a hit
    "SELECT coalesce(h.record, r.record) FROM report_records r LEFT JOIN report_heads h ON h.docid = r.docid "
    "WHERE r.docid = :docid"
)
SQL_DELETE_HEAD = "DELETE FROM report_heads WHERE docid = :docid"
SQL_INSERT_HEAD = "INSERT INTO report_heads(docid, record) VALUES (:docid, :record)"
SQL_LONG_RECORDS = "SELECT docid FROM report_records WHERE length(record) > :chars"
SQL_GET_BY_DOCID = "SELECT record FROM report_records WHERE docid = :docid"
SQL_ALL_RECORDS = "SELECT record FROM report_records ORDER BY docid"
SQL_RECORDS_NO_TEXT = "SELECT docid, json_remove(record, '$.text') FROM report_records WHERE docid IN ({marks})"
SQL_COLUMNS = "SELECT name FROM pragma_table_info('reports')"
STORED_PARTS = ("stats", "checks", "signals", *HISTORY_COLUMNS)  # what the derived columns read
SQL_STORED_PARTS = (
    "SELECT docid, "
    + ", ".join(f"json_quote(json_extract(record, '$.{part}'))" for part in STORED_PARTS)
    + " FROM report_records"
)
SQL_SET_SCHEMA_VERSION = "UPDATE meta SET value = :v WHERE key = 'schema_version'"
SQL_STORED_URLS = "SELECT docid, json_extract(record, '$.url'), json_extract(record, '$.urls') FROM report_records"
SQL_INSERT_URL = "INSERT OR IGNORE INTO report_urls(url, docid, host) VALUES (:url, :docid, :host)"
SQL_DELETE_URLS = "DELETE FROM report_urls WHERE docid = :docid"
SQL_FORGET = (
    "DELETE FROM reports WHERE docid = :docid",
    "DELETE FROM report_records WHERE docid = :docid",
    "DELETE FROM report_heads WHERE docid = :docid",
    SQL_DELETE_URLS,
)
SQL_SET_RECORD = "UPDATE report_records SET record = :record WHERE docid = :docid"
SQL_URL_REPORTS = (
    "SELECT u.docid, rr.record FROM report_urls u JOIN report_records rr ON rr.docid = u.docid "
    "WHERE u.url = :url ORDER BY u.docid"
)
SQL_HOST_URLS = (  # a host, or a subdomain of it (the host index serves the first; the LIKE scans)
    "SELECT url FROM report_urls WHERE host IN ({marks}) OR {subdomains} ORDER BY docid, url"
)
SQL_INSERT_VERSION = (
    "INSERT OR REPLACE INTO report_versions(report_id, version, data) VALUES (:report_id, :version, :data)"
)
SQL_VERSIONS = "SELECT data FROM report_versions WHERE report_id = :id ORDER BY version"
SQL_DELETE_VERSIONS = "DELETE FROM report_versions WHERE report_id = :id"
CAPTURE_FIELDS = ("warc_file", "offset", "length", "url", "captured_at", "status")  # model.Capture's keys
CAPTURE_COLUMNS = (
    "warc_file",
    "offset",
    "length",
    "url",
    "requested_url",
    "captured_at",
    "status",
    "report_id",
    "meta",
)
_CAPTURE_NAMES = ", ".join(f'"{c}"' for c in CAPTURE_COLUMNS)
_CAPTURE_VALUES = ", ".join(f":{c}" for c in CAPTURE_COLUMNS)
SQL_SAVE_CAPTURE = (  # a capture saved again: its report id kept when none is given, the rest replaced
    f"INSERT INTO captures({_CAPTURE_NAMES}) VALUES ({_CAPTURE_VALUES}) "
    'ON CONFLICT(warc_file, "offset") DO UPDATE SET length = excluded.length, url = excluded.url, '
    "requested_url = excluded.requested_url, captured_at = excluded.captured_at, status = excluded.status, "
    "report_id = coalesce(excluded.report_id, report_id), meta = excluded.meta"
)
SQL_CLAIM_CAPTURE = (  # a write or mark_gone naming the report a capture belongs to (what the crawler saved is kept)
    f"INSERT INTO captures({_CAPTURE_NAMES}) VALUES ({_CAPTURE_VALUES}) "
    'ON CONFLICT(warc_file, "offset") DO UPDATE SET report_id = excluded.report_id'
)
SQL_CAPTURES = (
    f'SELECT {_CAPTURE_NAMES} FROM captures WHERE {{where}} ORDER BY captured_at DESC, warc_file DESC, "offset" DESC'
)
SQL_CAPTURE_FILTERS = {"url": "(url = :url OR requested_url = :url)", "report_id": "report_id = :report_id"}
FAILURE_COLUMNS = ("url", "kind", "reason", "portal", "status", "first_seen", "last_seen", "count", "run_id")
SQL_UPSERT_FAILURE = (
    "INSERT INTO failures(url, kind, reason, portal, status, first_seen, last_seen, count, run_id) "
    "VALUES (:url, :kind, :reason, :portal, :status, :at, :at, 1, :run_id) "
    "ON CONFLICT(url, kind) DO UPDATE SET reason = excluded.reason, portal = excluded.portal, "
    "status = excluded.status, last_seen = excluded.last_seen, count = count + 1, run_id = excluded.run_id"
)
SQL_ALL_FAILURES = f"SELECT {', '.join(FAILURE_COLUMNS)} FROM failures ORDER BY id"
SQL_FAILURES_PAGE = (
    f"SELECT {', '.join(FAILURE_COLUMNS)} FROM failures WHERE {{where}} "
    "ORDER BY last_seen DESC, url, kind LIMIT :limit OFFSET :offset"
)
SQL_COUNT_FAILURES = "SELECT count(*) FROM failures WHERE {where}"
SQL_FAILURE_FILTERS = {"portal": "portal = :portal", "kind": "kind = :kind", "run_id": "run_id = :run_id"}
SQL_FAILURE_COLUMNS = "SELECT name FROM pragma_table_info('failures')"
SQL_MIGRATE_FAILURES = (  # a table of the old layout (one row per sighting), renamed failures_old
    "INSERT INTO failures(url, kind, reason, portal, status, first_seen, last_seen, count, run_id) "
    "SELECT o.url, o.kind, coalesce(o.reason, ''), o.portal, o.status, g.first_seen, o.at, g.n, NULL "
    "FROM (SELECT max(id) AS last_id, min(at) AS first_seen, count(*) AS n FROM failures_old GROUP BY url, kind) g "
    "JOIN failures_old o ON o.id = g.last_id ORDER BY g.last_id"
)
RUN_COLUMNS = ("id", "started_at", "finished_at", "status", "seeds", "portals")
SQL_SAVE_RUN = (
    f"INSERT OR REPLACE INTO runs({', '.join(RUN_COLUMNS)}) VALUES ({', '.join(':' + c for c in RUN_COLUMNS)})"
)
SQL_RUNS = f"SELECT {', '.join(RUN_COLUMNS)} FROM runs ORDER BY started_at DESC, id DESC LIMIT :limit"
SQL_ALL_RUNS = f"SELECT {', '.join(RUN_COLUMNS)} FROM runs ORDER BY started_at, id"
SQL_OPTIMIZE = "INSERT INTO reports_fts(reports_fts) VALUES ('optimize')"


def tag_token(field: str, value: object) -> str:
    """The FTS token standing for `field = value` (hashed, so any value is one ASCII token)."""
    digest = hashlib.blake2b(str(value).encode("utf-8"), digest_size=8).hexdigest()
    return f"{TAG_PREFIX}{FIELD_CODES[field]}{digest}"


def replace_tag(tags: str, field: str, value: object) -> str:
    """An FTS `tags` value with the token of `field` replaced by the one of `value` (none when it is null)."""
    prefix = TAG_PREFIX + FIELD_CODES[field]
    kept = [token for token in tags.split() if not token.startswith(prefix)]
    text = facet_value(value)
    return " ".join(kept if text is None else [*kept, tag_token(field, text)])


def pack_tokens(fts: dict[str, str]) -> bytes:
    """Compress the indexed FTS values (the contentless FTS table needs them again to delete the row)."""
    return zlib.compress(json.dumps([fts[c] for c in FTS_COLUMNS], ensure_ascii=False).encode("utf-8"))


def unpack_tokens(blob: bytes) -> dict[str, str]:
    """Inverse of pack_tokens."""
    return dict(zip(FTS_COLUMNS, json.loads(zlib.decompress(blob).decode("utf-8"))))


def quote_fts(term: str) -> str:
    """Quote one term as an FTS5 string (inner quotes doubled)."""
    return '"' + term.replace('"', '""') + '"'


def stored_record(conn: sqlite3.Connection, sql: str, params: dict[str, object]) -> Record | None:
    """The stored record a lookup finds, or None."""
    row = conn.execute(sql, params).fetchone()
    return parse_record(row[0]) if row else None


def parse_record(text: str) -> Record:
    """A stored record from its JSON (written only by the backend, from a checked record)."""
    record: Record = json.loads(text)
    return record


def head_record(record: Record) -> str | None:
    """The JSON of `record` with its text cut to HEAD_CHARS, or None when the text is not longer."""
    text = record.get("text") or ""
    if len(text) <= HEAD_CHARS:
        return None
    return json.dumps({**record, "text": text[:HEAD_CHARS]}, ensure_ascii=False)


def add_agency_any_signals(conn: sqlite3.Connection) -> None:
    """Create agency_any_signals in a file whose registry was saved before it existed, filled from agency_signals."""
    tables = table_names(conn)
    if "agency_signals" not in tables or "agency_any_signals" in tables:
        return
    with Transaction(conn):
        conn.execute(AGENCY_ANY_SIGNALS_TABLE)
        conn.execute(SQL_FILL_ANY_SIGNALS)


def analyze_agencies(conn: sqlite3.Connection) -> None:
    """Refresh the planner statistics of the registry tables (after every save)."""
    for table in AGENCY_STATISTICS:
        conn.execute(f"ANALYZE {table}")


def has_agency_statistics(conn: sqlite3.Connection) -> bool:
    """Whether the covering index of the agencies has planner statistics (not in a file saved before it existed)."""
    return "sqlite_stat1" in table_names(conn) and conn.execute(SQL_COVER_STATISTICS).fetchone() is not None


def table_names(conn: sqlite3.Connection) -> set[str]:
    """The names of the tables in the database of `conn`."""
    return {row[0] for row in conn.execute(SQL_TABLE_NAMES)}


def add_report_heads(conn: sqlite3.Connection) -> None:
    """Create report_heads in a file indexed before it existed and fill it from the long records (one transaction)."""
    tables = table_names(conn)
    if "report_records" not in tables or "report_heads" in tables:
        return
    with Transaction(conn):
        conn.execute(REPORT_HEADS_TABLE)
        for (docid,) in conn.execute(SQL_LONG_RECORDS, {"chars": HEAD_CHARS}).fetchall():
            head = head_record(parse_record(conn.execute(SQL_GET_BY_DOCID, {"docid": docid}).fetchone()[0]))
            if head is not None:
                conn.execute(SQL_INSERT_HEAD, {"docid": docid, "record": head})


def derived_columns(record: Mapping[str, Any]) -> dict[str, Any]:
    """The agency, number, check and history columns of one record (tables/numbers.py registry; None where missing)."""
    numbers = compute_numbers(record.get("stats"))
    row: dict[str, Any] = {NUMBERS[name].column: value for name, value in numbers.items()}
    failed = failed_checks(record.get("checks"))
    row["has_failed_checks"] = None if failed is None else int(bool(failed))
    row["failed_checks"] = None if failed is None else " ".join(failed)
    row["signals"] = " ".join(signal_names(record.get("signals")))
    row["agency_id"] = record.get("agency_id")
    row.update({c: record.get(c) for c in HISTORY_COLUMNS})
    return row


def report_row(record: Mapping[str, Any]) -> dict[str, Any]:
    """The `reports` row of a record: its base fields and derived columns."""
    return {**{c: record.get(c) for c in BASE_COLUMNS}, **derived_columns(record)}


def replace_head(conn: sqlite3.Connection, docid: int, record: Record) -> None:
    """Replace the head of a report (kept only for a long text)."""
    conn.execute(SQL_DELETE_HEAD, {"docid": docid})
    head = head_record(record)
    if head is not None:
        conn.execute(SQL_INSERT_HEAD, {"docid": docid, "record": head})


def rewrite_record(conn: sqlite3.Connection, docid: int, record: Record) -> None:
    """Store a changed record whose text and keyword fields are unchanged: its JSON, head and derived columns
    (the FTS row stays)."""
    conn.execute(SQL_SET_RECORD, {"docid": docid, "record": json.dumps(record, ensure_ascii=False)})
    replace_head(conn, docid, record)
    columns = derived_columns(record)
    assignments = ", ".join(f"{c} = :{c}" for c in columns)
    conn.execute(f"UPDATE reports SET {assignments} WHERE docid = :docid", {**columns, "docid": docid})


def pack_version(version: Version) -> bytes:
    """A superseded version as report_versions keeps it (zlib-compressed JSON)."""
    return zlib.compress(json.dumps(version, ensure_ascii=False).encode("utf-8"))


def unpack_version(data: bytes) -> Version:
    """Inverse of pack_version."""
    version: Version = json.loads(zlib.decompress(data).decode("utf-8"))
    return version


def version_row(report_id: str, version: Version) -> dict[str, object]:
    """The report_versions row of one superseded version of a report."""
    return {"report_id": report_id, "version": version["version"], "data": pack_version(version)}


def capture_row(capture: Capture, report_id: str | None, requested_url: str, meta: dict[str, str]) -> dict[str, object]:
    """The captures row of an archived response."""
    return {
        **{c: capture[c] for c in CAPTURE_FIELDS},  # type: ignore[literal-required]  # CAPTURE_FIELDS are Capture's keys
        "report_id": report_id,
        "requested_url": requested_url,
        "meta": json.dumps(meta, ensure_ascii=False, sort_keys=True),
    }


def read_capture_row(row: tuple[Any, ...]) -> CaptureRow:
    """A CaptureRow from a captures row (CAPTURE_COLUMNS order), its meta parsed."""
    fields = dict(zip(CAPTURE_COLUMNS, row))
    capture: CaptureRow = {**fields, "meta": json.loads(fields["meta"])}  # type: ignore[typeddict-item]
    return capture


def record_tags(record: Mapping[str, Any]) -> str:
    """The FTS `tags` value of a record: one token per keyword field that has a value."""
    return " ".join(tag_token(f, v) for f in KEYWORD_FIELDS if (v := facet_value(record.get(f))) is not None)


def add_derived_columns(conn: sqlite3.Connection) -> None:
    """Add the derived columns an older file lacks and fill them from the stored records (one transaction).

    Only the missing columns are written; `agency_id` stays null: the next registry build (save_agencies)
    writes it with its search tag.
    """
    present = {row[0] for row in conn.execute(SQL_COLUMNS)}
    missing = [c for c in DERIVED_COLUMNS if c not in present]
    if not missing:
        return
    with Transaction(conn):
        for column in missing:
            conn.execute(f"ALTER TABLE reports ADD COLUMN {column} {DERIVED_COLUMNS[column]}")
        assignments = ", ".join(f"{c} = :{c}" for c in missing if c != "agency_id")
        for docid, *parts in conn.execute(SQL_STORED_PARTS).fetchall():
            row = derived_columns(dict(zip(STORED_PARTS, map(_json, parts))))
            if assignments:
                conn.execute(f"UPDATE reports SET {assignments} WHERE docid = :docid", {**row, "docid": docid})
        conn.execute(SQL_SET_SCHEMA_VERSION, {"v": str(SCHEMA_VERSION)})
        conn.execute(SQL_BUMP_GENERATION)


def _json(text: str | None) -> Any:
    """A JSON value SQLite's json_extract returned as text (None stays None)."""
    return json.loads(text) if text else None


def missing_derived_columns(path: Path) -> list[str]:
    """The derived columns a file written before they existed lacks (none for a new, empty file)."""
    present = table_columns(path).get("reports", set())
    return [c for c in DERIVED_COLUMNS if c not in present] if present else []


def table_columns(path: Path) -> dict[str, set[str]]:
    """The tables of the SQLite file at `path` and their columns, read without writing (sqlite3.Error if not SQLite)."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return {t: {row[0] for row in conn.execute(SQL_TABLE_COLUMNS, (t,))} for t in table_names(conn)}
    finally:
        conn.close()


def upgrades_needed(tables: dict[str, set[str]]) -> list[str]:
    """What the first open for writing upgrades in a file of these tables (table_columns); [] when current."""
    needed = []
    missing = [c for c in DERIVED_COLUMNS if c not in tables.get("reports", set())]
    if "reports" in tables and missing:
        needed.append(f"add {len(missing)} agency/number/check columns")
    if has_old_failures(tables.get("failures", set())):
        needed.append("regroup failures into one row per url and kind")
    if "report_records" in tables and "report_heads" not in tables:
        needed.append("add bounded heads of long texts for search hits")
    if "reports" in tables and "agencies" not in tables:
        needed.append("add the agency registry tables")
    if "agency_signals" in tables and "agency_any_signals" not in tables:
        needed.append("add the agencies' any-year signal table")
    if "reports" in tables and "report_urls" not in tables:
        needed.append("add the version history, captures and report URL tables")
    return needed


def url_rows(docid: int, record: Record) -> list[dict[str, object]]:
    """The report_urls rows of a stored record: each of its URLs (revisions.union_urls) with its host."""
    return [{"url": url, "docid": docid, "host": url_host(url)} for url in union_urls(record)]


def add_history_tables(conn: sqlite3.Connection) -> None:
    """Create the version history, captures and report URL tables in a file indexed before them (schema 4) and
    list every stored report's URLs in report_urls, in one transaction."""
    tables = table_names(conn)
    if "report_records" not in tables or "report_urls" in tables:
        return
    with Transaction(conn):
        for statement in HISTORY_TABLES.split(";"):
            conn.execute(statement)
        for docid, url, urls in conn.execute(SQL_STORED_URLS).fetchall():
            rows = url_rows(docid, {"url": url, "urls": json.loads(urls or "[]")})  # type: ignore[typeddict-item]
            conn.executemany(SQL_INSERT_URL, rows)
        conn.execute(SQL_SET_SCHEMA_VERSION, {"v": str(SCHEMA_VERSION)})


def has_old_failures(columns: set[str]) -> bool:
    """Whether a `failures` table has the layout before version 3 (one row per sighting, an `at` column)."""
    return "at" in columns


def migrate_failures(conn: sqlite3.Connection) -> None:
    """Regroup an old failures table (one row per sighting) into one row per (url, kind), in one transaction.

    Each row keeps the last sighting's reason, portal and status, the first and last `at` and how many
    sightings there were; run_id is null (runs did not exist). Runs before SCHEMA, whose indexes need the new layout.
    """
    if not has_old_failures({row[0] for row in conn.execute(SQL_FAILURE_COLUMNS)}):
        return
    with Transaction(conn):
        conn.execute("ALTER TABLE failures RENAME TO failures_old")
        conn.execute(FAILURES_TABLE)
        conn.execute(SQL_MIGRATE_FAILURES)
        conn.execute("DROP TABLE failures_old")


class Transaction:
    """BEGIN IMMEDIATE … COMMIT, ROLLBACK on error (connection in autocommit mode)."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.conn.execute("ROLLBACK" if exc_type else "COMMIT")


class Snapshot(Transaction):
    """A read transaction: every statement inside sees the same database state."""

    def __enter__(self) -> sqlite3.Connection:
        self.conn.execute("BEGIN")
        return self.conn

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.conn.in_transaction:
            self.conn.execute("COMMIT")
