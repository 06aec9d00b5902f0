"""What every backend agrees on about facets (indexer.storage.facets): kinds, values, failed checks, top values."""

from __future__ import annotations

import pytest

from indexer.storage.facets import (
    ALL_FACETS,
    DEFAULT_FACETS,
    FILTER_FIELDS,
    FacetKind,
    facet_field,
    facet_kind,
    facet_value,
    failed_checks,
    signal_names,
    top_values,
)
from indexer.tables.numbers import NUMBER_NAMES


def test_failed_checks():
    assert failed_checks([]) is None and failed_checks(None) is None
    checks = [
        {"rule": "suits_totals", "ok": False, "detail": "review"},
        {"rule": "unparsed", "ok": True, "detail": ""},
        {"rule": "applications_balance", "ok": False, "detail": "total"},
        {"rule": "suits_totals", "ok": False, "detail": "litigation_direct"},
    ]
    assert failed_checks(checks) == ["applications_balance", "suits_totals"]
    assert failed_checks([{"rule": "unparsed", "ok": True, "detail": ""}]) == []


@pytest.mark.parametrize(
    "name, kind",
    [
        ("province", FacetKind.KEYWORD),
        ("report_year", FacetKind.KEYWORD),
        ("has_failed_checks", FacetKind.CHECK),
        ("failed_check", FacetKind.CHECK),
        ("review.total", FacetKind.NUMBER),
        ("agency", FacetKind.KEYWORD),  # counts agency ids: the record's agency_id
        ("signal", FacetKind.CHECK),
        ("agency_id", None),  # a filter, not a facet
        ("published", None),
        ("revised", FacetKind.FLAG),
        ("withdrawn", FacetKind.FLAG),
        ("version", None),  # a filter, not a facet
    ],
)
def test_facet_kinds(name, kind):
    assert facet_kind(name) is kind


def test_every_facet_has_a_kind_and_numbers_are_not_default():
    assert all(facet_kind(name) is not None for name in ALL_FACETS)
    assert not set(DEFAULT_FACETS) & set(NUMBER_NAMES)
    assert not set(DEFAULT_FACETS) & {"agency", "signal"}  # counted only when asked for


def test_facets_and_the_fields_they_count():
    assert facet_field("agency") == "agency_id" and facet_field("province") == "province"
    assert set(FILTER_FIELDS) >= {"agency_id", "signal", "failed_check"} and "agency" not in FILTER_FIELDS
    assert set(FILTER_FIELDS) >= {"version", "revised", "withdrawn"} and {"revised", "withdrawn"} <= set(DEFAULT_FACETS)


def test_signal_names():
    signals = [{"signal": "late", "detail": "", "evidence": {}}, {"signal": "copied"}, {"signal": "late"}, {"x": 1}]
    assert signal_names(signals) == ["copied", "late"]
    assert signal_names(None) == [] and signal_names([{"signal": "unknown"}]) == []


@pytest.mark.parametrize("value, expected", [(2019, "2019"), ("福建省", "福建省"), ("", None), (None, None)])
def test_facet_values_are_strings(value, expected):
    assert facet_value(value) == expected


def test_top_values_order_cut_and_selected():
    counts = {"b": 3, "a": 3, "c": 5, "d": 1, "z": 0}
    assert top_values(counts, 3, ()) == [("c", 5), ("a", 3), ("b", 3)]  # most frequent first, ties by value
    assert top_values(counts, 2, ("d", "z", "new", "c")) == [("c", 5), ("a", 3), ("d", 1), ("z", 0), ("new", 0)]
    assert top_values({}, 5, ()) == []
