"""Spider middleware keeping each request inside the domains of the seed it came from."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class SeedScopeMiddleware:
    """Drop requests that leave their own seed's allowed domains.

    OffsiteMiddleware only knows the union of all seeds' domains; this keeps portal A's crawl
    from wandering into portal B's site (and keeps each page attributed to the right seed).
    """

    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SeedScopeMiddleware:
        """Create the middleware for a crawler."""
        return cls(crawler)

    async def process_spider_output(self, response: Any, result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        """Pass items and in-scope requests through; count and drop the others."""
        async for obj in result:
            if isinstance(obj, Request) and not self.in_scope(obj):
                self._count_dropped(obj)
                continue
            yield obj

    def in_scope(self, request: Request) -> bool:
        """Tell whether a request stays within its seed's domains (requests without a seed pass)."""
        seeds = getattr(self.crawler.spider, "seeds", {})
        seed = seeds.get(request.meta.get("seed"))
        return seed is None or seed.allows(request.url)

    def _count_dropped(self, request: Request) -> None:
        """Record a dropped request in the stats and the debug log."""
        if self.crawler.stats:
            self.crawler.stats.inc_value("reports/out_of_seed_scope")
        logger.debug("Out of seed %r scope: %s", request.meta.get("seed"), request.url)
