"""The requests the Elasticsearch backend and the reindex commands send, recorded by a local HTTP server.

The server (es_recorder.py, 127.0.0.1 only) answers like Elasticsearch just enough for the official
client to go on, and records every request. These tests check our request sequence and bodies
(template, alias, _bulk chunks, the retry after a 429, refresh_interval relaxed then restored, one
atomic _aliases call, search bodies): they are not a stand-in for Elasticsearch's semantics, which
the live contract suite (tests/storage_contract with ES_URL) checks.
"""

from __future__ import annotations

import json

import pytest

from es_recorder import Recorder
from indexer.cli import main
from indexer.errors import BulkWriteError, InvalidRecord
from indexer.search_text.highlight import SCAN_CHARS
from indexer.storage import open_backend
from indexer.storage.base import SearchQuery
from indexer.storage.elasticsearch.backend import ElasticsearchBackend
from indexer.storage.elasticsearch.mapping import VERSIONS_MAPPING, document, failure_id, index_template, version_id
from indexer.storage.elasticsearch.query import hit_fields, search_body
from indexer.storage.options import BulkSettings, EsOptions
from indexer.storage.plan import QueryPlan
from indexer.storage.revisions import reconcile

FAST = BulkSettings(chunk_size=2, max_retries=3, initial_backoff=0.01)
RUN = {
    "id": "20260101T050000Z-ab12",
    "started_at": "2026-01-01T05:00:00+00:00",
    "finished_at": "2026-01-01T05:10:00+00:00",
    "status": "finished",
    "seeds": "seeds/local.yaml",
    "portals": [],
}


def rec(rid: str, province: str = "福建省", text: str = "依申请公开。行政复议案件2件。") -> dict:
    """A small record."""
    return {
        "id": rid,
        "url": f"https://example.gov.cn/{rid}",
        "title": f"{province}政府信息公开工作年度报告",
        "agency": f"{province}人民政府",
        "province": province,
        "report_year": 2021,
        "published": "2022-01-20",
        "format": "2021",
        "text": text,
        "stats": {"review": {"total": 2}},
        "checks": [],
    }


@pytest.fixture
def es():
    """A recording server."""
    with Recorder() as recorder:
        yield recorder


def backend_for(es: Recorder, **kwargs) -> ElasticsearchBackend:
    """The backend against the recorder, alias `reports`."""
    return ElasticsearchBackend(EsOptions(url=es.url, bulk=FAST), **kwargs)


def bulk_ids(es: Recorder) -> list[list[str]]:
    """The report ids of each _bulk request of reports, in order (not those of crawl failures or runs)."""
    calls = es.state.calls(contains="/_bulk")
    return [[line["index"]["_id"] for line in r.body[::2]] for r in calls if is_reports_index(r.body[0]["index"])]


def is_reports_index(action: dict) -> bool:
    """Whether a bulk action goes to reports (an alias or a versioned index), not to failures or runs."""
    return not action["_index"].endswith(("-failures", "-runs"))


def test_open_creates_template_index_and_alias(es):
    open_backend(f"elasticsearch+{es.url}?alias=reports").close()
    assert es.state.templates["reports"] == json.loads(json.dumps(index_template("reports")))
    (created,) = [r.path for r in es.state.calls("PUT") if r.path.startswith("/reports-v")]
    (swap,) = es.state.calls("POST", "/_aliases")
    assert swap.body == {"actions": [{"add": {"index": created[1:], "alias": "reports", "is_write_index": True}}]}
    es.state.requests.clear()
    backend_for(es).close()  # the alias exists now: nothing is created
    assert not es.state.calls("PUT")


def test_write_sends_bulk_chunks_then_refreshes(es):
    backend = backend_for(es)
    es.state.requests.clear()
    records = [rec("a"), rec("b"), rec("c")]
    assert backend.write(records) == 3
    assert bulk_ids(es) == [["a", "b"], ["c"]]
    first = es.state.calls(contains="/_bulk")[0].body
    assert first[0] == {"index": {"_index": "reports", "_id": "a"}}
    stored = reconcile(records[0], None, None).record  # version 1, first and last seen (revisions.py)
    assert first[1] == json.loads(json.dumps(document(stored), ensure_ascii=False))
    assert es.state.requests[-1].path == "/reports/_refresh"


