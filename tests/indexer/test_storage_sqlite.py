"""The SQLite backend: write, re-index, search, facets, sorting, failures, read-only use."""

from __future__ import annotations

import json
import sqlite3
import time

import pytest

from indexer.errors import InvalidRecord, QueryError, QueryTimeout, StorageUnavailable
from indexer.storage import SearchQuery, StorageOptions, open_backend
from indexer.storage.sqlite.backend import SqliteBackend
from sample_files import SAMPLES

SAMPLE_STEMS = ("saihan-minzheng-2019", "lvyuan-minzheng-2020", "lingwu-minzheng-2024")


def sample_record(stem: str) -> dict:
    """A record from a sample's text and gold fields."""
    gold = json.loads((SAMPLES / f"{stem}.gold.json").read_text(encoding="utf-8"))
    url = f"http://www.example.gov.cn/{stem}.html"
    return {
        "id": stem,
        "url": url,
        "urls": [url],
        "title": f"{gold['agency']}{gold['report_year']}年政府信息公开工作年度报告",
        "agency": gold["agency"],
        "agency_type": "民政局",
        "level": "county",
        "province": gold["province"],
        "city": gold["city"],
        "county": gold["county"],
        "report_year": gold["report_year"],
        "published": gold["published"],
        "format": gold["format"],
        "text": (SAMPLES / f"{stem}.txt").read_text(encoding="utf-8"),
        "stats": gold.get("stats"),
        "checks": [],
    }


def synthetic(rid: str, province: str, year: int, published: str | None, text: str, **extra) -> dict:
    """A short synthetic record."""
    return {
        "id": rid,
        "url": f"https://example.gov.cn/{rid}",
        "urls": [],
        "title": f"{province}{year}年政府信息公开工作年度报告",
        "agency": f"{province}人民政府",
        "agency_type": "人民政府",
        "level": "province",
        "province": province,
        "city": None,
        "county": None,
        "report_year": year,
        "published": published,
        "format": "2021",
        "text": text,
        **extra,
    }


@pytest.fixture
def records() -> list[dict]:
    return [sample_record(s) for s in SAMPLE_STEMS] + [
        synthetic("p-1", "福建省", 2021, "2022-03-01", "福建省全年主动公开政府信息。行政复议案件3件。"),
        synthetic("p-2", "福建省", 2022, "2023-03-01", "福建省依申请公开工作规范。"),
        synthetic("p-3", "广东省", 2022, "2023-03-01", "广东省政策解读。"),
        synthetic("p-4", "广东省", 2022, None, "广东省未收取信息处理费。"),
    ]


@pytest.fixture
def backend(tmp_path, records):
    be = open_backend(tmp_path / "db" / "reports.sqlite")
    assert be.write(records) == len(records)
    yield be
    be.close()


def hit_ids(result) -> list[str]:
    return [h.id for h in result.hits]


def test_write_get_roundtrip(backend, records):
    assert backend.count() == len(records)
    stored = backend.get("lvyuan-minzheng-2020")
    assert {k: v for k, v in stored.items() if k in records[1]} == records[1]
    assert {k: v for k, v in stored.items() if k not in records[1]} == {  # the history storage keeps (revisions.py)
        "version": 1,
        "first_seen": None,  # the record has no fetch time
        "last_seen": None,
        "changed_at": None,
        "change_summary": None,
        "withdrawn": None,
        "withdrawals": [],
        "gone_urls": [],
        "capture": None,
    }
    assert backend.get("missing") is None


def test_search_finds_terms_with_snippet_from_original_text(backend):
    result = backend.search(SearchQuery(q="依申请公开"))
    assert set(hit_ids(result)) == {"saihan-minzheng-2019", "lingwu-minzheng-2024", "p-2"}
    for hit in result.hits:
        assert "<mark>依申请公开</mark>" in hit.snippet
        assert "text" not in hit.record and hit.record["title"]
        assert hit.score is not None and hit.score > 0


def test_subword_query_matches_longer_word(backend):
    # 复议 is only ever written inside 行政复议
    assert set(hit_ids(backend.search(SearchQuery(q="复议", limit=50)))) == set(
        hit_ids(backend.search(SearchQuery(q="行政复议", limit=50)))
    )


