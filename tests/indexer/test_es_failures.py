"""Crawl failures and runs on Elasticsearch: the requests sent, recorded by the local server (es_recorder.py).

Failures are one document per (url, kind) under a deterministic id, written by one scripted upsert;
runs are one document per run id. The live semantics (the Painless script adding to count) are
checked by the contract suite with ES_URL set.
"""

from __future__ import annotations

import pytest

from es_recorder import Recorder
from indexer.errors import InvalidRecord, QueryError
from indexer.storage.elasticsearch.admin import group_sightings
from indexer.storage.elasticsearch.backend import ElasticsearchBackend
from indexer.storage.elasticsearch.mapping import UPSERT_FAILURE_SCRIPT, failure_id
from indexer.storage.options import EsOptions

RUN = {
    "id": "20260101T050000Z-ab12",
    "started_at": "2026-01-01T05:00:00+00:00",
    "finished_at": None,
    "status": "running",
    "seeds": "seeds/local.yaml",
    "portals": [],
}


@pytest.fixture
def es():
    """A recording server."""
    with Recorder() as recorder:
        yield recorder


@pytest.fixture
def backend(es):
    """The backend against the recorder, alias `reports`."""
    be = ElasticsearchBackend(EsOptions(url=es.url))
    yield be
    be.close()


def test_failure_ids_are_one_per_url_and_kind():
    url = "http://127.0.0.1/a.html"
    assert failure_id(url, "fetch_failed") == failure_id(url, "fetch_failed")
    assert len({failure_id(url, "fetch_failed"), failure_id(url, "robots"), failure_id(url + "x", "robots")}) == 3
    assert len(failure_id("http://x/" + "a" * 5000, "trap")) == 40  # any URL: a short id


def test_every_sighting_is_one_scripted_upsert_of_the_same_document(es, backend):
    for at, reason in (("2026-01-01T05:00:00+00:00", "HTTP 503"), ("2026-01-02T05:00:00+00:00", "HTTP 404")):
        backend.record_failure(
            {"url": "http://127.0.0.1/a.html", "kind": "fetch_failed", "reason": reason, "at": at, "run_id": "r1"}
        )
    first, second = es.state.calls("POST", "/_update/")
    doc = failure_id("http://127.0.0.1/a.html", "fetch_failed")
    assert first.path == second.path == f"/reports-failures/_update/{doc}"
    assert first.params == {"refresh": "wait_for", "retry_on_conflict": "5"}
    assert second.body["script"] == {
        "source": UPSERT_FAILURE_SCRIPT,
        "lang": "painless",
        "params": {
            "url": "http://127.0.0.1/a.html",
            "kind": "fetch_failed",
            "reason": "HTTP 404",
            "portal": None,
            "status": None,
            "at": "2026-01-02T05:00:00+00:00",
            "run_id": "r1",
        },
    }
    assert first.body["upsert"] == {
        "url": "http://127.0.0.1/a.html",
        "kind": "fetch_failed",
        "reason": "HTTP 503",
        "portal": None,
        "status": None,
        "first_seen": "2026-01-01T05:00:00+00:00",
        "last_seen": "2026-01-01T05:00:00+00:00",
        "count": 1,
        "run_id": "r1",
    }
    assert len(es.state.calls("PUT", "/reports-failures")) == 1  # the index is made once, with the new mapping
    assert {"first_seen", "last_seen", "count", "run_id"} <= set(es.state.mappings["reports-failures"])
    with pytest.raises(InvalidRecord, match="kind"):
        backend.record_failure({"url": "http://127.0.0.1/a.html", "kind": "http_error"})


def test_failures_query_filters_sorts_and_pages(es, backend):
    backend.record_failure({"url": "http://127.0.0.1/a.html", "kind": "robots"})  # the index exists
    source = {"url": "http://127.0.0.1/a.html", "kind": "robots", "reason": "robots.txt", "count": 2, "extra": 1}
    es.state.search_responses.append({"hits": {"total": {"value": 41}, "hits": [{"_source": source}]}})
    page = backend.failures(portal="pingtan", kind="robots", run_id="r1", limit=10, offset=20)
    (request,) = es.state.calls("POST", "/reports-failures/_search")
    assert request.body == {
        "query": {
            "bool": {
                "filter": [{"term": {"portal": "pingtan"}}, {"term": {"kind": "robots"}}, {"term": {"run_id": "r1"}}]
            }
        },
        "sort": [{"last_seen": "desc"}, {"url": "asc"}, {"kind": "asc"}],
        "from": 20,
        "size": 10,
        "track_total_hits": True,
    }
    assert page.total == 41
    assert page.failures == [
        {
            "url": "http://127.0.0.1/a.html",
            "kind": "robots",
            "reason": "robots.txt",
            "portal": None,
            "status": None,
            "first_seen": None,
            "last_seen": None,
            "count": 2,
            "run_id": None,
        }
    ]
    with pytest.raises(QueryError):
        backend.failures(offset=9_999, limit=2)


