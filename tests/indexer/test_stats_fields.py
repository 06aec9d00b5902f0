"""The registry of searchable numbers and table cells (indexer.tables.numbers)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from indexer.tables import schema as stats_schema
from indexer.tables.numbers import NUMBER_NAMES, NUMBERS, TABLE_CELLS, compute_numbers
from sample_files import PINGTAN, SAMPLES, sample_files

GOLD_WITH_STATS = [
    p
    for p in sample_files(SAMPLES, "*.gold.json", at_least=3) + sample_files(PINGTAN, "*.gold.json", at_least=6)
    if json.loads(p.read_text(encoding="utf-8")).get("stats")
]
REQUIRED = (
    "applications.new_received.total",
    "applications.carried_over.total",
    "applications.granted.total",
    "applications.partly_granted.total",
    "applications.denied.total",
    "applications.unavailable.total",
    "applications.not_processed.total",
    "applications.total_processed.total",
    "review.total",
    "review.corrected",
    "litigation_direct.total",
    "litigation_direct.corrected",
    "litigation_after_review.total",
    "litigation_after_review.corrected",
    "litigation.total",
)


def gold_stats(path: Path) -> dict:
    """The stats of one gold file."""
    return json.loads(path.read_text(encoding="utf-8"))["stats"]


def leaves(node: dict, path: tuple[str, ...] = ()):
    """(dotted key, value) of every number in a stats object."""
    for key, value in node.items():
        if isinstance(value, dict):
            yield from leaves(value, (*path, key))
        else:
            yield ".".join((*path, key)), value


def test_registry_has_the_required_numbers_with_safe_columns():
    assert set(REQUIRED) <= set(NUMBER_NAMES)
    assert all(f.column.replace("_", "").isalnum() and f.column.startswith("n_") for f in NUMBERS.values())
    assert len({f.column for f in NUMBERS.values()}) == len(NUMBERS)


def test_numbers_of_pingtan_2021_report_match_its_table():
    stats = gold_stats(PINGTAN / "80613.gold.json")
    numbers = compute_numbers(stats)
    apps = stats["applications"]
    assert numbers["applications.new_received.total"] == apps["new_received"]["total"] == 70
    assert numbers["applications.total_processed.total"] == 69
    assert numbers["applications.denied.total"] == sum(apps[r]["total"] for r in stats_schema.DENIED_ROWS) == 8
    assert numbers["applications.unavailable.total"] == 25
    assert numbers["review.total"] == stats["review"]["total"] == 3
    assert (
        numbers["litigation.total"] == stats["litigation_direct"]["total"] + stats["litigation_after_review"]["total"]
    )


@pytest.mark.parametrize("path", GOLD_WITH_STATS, ids=lambda p: p.stem)
def test_every_gold_number_is_computed(path):
    numbers = compute_numbers(json.loads(path.read_text(encoding="utf-8"))["stats"])
    assert all(isinstance(v, (int, float)) for v in numbers.values())


def test_missing_cells_are_null_never_zero():
    assert set(compute_numbers(None).values()) == {None}
    assert set(compute_numbers({}).values()) == {None}
    partial = {
        "applications": {"denied_third_party": {"total": 4}, "granted": {"natural_person": 3}},
        "litigation_direct": {"total": 2},
        "review": {"total": "3"},
    }
    numbers = compute_numbers(partial)
    assert numbers["applications.denied.total"] == 4  # the rows present are added up
    assert numbers["applications.granted.total"] is None  # a cell of another column is not the total
    assert numbers["applications.unavailable.total"] is None
    assert numbers["litigation.total"] == 2
    assert numbers["review.total"] is None  # not a number


def test_table_cells_cover_both_formats_in_table_order():
    keys = [c.key for c in TABLE_CELLS]
    assert len(keys) == len(set(keys))
    assert keys.index("proactive.regulations.new_made") < keys.index("applications.new_received.natural_person")
    assert (
        keys.index("applications.other.total")
        < keys.index("applications.other_other.total")
        < keys.index("applications.total_processed.total")
        < keys.index("applications.carried_forward.total")
        < keys.index("review.upheld")
        < keys.index("litigation_after_review.total")
    )
    cell = {c.key: c for c in TABLE_CELLS}["applications.new_received.natural_person"]
    assert cell.header == "三·本年新收政府信息公开申请数量·自然人 (applications.new_received.natural_person)"


@pytest.mark.parametrize("path", GOLD_WITH_STATS, ids=lambda p: p.stem)
def test_every_gold_cell_has_a_column(path):
    keys = {c.key for c in TABLE_CELLS}
    stats = json.loads(path.read_text(encoding="utf-8"))["stats"]
    assert {k for k, _ in leaves(stats)} <= keys
