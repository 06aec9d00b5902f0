"""The Elasticsearch side of agencies: the registry's index and documents, agency and search bodies, and the requests
`save_agencies`, `agencies` and a search with the agency facet send (recorded by es_recorder.py, 127.0.0.1 only).

Like test_es_requests.py, these check our bodies and request sequence, not Elasticsearch's semantics (the
live contract suite, tests/storage_contract with ES_URL, does).
"""

from __future__ import annotations

import json

import pytest

from es_recorder import Recorder
from indexer.agencies.registry import AgencyBuild
from indexer.storage.base import AgencyQuery, SearchQuery
from indexer.storage.elasticsearch.backend import ElasticsearchBackend
from indexer.storage.elasticsearch.mapping import AGENCIES_MAPPING, agency_document, document, index_fields
from indexer.storage.elasticsearch.query import agencies_body, filter_groups, read_agency_facets, search_body
from indexer.storage.options import BulkSettings, EsOptions
from indexer.storage.plan import AgencyPlan, QueryPlan

AG = "ag62f35278e5ad65c4"
LATE = {"signal": "late", "detail": "发布于2022-02-15，晚于法定期限", "evidence": {"days_late": 15}}
AGENCY = {
    "id": AG,
    "name": "长春市绿园区民政局",
    "names": ["长春市绿园区民政局", "绿园区民政局"],
    "province": "吉林省",
    "city": "长春市",
    "county": "绿园区",
    "region_code": "220106",
    "level": "county",
    "agency_type": "民政局",
    "kind": "部门",
    "first_year": 2020,
    "last_year": 2025,
    "reports": 2,
    "signals": ["late", "missing"],
}
YEAR = {
    "report_year": 2021,
    "report_id": "a",
    "published": "2022-02-15",
    "deadline": "2022-01-31",
    "late": True,
    "days_late": 15,
    "figures": {"review.total": 2},
    "change": {"review.total": None},
    "signals": [LATE],
}


def rec(rid: str, **extra) -> dict:
    """A small stored record."""
    return {
        "id": rid,
        "url": f"https://example.gov.cn/{rid}",
        "title": "长春市绿园区民政局2021年政府信息公开工作年度报告",
        "agency": "长春市绿园区民政局",
        "province": "吉林省",
        "report_year": 2021,
        "published": "2022-02-15",
        "format": "2021",
        "text": "依申请公开。行政复议案件2件。",
        "stats": {"review": {"total": 2}},
        "checks": [],
        **extra,
    }


@pytest.fixture
def es():
    """A recording server."""
    with Recorder() as recorder:
        yield recorder


def backend_for(es: Recorder) -> ElasticsearchBackend:
    """The backend against the recorder, alias `reports`."""
    return ElasticsearchBackend(EsOptions(url=es.url, bulk=BulkSettings(chunk_size=50, initial_backoff=0.01)))


def plain(value: object) -> object:
    """A value as it travels in JSON."""
    return json.loads(json.dumps(value, ensure_ascii=False))


# --------------------------------------------------------------------------- documents and bodies
def test_report_documents_index_the_agency_and_signal_names():
    ix = index_fields(rec("a", agency_id=AG, signals=[LATE, {**LATE, "signal": "copied"}]))
    assert ix["agency_id"] == AG and ix["signal"] == ["copied", "late"]
    assert index_fields(rec("b"))["signal"] == [] and "agency_id" not in index_fields(rec("b"))


def test_agency_documents_keep_the_timeline_and_match_words_in_lower_case():
    doc = agency_document({**AGENCY, "names": ["ABC民政局"]}, [YEAR], "b1")
    assert doc["words"] == sorted({"abc民政局", "长春市绿园区民政局", "吉林省", "长春市", "绿园区"})
    assert (doc["timeline"], doc["build"]) == ([YEAR], "b1")
    assert AGENCIES_MAPPING["properties"]["timeline"] == {"type": "object", "enabled": False}
    assert AGENCIES_MAPPING["properties"]["words"] == {"type": "keyword"}


