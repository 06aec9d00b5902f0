"""How a crawl run is shown: a live table on a terminal, progress log lines otherwise, a summary table at the end.

Pure formatting of `indexer.model.Run` / `PortalRun` values, plus `LiveTable`, which redraws a few
lines in place at the bottom of a terminal while log lines keep scrolling above it (the terminal's
log handlers write through it). crawler/run.py decides when each is shown.
"""

from __future__ import annotations

import logging
import os
import shutil
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import IO, Any

from indexer.model import PortalRun, Run
from indexer.runs import RunTotals, run_totals

LIVE_MAX_ROWS = 15  # portals shown in the live table (the most recently active first)
NONE = "-"
SUMMARY_HEADER = ("portal", "requests", "pages", "304", "new", "changed", "unchanged", "failures", "column", "budgets")
LIVE_HEADER = ("portal", "requests", "pages", "304", "reports", "failures")
Counts = PortalRun | RunTotals  # one portal's counts, or their sums over a run


def reports(counts: Counts) -> int:
    """Reports stored in this run (new, changed or unchanged)."""
    return counts["reports_new"] + counts["reports_changed"] + counts["reports_unchanged"]


def failure_count(counts: Counts) -> int:
    """Failures of any kind in this run."""
    return sum(counts["failures"].values())


def failures_by_kind(failures: dict[str, int]) -> str:
    """`fetch_failed 3, not_a_report 1`, or - when there were none."""
    return ", ".join(f"{kind} {count}" for kind, count in sorted(failures.items()) if count) or NONE


def display_width(text: str) -> int:
    """Columns a string takes on a terminal (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def format_table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> list[str]:
    """Align columns two spaces apart: numbers to the right, text to the left."""
    body = [list(row) for row in rows]
    numeric = [bool(body) and all(isinstance(row[i], int) for row in body) for i in range(len(header))]
    cells = [list(header), *([str(c) for c in row] for row in body)]
    widths = [max(display_width(row[i]) for row in cells) for i in range(len(header))]
    lines = []
    for row in cells:
        padding = [" " * (w - display_width(c)) for c, w in zip(row, widths)]
        lines.append("  ".join(p + c if right else c + p for c, p, right in zip(row, padding, numeric)).rstrip())
    return lines


# --------------------------------------------------------------------------- the summary at the end
def summary_row(name: str, counts: Counts, column: str, budgets: list[str]) -> tuple[object, ...]:
    """One row of the summary table."""
    return (
        name,
        counts["requests"],
        counts["pages"],
        counts["not_modified"],
        counts["reports_new"],
        counts["reports_changed"],
        counts["reports_unchanged"],
        failures_by_kind(counts["failures"]),
        column,
        ", ".join(budgets) or NONE,
    )


def summary_rows(portals: Sequence[PortalRun]) -> list[tuple[object, ...]]:
    """One row per portal, and a total row (how many portals found a 年报 column) when there are several."""
    rows = [summary_row(p["portal"], p, "yes" if p["column_found"] else "NO", p["budgets_exhausted"]) for p in portals]
    if len(portals) > 1:
        totals = run_totals(portals)
        found = f"{totals['portals'] - totals['portals_without_column']}/{totals['portals']}"
        rows.append(summary_row("total", totals, found, totals["budgets_exhausted"]))
    return rows


def summary_warnings(run: Run, reached: Iterable[str], start_urls: dict[str, str]) -> list[str]:
    """WARNING lines: seeds never reached, seeds without a 年报 column; ERROR when nothing could be crawled."""
    seen = set(reached)
    lines = []
    for portal in run["portals"]:
        name = portal["portal"]
        if name not in seen:
            lines.append(f"WARNING {name}: start page {start_urls.get(name, '')} never fetched (see its failures)")
        elif not portal["column_found"]:
            lines.append(f"WARNING {name}: no 年报 column found from {start_urls.get(name, '')}")
    if run["status"] == "failed":
        lines.append("ERROR no page of any seed could be fetched: the run failed")
    return lines


def elapsed(started_at: str, finished_at: str | None) -> str:
    """`1:02:03` between two ISO times (`?` when the end is unknown)."""
    if finished_at is None:
        return "?"
    seconds = int((parse_time(finished_at) - parse_time(started_at)).total_seconds())
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def parse_time(text: str) -> datetime:
    """An ISO time written by the crawler (`2026-12-06T05:30:00Z`)."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def withdrawal_lines(portals: Sequence[PortalRun]) -> list[str]:
    """One line per portal where stored reports were withdrawn (every URL gone) or came back."""
    return [
        f"{p['portal']}: {p['reports_withdrawn']} reports withdrawn, {p['reports_returned']} returned"
        for p in portals
        if p["reports_withdrawn"] or p["reports_returned"]
    ]


