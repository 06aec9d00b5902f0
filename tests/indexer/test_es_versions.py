"""Version history on Elasticsearch: mapping, documents and search bodies (pure), and the requests the backend
sends for versions, withdrawals, captures, report URLs and forget (recorded by es_recorder, 127.0.0.1).

These check our requests and bodies, not Elasticsearch's semantics: the live contract suite
(tests/storage_contract/test_versions_contract.py with ES_URL) does that.
"""

from __future__ import annotations

import json

import pytest

from es_recorder import Recorder
from indexer.storage.base import SearchQuery
from indexer.storage.elasticsearch.backend import ElasticsearchBackend
from indexer.storage.elasticsearch.mapping import (
    CAPTURES_MAPPING,
    capture_id,
    document,
    index_mappings,
    version_id,
)
from indexer.storage.elasticsearch.query import read_facets, search_body, sort_clause
from indexer.storage.options import BulkSettings, EsOptions
from indexer.storage.plan import QueryPlan
from indexer.storage.revisions import reconcile

URL = "https://www.example.gov.cn/zfxxgk/2021.html"
MIRROR = "http://127.0.0.1:8001/bm/2021.html"
T1, T2, T3 = "2026-01-01T05:00:00+00:00", "2026-02-01T05:00:00+08:00", "2026-03-01T05:00:00Z"
CAPTURE = {
    "warc_file": "reports-1.warc.gz",
    "offset": 4096,
    "length": 900,
    "url": URL,
    "captured_at": T3,
    "status": 404,
}


def rec(**extra) -> dict:
    """A small stored report at two URLs."""
    return {
        "id": "a",
        "url": URL,
        "urls": [URL, MIRROR],
        "title": "福建省政府信息公开工作年度报告",
        "text": "依申请公开。",
        "content_hash": "h1",
        "version": 1,
        "fetched_at": T1,
        "signals": [],
        **extra,
    }


def plan(**kwargs) -> QueryPlan:
    """A validated plan."""
    return QueryPlan.build(SearchQuery(**kwargs))


def hits(*sources: dict) -> dict:
    """A canned search answer with these documents."""
    found = [{"_id": s.get("id", str(i)), "_source": s, "sort": [i]} for i, s in enumerate(sources)]
    return {"timed_out": False, "hits": {"total": {"value": len(found)}, "hits": found}}


@pytest.fixture
def es():
    """A recording server."""
    with Recorder() as recorder:
        yield recorder


@pytest.fixture
def backend(es):
    """The backend against the recorder, alias `reports`, requests of its opening forgotten."""
    opened = ElasticsearchBackend(EsOptions(url=es.url, bulk=BulkSettings(chunk_size=10)))
    es.state.requests.clear()
    yield opened
    opened.close()


# --------------------------------------------------------------------------- mapping and documents
def test_mapping_indexes_the_history_fields():
    mapping = index_mappings()
    ix = mapping["properties"]["ix"]["properties"]
    assert mapping["properties"]["urls"] == {"type": "keyword"}
    assert ix["version"] == {"type": "integer"} and ix["hosts"] == {"type": "keyword"}
    assert ix["revised"] == ix["withdrawn"] == {"type": "boolean"}
    assert ix["changed_at"] == {"type": "date", "format": "strict_date_optional_time"}


def test_documents_carry_version_flags_change_time_and_hosts():
    stored = rec(version=3, changed_at=T2, withdrawn=T3)
    ix = document(stored)["ix"]
    assert (ix["version"], ix["revised"], ix["withdrawn"]) == (3, True, True)
    assert ix["changed_at"] == "2026-01-31T21:00:00+00:00"  # one zone, so sorts agree with SQLite's
    assert ix["hosts"] == ["127.0.0.1", "cn", "example.gov.cn", "gov.cn", "www.example.gov.cn"]  # domains above too
    plain = document(reconcile(rec(), None, None).record)["ix"]
    assert (plain["version"], plain["revised"], plain["withdrawn"], "changed_at" in plain) == (1, False, False, False)