def test_a_bad_record_refuses_the_batch_before_any_request(es):
    backend = backend_for(es)
    es.state.requests.clear()
    with pytest.raises(InvalidRecord, match="report_year"):
        backend.write([rec("a"), {**rec("b"), "report_year": True}])  # SQLite refuses it the same way
    assert es.state.requests == []


def test_write_merges_with_the_stored_revision_and_content(es):
    backend = backend_for(es)
    stored = {
        **rec("a"),
        "urls": ["https://example.gov.cn/a", "https://mirror.gov.cn/a"],
        "content_hash": "old",
        "version": 2,
    }
    es.state.stored["a"] = stored
    mirror_of = {**rec("z"), "content_hash": "same", "version": 1}
    es.state.search_responses.append(
        {"timed_out": False, "hits": {"total": {"value": 1}, "hits": [{"_id": "z", "_source": mirror_of}]}}
    )
    es.state.requests.clear()
    backend.write(
        [
            {**rec("a"), "content_hash": "new", "version": 1},
            {**rec("b"), "url": "https://other.gov.cn/b", "content_hash": "same", "version": 1},
        ]
    )
    (mget,) = es.state.calls("POST", "/reports/_mget")
    assert mget.body == {"ids": ["a", "b"]}
    (lookup,) = es.state.calls("POST", "/reports/_search")
    assert lookup.body["query"] == {"terms": {"content_hash": ["same"]}}
    kept, sent = (r.body for r in es.state.calls(contains="/_bulk"))
    assert kept[0] == {"index": {"_index": "reports-versions", "_id": version_id("a", 2)}}  # a's version 2, kept
    assert (kept[1]["report_id"], kept[1]["version"], kept[1]["content_hash"]) == ("a", 2, "old")
    assert kept[1]["record"]["urls"] == stored["urls"]
    assert [line["index"]["_id"] for line in sent[::2]] == ["a", "z"]  # b joined the report stored as z
    assert (sent[1]["version"], sent[1]["urls"]) == (3, stored["urls"])  # a's text changed: revision 3
    assert sent[3]["urls"] == ["https://example.gov.cn/z", "https://other.gov.cn/b"]
    assert es.state.mappings["reports-versions"] == VERSIONS_MAPPING["properties"]  # created on first use


def test_429_is_retried_and_a_rejected_document_reported(es):
    backend = backend_for(es)
    es.state.reject_once.add("b")
    es.state.reject_always.add("c")
    with pytest.raises(BulkWriteError) as err:
        backend.write([rec("a"), rec("b"), rec("c"), rec("d")])
    assert bulk_ids(es) == [["a", "b"], ["b"], ["c", "d"]]  # b retried alone after its 429
    assert err.value.written == 3
    (failure,) = err.value.failures
    assert (failure["id"], failure["status"], failure["record"]["id"]) == ("c", 400, "c")
    assert failure["error"]["type"] == "mapper_parsing_exception"


def test_search_sends_the_built_body_and_reads_the_answer(es):
    backend = backend_for(es)
    text = "本机关依申请公开办理规范。行政复议案件2件均维持。"
    es.state.search_responses.append(
        {
            "timed_out": False,
            "hits": {
                "total": {"value": 1},
                "hits": [
                    {"_id": "a", "_source": without_text(rec("a")), "fields": {"text_head": [text]}, "sort": [3.5, "a"]}
                ],
            },
            "aggregations": {"f0": {"top": {"buckets": [{"key": "福建省", "doc_count": 1}]}}},
        }
    )
    query = SearchQuery(q="行政复议", facets=("province",))
    result = backend.search(query)
    (sent,) = es.state.calls("POST", "/reports/_search")
    assert sent.body == {**search_body(QueryPlan.build(query), size=20, timeout_ms=2000), **hit_fields()}
    assert sent.body["_source"] == {"excludes": ["text"]}  # a hit's text travels as its head only
    assert sent.body["script_fields"]["text_head"]["script"]["params"] == {"chars": SCAN_CHARS}
    assert result.total == 1 and result.facets == {"province": [("福建省", 1)]}
    (hit,) = result.hits
    assert (hit.id, hit.score, "text" in hit.record) == ("a", 3.5, False)
    assert "<mark>行政复议</mark>" in hit.snippet