def test_all_terms_required(backend):
    assert hit_ids(backend.search(SearchQuery(q="福建省 行政复议"))) == ["p-1"]


def test_facets_apply_other_filters(backend):
    result = backend.search(SearchQuery(filters={"province": ["福建省"], "report_year": ["2022"]}))
    assert hit_ids(result) == ["p-2"]
    assert dict(result.facets["province"]) == {"福建省": 1, "广东省": 2}  # year=2022 only
    assert dict(result.facets["report_year"]) == {"2021": 1, "2022": 1}  # province=福建省 only
    assert dict(result.facets["level"]) == {"province": 1}  # both filters


def test_facets_follow_the_query(backend):
    result = backend.search(SearchQuery(q="行政复议", facets=("province",)))
    assert set(result.facets) == {"province"}
    assert dict(result.facets["province"]) == {"内蒙古自治区": 1, "吉林省": 1, "宁夏回族自治区": 1, "福建省": 1}


def test_reindex_same_id_updates_in_place(backend, tmp_path):
    changed = synthetic("p-3", "广东省", 2023, "2024-01-05", "广东省举办龙舟赛信息发布。")
    backend.write([changed])
    assert backend.count() == 7
    assert backend.get("p-3")["report_year"] == 2023
    assert hit_ids(backend.search(SearchQuery(q="政策解读"))) == []
    assert hit_ids(backend.search(SearchQuery(q="龙舟赛"))) == ["p-3"]
    assert dict(backend.search(SearchQuery()).facets["report_year"])["2023"] == 1
    with sqlite3.connect(backend.path) as conn:
        assert conn.execute("select count(*) from reports where id = 'p-3'").fetchone() == (1,)
        assert conn.execute("select count(*) from reports_fts").fetchone() == (7,)
        matches = conn.execute("select rowid from reports_fts where reports_fts match '广东省'").fetchall()
        assert len(matches) == 2  # p-3 and p-4, no stale copy


def test_reindex_twice_in_one_batch_keeps_the_last(backend):
    first = synthetic("p-9", "福建省", 2020, None, "第一版。")
    second = synthetic("p-9", "福建省", 2020, None, "第二版内容。")
    assert backend.write([first, second]) == 2
    assert backend.get("p-9")["text"] == "第二版内容。"
    assert backend.search(SearchQuery(q="第一版")).total == 0


@pytest.mark.parametrize(
    "sort, expected",
    [
        (
            "published",
            ["lvyuan-minzheng-2020", "p-1", "p-2", "p-3", "lingwu-minzheng-2024", "p-4", "saihan-minzheng-2019"],
        ),
        (
            "-published",
            ["p-2", "p-3", "p-1", "lvyuan-minzheng-2020", "lingwu-minzheng-2024", "p-4", "saihan-minzheng-2019"],
        ),
        (
            "report_year",
            ["saihan-minzheng-2019", "lvyuan-minzheng-2020", "p-1", "p-2", "p-3", "p-4", "lingwu-minzheng-2024"],
        ),
        (
            "-report_year",
            ["lingwu-minzheng-2024", "p-2", "p-3", "p-4", "p-1", "lvyuan-minzheng-2020", "saihan-minzheng-2019"],
        ),
    ],
)
def test_sorting_nulls_last_ties_by_id(backend, sort, expected):
    assert hit_ids(backend.search(SearchQuery(sort=sort, limit=20))) == expected


def test_relevance_ties_broken_by_id(backend):
    backend.write([synthetic(f"t-{i}", "海南省", 2020, None, "同样的文字。") for i in (3, 1, 2)])
    assert hit_ids(backend.search(SearchQuery(q="同样", limit=10))) == ["t-1", "t-2", "t-3"]
    assert hit_ids(backend.search(SearchQuery(q="同样", offset=1, limit=1))) == ["t-2"]


def test_published_range(backend):
    result = backend.search(SearchQuery(published_from="2022-01-01", published_to="2023-03-01", sort="published"))
    assert hit_ids(result) == ["p-1", "p-2", "p-3"]
    ranked = backend.search(SearchQuery(q="人民政府", published_from="2023-01-01"))
    assert set(hit_ids(ranked)) == {"p-2", "p-3"}


