"""An index file from an older version is upgraded on its first open for writing: failures regrouped, heads added
(before issue 8), agency columns and registry tables added (before issue 9).

Before, the failures table kept one row per sighting, and a search hit read its record whole (a
report with millions of characters cost seconds per hit). Readers refuse such a file and say how to
upgrade it; the first open for writing upgrades it in place.
"""

from __future__ import annotations

import sqlite3

import pytest

from indexer.agencies.build import rebuild_agencies
from indexer.errors import StorageUnavailable
from indexer.storage import SearchQuery, StorageOptions, open_backend
from indexer.storage.base import AgencyQuery
from indexer.storage.sqlite.schema import HEAD_CHARS
from registry_records import TODAY, lvyuan_records

OLD_FAILURES = """
DROP TABLE failures;
CREATE TABLE failures (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL, reason TEXT, portal TEXT, kind TEXT NOT NULL, status INTEGER, at TEXT NOT NULL
);
CREATE INDEX failures_url ON failures(url);
DROP TABLE runs;
UPDATE meta SET value = '2' WHERE key = 'schema_version';
"""
SIGHTINGS = [  # url, reason, portal, kind, status, at: three crawls of the same portal, as the old table kept them
    ("http://127.0.0.1/a.html", "HTTP 503", "pingtan", "fetch_failed", 503, "2026-01-01T05:00:00+00:00"),
    ("http://127.0.0.1/b.html", "title is a notice", "pingtan", "not_a_report", 200, "2026-01-01T05:00:01+00:00"),
    ("http://127.0.0.1/a.html", "timeout", "pingtan", "fetch_failed", None, "2026-01-02T05:00:00+00:00"),
    ("http://127.0.0.1/b.html", "title is a notice", "pingtan", "not_a_report", 200, "2026-01-02T05:00:01+00:00"),
    ("http://127.0.0.1/a.html", "HTTP 404", "pingtan", "fetch_failed", 404, "2026-01-03T05:00:00+00:00"),
    ("http://127.0.0.1/a.html", "not a report", "pingtan", "not_a_report", 200, "2026-01-03T05:00:02+00:00"),
]


@pytest.fixture
def old_file(tmp_path):
    """An index with one report and the failures table of schema version 2, holding duplicate sightings."""
    path = tmp_path / "reports.sqlite"
    backend = open_backend(path)
    backend.write([{"id": "r1", "title": "福建省2021年政府信息公开工作年度报告", "text": "行政复议"}])
    backend.close()
    with sqlite3.connect(path) as conn:
        conn.executescript(OLD_FAILURES)
        conn.executemany(
            "INSERT INTO failures(url, reason, portal, kind, status, at) VALUES (?, ?, ?, ?, ?, ?)", SIGHTINGS
        )
    conn.close()
    return path


def columns(path, table: str) -> list[str]:
    """The columns of a table of the file."""
    with sqlite3.connect(path) as conn:
        names = [row[0] for row in conn.execute("SELECT name FROM pragma_table_info(?)", (table,))]
    conn.close()
    return names


def test_a_reader_refuses_the_old_layout_and_says_how_to_upgrade(old_file):
    with pytest.raises(StorageUnavailable, match="regroup failures into one row per url and kind.*open it once"):
        open_backend(old_file, StorageOptions(read_only=True))
    assert "at" in columns(old_file, "failures")  # a reader changes nothing