def summary(run: Run, warnings: Sequence[str]) -> str:
    """The summary of a finished run: a title line, one row per portal and a total, withdrawals, the warnings."""
    what = [run["seeds"]] if run["seeds"] else []
    what += [f"{len(run['portals'])} portals", f"{run['started_at']} to {run['finished_at']}"]
    title = f"Run {run['id']} {run['status']}: {', '.join(what)} ({elapsed(run['started_at'], run['finished_at'])})"
    table = format_table(SUMMARY_HEADER, summary_rows(run["portals"]))
    return "\n".join([title, *table, *withdrawal_lines(run["portals"]), *warnings])


# --------------------------------------------------------------------------- progress while crawling
def progress_line(portal: PortalRun) -> str:
    """One portal's counts so far, as a log line."""
    return (
        f"Progress {portal['portal']}: requests {portal['requests']}, pages {portal['pages']} "
        f"(304: {portal['not_modified']}), reports {reports(portal)} (new {portal['reports_new']}, "
        f"changed {portal['reports_changed']}, unchanged {portal['reports_unchanged']}, "
        f"withdrawn {portal['reports_withdrawn']}, returned {portal['reports_returned']}), "
        f"failures {failure_count(portal)}"
    )


def live_row(name: str, counts: Counts) -> tuple[object, ...]:
    """One row of the live table."""
    return (name, counts["requests"], counts["pages"], counts["not_modified"], reports(counts), failure_count(counts))


def live_lines(run: Run, active_first: Sequence[str], running_for: str) -> list[str]:
    """The live table: a title, the most recently active portals, and the total."""
    by_name = {p["portal"]: p for p in run["portals"]}
    shown = [by_name[name] for name in active_first if name in by_name][:LIVE_MAX_ROWS]
    rows = [*(live_row(p["portal"], p) for p in shown), live_row("total", run_totals(run["portals"]))]
    hidden = len(run["portals"]) - len(shown)
    title = f"Run {run['id']}: {len(run['portals'])} portals, {running_for}" + (
        f" ({hidden} more not shown)" if hidden else ""
    )
    return [title, *format_table(LIVE_HEADER, rows)]


class LiveTable:
    """A few lines redrawn in place at the bottom of a terminal; text written through it appears above them."""

    def __init__(self, terminal: IO[str]):
        self.terminal = terminal
        self.lines: list[str] = []
        self.drawn = 0  # lines of the table now on screen, just above the cursor
        self.redirected: list[tuple[logging.StreamHandler[Any], Any]] = []

    def show(self, lines: list[str]) -> None:
        """Replace the table on screen by these lines."""
        self.lines = lines
        self._erase()
        self._draw()

    def write(self, text: str) -> int:
        """Write text (a log line) above the table: erase the table, write, draw it again below."""
        self._erase()
        self.terminal.write(text)
        self._draw()
        return len(text)

    def flush(self) -> None:
        """Flush the terminal."""
        self.terminal.flush()

    def capture(self, handlers: Iterable[logging.Handler]) -> None:
        """Make the log handlers printing to this terminal write through the table."""
        for handler in handlers:
            if isinstance(handler, logging.StreamHandler) and handler.stream is self.terminal:
                self.redirected.append((handler, handler.setStream(self)))

    def close(self) -> None:
        """Erase the table and give the log handlers their terminal back."""
        self._erase()
        self.terminal.flush()
        for handler, stream in self.redirected:
            handler.setStream(stream)
        self.redirected.clear()

    def _erase(self) -> None:
        """Move up over the drawn table and clear to the end of the screen."""
        if self.drawn:
            self.terminal.write(f"\x1b[{self.drawn}A\r\x1b[J")
            self.drawn = 0

    def _draw(self) -> None:
        """Draw the table, each line cut to the terminal's width (so none wraps)."""
        width = self._width() - 1
        for line in self.lines:
            self.terminal.write(cut(line, width) + "\n")
        self.drawn = len(self.lines)
        self.terminal.flush()

    def _width(self) -> int:
        """The terminal's width in columns ($COLUMNS, or 80, when it does not say)."""
        try:
            columns = os.get_terminal_size(self.terminal.fileno()).columns
        except (OSError, ValueError):
            columns = 0
        return columns or shutil.get_terminal_size().columns  # a terminal that does not say its size: 80


def cut(line: str, width: int) -> str:
    """The start of `line` that fits in `width` terminal columns."""
    used = 0
    for i, char in enumerate(line):
        used += display_width(char)
        if used > width:
            return line[:i]
    return line
