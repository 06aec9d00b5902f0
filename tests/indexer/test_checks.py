"""Consistency checks: one rule at a time on small stats, then on real samples."""

import copy
import json

import pytest

from indexer.record import build_record
from indexer.tables.checks import (
    applications_balance,
    applications_results_sum,
    applications_row_totals,
    run_checks,
    suits_totals,
)
from sample_files import SAMPLES

LINGWU = json.loads((SAMPLES / "lingwu-minzheng-2024.gold.json").read_text(encoding="utf-8"))["stats"]
SAIHAN = json.loads((SAMPLES / "saihan-minzheng-2019.gold.json").read_text(encoding="utf-8"))["stats"]


def failed_rules(checks: list[dict]) -> set[str]:
    """Return the rule names that came out ok: false."""
    return {check["rule"] for check in checks if not check["ok"]}


def changed(stats: dict, path: tuple[str, ...], value) -> dict:
    """Return a copy of stats with one cell changed."""
    stats = copy.deepcopy(stats)
    target = stats
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return stats


@pytest.mark.parametrize(
    "rule", [applications_balance, applications_results_sum, applications_row_totals, suits_totals]
)
def test_consistent_sample_passes(rule):
    result = rule(LINGWU, "2021")
    assert result["ok"] is True and result["rule"] == rule.__name__


def test_balance_names_column_and_amounts():
    stats = changed(LINGWU, ("applications", "new_received", "legal_services"), 1)
    result = applications_balance(stats, "2021")
    assert result == {"rule": "applications_balance", "ok": False, "detail": "legal_services: 1 + 0 != 0 + 0"}


def test_results_sum_lists_every_failing_column():
    stats = changed(LINGWU, ("applications", "granted", "natural_person"), 1)
    stats = changed(stats, ("applications", "denied_inquiry", "total"), 4)
    result = applications_results_sum(stats, "2021")
    assert not result["ok"]
    assert result["detail"] == ("natural_person: 2 != 1 (sum of result rows); total: 2 != 6 (sum of result rows)")


def test_results_sum_uses_the_format_rows():
    """2021 rows other_no_correction… count; a 2019 'other' row would not exist."""
    stats = changed(LINGWU, ("applications", "other_other", "natural_person"), 1)
    assert not applications_results_sum(stats, "2021")["ok"]


def test_row_totals_name_the_row():
    stats = changed(LINGWU, ("applications", "partly_granted", "total"), 3)
    result = applications_row_totals(stats, "2021")
    assert result["detail"] == "partly_granted: 0 + 0 + 0 + 0 + 0 + 0 != 3"


def test_suits_totals_name_the_group():
    stats = changed(LINGWU, ("litigation_after_review", "total"), 2)
    assert suits_totals(stats, "2021") == {
        "rule": "suits_totals",
        "ok": False,
        "detail": "litigation_after_review: 0 + 0 + 0 + 0 != 2",
    }


def test_merged_rows_only_evaluate_totals():
    """Saihan's applications table prints one merged cell per row: row totals cannot be evaluated."""
    assert applications_row_totals(SAIHAN, "2019") is None
    assert applications_balance(SAIHAN, "2019")["detail"] == "1 column(s) consistent"
    assert applications_results_sum(SAIHAN, "2019")["ok"]


def test_null_cells_skip_the_column():
    stats = changed(LINGWU, ("applications", "carried_over", "research"), None)
    assert "6 column(s)" in applications_balance(stats, "2021")["detail"]


def test_decimals_compare_with_tolerance():
    stats = {"review": {"upheld": 0.1, "corrected": 0.2, "other": 0, "pending": 0, "total": 0.3}}
    assert suits_totals(stats, "2021")["ok"]


def test_run_checks_adds_unparsed_and_skips_legacy():
    checks = run_checks(LINGWU, "2021", ["proactive.normative_documents: cells '7777166'"])
    assert [c["rule"] for c in checks] == [
        "applications_balance",
        "applications_results_sum",
        "applications_row_totals",
        "suits_totals",
        "unparsed",
    ]
    assert failed_rules(checks) == {"unparsed"}
    assert run_checks(None, "legacy") == []


def test_record_reports_broken_arithmetic():
    """A report whose result rows do not add up to (七)总计 while 一+二 = 三+四 still holds."""
    text = (SAMPLES / "lingwu-minzheng-2024.txt").read_text(encoding="utf-8")
    broken = text.replace(
        "三、本年度办理结果 | (一)予以公开 | 2 | 0 | 0 | 0 | 0 | 0 | 2",
        "三、本年度办理结果 | (一)予以公开 | 1 | 0 | 0 | 0 | 0 | 0 | 1",
    )
    assert broken != text
    record = build_record(broken, source_format="txt")
    assert failed_rules(record["checks"]) == {"applications_results_sum"}
    failing = next(c for c in record["checks"] if c["rule"] == "applications_results_sum")
    assert "natural_person: 2 != 1" in failing["detail"] and "total: 2 != 1" in failing["detail"]