def without_text(record: dict) -> dict:
    """A record as a hit's _source brings it (hit_fields)."""
    return {k: v for k, v in record.items() if k != "text"}


def test_deep_page_walks_with_search_after_in_a_point_in_time(es):
    backend = backend_for(es)
    skipped = [{"_id": f"d{i}", "sort": ["2022-01-20", f"d{i:05d}"]} for i in range(10_000)]
    es.state.search_responses += [
        {"hits": {"total": {"value": 10_050}, "hits": []}, "aggregations": {}},
        {"hits": {"total": {"value": 10_050}, "hits": skipped}},
        {"hits": {"total": {"value": 10_050}, "hits": [{"_id": "z", "_source": rec("z"), "sort": ["x", "z"]}]}},
    ]
    result = backend.search(SearchQuery(sort="published", offset=10_000, limit=20, facets=()))
    assert result.total == 10_050 and [h.id for h in result.hits] == ["z"]
    bodies = [r.body for r in es.state.calls("POST", "/_search")]
    assert [b["size"] for b in bodies] == [0, 10_000, 20]
    assert bodies[1]["_source"] is False and "search_after" not in bodies[1]
    assert bodies[2]["search_after"] == ["2022-01-20", "d09999"]
    assert bodies[2]["_source"] == {"excludes": ["text"]} and "text_head" in bodies[2]["script_fields"]
    assert all(b["pit"]["id"] == "pit-1" for b in bodies)
    assert es.state.calls("POST", "/reports/_pit") and es.state.calls("DELETE", "/_pit")


def test_copy_to_es_relaxes_refresh_swaps_alias_and_deletes_old(es, tmp_path):
    db = tmp_path / "reports.sqlite"
    sqlite = open_backend(db)
    sqlite.write([rec("a"), rec("b", "广东省"), rec("c")])
    sqlite.record_failure({"url": "http://127.0.0.1/x", "kind": "fetch_failed", "reason": "timeout"})
    sqlite.record_failure({"url": "http://127.0.0.1/x", "kind": "fetch_failed", "reason": "HTTP 503", "run_id": "r2"})
    sqlite.save_run(RUN)
    sqlite.close()
    backend_for(es).close()
    (old,) = es.state.aliases["reports"]
    es.state.reject_once.add("b")
    es.state.requests.clear()
    code = main(
        [
            "copy-to-es",
            "--db",
            str(db),
            "--es-url",
            es.url,
            "--chunk-size",
            "2",
            "--initial-backoff",
            "0.01",
            "--error-report",
            str(tmp_path / "errors.jsonl"),
        ]
    )
    assert code == 0 and not (tmp_path / "errors.jsonl").exists()
    (new,) = es.state.aliases["reports"]
    steps = [
        (r.method, r.path, r.body)
        for r in es.state.requests
        if r.method != "GET" and ("_settings" in r.path or r.path in ("/_aliases", f"/{new}/_refresh", f"/{old}"))
    ]
    assert steps == [
        ("PUT", f"/{new}/_settings", {"index": {"refresh_interval": "-1"}}),
        ("PUT", f"/{new}/_settings", {"index": {"refresh_interval": None}}),  # back to the default
        ("POST", f"/{new}/_refresh", None),
        (
            "POST",
            "/_aliases",
            {
                "actions": [
                    {"remove": {"index": old, "alias": "reports"}},
                    {"add": {"index": new, "alias": "reports", "is_write_index": True}},
                ]
            },
        ),
        ("DELETE", f"/{old}", None),
    ]
    assert bulk_ids(es) == [["a", "b"], ["b"], ["c"]]
    (failures,) = [
        r.body for r in es.state.calls(contains="/_bulk") if r.body[0]["index"]["_index"] == "reports-failures"
    ]
    assert failures[0] == {
        "index": {"_index": "reports-failures", "_id": failure_id("http://127.0.0.1/x", "fetch_failed")}
    }
    assert (failures[1]["url"], failures[1]["count"], failures[1]["reason"], failures[1]["run_id"]) == (
        "http://127.0.0.1/x",
        2,
        "HTTP 503",
        "r2",
    )
    (runs,) = [r.body for r in es.state.calls(contains="/_bulk") if r.body[0]["index"]["_index"] == "reports-runs"]
    assert runs == [{"index": {"_index": "reports-runs", "_id": RUN["id"]}}, RUN]
    assert [line["index"]["_index"] for line in es.state.calls(contains="/_bulk")[0].body[::2]] == [new, new]


