"""What a facet is, written once for every backend: the facet kinds, their values, and how counts are listed.

Three kinds of facet, each also a filter:

* keyword facets: one value per report, compared as a string (``report_year`` 2019 -> "2019");
* check facets: ``has_failed_checks`` ("true"/"false"; none when no check was evaluated) and
  ``failed_check`` (several values per report: the names of the rules that failed);
* number facets: one per registered number (tables/numbers.py), counted in the range BUCKETS and
  filtered with ``where`` conditions rather than values.

A facet's counts apply every filter except its own. Value facets list the most frequent values
first (ties by value), cut to the query's facet_limit, and always keep the selected values; number
facets list every bucket in order.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from enum import Enum

from indexer.tables.numbers import NUMBER_NAMES

KEYWORD_FACETS = ("report_year", "province", "city", "county", "agency_type", "level", "format")
HAS_FAILED_CHECKS = "has_failed_checks"
FAILED_CHECK = "failed_check"
CHECK_FACETS = (HAS_FAILED_CHECKS, FAILED_CHECK)
FILTER_FIELDS = KEYWORD_FACETS + CHECK_FACETS  # filtered on by value
DEFAULT_FACETS = FILTER_FIELDS
ALL_FACETS = FILTER_FIELDS + NUMBER_NAMES  # every facet a query may ask for
TRUE, FALSE = "true", "false"  # the values of has_failed_checks
# (label, lower bound inclusive, upper bound exclusive) of number facets; the numbers are counts (≥ 0).
BUCKETS: tuple[tuple[str, float, float], ...] = (
    ("0", 0, 1),
    ("1-9", 1, 10),
    ("10-99", 10, 100),
    ("100-999", 100, 1000),
    ("1000+", 1000, math.inf),
)


class FacetKind(Enum):
    """How a facet is stored, filtered and counted."""

    KEYWORD = "keyword"
    CHECK = "check"
    NUMBER = "number"


_KINDS = {
    **dict.fromkeys(KEYWORD_FACETS, FacetKind.KEYWORD),
    **dict.fromkeys(CHECK_FACETS, FacetKind.CHECK),
    **dict.fromkeys(NUMBER_NAMES, FacetKind.NUMBER),
}


def facet_kind(name: str) -> FacetKind | None:
    """The kind of the facet `name`, or None when there is no such facet."""
    return _KINDS.get(name)


def facet_value(value: object) -> str | None:
    """A keyword facet's value as stored and compared: the string of the value; None and "" are null."""
    return None if value is None or value == "" else str(value)


def check_value(failed: bool) -> str:
    """The has_failed_checks value of a report with (True) or without (False) a failed check."""
    return TRUE if failed else FALSE


def failed_checks(checks: object) -> list[str] | None:
    """Names of the rules that came out `ok: false` (sorted, unique); None when no check was evaluated."""
    if not isinstance(checks, list):
        return None
    evaluated = [c for c in checks if isinstance(c, dict) and isinstance(c.get("rule"), str)]
    if not evaluated:
        return None
    return sorted({c["rule"] for c in evaluated if c.get("ok") is False})


def top_values(counts: Mapping[str, int], limit: int, selected: Iterable[str]) -> list[tuple[str, int]]:
    """Non-zero counts, most frequent first (ties by value), cut to `limit`; each selected value kept (maybe 0)."""
    ranked = sorted((item for item in counts.items() if item[1] > 0), key=lambda kv: (-kv[1], kv[0]))
    chosen = ranked[:limit]
    shown = {value for value, _ in chosen}
    for value in selected:
        if value not in shown:
            chosen.append((value, counts.get(value, 0)))
            shown.add(value)
    return chosen
