"""Sums over a crawl run's portals: the crawl summary's total row, and a run without its portal rows (the API's).

A portal row may also carry `columns`: which route found each 年报 column (indexer.model.ColumnRoute);
GET /runs shows them per portal beside the sums.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from typing_extensions import TypedDict  # pydantic reads TypedDicts from typing_extensions on Python < 3.12

from indexer.model import ColumnRoute, PortalRun, Run, RunStatus


def column_routes(portal: Mapping[str, Any]) -> list[ColumnRoute]:
    """The column routes a portal row carries (none in runs saved before routes were recorded)."""
    return list(portal.get("columns") or [])


class RunTotals(TypedDict):
    """A run's counts summed over its portals."""

    portals: int
    portals_without_column: int  # no 年报 column found (or never reached)
    requests: int
    pages: int
    not_modified: int
    reports_new: int
    reports_changed: int
    reports_unchanged: int
    reports_withdrawn: int
    reports_returned: int
    failures: dict[str, int]  # FailureKind -> count
    budgets_exhausted: list[str]  # every budget that ran out on some portal


def run_totals(portals: Sequence[PortalRun]) -> RunTotals:
    """Sum the counts of a run's portals."""
    failures: Counter[str] = Counter()
    for portal in portals:
        failures.update(portal["failures"])
    return {
        "portals": len(portals),
        "portals_without_column": sum(not p["column_found"] for p in portals),
        "requests": sum(p["requests"] for p in portals),
        "pages": sum(p["pages"] for p in portals),
        "not_modified": sum(p["not_modified"] for p in portals),
        "reports_new": sum(p["reports_new"] for p in portals),
        "reports_changed": sum(p["reports_changed"] for p in portals),
        "reports_unchanged": sum(p["reports_unchanged"] for p in portals),
        # runs saved before version history have no withdrawn/returned counts
        "reports_withdrawn": sum(p.get("reports_withdrawn", 0) for p in portals),
        "reports_returned": sum(p.get("reports_returned", 0) for p in portals),
        "failures": dict(sorted(failures.items())),
        "budgets_exhausted": sorted({b for p in portals for b in p["budgets_exhausted"]}),
    }


class RunSummary(TypedDict):
    """A run without its per-portal rows: what GET /runs lists and /health shows."""

    id: str
    started_at: str
    finished_at: str | None
    status: RunStatus
    seeds: str
    totals: RunTotals
    columns: dict[str, list[ColumnRoute]]  # portal -> the routes that found its 年报 columns (portals with some)


def summarize(run: Run) -> RunSummary:
    """The run with its portal rows replaced by their sums."""
    return {
        "id": run["id"],
        "started_at": run["started_at"],
        "finished_at": run["finished_at"],
        "status": run["status"],
        "seeds": run["seeds"],
        "totals": run_totals(run["portals"]),
        "columns": {p["portal"]: column_routes(p) for p in run["portals"] if column_routes(p)},
    }
