"""Query planning (indexer.storage.plan): the `where` grammar and the typed groups every backend translates."""

from __future__ import annotations

from datetime import date

import pytest

from indexer.errors import QueryError
from indexer.storage.base import SearchQuery
from indexer.storage.facets import FacetKind
from indexer.storage.plan import Condition, DateRange, Facet, Order, QueryPlan, parse_condition
from reference import holds

NEW = "applications.new_received.total"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("applications.new_received.total>=10", Condition("applications.new_received.total", ">=", 10)),
        (" review.total != 0 ", Condition("review.total", "!=", 0)),
        ("litigation.total<2.5", Condition("litigation.total", "<", 2.5)),
        ("applications.denied.total=-1", Condition("applications.denied.total", "=", -1)),
        ("review.corrected>0", Condition("review.corrected", ">", 0)),
        ("review.corrected<=3", Condition("review.corrected", "<=", 3)),
    ],
)
def test_parse_condition(text, expected):
    assert parse_condition(text) == expected


@pytest.mark.parametrize(
    "text, message",
    [
        ("applications.total>=1", "unknown number"),
        ("title>=1", "unknown number"),
        ("review.total", "cannot read"),
        ("review.total>=", "cannot read"),
        ("review.total=>1", "cannot read"),
        ("review.total>=1e9", "cannot read"),
        ("review.total>=nan", "cannot read"),
        ("review.total>=1 OR 1=1", "cannot read"),
        ("", "cannot read"),
        ("review.total>=" + "9" * 300, "at most"),
        ("review.total==1", "cannot read"),
    ],
)
def test_bad_conditions_name_the_valid_numbers(text, message):
    with pytest.raises(QueryError, match=message) as err:
        parse_condition(text)
    if message != "at most":
        assert "applications.new_received.total" in str(err.value)


def test_null_never_holds():
    assert not holds(None, Condition("review.total", "!=", 0))
    assert holds(3, Condition("review.total", "!=", 0)) and not holds(0, Condition("review.total", ">", 0))


def test_filters_and_facets_are_classified_once():
    plan = QueryPlan.build(
        SearchQuery(
            q="行政复议",
            filters={
                "report_year": ["2021", "2021", "2022"],
                "has_failed_checks": ["false", "true"],
                "failed_check": ["unparsed"],
                "province": ["福建省"],
            },
            where=[f"{NEW}>=10", "review.total=0", f"{NEW}!=50"],
            published_from="2021-01-01",
            facets=("province", NEW, "failed_check", "province"),
            facet_limit=0,
        )
    )
    assert plan.keyword_filters == {"report_year": ("2021", "2022"), "province": ("福建省",)}
    assert (plan.has_failed_checks, plan.failed_checks) == ((False, True), ("unparsed",))
    assert plan.number_filters == {
        NEW: (Condition(NEW, ">=", 10), Condition(NEW, "!=", 50)),
        "review.total": (Condition("review.total", "=", 0),),
    }
    assert plan.published == DateRange(date(2021, 1, 1).toordinal(), None) and plan.published.bounded
    assert plan.facets == (
        Facet("province", FacetKind.KEYWORD),
        Facet(NEW, FacetKind.NUMBER),
        Facet("failed_check", FacetKind.CHECK),
    )
    assert plan.facet_limit == 1 and plan.ranked and plan.terms
    assert plan.selected("has_failed_checks") == ("false", "true") and plan.selected("failed_check") == ("unparsed",)
    assert plan.selected("province") == ("福建省",) and plan.selected("city") == ()


def test_history_filters_are_version_numbers_and_flags():
    plan = QueryPlan.build(
        SearchQuery(filters={"version": ["2", "3", "2"], "revised": ["true"], "withdrawn": ["false", "true"]})
    )
    assert plan.versions == (2, 3) and plan.flags == {"revised": (True,), "withdrawn": (False, True)}
    assert plan.selected("revised") == ("true",) and plan.selected("withdrawn") == ("false", "true")
    assert QueryPlan.build(SearchQuery()).flags == {} and QueryPlan.build(SearchQuery()).versions == ()
    assert QueryPlan.build(SearchQuery(facets=("revised",))).facets == (Facet("revised", FacetKind.FLAG),)


@pytest.mark.parametrize(
    "sort, q, ranked, order",
    [
        ("-version", "行政复议", False, Order("version", True)),
        ("changed_at", "", False, Order("changed_at", False)),
        ("relevance", "行政复议", True, Order("published", True)),
        ("relevance", "", False, Order("published", True)),  # no words: newest first
        ("report_year", "行政复议", False, Order("report_year", False)),
        ("-" + NEW, "", False, Order(NEW, True)),
    ],
)
def test_order(sort, q, ranked, order):
    plan = QueryPlan.build(SearchQuery(q=q, sort=sort))
    assert (plan.ranked, plan.order) == (ranked, order)
    assert plan.order.by_number == (order.key == NEW)


@pytest.mark.parametrize(
    "query, message",
    [
        (SearchQuery(filters={"agency": ["x"]}), "unknown facet field"),
        (SearchQuery(filters={"applications.new_received.total": ["1"]}), "to filter on"),
        (SearchQuery(facets=("title", "province")), "unknown facet field"),
        (SearchQuery(sort="title"), "sort must be one of"),
        (SearchQuery(limit=1001), "limit"),
        (SearchQuery(offset=-1), "offset"),
        (SearchQuery(published_to="2020-1-1"), "published_to"),
        (SearchQuery(published_from="2021-01-01", published_to="2020-01-01"), "after"),
        (SearchQuery(filters={"has_failed_checks": ["yes"]}), "has_failed_checks"),
        (SearchQuery(filters={"failed_check": [" unparsed"]}), "failed_check"),
        (SearchQuery(where=["review.total>>1"]), "cannot read"),
        (SearchQuery(filters={"version": ["二"]}), "version values are version numbers"),
        (SearchQuery(filters={"version": ["0"]}), "version values"),
        (SearchQuery(filters={"version": ["1.5"]}), "version values"),
        (SearchQuery(filters={"revised": ["1"]}), "revised is 'true' or 'false'"),
        (SearchQuery(filters={"withdrawn": ["no"]}), "withdrawn"),
    ],
)
def test_unacceptable_queries_are_query_errors(query, message):
    with pytest.raises(QueryError, match=message):
        QueryPlan.build(query)


def test_export_plan():
    plan = QueryPlan.for_export(SearchQuery(offset=40, limit=5, sort="published"), max_rows=5000)
    assert (plan.offset, plan.limit, plan.facets, plan.order) == (0, 5000, (), Order("published", False))
    for rows in (-1, 10_001):
        with pytest.raises(QueryError, match="export"):
            QueryPlan.for_export(SearchQuery(), rows)