def test_history_filters_facets_and_sorts_in_the_search_body():
    body = search_body(
        plan(
            filters={"version": ["2", "3"], "revised": ["true"], "withdrawn": ["false"]},
            facets=("revised", "withdrawn"),
        ),
        size=10,
    )
    assert body["post_filter"] == {
        "bool": {
            "filter": [
                {"terms": {"ix.version": [2, 3]}},
                {"terms": {"ix.revised": [True]}},
                {"terms": {"ix.withdrawn": [False]}},
            ]
        }
    }
    revised_scope = body["aggs"]["f0"]["filter"]["bool"]["filter"]  # every group but its own
    assert {"terms": {"ix.revised": [True]}} not in revised_scope and {"terms": {"ix.version": [2, 3]}} in revised_scope
    assert body["aggs"]["f1"]["aggs"] == {"values": {"terms": {"field": "ix.withdrawn", "size": 100}}}
    assert sort_clause(plan(sort="-version")) == [
        {"ix.version": {"order": "desc", "missing": "_last"}},
        {"id": {"order": "asc"}},
    ]
    assert sort_clause(plan(sort="changed_at"))[0] == {"ix.changed_at": {"order": "asc", "missing": "_last"}}


def test_flag_facets_are_read_like_sqlite():
    p = plan(filters={"withdrawn": ["true"]}, facets=("revised", "withdrawn"))
    aggs = {
        "f0": {"values": {"buckets": [{"key": 0, "key_as_string": "false", "doc_count": 4}]}},
        "f1": {"values": {"buckets": [{"key": 0, "key_as_string": "false", "doc_count": 9}]}},
    }
    assert read_facets(p, aggs) == {"revised": [("false", 4)], "withdrawn": [("false", 9), ("true", 0)]}


# --------------------------------------------------------------------------- recorded requests
def test_mark_gone_finds_the_report_by_url_rewrites_it_and_names_the_capture(es, backend):
    stored = reconcile(rec(gone_urls=[MIRROR]), None, None).record
    es.state.search_responses.append(hits(stored))
    assert backend.mark_gone(URL, T3, "http_404", CAPTURE) == "a"
    (lookup,) = es.state.calls("POST", "/reports/_search")
    assert lookup.body["query"] == {"term": {"urls": URL}}
    written, claimed = (r.body for r in es.state.calls(contains="/_bulk"))
    assert written[0] == {"index": {"_index": "reports", "_id": "a"}}
    assert (written[1]["withdrawn"], written[1]["gone_urls"], written[1]["ix"]["withdrawn"]) == (
        T3,
        [MIRROR, URL],
        True,
    )
    assert [s["signal"] for s in written[1]["signals"]] == ["withdrawn"]
    assert claimed[0] == {"update": {"_index": "reports-captures", "_id": capture_id("reports-1.warc.gz", 4096)}}
    assert claimed[1]["script"]["params"] == {"report_id": "a"}
    assert claimed[1]["upsert"] == {**CAPTURE, "requested_url": URL, "report_id": "a", "meta": {}}
    assert es.state.mappings["reports-captures"] == CAPTURES_MAPPING["properties"]


def test_mark_gone_of_an_unknown_or_known_gone_url_writes_nothing(es, backend):
    assert backend.mark_gone(URL, T3, "http_404", CAPTURE) is None  # no report lists it
    withdrawn = {**reconcile(rec(), None, None).record, "gone_urls": [URL, MIRROR], "withdrawn": T2}
    es.state.search_responses.append(hits(withdrawn))
    assert backend.mark_gone(URL, T3, "http_410") is None
    assert es.state.calls(contains="/_bulk") == []


def test_save_capture_is_one_scripted_upsert(es, backend):
    backend.save_capture(CAPTURE, None, "http://www.example.gov.cn/old.html", {"portal": "pingtan"})
    (update,) = es.state.calls("POST", "/reports-captures/_update/")
    assert update.path.endswith(capture_id("reports-1.warc.gz", 4096)) and update.params["refresh"] == "wait_for"
    row = {**CAPTURE, "requested_url": "http://www.example.gov.cn/old.html", "meta": {"portal": "pingtan"}}
    assert update.body["upsert"] == {**row, "report_id": None}
    assert update.body["script"]["params"] == {"row": row, "report_id": None}  # a report id already saved stays


