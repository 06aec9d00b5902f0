"""Bounded crawling per seed: URL length, traps, and budgets (list pages per column, hub pages, requests).

A spider middleware over the requests the spider emits (after SeedScopeMiddleware). A request over a
limit is replaced by a FetchFailure saying which limit, recorded once where the crawl stopped; the
`run/P/budget/NAME` stat marks a budget that ran out. It replaces Scrapy's UrlLengthMiddleware, which
dropped long URLs without a trace.

A trap is a chain of list pages each linking the next with a number grown somewhere before the last
number of the URL (/cal/1/p1.html → /cal/2/p1.html …): a page number in last place is a pager, which
list parsing caps at REPORTS_MAX_LIST_PAGES and the list budget bounds.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response

from indexer.model import FailureKind

from .items import FetchFailure, utc_now
from .stats import portal_key

logger = logging.getLogger(__name__)

NUMBER_RE = re.compile(r"\d+")
TRAP_DEPTH = "trap_depth"  # request.meta key: growing steps in a row that led to this request


@dataclass(frozen=True)
class Limits:
    """The crawl's limits per seed (REPORTS_* settings and Scrapy's URLLENGTH_LIMIT)."""

    list_pages: int  # per column
    hub_pages: int  # per seed
    requests: int  # per seed
    trap_depth: int  # growing steps in a row
    url_length: int

    @classmethod
    def from_settings(cls, crawler: Crawler) -> Limits:
        """Read the limits from the crawler's settings."""
        settings = crawler.settings
        return cls(
            settings.getint("REPORTS_MAX_LIST_PAGES"),
            settings.getint("REPORTS_MAX_HUB_PAGES"),
            settings.getint("REPORTS_MAX_REQUESTS"),
            settings.getint("REPORTS_MAX_TRAP_DEPTH"),
            settings.getint("URLLENGTH_LIMIT"),
        )


def url_shape(url: str) -> tuple[str, str]:
    """Return (host, path and query with every number replaced by #)."""
    parts = urlsplit(url)
    return parts.netloc, NUMBER_RE.sub("#", parts.path + (f"?{parts.query}" if parts.query else ""))


def url_numbers(url: str) -> list[int]:
    """Return the numbers of a URL's path and query, in order."""
    parts = urlsplit(url)
    return [int(n) for n in NUMBER_RE.findall(parts.path + "?" + parts.query)]


def grows_before_last(previous: str, url: str) -> bool:
    """Tell whether `url` is `previous` with a number grown somewhere before its last number."""
    if previous == url or url_shape(previous) != url_shape(url):
        return False
    old, new = url_numbers(previous), url_numbers(url)
    return any(b > a for a, b in zip(old[:-1], new[:-1], strict=True))


class Budget(NamedTuple):
    """One budget a request counts against: its name, what it is counted per, its size, and how to say it."""

    name: str  # list_pages, hub_pages, requests
    key: tuple[str, ...]
    limit: int
    what: str


def budgets_of(request: Request, limits: Limits) -> list[Budget]:
    """Return the budgets a request counts against: its seed's requests, and hub pages or its column's list pages."""
    seed = request.meta.get("seed") or ""
    budgets = [Budget("requests", ("requests", seed), limits.requests, f"{limits.requests} requests for seed {seed!r}")]
    role = request.meta.get("role")
    if role == "hub":
        budgets.append(Budget("hub_pages", ("hub_pages", seed), limits.hub_pages, f"{limits.hub_pages} hub pages"))
    if role == "list":
        column = request.meta.get("column") or request.url
        what = f"{limits.list_pages} list pages for column {column}"
        budgets.append(Budget("list_pages", ("list_pages", seed, column), limits.list_pages, what))
    return budgets


@dataclass(frozen=True)
class Refusal:
    """A limit a request ran into: the failure kind, the reason, and what it counts against (recorded once)."""

    kind: FailureKind
    reason: str
    once_per: tuple[str, ...] | None = None  # record only the first refusal of this key (None: every one)
    budget: str | None = None  # the budget that ran out (list_pages, hub_pages, requests)


class CrawlBoundsMiddleware:
    """Spider middleware: refuse, and record, requests over a seed's limits."""

    def __init__(self, crawler: Crawler, limits: Limits):
        self.crawler = crawler
        self.limits = limits
        self.counted: set[bytes] = set()  # fingerprints let through (counted once)
        self.refused: set[bytes] = set()  # fingerprints refused (never let through later)
        self.counts: Counter[tuple[str, ...]] = Counter()
        self.recorded: set[tuple[str, ...]] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlBoundsMiddleware:
        """Create the middleware with the crawl's limits."""
        return cls(crawler, Limits.from_settings(crawler))

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        """Bound the start requests too (they count against their seed's requests)."""
        async for obj in start:
            checked = self.check(obj, None) if isinstance(obj, Request) else obj
            if checked is not None:
                yield checked

    async def process_spider_output(self, response: Response, result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        """Pass items and requests within limits; replace the first request over a limit by its failure."""
        async for obj in result:
            checked = self.check(obj, response) if isinstance(obj, Request) else obj
            if checked is not None:
                yield checked

    def check(self, request: Request, response: Response | None) -> Request | FetchFailure | None:
        """Return the request, its failure (first refusal of its kind) or None (refused before)."""
        fingerprint = self.crawler.request_fingerprinter.fingerprint(request)
        if fingerprint in self.counted:
            return request  # seen before: the duplicate filter drops it
        if fingerprint in self.refused:
            return None
        if response is not None:
            depth = response.meta.get(TRAP_DEPTH, 0) + 1 if grows_before_last(response.url, request.url) else 0
            request.meta[TRAP_DEPTH] = depth
        refusal = self.refusal(request)
        if refusal is None:
            self.counted.add(fingerprint)
            return request
        self.refused.add(fingerprint)
        return self.record(request, refusal)

    def refusal(self, request: Request) -> Refusal | None:
        """Return the limit a request runs into; a request within every limit is counted against its budgets."""
        limits = self.limits
        if len(request.url) > limits.url_length:
            return Refusal("url_too_long", f"URL too long ({len(request.url)} characters, limit {limits.url_length})")
        depth = request.meta.get(TRAP_DEPTH, 0)
        if depth > limits.trap_depth:
            shape = url_shape(request.url)[1]
            reason = f"trap: {shape} repeats with a growing number ({depth} pages in a row, limit {limits.trap_depth})"
            return Refusal("trap", reason, once_per=("trap", request.meta.get("seed") or "", shape))
        budgets = budgets_of(request, limits)
        for budget in budgets:
            if self.counts[budget.key] >= budget.limit:
                return Refusal("budget", f"budget of {budget.what} used up", once_per=budget.key, budget=budget.name)
        for budget in budgets:
            self.counts[budget.key] += 1
        return None

    def record(self, request: Request, refusal: Refusal) -> FetchFailure | None:
        """Return the FetchFailure of a refusal (None when one was recorded for its key already); mark budgets."""
        seed = request.meta.get("seed") or ""
        if refusal.budget and self.crawler.stats:
            self.crawler.stats.set_value(portal_key(seed, f"budget/{refusal.budget}"), 1)
        logger.debug("Refused %s: %s", request.url, refusal.reason)
        if refusal.once_per is not None:
            if refusal.once_per in self.recorded:
                return None
            self.recorded.add(refusal.once_per)
        return FetchFailure(
            url=request.url,
            reason=refusal.reason,
            portal=seed,
            failed_at=getattr(self.crawler.spider, "clock", utc_now)(),
            referer=request.meta.get("from_url"),
            kind=refusal.kind,
        )