def test_the_first_open_for_writing_regroups_by_url_and_kind(old_file):
    backend = open_backend(old_file)
    try:
        page = backend.failures()
        assert page.total == 3
        by_key = {(f["url"], f["kind"]): f for f in page.failures}
        assert by_key["http://127.0.0.1/a.html", "fetch_failed"] == {
            "url": "http://127.0.0.1/a.html",
            "kind": "fetch_failed",
            "reason": "HTTP 404",  # the last sighting's
            "portal": "pingtan",
            "status": 404,
            "first_seen": "2026-01-01T05:00:00+00:00",
            "last_seen": "2026-01-03T05:00:00+00:00",
            "count": 3,
            "run_id": None,
        }
        assert by_key["http://127.0.0.1/b.html", "not_a_report"]["count"] == 2
        assert by_key["http://127.0.0.1/a.html", "not_a_report"]["count"] == 1
        backend.record_failure({"url": "http://127.0.0.1/a.html", "kind": "fetch_failed", "reason": "HTTP 410"})
        (again,) = backend.failures(kind="fetch_failed").failures
        assert (again["count"], again["reason"], again["first_seen"]) == (4, "HTTP 410", "2026-01-01T05:00:00+00:00")
        assert backend.count() == 1 and backend.runs() == []
    finally:
        backend.close()
    assert "at" not in columns(old_file, "failures") and columns(old_file, "runs")
    reader = open_backend(old_file, StorageOptions(read_only=True))  # upgraded: readers accept it
    try:
        assert reader.failures().total == 3
    finally:
        reader.close()


def heads(path) -> dict[str, int]:
    """Record id -> length of the text kept in its head."""
    with sqlite3.connect(path) as conn:
        rows = conn.execute(
            "SELECT r.id, length(json_extract(h.record, '$.text')) FROM report_heads h JOIN reports r USING (docid)"
        ).fetchall()
    conn.close()
    return dict(rows)


