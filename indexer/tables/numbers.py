"""Searchable numbers of a report (issue #3): one registry every storage backend reads.

A *number* is a dotted name (``applications.new_received.total``) with a rule computing it from
a record's ``stats``; it is null when the cells it needs are missing, never 0. Backends store
each number in a column (SQLite) or a mapped field (Elasticsearch), filter on it with
conditions (``where=applications.new_received.total>=10``, storage/plan.py), sort by it and
count it in range buckets (storage/facets.py). ``TABLE_CELLS`` lists every table cell of both
formats in table order, with its official label, for exports.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from indexer.tables import schema

Number = float | int


# --------------------------------------------------------------------------- reading stats
def cell(stats: object, *path: str) -> Number | None:
    """The number at `path` in `stats` (e.g. "applications", "granted", "total"), or None."""
    node: object = stats
    for key in path:
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    if isinstance(node, bool) or not isinstance(node, (int, float)):
        return None
    return node if math.isfinite(node) else None


def sum_present(values: list[Number | None]) -> Number | None:
    """Sum of the values that are present; None when none is."""
    present = [v for v in values if v is not None]
    return sum(present) if present else None


def _cell_rule(*path: str) -> Callable[[object], Number | None]:
    """A rule reading one cell."""
    return lambda stats: cell(stats, *path)


def _sum_rule(*paths: tuple[str, ...]) -> Callable[[object], Number | None]:
    """A rule adding several cells (the ones present; None if none is)."""
    return lambda stats: sum_present([cell(stats, *p) for p in paths])


# --------------------------------------------------------------------------- the registry
@dataclass(frozen=True)
class NumberField:
    """One searchable number: its dotted name, a label, the storage column and its rule."""

    name: str
    label: str
    compute: Callable[[object], Number | None]

    @property
    def column(self) -> str:
        """A safe SQL identifier / Elasticsearch field name for the number."""
        return "n_" + self.name.replace(".", "_")


def _app(row: str) -> NumberField:
    """The `total` column of one table-三 row."""
    label = schema.APPLICATION_ROWS["2021"].get(row) or schema.APPLICATION_ROWS["2019"][row]
    return NumberField(f"applications.{row}.total", f"三·{label}·总计", _cell_rule("applications", row, "total"))


def _suit(group: str, outcome: str) -> NumberField:
    """One outcome of a table-四 group."""
    return NumberField(
        f"{group}.{outcome}",
        f"四·{schema.SUIT_GROUPS[group]}·{schema.SUIT_OUTCOMES[outcome]}",
        _cell_rule(group, outcome),
    )


_UNAVAILABLE_ROWS = tuple(k for k in schema.APPLICATION_ROWS["2019"] if k.startswith("unavailable_"))
_NOT_PROCESSED_ROWS = tuple(k for k in schema.APPLICATION_ROWS["2019"] if k.startswith("not_processed_"))

NUMBER_FIELDS: tuple[NumberField, ...] = (
    _app("new_received"),
    _app("carried_over"),
    _app("granted"),
    _app("partly_granted"),
    NumberField(
        "applications.denied.total",
        "三·不予公开·总计(各项之和)",
        _sum_rule(*(("applications", r, "total") for r in schema.DENIED_ROWS)),
    ),
    NumberField(
        "applications.unavailable.total",
        "三·无法提供·总计(各项之和)",
        _sum_rule(*(("applications", r, "total") for r in _UNAVAILABLE_ROWS)),
    ),
    NumberField(
        "applications.not_processed.total",
        "三·不予处理·总计(各项之和)",
        _sum_rule(*(("applications", r, "total") for r in _NOT_PROCESSED_ROWS)),
    ),
    _app("total_processed"),
    _suit("review", "total"),
    _suit("review", "corrected"),
    _suit("litigation_direct", "total"),
    _suit("litigation_direct", "corrected"),
    _suit("litigation_after_review", "total"),
    _suit("litigation_after_review", "corrected"),
    NumberField(
        "litigation.total",
        "四·行政诉讼·总计(直接起诉+复议后起诉)",
        _sum_rule(("litigation_direct", "total"), ("litigation_after_review", "total")),
    ),
    NumberField(
        "litigation.corrected",
        "四·行政诉讼·结果纠正(直接起诉+复议后起诉)",
        _sum_rule(("litigation_direct", "corrected"), ("litigation_after_review", "corrected")),
    ),
)
NUMBERS: dict[str, NumberField] = {f.name: f for f in NUMBER_FIELDS}
NUMBER_NAMES: tuple[str, ...] = tuple(NUMBERS)
# The numbers every search hit carries (besides those its query filters or sorts by): a report at a glance.
HEADLINE_NUMBERS: tuple[str, ...] = (
    "applications.new_received.total",
    "applications.granted.total",
    "applications.denied.total",
    "review.total",
    "review.corrected",
    "litigation.total",
    "litigation.corrected",
)


def compute_numbers(stats: object) -> dict[str, Number | None]:
    """Every registered number of one record's stats (None where the cells are missing)."""
    return {f.name: f.compute(stats) for f in NUMBER_FIELDS}


def pick_numbers(stats: object, names: Iterable[str]) -> dict[str, Number | None]:
    """The named registered numbers of one record's stats, in the order given (None where the cells are missing)."""
    return {name: NUMBERS[name].compute(stats) for name in names}


# --------------------------------------------------------------------------- table cells (exports)
@dataclass(frozen=True)
class TableCell:
    """One cell of tables 二, 三, 四: its path in `stats`, dotted key and official label."""

    path: tuple[str, ...]
    label: str

    @property
    def key(self) -> str:
        """Dotted key, e.g. applications.new_received.natural_person."""
        return ".".join(self.path)

    @property
    def header(self) -> str:
        """A column header a spreadsheet user can read: label plus key."""
        return f"{self.label} ({self.key})"


def _union_in_order(*groups: Iterable[str]) -> list[str]:
    """The keys of several sequences, first occurrence order."""
    return list(dict.fromkeys(k for group in groups for k in group))


def _table_cells() -> tuple[TableCell, ...]:
    """Every cell of both formats in table order (二 proactive, 三 applications, 四 suits)."""
    cells = []
    layouts = [schema.PROACTIVE_LAYOUT[f] for f in ("2019", "2021")]
    for row, row_label in schema.PROACTIVE_ROWS.items():
        for col in _union_in_order(*(layout.get(row, ()) for layout in layouts)):
            cells.append(TableCell(("proactive", row, col), f"二·{row_label}·{schema.PROACTIVE_COLUMNS[col]}"))
    rows = {**schema.APPLICATION_ROWS["2019"], **schema.APPLICATION_ROWS["2021"]}
    order = _union_in_order(schema.APPLICATION_ROWS["2019"], schema.APPLICATION_ROWS["2021"])
    order = [r for r in order if r not in ("total_processed", "carried_forward")] + [
        "total_processed",
        "carried_forward",
    ]
    for row in order:
        for col, col_label in schema.APPLICANT_COLUMNS.items():
            cells.append(TableCell(("applications", row, col), f"三·{rows[row]}·{col_label}"))
    for group, group_label in schema.SUIT_GROUPS.items():
        for outcome, outcome_label in schema.SUIT_OUTCOMES.items():
            cells.append(TableCell((group, outcome), f"四·{group_label}·{outcome_label}"))
    return tuple(cells)


TABLE_CELLS: tuple[TableCell, ...] = _table_cells()
