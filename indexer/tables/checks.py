"""Consistency checks on `stats` (RECORD.md `checks`): one function per rule, each evaluated where it can be.

Each function returns one result {"rule", "ok", "detail"} (a failing detail names every column or
group that failed and by how much), or None when the cells it needs are absent.
"""

from __future__ import annotations

from collections.abc import Callable

from indexer.tables.schema import (
    APPLICANT_COLUMNS,
    APPLICANT_GROUPS,
    RESULT_ROWS,
    SUIT_GROUPS,
    SUIT_RESULT_OUTCOMES,
)

Number = int | float
TOLERANCE = 1e-6  # amounts are decimals; counts are exact either way


def _num(value: Number) -> str:
    """Print a number without a trailing .0."""
    return str(int(value)) if float(value).is_integer() else str(value)


def _result(rule: str, failures: list[str], evaluated: int, what: str) -> dict | None:
    """Build a check result; None when nothing could be evaluated."""
    if not evaluated:
        return None
    detail = "; ".join(failures) if failures else f"{evaluated} {what} consistent"
    return {"rule": rule, "ok": not failures, "detail": detail}


def _values(applications: dict, rows: tuple[str, ...], column: str) -> list[Number] | None:
    """Return the column's values in the given rows, or None if any is missing."""
    values = [applications.get(row, {}).get(column) for row in rows]
    return None if any(v is None for v in values) else values


def _differs(left: Number, right: Number) -> bool:
    """Tell whether two sums differ."""
    return abs(left - right) > TOLERANCE


def applications_balance(stats: dict, fmt: str) -> dict | None:
    """Per column: new_received + carried_over = total_processed + carried_forward."""
    applications = stats.get("applications") or {}
    failures, evaluated = [], 0
    for column in APPLICANT_COLUMNS:
        values = _values(applications, ("new_received", "carried_over", "total_processed", "carried_forward"), column)
        if values is None:
            continue
        evaluated += 1
        new, carried, processed, forward = values
        if _differs(new + carried, processed + forward):
            failures.append(f"{column}: {_num(new)} + {_num(carried)} != {_num(processed)} + {_num(forward)}")
    return _result("applications_balance", failures, evaluated, "column(s)")


def applications_results_sum(stats: dict, fmt: str) -> dict | None:
    """Per column: total_processed = the sum of the result rows (granted … other*)."""
    applications = stats.get("applications") or {}
    rows = RESULT_ROWS.get(fmt)
    if rows is None:
        return None
    failures, evaluated = [], 0
    for column in APPLICANT_COLUMNS:
        values = _values(applications, rows, column)
        total = applications.get("total_processed", {}).get(column)
        if values is None or total is None:
            continue
        evaluated += 1
        if _differs(sum(values), total):
            failures.append(f"{column}: {_num(total)} != {_num(sum(values))} (sum of result rows)")
    return _result("applications_results_sum", failures, evaluated, "column(s)")


def applications_row_totals(stats: dict, fmt: str) -> dict | None:
    """Per row: the six applicant columns add up to `total`."""
    failures, evaluated = [], 0
    for row, values in (stats.get("applications") or {}).items():
        parts = [values.get(c) for c in APPLICANT_GROUPS]
        total = values.get("total")
        if total is None or any(p is None for p in parts):
            continue
        evaluated += 1
        if _differs(sum(parts), total):
            failures.append(f"{row}: {' + '.join(_num(p) for p in parts)} != {_num(total)}")
    return _result("applications_row_totals", failures, evaluated, "row(s)")


def suits_totals(stats: dict, fmt: str) -> dict | None:
    """In each of review / litigation_direct / litigation_after_review, the four outcomes add up to total."""
    failures, evaluated = [], 0
    for group in SUIT_GROUPS:
        values = stats.get(group) or {}
        parts = [values.get(o) for o in SUIT_RESULT_OUTCOMES]
        total = values.get("total")
        if total is None or any(p is None for p in parts):
            continue
        evaluated += 1
        if _differs(sum(parts), total):
            failures.append(f"{group}: {' + '.join(_num(p) for p in parts)} != {_num(total)}")
    return _result("suits_totals", failures, evaluated, "group(s)")


RULES: tuple[Callable[[dict, str], dict | None], ...] = (
    applications_balance,
    applications_results_sum,
    applications_row_totals,
    suits_totals,
)


def unparsed_checks(problems: list[str]) -> list[dict]:
    """Turn cells that could not be read into 'unparsed' results."""
    return [{"rule": "unparsed", "ok": False, "detail": problem} for problem in problems]


def run_checks(stats: dict | None, fmt: str, unparsed: list[str] | None = None) -> list[dict]:
    """Evaluate every rule that the stats allow, then report unreadable cells."""
    if stats is None:
        return unparsed_checks(unparsed or [])
    results = [rule(stats, fmt) for rule in RULES]
    return [r for r in results if r is not None] + unparsed_checks(unparsed or [])


def failed_rules(checks: list[dict]) -> set[str]:
    """Return the rule names that came out ok: false."""
    return {c["rule"] for c in checks if not c["ok"]}