def test_long_texts_get_a_head_that_hits_read(tmp_path):
    path = tmp_path / "reports.sqlite"
    long_text = "政府信息公开工作。" * (HEAD_CHARS // 5)
    backend = open_backend(path)
    try:
        backend.write(
            [
                {"id": "short", "title": "福建省报告", "text": "政府信息公开工作。"},
                {"id": "long", "title": "广东省报告", "text": long_text + "行政复议"},
            ]
        )
        assert heads(path) == {"long": HEAD_CHARS}
        (hit,) = backend.search(SearchQuery(q="行政复议")).hits  # indexed whole, snippet from the head
        assert hit.id == "long" and "<mark>" not in hit.snippet
        assert backend.get("long")["text"] == long_text + "行政复议"  # the record itself is whole
        backend.write([{"id": "long", "title": "广东省报告", "text": "改短了。"}])
        assert heads(path) == {}
    finally:
        backend.close()


def test_an_index_without_heads_gets_them_on_the_first_open_for_writing(tmp_path):
    path = tmp_path / "reports.sqlite"
    backend = open_backend(path)
    backend.write([{"id": "long", "title": "广东省报告", "text": "政府信息公开工作。" * (HEAD_CHARS // 5)}])
    backend.close()
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TABLE report_heads")
    conn.close()
    with pytest.raises(StorageUnavailable, match="bounded heads of long texts.*open it once for writing"):
        open_backend(path, StorageOptions(read_only=True))
    open_backend(path).close()
    assert heads(path) == {"long": HEAD_CHARS}
    reader = open_backend(path, StorageOptions(read_only=True))
    try:
        assert reader.search(SearchQuery(q="政府信息公开")).total == 1
    finally:
        reader.close()


BEFORE_AGENCIES = """
DROP TABLE agencies;
DROP TABLE agency_signals;
ALTER TABLE reports DROP COLUMN agency_id;
ALTER TABLE reports DROP COLUMN signals;
ALTER TABLE reports DROP COLUMN n_litigation_corrected;
UPDATE meta SET value = '3' WHERE key = 'schema_version';
"""


@pytest.fixture
def before_agencies(tmp_path):
    """An index of schema version 3 (before agencies): no agency tables, no agency/signal columns, records without
    agency_id and signals, one of them longer than its head."""
    path = tmp_path / "reports.sqlite"
    records = lvyuan_records()
    long = {
        **records[0],
        "id": "long",
        "content_hash": "long",
        "text": records[0]["text"] + "。政府信息公开" * HEAD_CHARS,
    }
    backend = open_backend(path)
    backend.write([{k: v for k, v in r.items() if k not in ("agency_id", "signals")} for r in [*records, long]])
    backend.close()
    with sqlite3.connect(path) as conn:
        conn.executescript(BEFORE_AGENCIES)
    conn.close()
    return path


def test_a_reader_refuses_an_index_from_before_agencies(before_agencies):
    with pytest.raises(
        StorageUnavailable, match="agency/number/check columns; add the agency registry tables.*upgrade"
    ):
        open_backend(before_agencies, StorageOptions(read_only=True))
    assert "agency_id" not in columns(before_agencies, "reports")


def test_the_first_open_for_writing_adds_the_registry_and_a_rebuild_fills_it(before_agencies):
    backend = open_backend(before_agencies)
    try:
        assert {"agency_id", "signals", "n_litigation_corrected"} <= set(columns(before_agencies, "reports"))
        assert backend.agencies(AgencyQuery()).total == 0 and backend.get("long").get("signals") is None
        summary = rebuild_agencies(backend, TODAY)
        assert (summary.agencies, summary.reports) == (1, 4)
        (agency,) = backend.agencies(AgencyQuery()).agencies
        hits = backend.search(SearchQuery(q="民政", filters={"agency_id": [agency["id"]]}, limit=10)).hits
        assert len(hits) == 4  # the search tags written without segmenting the text again
        for hit in hits:  # a long record's head (what hits read) was written too
            assert hit.record["signals"] == backend.get(hit.id)["signals"] and hit.record["agency_id"] == agency["id"]
        late = backend.search(SearchQuery(filters={"signal": ["late"]})).hits
        assert [h.record["published"] for h in late] == ["2022-02-15"]
    finally:
        backend.close()
    reader = open_backend(before_agencies, StorageOptions(read_only=True))  # upgraded: readers accept it
    reader.close()


def test_an_unchanged_registry_writes_no_report(tmp_path):
    path = tmp_path / "reports.sqlite"
    backend = open_backend(path)
    try:
        backend.write(lvyuan_records())
        rebuild_agencies(backend, TODAY)
        before = generation_of(path)
        rebuild_agencies(backend, TODAY)  # nothing changed: no report rewritten, the search caches stay
        assert generation_of(path) == before
    finally:
        backend.close()


def generation_of(path) -> int:
    """The index's write generation (bumped by every write that changes reports)."""
    with sqlite3.connect(path) as conn:
        (value,) = conn.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
    conn.close()
    return int(value)


BEFORE_HISTORY = """
DROP TABLE report_urls;
DROP TABLE report_versions;
DROP TABLE captures;
ALTER TABLE reports DROP COLUMN version;
ALTER TABLE reports DROP COLUMN changed_at;
ALTER TABLE reports DROP COLUMN withdrawn;
UPDATE report_records SET record = json_remove(record, '$.first_seen', '$.last_seen', '$.changed_at',
    '$.change_summary', '$.withdrawn', '$.withdrawals', '$.gone_urls', '$.capture');
UPDATE report_heads SET record = json_remove(record, '$.first_seen', '$.last_seen', '$.changed_at',
    '$.change_summary', '$.withdrawn', '$.withdrawals', '$.gone_urls', '$.capture');
UPDATE meta SET value = '4' WHERE key = 'schema_version';
"""
MIRROR = "http://www.lvyuan.gov.cn/mirror/2020.html"


@pytest.fixture
def before_history(tmp_path):
    """An index of schema version 4 (before version history): no history tables or columns, records without
    history fields, one of them at version 2 (recrawls counted versions before their texts were kept) and one
    seen at a second URL, and the agency registry built."""
    path = tmp_path / "reports.sqlite"
    first, *later = lvyuan_records()
    backend = open_backend(path)
    backend.write([{**first, "urls": [first["url"], MIRROR], "fetched_at": "2025-03-01T05:00:00+00:00"}])
    backend.write([{**later[0], "version": 2, "fetched_at": "2025-03-01T05:00:00+00:00"}, later[1]])
    rebuild_agencies(backend, TODAY)
    backend.close()
    with sqlite3.connect(path) as conn:
        conn.executescript(BEFORE_HISTORY)
    conn.close()
    return path


def schema_version(path) -> str:
    """The schema version the file says it has."""
    with sqlite3.connect(path) as conn:
        (value,) = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    conn.close()
    return value


def test_a_reader_refuses_an_index_from_before_version_history(before_history):
    with pytest.raises(StorageUnavailable, match="version history, captures and report URL tables.*upgrade"):
        open_backend(before_history, StorageOptions(read_only=True))
    assert "version" not in columns(before_history, "reports") and schema_version(before_history) == "4"


def test_the_first_open_for_writing_adds_version_history(before_history):
    first, second, _ = lvyuan_records()
    backend = open_backend(before_history)
    try:
        assert schema_version(before_history) == "5"
        assert {"version", "changed_at", "withdrawn"} <= set(columns(before_history, "reports"))
        (agency,) = backend.agencies(AgencyQuery()).agencies  # what schema 4 had is kept: the agency filter
        assert backend.search(SearchQuery(filters={"agency_id": [agency["id"]]})).total == 3
        assert [h.id for h in backend.search(SearchQuery(filters={"revised": ["true"]})).hits] == [second["id"]]
        assert backend.search(SearchQuery(filters={"version": ["1"]})).total == 2
        (only,) = backend.versions(first["id"])  # the stored record is its one known version
        assert (only["version"], only["first_seen"], only["record"]["id"]) == (
            1,
            "2025-03-01T05:00:00+00:00",
            first["id"],
        )
        assert sorted(backend.report_urls(["www.lvyuan.gov.cn"])) == sorted(
            [first["url"], MIRROR, second["url"], lvyuan_records()[2]["url"]]
        )
        assert backend.mark_gone(MIRROR, "2026-01-01T05:00:00+00:00", "http_404") is None  # found through its URLs
        assert backend.mark_gone(first["url"], "2026-01-02T05:00:00+00:00", "http_410") == first["id"]
        backend.write([{**second, "content_hash": "edited", "fetched_at": "2026-02-01T05:00:00+00:00"}])
        old, new = backend.versions(second["id"])  # version 2 known, version 1 lost before history existed
        assert (old["version"], old["first_seen"], new["version"]) == (2, None, 3)
        assert backend.captures() == []
    finally:
        backend.close()
    reader = open_backend(before_history, StorageOptions(read_only=True))  # upgraded: readers accept it
    try:
        assert reader.search(SearchQuery(filters={"withdrawn": ["true"]})).total == 1
    finally:
        reader.close()


YEARS = range(2015, 2026)


def test_an_index_from_before_the_any_year_signal_table_gets_it_filled(tmp_path):
    path = tmp_path / "reports.sqlite"
    backend = open_backend(path)
    backend.write(lvyuan_records())
    rebuild_agencies(backend, TODAY)
    query = AgencyQuery(filters={"signal": ["copied"]}, facets=("signal", "kind"))
    before = backend.agencies(query)
    by_year = [backend.agencies(AgencyQuery(filters={"signal": ["late"]}, signal_year=y)).total for y in YEARS]
    backend.close()
    assert before.total == 1 and dict(before.facets["signal"])["missing"] == 1
    with sqlite3.connect(path) as conn:
        conn.executescript("DROP TABLE agency_any_signals; DROP INDEX agencies_cover;")
    conn.close()
    with pytest.raises(StorageUnavailable, match="any-year signal table.*upgrade"):
        open_backend(path, StorageOptions(read_only=True))
    backend = open_backend(path)  # the first open for writing fills it from the per-year signals
    try:
        after = backend.agencies(query)
        assert (after.total, after.facets) == (before.total, before.facets)
        assert [
            backend.agencies(AgencyQuery(filters={"signal": ["late"]}, signal_year=y)).total for y in YEARS
        ] == by_year
        assert sum(by_year) == 1  # one late year
        with sqlite3.connect(path) as conn:  # planner statistics, or SQLite reads the wide rows by primary key
            assert conn.execute("SELECT count(*) FROM sqlite_stat1 WHERE idx = 'agencies_cover'").fetchone() == (1,)
        conn.close()
    finally:
        backend.close()