def test_agency_and_signal_filters_are_groups_keyed_by_field():
    plan = QueryPlan.build(SearchQuery(filters={"agency_id": [AG], "signal": ["late", "copied"]}))
    groups = filter_groups(plan)
    assert groups == {
        "agency_id": {"terms": {"ix.agency_id": [AG]}},
        "signal": {"terms": {"ix.signal": ["late", "copied"]}},
    }
    body = search_body(QueryPlan.build(SearchQuery(filters={"agency_id": [AG]}, facets=("agency",))), size=5)
    agency_facet = body["aggs"]["f0"]
    assert agency_facet["filter"] == {"match_all": {}}  # the agency facet ignores its own filter (agency_id)
    assert agency_facet["aggs"]["top"]["terms"]["field"] == "ix.agency_id"
    assert body["aggs"]["selected_exist"]["aggs"]["agency"]["terms"]["include"] == [AG]


def test_agencies_body_words_filters_facets_and_page():
    plan = AgencyPlan.build(
        AgencyQuery(q="绿园区 A*b?", filters={"kind": ["部门"], "signal": ["late"]}, offset=20, limit=10)
    )
    body = agencies_body(plan)
    assert body["query"] == {
        "bool": {
            "filter": [
                {"wildcard": {"words": {"value": "*绿园区*"}}},
                {"wildcard": {"words": {"value": "*a\\*b\\?*"}}},  # lower case, wildcards escaped
            ]
        }
    }
    assert body["post_filter"] == {
        "bool": {"filter": [{"terms": {"kind": ["部门"]}}, {"terms": {"signals": ["late"]}}]}
    }
    assert (body["from"], body["size"], body["sort"]) == (20, 10, [{"name": "asc"}, {"id": "asc"}])
    assert body["_source"] == {"excludes": ["words", "year_signals", "timeline", "build"]}
    kind_facet = body["aggs"][f"f{plan.facets.index('kind')}"]
    assert kind_facet["filter"] == {"bool": {"filter": [{"terms": {"signals": ["late"]}}]}}  # not its own


def test_a_signal_year_filters_and_counts_the_signals_of_that_year():
    doc = agency_document(AGENCY, [YEAR, {**YEAR, "report_year": 2024, "signals": []}], "b1")
    assert doc["year_signals"] == sorted(f"{s['signal']}@{YEAR['report_year']}" for s in YEAR["signals"])
    plan = AgencyPlan.build(AgencyQuery(filters={"signal": ["late", "missing"]}, signal_year=2023))
    body = agencies_body(plan)
    assert body["post_filter"] == {"bool": {"filter": [{"terms": {"year_signals": ["late@2023", "missing@2023"]}}]}}
    terms = body["aggs"][f"f{plan.facets.index('signal')}"]["aggs"]["values"]["terms"]
    assert (
        terms["field"] == "year_signals" and "copied@2023" in terms["include"] and "late@2022" not in terms["include"]
    )
    answer = {f"f{i}": {"values": {"buckets": []}} for i in range(len(plan.facets))}
    answer[f"f{plan.facets.index('signal')}"]["values"]["buckets"] = [{"key": "late@2023", "doc_count": 4}]
    assert read_agency_facets(plan, answer)["signal"] == [("late", 4), ("missing", 0)]


def test_agency_facets_are_read_as_top_values_with_the_selected_ones():
    plan = AgencyPlan.build(AgencyQuery(filters={"kind": ["政府"]}, facets=("kind",), facet_limit=1))
    aggs = {"f0": {"values": {"buckets": [{"key": "部门", "doc_count": 7}, {"key": "市", "doc_count": 7}]}}}
    assert read_agency_facets(plan, aggs) == {"kind": [("市", 7), ("政府", 0)]}


