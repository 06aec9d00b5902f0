"""SeedScopeMiddleware keeps each seed's requests on that seed's own domains."""

import asyncio

from scrapy import Request
from scrapy.utils.test import get_crawler

from crawler.items import FetchFailure
from crawler.middlewares import SeedScopeMiddleware
from crawler.spiders.reports import ReportsSpider


async def _iterate(values):
    for value in values:
        yield value


def run_output(middleware, values) -> list:
    """Run process_spider_output over a list and collect what passes."""

    async def collect():
        return [obj async for obj in middleware.process_spider_output(None, _iterate(values))]

    return asyncio.run(collect())


def test_requests_outside_their_seed_are_dropped(real_seeds_file):
    crawler = get_crawler(ReportsSpider)
    crawler.spider = ReportsSpider(seeds=str(real_seeds_file))
    crawler.stats.open_spider()
    middleware = SeedScopeMiddleware.from_crawler(crawler)
    inside = Request("https://zwgk.pingtan.gov.cn/a.htm", meta={"seed": "pingtan"})
    other_seed = Request("https://www.fujian.gov.cn/a.htm", meta={"seed": "pingtan"})  # allowed overall, not here
    unseeded = Request("https://www.fujian.gov.cn/b.htm")
    item = FetchFailure(url="https://x", reason="HTTP 500", portal="pingtan", failed_at="2026-01-01T00:00:00Z")
    assert run_output(middleware, [inside, other_seed, unseeded, item]) == [inside, unseeded, item]
    assert crawler.stats.get_value("reports/out_of_seed_scope") == 1
