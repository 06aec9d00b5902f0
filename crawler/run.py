"""Each crawl is a run: an id, start and end, per-portal counts, stored by the backend and summed up at the end.

`RunRecorder` is a Scrapy extension (EXTENSIONS in crawler/settings.py). When the crawl opens it
creates the run id (`run/id` in the stats: the IndexPipeline stores it with every failure), marks
the runs a crawl that is gone left "running" as "interrupted", and saves the new run as "running".
While crawling it counts requests, responses and 304s per seed from Scrapy's signals (the stats
keys are in crawler/stats.py), shows progress (a live table on a terminal, else a log line per
active portal every REPORTS_PROGRESS_INTERVAL seconds: crawler/progress.py) and saves the running
run at that interval. When the crawl closes (after the pipelines' last write) it stores a `no_column`
failure for each reached seed where no 年报 column was found, rebuilds the agency registry from every
stored report (indexer.agencies.build), saves the run with its end and status, and logs the summary table.

Status: "finished"; "failed" when no page of any seed could be fetched (reports-crawl exits 3);
"interrupted" when the crawl was stopped before its end, or when a later crawl finds it still
"running" and its process gone. Every crawl holds a shared lock on `<db>-crawl.lock`
(indexer/locks.py) while it runs: a crawl that can take it exclusively knows that no other crawl of
that index is alive.
"""

from __future__ import annotations

import logging
import os
import secrets
import sys
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import IO, Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Request, Response
from scrapy.utils.asyncio import create_looping_call

from indexer.agencies.build import rebuild_agencies
from indexer.locks import CRAWL_LOCK_SUFFIX, lock_path, open_lock_file, share_lock, try_lock
from indexer.model import PortalRun, Run, RunStatus
from indexer.storage import Backend, open_backend

from .pipelines import storage_target
from .progress import LiveTable, elapsed, live_lines, progress_line, summary, summary_warnings
from .seeds import Seed
from .stats import RUN_ID, RUN_STATUS, portal_key

logger = logging.getLogger(__name__)

LIVE_REFRESH_S = 1.0  # the live table on a terminal
STALE_SCAN = 50  # latest runs checked for one left "running" by a crawl that is gone
NOT_MODIFIED = 304
FINISHED_REASONS = ("finished", "closespider_")  # Scrapy close reasons of a crawl that ran to its end


def utc_now() -> datetime:
    """The current time in UTC, to the second."""
    return datetime.now(UTC).replace(microsecond=0)


def iso_time(moment: datetime) -> str:
    """ISO 8601 UTC with a Z, as the crawler writes times (2026-12-06T05:30:00Z)."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def new_run_id(started: datetime) -> str:
    """A run id that sorts by start time: 20261206T053000Z-3f2a."""
    return f"{started:%Y%m%dT%H%M%SZ}-{secrets.token_hex(2)}"


def portal_run(stats: Mapping[str, Any], portal: str) -> PortalRun:
    """One seed's counts in this run, read from the crawl stats (crawler/stats.py), with its column routes if any."""
    prefix = portal_key(portal, "")
    failures = {
        k.removeprefix(prefix + "failures/"): int(v) for k, v in stats.items() if k.startswith(prefix + "failures/")
    }
    budgets = sorted(
        k.removeprefix(prefix + "budget/") for k, v in stats.items() if k.startswith(prefix + "budget/") and v
    )
    counts: PortalRun = {
        "portal": portal,
        "requests": int(stats.get(prefix + "requests", 0)),
        "pages": int(stats.get(prefix + "pages", 0)),
        "not_modified": int(stats.get(prefix + "not_modified", 0)),
        "reports_new": int(stats.get(prefix + "reports_new", 0)),
        "reports_changed": int(stats.get(prefix + "reports_changed", 0)),
        "reports_unchanged": int(stats.get(prefix + "reports_unchanged", 0)),
        "reports_withdrawn": int(stats.get(prefix + "reports_withdrawn", 0)),
        "reports_returned": int(stats.get(prefix + "reports_returned", 0)),
        "failures": dict(sorted(failures.items())),
        "column_found": bool(stats.get(prefix + "column_found")),
        "budgets_exhausted": budgets,
    }
    routes = stats.get(prefix + "columns")
    if routes:
        counts["columns"] = list(routes)
    return counts


def final_status(reason: str, reached_any: bool) -> RunStatus:
    """interrupted (stopped before its end), failed (no page of any seed fetched) or finished."""
    if not reason.startswith(FINISHED_REASONS):
        return "interrupted"
    return "finished" if reached_any else "failed"


