"""Consistency checks on `stats` (docs/RECORD.md `checks`): one function per rule, each evaluated where it can be.

Each function returns one result {"rule", "ok", "detail"} (a failing detail names every column or
group that failed and by how much), or None when the cells it needs are absent.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from indexer.model import Check, Format, Number, RuleName, Stats
from indexer.tables.schema import (
    APPLICANT_COLUMNS,
    APPLICANT_GROUPS,
    RESULT_ROWS,
    SUIT_GROUPS,
    SUIT_RESULT_OUTCOMES,
    other_rows_variant,
)

TOLERANCE = 1e-6  # amounts are decimals; counts are exact either way
BALANCE_ROWS = ("new_received", "carried_over", "total_processed", "carried_forward")


def _num(value: Number) -> str:
    """Print a number without a trailing .0."""
    return str(int(value)) if float(value).is_integer() else str(value)


def _cell(node: object, *path: str) -> Number | None:
    """Return the number at `path` inside nested stats mappings, or None where a key is missing."""
    for key in path:
        node = node.get(key) if isinstance(node, Mapping) else None
    return node if isinstance(node, (int, float)) else None


def _present(values: list[Number | None]) -> list[Number] | None:
    """Return the values if none is missing, else None."""
    present = [v for v in values if v is not None]
    return present if len(present) == len(values) else None


def _result(rule: RuleName, failures: list[str], evaluated: int, what: str) -> Check | None:
    """Build a check result; None when nothing could be evaluated."""
    if not evaluated:
        return None
    detail = "; ".join(failures) if failures else f"{evaluated} {what} consistent"
    return {"rule": rule, "ok": not failures, "detail": detail}


def _differs(left: Number, right: Number) -> bool:
    """Tell whether two sums differ."""
    return abs(left - right) > TOLERANCE


def applications_balance(stats: Stats, fmt: Format) -> Check | None:
    """Per column: new_received + carried_over = total_processed + carried_forward."""
    failures, evaluated = [], 0
    for column in APPLICANT_COLUMNS:
        values = _present([_cell(stats, "applications", row, column) for row in BALANCE_ROWS])
        if values is None:
            continue
        evaluated += 1
        new, carried, processed, forward = values
        if _differs(new + carried, processed + forward):
            failures.append(f"{column}: {_num(new)} + {_num(carried)} != {_num(processed)} + {_num(forward)}")
    return _result("applications_balance", failures, evaluated, "column(s)")


def applications_results_sum(stats: Stats, fmt: Format) -> Check | None:
    """Per column: total_processed = the sum of the result rows (granted … other*, as the table prints 其他处理)."""
    if fmt not in RESULT_ROWS:
        return None
    rows = RESULT_ROWS[other_rows_variant(stats.get("applications") or {}, fmt)]
    failures, evaluated = [], 0
    for column in APPLICANT_COLUMNS:
        values = _present([_cell(stats, "applications", row, column) for row in rows])
        total = _cell(stats, "applications", "total_processed", column)
        if values is None or total is None:
            continue
        evaluated += 1
        if _differs(sum(values), total):
            failures.append(f"{column}: {_num(total)} != {_num(sum(values))} (sum of result rows)")
    return _result("applications_results_sum", failures, evaluated, "column(s)")


def applications_row_totals(stats: Stats, fmt: Format) -> Check | None:
    """Per row: the six applicant columns add up to `total`."""
    failures, evaluated = [], 0
    for row, cells in (stats.get("applications") or {}).items():
        parts = _present([_cell(cells, column) for column in APPLICANT_GROUPS])
        total = _cell(cells, "total")
        if parts is None or total is None:
            continue
        evaluated += 1
        if _differs(sum(parts), total):
            failures.append(f"{row}: {' + '.join(_num(p) for p in parts)} != {_num(total)}")
    return _result("applications_row_totals", failures, evaluated, "row(s)")


def suits_totals(stats: Stats, fmt: Format) -> Check | None:
    """In each of review / litigation_direct / litigation_after_review, the four outcomes add up to total."""
    failures, evaluated = [], 0
    for group in SUIT_GROUPS:
        parts = _present([_cell(stats, group, outcome) for outcome in SUIT_RESULT_OUTCOMES])
        total = _cell(stats, group, "total")
        if parts is None or total is None:
            continue
        evaluated += 1
        if _differs(sum(parts), total):
            failures.append(f"{group}: {' + '.join(_num(p) for p in parts)} != {_num(total)}")
    return _result("suits_totals", failures, evaluated, "group(s)")


RULES: tuple[Callable[[Stats, Format], Check | None], ...] = (
    applications_balance,
    applications_results_sum,
    applications_row_totals,
    suits_totals,
)


def unparsed_checks(problems: list[str]) -> list[Check]:
    """Turn cells that could not be read into 'unparsed' results."""
    return [{"rule": "unparsed", "ok": False, "detail": problem} for problem in problems]


def run_checks(stats: Stats | None, fmt: Format, unparsed: list[str] | None = None) -> list[Check]:
    """Evaluate every rule that the stats allow, then report unreadable cells."""
    results = [rule(stats, fmt) for rule in RULES] if stats is not None else []
    return [r for r in results if r is not None] + unparsed_checks(unparsed or [])