# --------------------------------------------------------------------------- requests
def test_save_agencies_indexes_the_build_then_resends_only_changed_reports(es):
    backend = backend_for(es)
    es.state.stored.update({"a": rec("a"), "b": rec("b", agency_id=AG, signals=[])})
    es.state.search_responses.append(  # the scan of agency ids and signals behind the alias
        {
            "hits": {
                "hits": [
                    {"_id": "a", "_source": {}, "sort": [0]},  # stored before agencies existed
                    {"_id": "b", "_source": {"agency_id": AG, "signals": []}, "sort": [1]},
                ]
            }
        }
    )
    es.state.requests.clear()
    backend.save_agencies(
        AgencyBuild(
            agencies=[AGENCY],
            timelines={AG: [YEAR]},
            report_agency={"a": AG, "b": AG},
            report_signals={"a": [LATE], "b": []},
        )
    )
    (created,) = es.state.calls("PUT", "/reports-agencies")
    assert created.body == {"mappings": AGENCIES_MAPPING}
    agencies_bulk, reports_bulk = es.state.calls(contains="/_bulk")
    header, doc = agencies_bulk.body
    assert header["index"] == {"_index": "reports-agencies", "_id": AG}
    assert doc == plain(agency_document(AGENCY, [YEAR], doc["build"]))
    (deleted,) = es.state.calls("POST", "/reports-agencies/_delete_by_query")
    assert deleted.body == {"query": {"bool": {"must_not": {"term": {"build": doc["build"]}}}}}
    (scan,) = es.state.calls("POST", "/_search")
    assert scan.body["_source"] == {"includes": ["agency_id", "signals"]}
    (mget,) = es.state.calls("POST", "/reports/_mget")
    assert mget.body == {"ids": ["a"]}  # b did not change
    header, sent = reports_bulk.body
    assert header["index"]["_id"] == "a"
    assert sent == plain(document({**rec("a"), "agency_id": AG, "signals": [LATE]}))  # the whole document again
    assert sent["ix"]["agency_id"] == AG and sent["ix"]["signal"] == ["late"]
    assert es.state.requests[-1].path == "/reports/_refresh"


def test_agencies_sends_the_built_body_and_reads_the_answer(es):
    backend = backend_for(es)
    es.state.search_responses.append(
        {
            "timed_out": False,
            "hits": {"total": {"value": 1}, "hits": [{"_id": AG, "_source": AGENCY}]},
            "aggregations": {"f0": {"values": {"buckets": [{"key": "部门", "doc_count": 1}]}}},
        }
    )
    query = AgencyQuery(q="绿园区", facets=("kind",))
    result = backend.agencies(query)
    (sent,) = es.state.calls("POST", "/reports-agencies/_search")
    assert sent.body == agencies_body(AgencyPlan.build(query), timeout_ms=2000)
    assert sent.body["timeout"] == "2000ms"
    assert (result.total, result.agencies, result.facets) == (1, [AGENCY], {"kind": [("部门", 1)]})


def test_agency_facet_labels_come_from_the_registry(es):
    backend = backend_for(es)
    es.state.stored[AG] = {"name": AGENCY["name"]}
    es.state.search_responses.append(
        {
            "timed_out": False,
            "hits": {"total": {"value": 2}, "hits": []},
            "aggregations": {"f0": {"top": {"buckets": [{"key": AG, "doc_count": 2}, {"key": "ag1", "doc_count": 1}]}}},
        }
    )
    result = backend.search(SearchQuery(facets=("agency",), limit=0))
    assert result.facets == {"agency": [(AG, 2), ("ag1", 1)]}
    assert result.labels == {"agency": {AG: AGENCY["name"]}}  # ag1 is no agency of the registry
    (mget,) = es.state.calls("POST", "/reports-agencies/_mget")
    assert mget.body == {"ids": [AG, "ag1"]} and mget.params["_source_includes"] == "name"