def fetched(status: int) -> bool:
    """Whether a response means the page was fetched (a 2xx, or a 304 for a cached copy)."""
    return status < 300 or status == NOT_MODIFIED


class RunRecorder:
    """The crawl as a run: counted, shown while it goes, saved at start, every interval and at the end."""

    def __init__(self, crawler: Crawler, target: str, interval: float):
        self.crawler = crawler
        self.target = target
        self.interval = interval
        self.seeds: dict[str, Seed] = {}
        self.reached: set[str] = set()  # seeds with at least one page fetched
        self.active: dict[str, None] = {}  # seeds, least recently active first
        self.logged: dict[str, PortalRun] = {}  # what the last progress lines said
        self.started = utc_now()
        self.run_id = ""
        self.backend: Backend | None = None
        self.lock: IO[str] | None = None
        self.live: LiveTable | None = None
        self.tasks: list[Any] = []  # looping calls

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunRecorder:
        """Read the storage target and REPORTS_PROGRESS_INTERVAL; listen to the crawl's signals."""
        interval = crawler.settings.getfloat("REPORTS_PROGRESS_INTERVAL")
        recorder = cls(crawler, storage_target(crawler.settings), interval)
        recorder.connect()
        return recorder

    def connect(self) -> None:
        """Listen to the crawl's signals."""
        connect = self.crawler.signals.connect
        connect(self.spider_opened, signal=signals.spider_opened)
        connect(self.spider_closed, signal=signals.spider_closed)
        connect(self.request_scheduled, signal=signals.request_scheduled)
        connect(self.request_dropped, signal=signals.request_dropped)
        connect(self.response_downloaded, signal=signals.response_downloaded)

    @property
    def stats(self) -> Any:
        """The crawl's stats collector."""
        return self.crawler.stats

    # ------------------------------------------------------------------ signals
    def spider_opened(self, spider: Any) -> None:
        """Create the run, close the runs of dead crawls, save it as running and start showing progress."""
        self.seeds = dict(getattr(spider, "seeds", {}))
        self.started = utc_now()
        self.run_id = new_run_id(self.started)
        self.stats.set_value(RUN_ID, self.run_id)
        self.lock = open_lock_file(lock_path(self.target, CRAWL_LOCK_SUFFIX))
        alone = try_lock(self.lock, exclusive=True)
        self.backend = open_backend(self.target)
        if alone:
            self._mark_interrupted(self.backend)
        share_lock(self.lock)  # before saving: a crawl starting meanwhile must not take this run for a dead one
        self.backend.save_run(self.snapshot("running"))
        self._start_progress()

    def request_scheduled(self, request: Request) -> None:
        """Count a request of a seed."""
        seed = self._seed_of(request)
        if seed:
            self.stats.inc_value(portal_key(seed, "requests"))

    def request_dropped(self, request: Request) -> None:
        """Uncount a request the scheduler refused (a duplicate)."""
        seed = self._seed_of(request)
        if seed:
            self.stats.inc_value(portal_key(seed, "requests"), -1)

    def response_downloaded(self, response: Response, request: Request) -> None:
        """Count a response of a seed (any status) and a 304."""
        seed = self._seed_of(request)
        if not seed:
            return
        self.stats.inc_value(portal_key(seed, "pages"))
        if response.status == NOT_MODIFIED:
            self.stats.inc_value(portal_key(seed, "not_modified"))
        if fetched(response.status):
            self.reached.add(seed)

    def spider_closed(self, reason: str) -> None:
        """Record seeds without a 年报 column, save the finished run, log its summary."""
        self._stop_progress()
        self._record_missing_columns()
        self._rebuild_agencies()
        run = self.snapshot(final_status(reason, bool(self.reached)), iso_time(utc_now()))
        self.stats.set_value(RUN_STATUS, run["status"])
        try:
            if self.backend is not None:
                self.backend.save_run(run)
        finally:
            self._release()
        warnings = summary_warnings(run, self.reached, {name: seed.start_url for name, seed in self.seeds.items()})
        logger.log(logging.WARNING if warnings else logging.INFO, "%s", summary(run, warnings))

    # ------------------------------------------------------------------ the run
    def snapshot(self, status: RunStatus, finished_at: str | None = None) -> Run:
        """The run as it stands: per-portal counts from the stats, in seed-file order."""
        stats = self.stats.get_stats()
        return {
            "id": self.run_id,
            "started_at": iso_time(self.started),
            "finished_at": finished_at,
            "status": status,
            "seeds": str(getattr(self.crawler.spider, "seeds_file", "")),
            "portals": [portal_run(stats, name) for name in self.seeds],
        }

    def _seed_of(self, request: Request) -> str | None:
        """The seed a request belongs to (None for robots.txt and requests of no seed); marks it active."""
        seed = request.meta.get("seed")
        if seed not in self.seeds:
            return None
        self.active.pop(seed, None)
        self.active[seed] = None
        return str(seed)

    @staticmethod
    def _mark_interrupted(backend: Backend) -> None:
        """Runs still marked running when no other crawl is alive were cut short: mark them interrupted."""
        for run in backend.runs(limit=STALE_SCAN):
            if run["status"] == "running":
                backend.save_run({**run, "status": "interrupted"})
                logger.warning("Run %s was left running by a crawl that is gone: marked interrupted", run["id"])

    def _record_missing_columns(self) -> None:
        """Store a no_column failure for each reached seed where no 年报 column was found."""
        if self.backend is not None:
            start_urls = {name: seed.start_url for name, seed in self.seeds.items()}
            record_missing_columns(self.backend, self.run_id, start_urls, self.reached, self.stats)

    def _rebuild_agencies(self) -> None:
        """Rebuild the agency registry from every stored report."""
        if self.backend is not None:
            rebuild_registry(self.backend)

    def _release(self) -> None:
        """Close the backend and let go of the crawl lock."""
        if self.backend is not None:
            self.backend.close()
            self.backend = None
        if self.lock is not None:
            self.lock.close()
            self.lock = None

    # ------------------------------------------------------------------ progress
    def _start_progress(self) -> None:
        """A live table on a terminal (not TERM=dumb), else progress log lines; the run is saved at every interval."""
        if sys.stderr.isatty() and os.environ.get("TERM") != "dumb":
            self.live = LiveTable(sys.stderr)
            self.live.capture(logging.getLogger().handlers)
            self._every(LIVE_REFRESH_S, self._show_live)
        if self.interval > 0:
            self._every(self.interval, self._checkpoint)

    def _every(self, seconds: float, action: Callable[[], None]) -> None:
        """Call `action` every `seconds` until the crawl closes."""
        task = create_looping_call(action)
        task.start(seconds, now=False)
        self.tasks.append(task)

    def _stop_progress(self) -> None:
        """Stop the looping calls and take the live table off the terminal."""
        for task in self.tasks:
            if task.running:
                task.stop()
        self.tasks.clear()
        if self.live is not None:
            self.live.close()
            self.live = None

    def _show_live(self) -> None:
        """Redraw the live table."""
        if self.live is not None:
            running_for = elapsed(iso_time(self.started), iso_time(utc_now()))
            self.live.show(live_lines(self.snapshot("running"), list(reversed(self.active)), running_for))

    def _checkpoint(self) -> None:
        """Save the running run; without a live table, log a line per portal whose counts moved."""
        run = self.snapshot("running")
        if self.backend is not None:
            self.backend.save_run(run)
        if self.live is not None:
            return
        for portal in run["portals"]:
            if portal != self.logged.get(portal["portal"]) and portal["requests"]:
                logger.info("%s", progress_line(portal))
                self.logged[portal["portal"]] = portal


def record_missing_columns(
    backend: Backend, run_id: str, start_urls: Mapping[str, str], reached: set[str], stats: Any
) -> None:
    """Store a no_column failure (the seed's start URL) for each reached seed where no 年报 column was found."""
    counts = stats.get_stats()
    for name, start_url in start_urls.items():
        if name not in reached or counts.get(portal_key(name, "column_found")):
            continue
        pages = counts.get(portal_key(name, "pages"), 0)
        backend.record_failure(
            {
                "url": start_url,
                "kind": "no_column",
                "reason": f"no 年报 column found ({pages} pages fetched from this seed)",
                "portal": name,
                "status": None,
                "at": iso_time(utc_now()),
                "run_id": run_id,
            }
        )
        stats.inc_value(portal_key(name, "failures/no_column"))


def rebuild_registry(backend: Backend) -> None:
    """Rebuild the agencies, timelines and signals from every stored report; log how long it took."""
    try:
        summary = rebuild_agencies(backend, utc_now().date())
    except Exception:  # the run must still be saved; the registry can be rebuilt by hand
        logger.exception("Agency registry not rebuilt (reports-index agencies rebuilds it)")
        return
    logger.info("Agency registry rebuilt: %s", summary.line())