def test_pagination(backend):
    pages = [hit_ids(backend.search(SearchQuery(sort="published", offset=o, limit=3))) for o in (0, 3, 6, 9)]
    assert sum(pages, []) == hit_ids(backend.search(SearchQuery(sort="published", limit=20)))
    assert pages[-1] == []


@pytest.mark.parametrize(
    "query, message",
    [
        (SearchQuery(filters={"agency": ["x"]}), "unknown facet"),
        (SearchQuery(facets=("title",)), "unknown facet"),
        (SearchQuery(sort="title"), "sort"),
        (SearchQuery(limit=-1), "limit"),
        (SearchQuery(published_from="2020-02-30"), "published_from"),
        (SearchQuery(published_from="2021-01-01", published_to="2020-01-01"), "after"),
    ],
)
def test_bad_queries_raise_query_error(backend, query, message):
    with pytest.raises(QueryError, match=message):
        backend.search(query)


@pytest.mark.parametrize(
    "q", ['"', "行政复议 AND", "NEAR(a b)", "* ^ :", "'; DROP TABLE reports; --", "🙂", "{title}: x"]
)
def test_fts_syntax_in_queries_is_harmless(backend, q):
    backend.search(SearchQuery(q=q))
    assert backend.count() == 7


def test_failures_table(backend):
    backend.record_failure(
        {
            "url": "https://x.gov.cn/a.html",
            "reason": "HTTP 404",
            "portal": "x",
            "kind": "fetch_failed",
            "status": 404,
            "at": "2025-01-01T00:00:00+00:00",
            "referer": "https://x.gov.cn/",  # keys the table has no column for are ignored
        }
    )
    backend.record_failure({"url": "https://x.gov.cn/b.html", "reason": "title is a notice", "kind": "not_a_report"})
    rows = list(backend.all_failures())
    assert rows[0] == {
        "url": "https://x.gov.cn/a.html",
        "kind": "fetch_failed",
        "reason": "HTTP 404",
        "portal": "x",
        "status": 404,
        "first_seen": "2025-01-01T00:00:00+00:00",
        "last_seen": "2025-01-01T00:00:00+00:00",
        "count": 1,
        "run_id": None,
    }
    assert rows[1]["kind"] == "not_a_report" and rows[1]["first_seen"] == rows[1]["last_seen"]
    with pytest.raises(InvalidRecord, match="kind"):
        backend.record_failure({"url": "https://x.gov.cn/c.html", "kind": "oops"})


def test_records_need_an_id(backend):
    with pytest.raises(InvalidRecord, match="id"):
        backend.write([{"title": "x", "text": "y"}])
    assert backend.count() == 7


def test_read_only_backend_searches_but_does_not_write(backend, tmp_path):
    reader = open_backend(f"sqlite:///{backend.path}", StorageOptions(read_only=True))
    try:
        assert reader.search(SearchQuery(q="行政复议")).total == 4
        with pytest.raises(ValueError, match="read-only"):
            reader.write([synthetic("z", "福建省", 2020, None, "x")])
    finally:
        reader.close()


def test_time_limit(backend):
    backend.write([synthetic(f"bulk-{i}", "江西省", 2020, None, "政府信息公开工作。" * 50) for i in range(300)])
    backend.search(SearchQuery(q="政府信息公开"))  # facet cache warm
    backend.time_limit = 0.0
    with pytest.raises(QueryTimeout):
        backend.search(SearchQuery(q="政府信息公开"))


def test_time_limit_is_an_open_option(backend):
    backend.write([synthetic(f"bulk-{i}", "江西省", 2020, None, "政府信息公开工作。" * 50) for i in range(300)])
    reader = open_backend(backend.path, StorageOptions(read_only=True, time_limit=0.0))
    try:
        with pytest.raises(QueryTimeout):
            reader.search(SearchQuery(q="政府信息公开"))
    finally:
        reader.close()


def test_time_limit_covers_the_python_steps(tmp_path):
    small = open_backend(tmp_path / "small.sqlite")  # one report: SQLite's progress handler never gets a turn
    small.write([synthetic("only", "福建省", 2021, "2022-03-01", "政府信息公开。")])
    try:
        assert small.search(SearchQuery()).total == 1
        small.time_limit = 0.0
        with pytest.raises(QueryTimeout, match="longer than 0 s"):
            small.search(SearchQuery())
        with pytest.raises(QueryTimeout):
            small.export(SearchQuery())
    finally:
        small.close()


