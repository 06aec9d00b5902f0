"""What a facet is, written once for every backend: the facet kinds, their values, and how counts are listed.

Three kinds of facet, each also a filter:

* keyword facets: one value per report, compared as a string (``report_year`` 2019 -> "2019"); the
  ``agency`` facet counts agency ids (the record's ``agency_id``, its filter), labelled with the agency's name;
* check facets: ``has_failed_checks`` ("true"/"false"; none when no check was evaluated) and two with
  several values per report: ``failed_check`` (the names of the rules that failed) and ``signal`` (the
  names of the report's signals, docs/AGENCIES.md);
* flag facets: ``revised`` (the report changed after it was first seen: ``version`` > 1) and ``withdrawn``
  (no URL serves it any more), "true"/"false" each, every report having one value (revisions.py);
* number facets: one per registered number (tables/numbers.py), counted in the range BUCKETS and
  filtered with ``where`` conditions rather than values.

A facet's counts apply every filter except its own. Value facets list the most frequent values
first (ties by value), cut to the query's facet_limit, and always keep the selected values; number
facets list every bucket in order. ``agency`` and ``signal`` are counted only when asked for.

``version`` is a filter only (version numbers, any of). Sorts by ``version`` and ``changed_at`` live in base.SORT_KEYS.

Agencies (``Backend.agencies``) have their own facets and filters, AGENCY_FACETS, counted the same way.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from enum import Enum
from typing import get_args

from indexer.model import SignalName
from indexer.tables.numbers import NUMBER_NAMES

AGENCY = "agency"  # the facet of agency ids
AGENCY_ID = "agency_id"  # the record field it counts, and its filter
HAS_FAILED_CHECKS = "has_failed_checks"
FAILED_CHECK = "failed_check"
SIGNAL = "signal"
SIGNAL_NAMES: tuple[str, ...] = get_args(SignalName)
VERSION = "version"  # filter on version numbers (strings of integers, any of)
REVISED = "revised"  # flag facet and filter: version > 1
WITHDRAWN = "withdrawn"  # flag facet and filter: withdrawn (no URL serves it)
FACET_FIELDS = {AGENCY: AGENCY_ID}  # facet -> the record field it counts, where the two names differ
KEYWORD_FACETS = ("report_year", "province", "city", "county", "agency_type", "level", "format", AGENCY)
KEYWORD_FIELDS = tuple(FACET_FIELDS.get(f, f) for f in KEYWORD_FACETS)  # the record fields they count
CHECK_FACETS = (HAS_FAILED_CHECKS, FAILED_CHECK, SIGNAL)
MULTI_VALUED = (FAILED_CHECK, SIGNAL)  # check facets with several values per report
FLAG_FACETS = (REVISED, WITHDRAWN)
FILTER_FIELDS = KEYWORD_FIELDS + CHECK_FACETS + FLAG_FACETS + (VERSION,)  # filtered on by value
DEFAULT_FACETS = tuple(f for f in KEYWORD_FACETS + CHECK_FACETS if f not in (AGENCY, SIGNAL)) + FLAG_FACETS
ALL_FACETS = KEYWORD_FACETS + CHECK_FACETS + FLAG_FACETS + NUMBER_NAMES  # every facet a query may ask for
AGENCY_FACETS = ("province", "city", "county", "level", "agency_type", "kind", SIGNAL)  # also its filters
TRUE, FALSE = "true", "false"  # the values of has_failed_checks and of the flag facets
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
    FLAG = "flag"
    NUMBER = "number"


_KINDS = {
    **dict.fromkeys(KEYWORD_FACETS, FacetKind.KEYWORD),
    **dict.fromkeys(CHECK_FACETS, FacetKind.CHECK),
    **dict.fromkeys(FLAG_FACETS, FacetKind.FLAG),
    **dict.fromkeys(NUMBER_NAMES, FacetKind.NUMBER),
}


def facet_kind(name: str) -> FacetKind | None:
    """The kind of the facet `name`, or None when there is no such facet."""
    return _KINDS.get(name)


def facet_field(name: str) -> str:
    """The record field (and filter) a facet counts: `agency_id` for `agency`, else the facet's own name."""
    return FACET_FIELDS.get(name, name)


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


def signal_names(signals: object) -> list[str]:
    """Names of a record's signals (sorted, unique); [] when it has none (or none stored yet)."""
    if not isinstance(signals, list):
        return []
    return sorted({s["signal"] for s in signals if isinstance(s, dict) and s.get("signal") in SIGNAL_NAMES})


def year_signal(signal: str, year: int) -> str:
    """One signal of one report year as a single keyword (the Elasticsearch agencies index filters on it)."""
    return f"{signal}@{year}"


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