def test_before_any_failure_or_run_the_lists_are_empty(es, backend):
    assert backend.failures() == (0, [])
    assert backend.runs() == [] and list(backend.all_failures()) == [] and list(backend.all_runs()) == []


def test_runs_are_indexed_by_id_and_read_newest_first(es, backend):
    backend.save_run(RUN)
    (put,) = es.state.calls("PUT", "/reports-runs/_doc/")
    assert put.path == f"/reports-runs/_doc/{RUN['id']}" and put.body == RUN
    es.state.search_responses.append({"hits": {"total": {"value": 1}, "hits": [{"_source": RUN}]}})
    assert backend.runs(limit=5) == [RUN]
    (search,) = es.state.calls("POST", "/reports-runs/_search")
    assert search.body == {"sort": [{"started_at": "desc"}, {"id": "desc"}], "size": 5}
    with pytest.raises(InvalidRecord, match="status"):
        backend.save_run({**RUN, "status": "done"})


def test_an_old_failures_index_is_regrouped_on_first_write(es):
    es.state.indices["reports-failures"] = {}
    es.state.mappings["reports-failures"] = {"url": {"type": "keyword"}, "at": {"type": "keyword"}}
    old = [
        {"url": "http://127.0.0.1/a.html", "kind": "fetch_failed", "reason": "HTTP 503", "at": "2026-01-01", "seq": 1},
        {"url": "http://127.0.0.1/a.html", "kind": "fetch_failed", "reason": "HTTP 404", "at": "2026-01-03", "seq": 3},
        {"url": "http://127.0.0.1/b.html", "kind": "not_a_report", "reason": "notice", "at": "2026-01-02", "seq": 2},
    ]
    hits = [{"_id": f"auto-{n}", "_source": doc, "sort": [n]} for n, doc in enumerate(old)]
    es.state.search_responses.append({"hits": {"total": {"value": 3}, "hits": hits}})
    backend = ElasticsearchBackend(EsOptions(url=es.url))
    backend.record_failure({"url": "http://127.0.0.1/c.html", "kind": "trap", "reason": "calendar trap"})
    backend.close()
    assert {"last_seen", "count"} <= set(es.state.mappings["reports-failures"])  # mapping extended in place
    (walk,) = es.state.calls("POST", "/_search")
    assert walk.body["query"] == {"bool": {"must_not": {"exists": {"field": "last_seen"}}}}
    (bulk,) = es.state.calls(contains="/_bulk")
    written = {line["index"]["_id"]: doc for line, doc in zip(bulk.body[:4:2], bulk.body[1:4:2])}
    assert written[failure_id("http://127.0.0.1/a.html", "fetch_failed")] == {
        "url": "http://127.0.0.1/a.html",
        "kind": "fetch_failed",
        "reason": "HTTP 404",
        "portal": None,
        "status": None,
        "first_seen": "2026-01-01",
        "last_seen": "2026-01-03",
        "count": 2,
        "run_id": None,
    }
    assert bulk.body[4:] == [{"delete": {"_index": "reports-failures", "_id": f"auto-{n}"}} for n in range(3)]
    assert es.state.calls("POST", "/reports-failures/_update/")  # then the sighting itself


def test_group_sightings_orders_by_sequence():
    rows = group_sightings(
        [
            {"url": "u", "kind": "robots", "reason": "later", "at": "2026-01-02", "seq": 2},
            {"url": "u", "kind": "robots", "reason": "first", "at": "2026-01-01", "seq": 1},
        ]
    )
    assert [(r["reason"], r["first_seen"], r["last_seen"], r["count"]) for r in rows] == [
        ("later", "2026-01-01", "2026-01-02", 2)
    ]