def test_failed_documents_go_to_the_report_and_the_alias_stays(es, tmp_path, capsys):
    source = tmp_path / "records.jsonl"
    source.write_text("".join(json.dumps(rec(r), ensure_ascii=False) + "\n" for r in "abc"), encoding="utf-8")
    backend_for(es).close()
    (old,) = es.state.aliases["reports"]
    es.state.reject_always.add("b")
    report = tmp_path / "errors.jsonl"
    code = main(
        [
            "reindex",
            "--backend",
            "elasticsearch",
            "--source",
            str(source),
            "--es-url",
            es.url,
            "--error-report",
            str(report),
            "--initial-backoff",
            "0.01",
        ]
    )
    assert code == 1
    (line,) = [json.loads(x) for x in report.read_text(encoding="utf-8").splitlines()]
    assert (line["id"], line["status"], line["record"]) == ("b", 400, rec("b"))
    assert es.state.aliases["reports"] == {old}
    out = capsys.readouterr().out
    assert "2 documents written, 1 failed" in out and str(report) in out and "NOT moved" in out


def test_reindex_needs_a_url(monkeypatch, capsys):
    monkeypatch.delenv("ES_URL", raising=False)
    assert main(["reindex", "--backend", "elasticsearch"]) == 2
    assert "ES_URL" in capsys.readouterr().err


def test_bulk_settings_and_alias_come_from_the_environment_flags_win(es, tmp_path, monkeypatch, capsys):
    source = tmp_path / "records.jsonl"
    source.write_text("".join(json.dumps(rec(r), ensure_ascii=False) + "\n" for r in "abc"), encoding="utf-8")
    monkeypatch.setenv("ES_URL", es.url)
    monkeypatch.setenv("ES_INDEX", "from-env")
    monkeypatch.setenv("ES_BULK_CHUNK_SIZE", "1")
    assert main(["send-to-es", str(source), "--error-report", str(tmp_path / "e.jsonl")]) == 0
    assert bulk_ids(es) == [["a"], ["b"], ["c"]]
    assert "alias 'from-env': 3 documents written" in capsys.readouterr().out
    es.state.requests.clear()
    assert (
        main(["send-to-es", str(source), "--chunk-size", "2", "--alias", "flag", "--error-report", str(tmp_path / "f")])
        == 0
    )
    assert bulk_ids(es) == [["a", "b"], ["c"]]
    assert es.state.calls(contains="/_bulk")[0].body[0]["index"]["_index"] == "flag"


@pytest.mark.parametrize(
    "env, message",
    [({"ES_USERNAME": "elastic"}, "ES_PASSWORD"), ({"ES_SHARDS": "many"}, "integer")],
)
def test_bad_environment_is_exit_2_with_the_reason(es, monkeypatch, capsys, env, message):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert main(["reindex", "--backend", "elasticsearch", "--es-url", es.url]) == 2
    assert message in capsys.readouterr().err
    assert es.state.requests == []


def test_missing_source_is_exit_2_before_any_index_is_made(es, tmp_path, capsys):
    code = main(["reindex", "--backend", "elasticsearch", "--es-url", es.url, "--source", str(tmp_path / "x.jsonl")])
    assert code == 2 and "no JSONL file" in capsys.readouterr().err
    assert not es.state.calls("PUT")


def test_send_to_es_resends_an_error_report_into_the_alias(es, tmp_path, capsys):
    report = tmp_path / "old-errors.jsonl"
    report.write_text(
        json.dumps({"id": "b", "status": 400, "error": {"type": "x"}, "record": rec("b")}, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    backend_for(es).close()
    es.state.requests.clear()
    code = main(["send-to-es", str(report), "--es-url", es.url, "--error-report", str(tmp_path / "new.jsonl")])
    assert code == 0 and bulk_ids(es) == [["b"]]
    assert es.state.calls(contains="/_bulk")[0].body[0] == {"index": {"_index": "reports", "_id": "b"}}
    assert not es.state.calls(contains="_index_template") and not es.state.calls("POST", "/_aliases")
    assert "1 documents written, 0 failed" in capsys.readouterr().out
