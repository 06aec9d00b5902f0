"""Table cells read by OCR that fail their arithmetic: withheld from `stats`, listed in `extraction.withheld_cells`.

A digit OCR misread makes the tables disagree with themselves. The rules of tables/checks.py are
written here as equations (cells on the left add up to cells on the right): a row's six applicant
columns to its total, a column's result rows to 办理结果总计, each column's balance, each table-四
group's outcomes to its total. Of each failing equation, the cells that the most failing equations
share are suspect: one misread cell fails its row and its column, and only it is withheld; a lone
failing equation (a table-四 group) withholds all its cells. Withheld cells become null in `stats`, so
no searchable number, figure or comparison uses them, and an `unparsed` check names their row (as
for any cell that could not be read). Table 二 has no arithmetic: its OCR cells stay as read.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Iterator

from indexer.model import Check, Format, Number, Stats
from indexer.tables.checks import BALANCE_ROWS, TOLERANCE
from indexer.tables.numbers import cell
from indexer.tables.schema import (
    APPLICANT_COLUMNS,
    APPLICANT_GROUPS,
    RESULT_ROWS,
    SUIT_GROUPS,
    SUIT_RESULT_OUTCOMES,
    other_rows_variant,
)

Path = tuple[str, ...]
Equation = tuple[tuple[Path, ...], tuple[Path, ...]]  # (cells that add up, the cells they must equal)


def equations(stats: Stats, fmt: Format) -> Iterator[Equation]:
    """Yield every equation the checks evaluate on these stats (each rule of tables/checks.py, cell by cell)."""
    applications = stats.get("applications") or {}
    for column in APPLICANT_COLUMNS:
        balance = tuple(("applications", row, column) for row in BALANCE_ROWS)  # the checks' balance rule
        yield balance[:2], balance[2:]
        if fmt in RESULT_ROWS:
            rows = RESULT_ROWS[other_rows_variant(applications, fmt)]
            yield tuple(("applications", row, column) for row in rows), (("applications", "total_processed", column),)
    for row in applications:
        yield tuple(("applications", row, column) for column in APPLICANT_GROUPS), (("applications", row, "total"),)
    for group in SUIT_GROUPS:
        yield tuple((group, outcome) for outcome in SUIT_RESULT_OUTCOMES), ((group, "total"),)


def failing(stats: Stats, fmt: Format) -> list[Equation]:
    """The equations whose cells are all present and do not add up."""
    found = []
    for left, right in equations(stats, fmt):
        values = [cell(stats, *path) for path in left + right]
        if any(value is None for value in values):
            continue
        left_sum = sum(v for v in values[: len(left)] if v is not None)
        right_sum = sum(v for v in values[len(left) :] if v is not None)
        if abs(left_sum - right_sum) > TOLERANCE:
            found.append((left, right))
    return found


def suspect_cells(stats: Stats, fmt: Format) -> list[Path]:
    """The cells to withhold: of each failing equation, those shared by the most failing equations."""
    bad = failing(stats, fmt)
    shared = Counter(path for left, right in bad for path in set(left + right))
    suspects: dict[Path, None] = {}
    for left, right in bad:
        cells = left + right
        most = max(shared[path] for path in cells)
        suspects.update((path, None) for path in cells if shared[path] == most)
    return list(suspects)


def withhold_failing_cells(stats: Stats, fmt: Format) -> tuple[Stats, dict[str, Number], list[Check]]:
    """Return stats with the suspect cells null, {dotted key: figure read} of them, and one check per row."""
    suspects = suspect_cells(stats, fmt)
    if not suspects:
        return stats, {}, []
    kept = copy.deepcopy(stats)
    withheld: dict[str, Number] = {}
    by_row: dict[str, list[str]] = {}
    for path in suspects:
        value = cell(stats, *path)
        if value is None:
            continue
        withheld[".".join(path)] = value
        row: dict[str, object] = kept  # type: ignore[assignment]  # walk the nested TypedDicts by key
        for key in path[:-1]:
            row = row[key]  # type: ignore[assignment]
        row[path[-1]] = None
        by_row.setdefault(".".join(path[:-1]), []).append(f"{path[-1]} {value:g}")
    checks: list[Check] = [
        {
            "rule": "unparsed",
            "ok": False,
            "detail": f"{row}: OCR read cells that fail the arithmetic: {', '.join(cells)}",
        }
        for row, cells in by_row.items()
    ]
    return kept, withheld, checks