def test_captures_are_read_from_their_index_newest_first(es, backend):
    assert backend.captures(url=URL) == []  # no captures index yet
    backend.save_capture(CAPTURE, "a", URL, {})
    older = {**CAPTURE, "offset": 10, "captured_at": T1, "status": 200}
    es.state.search_responses.append(
        hits(
            {**older, "requested_url": URL, "report_id": "a", "meta": {}},
            {**CAPTURE, "requested_url": URL, "report_id": "a", "meta": {"portal": "p"}},
        )
    )
    es.state.requests.clear()
    rows = backend.captures(url=URL, report_id="a")
    assert [r["offset"] for r in rows] == [4096, 10] and rows[0]["meta"] == {"portal": "p"}
    (search,) = es.state.calls("POST", "/_search")
    assert search.body["query"] == {
        "bool": {
            "filter": [
                {
                    "bool": {
                        "should": [{"term": {"url": URL}}, {"term": {"requested_url": URL}}],
                        "minimum_should_match": 1,
                    }
                },
                {"term": {"report_id": "a"}},
            ]
        }
    }


def test_versions_are_the_superseded_documents_then_the_stored_record(es, backend):
    v1 = reconcile(rec(), None, None)
    v2 = reconcile(rec(content_hash="h2", text="依申请公开工作规范。", fetched_at=T2), v1.record, None)
    es.state.stored["a"] = v2.record
    es.state.search_responses.append(hits({"report_id": "a", **v2.superseded}))
    versions = backend.versions("a")
    assert [v["version"] for v in versions] == [1, 2] and versions[0] == v2.superseded
    assert versions[1]["record"] == v2.record and versions[1]["first_seen"] == T2
    (search,) = es.state.calls("POST", "/reports-versions/_search")
    assert search.body == {"query": {"term": {"report_id": "a"}}, "sort": [{"version": "asc"}], "size": 10_000}
    assert backend.versions("missing") is None


def test_a_new_version_is_kept_before_the_record_is_replaced(es, backend):
    es.state.stored["a"] = reconcile(rec(), None, None).record
    backend.write([rec(content_hash="h2", text="改过的正文。", fetched_at=T2)])
    kept, written = (r.body for r in es.state.calls(contains="/_bulk"))
    assert kept[0] == {"index": {"_index": "reports-versions", "_id": version_id("a", 1)}}
    assert (kept[1]["version"], kept[1]["record"]["text"]) == (1, "依申请公开。")
    assert (written[1]["version"], written[1]["changed_at"]) == (2, T2)


def test_a_batch_sees_its_own_earlier_records(es, backend):
    backend.write([rec(), rec(content_hash="h2", text="改过的正文。", fetched_at=T2)])
    kept, written = (r.body for r in es.state.calls(contains="/_bulk"))
    assert kept[1]["version"] == 1 and [line["version"] for line in written[1::2]] == [1, 2]


def test_report_urls_asks_by_host_name_and_filters_ports(es, backend):
    es.state.search_responses.append(hits(rec()))
    assert list(backend.report_urls(["127.0.0.1:8001"])) == [MIRROR]
    (search,) = es.state.calls("POST", "/_search")
    assert search.body["query"] == {"terms": {"ix.hosts": ["127.0.0.1"]}}
    assert search.body["_source"] == {"includes": ["url", "urls"]}
    assert list(backend.report_urls([" "])) == []


def test_forget_deletes_the_versions_then_the_report(es, backend):
    backend.forget("a")  # no versions index yet
    es.state.stored["a"] = reconcile(rec(), None, None).record
    backend.write([rec(content_hash="h2", fetched_at=T2)])
    es.state.requests.clear()
    backend.forget("a")
    versions, report = es.state.calls("POST", "/_delete_by_query")
    assert versions.path == "/reports-versions/_delete_by_query" and versions.body == {
        "query": {"term": {"report_id": "a"}}
    }
    assert report.path == "/reports/_delete_by_query" and report.body == {"query": {"ids": {"values": ["a"]}}}
    assert json.loads(json.dumps(report.params)) == {"refresh": "true", "conflicts": "proceed"}
