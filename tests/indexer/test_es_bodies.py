"""The Elasticsearch index template, documents and search bodies (pure functions, no server)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from indexer.errors import InvalidRecord
from indexer.record import build_record
from indexer.search_text.segment import query_terms, segment_text
from indexer.storage.base import SearchQuery
from indexer.storage.elasticsearch.mapping import (
    ANALYZER,
    alias_actions,
    bulk_action,
    document,
    index_mappings,
    index_template,
    versioned_index,
)
from indexer.storage.elasticsearch.query import read_facets, search_body, sort_clause
from indexer.storage.facets import KEYWORD_FIELDS
from indexer.storage.plan import QueryPlan
from indexer.tables.numbers import NUMBER_FIELDS
from sample_files import PINGTAN

PINGTAN_2021 = PINGTAN / "80613.html"
NEW = "applications.new_received.total"


@pytest.fixture(scope="module")
def record() -> dict:
    """The real Pingtan 2021 report, read by build_record."""
    url = json.loads(PINGTAN_2021.with_suffix(".gold.json").read_text(encoding="utf-8"))["url"]
    return build_record(PINGTAN_2021.read_bytes(), url=url, source_format="html")


def plan(**kwargs) -> QueryPlan:
    """A validated plan."""
    return QueryPlan.build(SearchQuery(**kwargs))


# --------------------------------------------------------------------------- mapping
def test_mapping_fields():
    mapping = index_mappings()
    ix = mapping["properties"]["ix"]["properties"]
    assert mapping["dynamic"] is False and mapping["_source"] == {"excludes": ["ix"]}
    assert mapping["properties"]["text"] == {"type": "text", "index": False}
    assert mapping["properties"]["stats"]["enabled"] is False
    assert {n: ix[n]["analyzer"] for n in ("title_seg", "agency_seg", "text_seg")} == dict.fromkeys(
        ("title_seg", "agency_seg", "text_seg"), ANALYZER
    )
    assert all(ix[f] == {"type": "keyword"} for f in KEYWORD_FIELDS + ("failed_check", "signal"))
    assert ix["published"]["type"] == "date" and ix["has_failed_checks"]["type"] == "boolean"
    assert {c: t["type"] for c, t in ix["n"]["properties"].items()} == {f.column: "double" for f in NUMBER_FIELDS}


def test_template_matches_versioned_indexes_with_shards_and_replicas():
    body = index_template("reports", shards=3, replicas=2)
    assert body["index_patterns"] == ["reports-v*"]
    settings = body["template"]["settings"]
    assert (settings["number_of_shards"], settings["number_of_replicas"]) == (3, 2)
    assert settings["analysis"]["analyzer"][ANALYZER] == {
        "type": "custom",
        "tokenizer": "whitespace",
        "filter": ["lowercase"],
    }
    assert index_template("reports")["template"]["settings"]["auto_expand_replicas"] == "0-1"
    name = versioned_index("reports", datetime(2026, 11, 22, 14, 30, tzinfo=UTC))
    assert name == "reports-v20261122143000000000"


def test_alias_swap_is_one_atomic_call():
    assert alias_actions("reports", "reports-v2", ["reports-v1"]) == {
        "actions": [
            {"remove": {"index": "reports-v1", "alias": "reports"}},
            {"add": {"index": "reports-v2", "alias": "reports", "is_write_index": True}},
        ]
    }


# --------------------------------------------------------------------------- documents
def test_document_of_a_real_report(record):
    doc = document(record)
    ix = doc.pop("ix")
    assert doc == record  # _source is the record as written
    assert ix["title_seg"] == segment_text(record["title"]) and "行政复议" in ix["text_seg"].split()
    assert (ix["province"], ix["report_year"], ix["year_sort"], ix["format"]) == ("福建省", "2021", 2021, "2021")
    assert ix["published"] == "2022-02-08" and ix["has_failed_checks"] is False and ix["failed_check"] == []
    assert ix["n"]["n_applications_new_received_total"] == 70 and "city" not in ix
    action = bulk_action(record, "reports")
    assert (action["_op_type"], action["_index"], action["_id"]) == ("index", "reports", record["id"])


@pytest.mark.parametrize(
    "bad", [{"title": "x"}, {"id": ""}, {"id": "x", "text": 3}, {"id": "x", "report_year": "2020"}]
)
def test_bad_records_rejected(bad):
    with pytest.raises(InvalidRecord):
        document(bad)


# --------------------------------------------------------------------------- search bodies
def test_words_dates_and_multi_select_filters():
    body = search_body(
        plan(
            q="行政复议 信访局",
            filters={"province": ["福建省"], "format": ["2021"]},
            published_from="2021-01-01",
            facets=("province", "format", "level"),
        ),
        size=20,
    )
    terms = " ".join(query_terms("行政复议 信访局"))
    assert body["query"] == {
        "bool": {
            "must": [
                {
                    "combined_fields": {
                        "query": terms,
                        "fields": ["ix.title_seg^10", "ix.agency_seg^5", "ix.text_seg^1"],
                        "operator": "and",
                    }
                }
            ],
            "filter": [{"range": {"ix.published": {"gte": "2021-01-01"}}}],
        }
    }
    province, fmt = {"terms": {"ix.province": ["福建省"]}}, {"terms": {"ix.format": ["2021"]}}
    assert body["post_filter"] == {"bool": {"filter": [province, fmt]}}
    aggs = body["aggs"]
    assert aggs["f0"]["filter"] == {"bool": {"filter": [fmt]}}  # province facet ignores its own filter
    assert aggs["f1"]["filter"] == {"bool": {"filter": [province]}}
    assert aggs["f2"]["filter"] == {"bool": {"filter": [province, fmt]}}
    assert aggs["f0"]["aggs"]["selected"]["terms"]["include"] == ["福建省"]
    assert aggs["selected_exist"]["global"] == {} and set(aggs["selected_exist"]["aggs"]) == {"province", "format"}
    assert body["track_total_hits"] is True and body["size"] == 20 and "from" not in body


def test_where_conditions_and_bucket_facets():
    body = search_body(plan(where=[f"{NEW}>=10", f"{NEW}!=50", "review.total=0"], facets=(NEW,)), size=5, offset=40)
    new_field = "ix.n.n_applications_new_received_total"
    new_group = {
        "bool": {
            "filter": [
                {"range": {new_field: {"gte": 10.0}}},
                {"bool": {"filter": [{"exists": {"field": new_field}}], "must_not": [{"term": {new_field: 50.0}}]}},
            ]
        }
    }
    review = {"term": {"ix.n.n_review_total": 0.0}}
    assert body["query"] == {"match_all": {}} and body["from"] == 40
    assert body["post_filter"] == {"bool": {"filter": [new_group, review]}}
    facet = body["aggs"]["f0"]
    assert facet["filter"] == {"bool": {"filter": [review]}}  # its own number's conditions ignored
    assert facet["aggs"]["ranges"]["range"] == {
        "field": new_field,
        "ranges": [
            {"key": "0", "from": 0, "to": 1},
            {"key": "1-9", "from": 1, "to": 10},
            {"key": "10-99", "from": 10, "to": 100},
            {"key": "100-999", "from": 100, "to": 1000},
            {"key": "1000+", "from": 1000},
        ],
    }


def test_check_filters():
    body = search_body(plan(filters={"has_failed_checks": ["true"], "failed_check": ["unparsed"]}, facets=()), size=1)
    assert body["post_filter"] == {
        "bool": {"filter": [{"terms": {"ix.has_failed_checks": [True]}}, {"terms": {"ix.failed_check": ["unparsed"]}}]}
    }
    assert "aggs" not in body


@pytest.mark.parametrize(
    "sort, q, expected",
    [
        ("relevance", "行政复议", [{"_score": {"order": "desc"}}, {"id": {"order": "asc"}}]),
        ("relevance", "", [{"ix.published": {"order": "desc", "missing": "_last"}}, {"id": {"order": "asc"}}]),
        ("report_year", "", [{"ix.year_sort": {"order": "asc", "missing": "_last"}}, {"id": {"order": "asc"}}]),
        (
            "-" + NEW,
            "x",
            [
                {"ix.n.n_applications_new_received_total": {"order": "desc", "missing": "_last"}},
                {"id": {"order": "asc"}},
            ],
        ),
    ],
)
def test_sorts(sort, q, expected):
    assert sort_clause(plan(sort=sort, q=q)) == expected


def test_deep_page_and_export_bodies():
    body = search_body(
        plan(sort="published"),
        size=100,
        search_after=["2021-01-01", "x"],
        facets=False,
        source={"excludes": ["text"]},
        timeout_ms=2000,
    )
    assert body["search_after"] == ["2021-01-01", "x"] and "from" not in body and "aggs" not in body
    assert body["_source"] == {"excludes": ["text"]} and body["timeout"] == "2000ms"


def test_read_facets_like_sqlite():
    p = plan(
        filters={"province": ["海南省", "不存在省"], "failed_check": ["unparsed"]},
        facet_limit=1,
        facets=("province", "has_failed_checks", "failed_check", NEW),
    )
    aggs = {
        "f0": {
            "top": {"buckets": [{"key": "福建省", "doc_count": 7}]},
            "selected": {"buckets": [{"key": "海南省", "doc_count": 0}]},
        },
        "f1": {"values": {"buckets": [{"key": 1, "key_as_string": "true", "doc_count": 2}]}},
        "f2": {
            "values": {
                "buckets": [{"key": "suits_totals", "doc_count": 2}, {"key": "applications_balance", "doc_count": 2}]
            }
        },
        "f3": {"ranges": {"buckets": [{"key": "0", "doc_count": 1}, {"key": "1000+", "doc_count": 4}]}},
        "selected_exist": {"province": {"buckets": [{"key": "海南省", "doc_count": 3}]}},
    }
    assert read_facets(p, aggs) == {
        "province": [("福建省", 7), ("海南省", 0)],  # selected and existing: kept; unknown: not
        "has_failed_checks": [("true", 2)],
        "failed_check": [("applications_balance", 2), ("unparsed", 0)],  # ties by name, selected kept
        NEW: [("0", 1), ("1-9", 0), ("10-99", 0), ("100-999", 0), ("1000+", 4)],
    }