def test_a_slow_facet_cache_reload_is_not_counted_against_the_time_limit(backend, monkeypatch):
    from indexer.storage.sqlite import search

    before = backend.search(SearchQuery(q="政府信息公开")).total
    backend.write([synthetic(f"bulk-{i}", "江西省", 2020, None, "政府信息公开工作。") for i in range(20)])
    load = search.FacetIndex.load

    def slow_load(conn, generation):  # a million reports take seconds to load; here a pause stands for them
        time.sleep(0.6)
        return load(conn, generation)

    monkeypatch.setattr(search.FacetIndex, "load", staticmethod(slow_load))
    backend.time_limit = 0.5
    assert backend.search(SearchQuery(q="政府信息公开")).total == before + 20  # the first after the write loads it
    backend.write([synthetic("one-more", "江西省", 2021, None, "政府信息公开工作。")])
    assert backend.search(SearchQuery(q="政府信息公开")).total == before + 21  # and the one after the next


def test_a_slow_match_cache_fill_is_not_counted_against_the_time_limit(backend, monkeypatch):
    """At a million reports, finding a common word's matches and scoring all of them once per write takes longer
    than the limit; an interrupted fill keeps nothing, so every later search would fail the same way."""
    from indexer.storage.sqlite import search

    backend.write([synthetic(f"bulk-{i}", "江西省", 2020, None, "政府信息公开工作。" * (1 + i % 3)) for i in range(30)])
    backend.search(SearchQuery())  # the facet cache is loaded
    monkeypatch.setattr(search, "SCORE_ALL_MIN", 1)  # rank all matches once and keep the scores, as for 20,000
    monkeypatch.setattr(search, "PARALLEL_RANK_MIN", 1)  # on the two ranking threads
    match_docids, run_job = search.Search._match_docids, SqliteBackend._run_job
    ranked: list[str] = []

    def slow_match(self, match):  # a pause stands for a million matches
        time.sleep(0.4)
        return match_docids(self, match)

    def slow_job(self, sql, params, deadline):
        ranked.append(sql)
        time.sleep(0.4)
        return run_job(self, sql, params, deadline)

    monkeypatch.setattr(search.Search, "_match_docids", slow_match)
    monkeypatch.setattr(SqliteBackend, "_run_job", slow_job)
    backend.time_limit = 0.3
    first = backend.search(SearchQuery(q="政府信息公开"))  # a fill of 0.4 s, then scores of 0.4 s on both threads
    again = backend.search(SearchQuery(q="政府信息公开"))  # from the kept matches and scores
    assert first.total == again.total >= 30 and [h.id for h in first.hits] == [h.id for h in again.hits]
    assert len(ranked) == 2  # all matches were scored once, in two halves
    backend.time_limit = 0.0
    with pytest.raises(QueryTimeout):  # the rest of a search is still timed
        backend.search(SearchQuery(q="政府信息公开"))


def test_unreadable_index_is_storage_unavailable(tmp_path):
    with pytest.raises(StorageUnavailable, match="no SQLite index"):
        open_backend(tmp_path / "missing.sqlite", StorageOptions(read_only=True))
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"not a database" * 100)
    with pytest.raises(StorageUnavailable, match="cannot read"):
        open_backend(junk, StorageOptions(read_only=True))
    path = tmp_path / "later-damaged.sqlite"
    open_backend(path).close()
    reader = open_backend(path, StorageOptions(read_only=True))  # reads on first use
    try:
        path.write_bytes(b"not a database" * 400)
        with pytest.raises(StorageUnavailable, match="cannot read"):
            reader.count()
    finally:
        reader.close()


def test_open_backend_targets(tmp_path):
    assert isinstance(open_backend(f"sqlite:///{tmp_path / 'a.sqlite'}"), SqliteBackend)
    with pytest.raises(ValueError, match="unknown storage backend 'ftp'"):
        open_backend("ftp://localhost/reports")  # http(s):// opens Elasticsearch (tests/storage_contract)
    with pytest.raises(ValueError):
        open_backend("")
