"""CrawlBoundsMiddleware: URL length, traps and per-seed budgets refuse requests and record where the crawl stopped."""

from __future__ import annotations

import asyncio

import pytest
from crawl_helpers import FROZEN_NOW, reports_crawler
from scrapy import Request
from scrapy.http import HtmlResponse

from crawler.bounds import CrawlBoundsMiddleware, grows_before_last, url_shape
from crawler.items import FetchFailure
from crawler.spiders.reports import ReportsSpider

SITE = "https://www.pingtan.gov.cn"


@pytest.fixture
def middleware(real_seeds_file) -> CrawlBoundsMiddleware:
    crawler = reports_crawler(
        REPORTS_MAX_LIST_PAGES=3,
        REPORTS_MAX_HUB_PAGES=2,
        REPORTS_MAX_REQUESTS=8,
        REPORTS_MAX_TRAP_DEPTH=2,
        URLLENGTH_LIMIT=100,
    )
    crawler.spider = ReportsSpider.from_crawler(crawler, seeds=str(real_seeds_file))
    crawler.spider.clock = lambda: FROZEN_NOW
    crawler.stats.open_spider()
    return CrawlBoundsMiddleware.from_crawler(crawler)


def page(url: str, **meta) -> HtmlResponse:
    """A fetched page of the pingtan seed (the response the requests come from)."""
    return HtmlResponse(url, body=b"<html></html>", request=Request(url, meta={"seed": "pingtan", **meta}))


def output(middleware: CrawlBoundsMiddleware, response: HtmlResponse, *requests: Request) -> list:
    """Run requests through process_spider_output; return what passes (requests or failures)."""

    async def source():
        for request in requests:
            yield request

    async def collect():
        return [obj async for obj in middleware.process_spider_output(response, source())]

    return asyncio.run(collect())


def ask(path: str, role: str = "report", **meta) -> Request:
    """A request of the pingtan seed."""
    return Request(SITE + path, meta={"seed": "pingtan", "role": role, **meta})


@pytest.mark.parametrize(
    ("previous", "url", "grows"),
    [
        ("/cal/1/p1.html", "/cal/2/p1.html", True),
        ("/cal/2025/01/index.html", "/cal/2025/02/index.html", False),  # the last number: a pager's place
        ("/list/index_1.html", "/list/index_2.html", False),
        ("/cal/2/p1.html", "/cal/1/p1.html", False),  # shrinking
        ("/a/1/p1.html", "/b/2/p1.html", False),  # another pattern
        ("/dataproxy.jsp?page=2&col=6278", "/dataproxy.jsp?page=3&col=6278", True),
    ],
)
def test_grows_before_last(previous, url, grows):
    assert grows_before_last(SITE + previous, SITE + url) is grows


def test_url_shape_masks_numbers_but_not_the_host():
    assert url_shape("http://127.0.0.1:8765/cal/12/p1.html") == ("127.0.0.1:8765", "/cal/#/p#.html")


def test_a_long_url_becomes_a_failure_and_short_ones_pass(middleware):
    short, long = ask("/a.html"), ask("/" + "x" * 120 + ".html")
    passed = output(middleware, page(SITE + "/list.html"), short, long)
    assert passed[0] is short
    assert passed[1] == FetchFailure(
        url=long.url,
        reason=f"URL too long ({len(long.url)} characters, limit 100)",
        portal="pingtan",
        failed_at=FROZEN_NOW,
        kind="url_too_long",
    )


def test_a_calendar_chain_is_a_trap_recorded_once(middleware):
    response = page(SITE + "/cal/1/p1.html")
    for month in range(2, 5):  # each page links the next month
        (passed,) = output(middleware, response, ask(f"/cal/{month}/p1.html", role="list"))
        if isinstance(passed, Request):
            response = page(passed.url, trap_depth=passed.meta["trap_depth"])
    assert isinstance(passed, FetchFailure) and passed.kind == "trap"
    assert passed.url == SITE + "/cal/4/p1.html" and "repeats with a growing number (3 pages in a row" in passed.reason
    assert output(middleware, response, ask("/cal/4/p1.html", role="list")) == []  # refused before: dropped
    assert output(middleware, page(SITE + "/cal/7/p1.html", trap_depth=5), ask("/cal/8/p1.html")) == []


def test_list_pages_budget_is_per_column_recorded_once_with_a_stat(middleware):
    column = SITE + "/nb/index.html"
    requests = [ask(f"/nb/index_{n}.html", role="list", column=column) for n in range(1, 6)]
    passed = output(middleware, page(column), *requests)
    assert passed[:3] == requests[:3]
    (failure,) = passed[3:]
    assert failure.kind == "budget" and failure.url == SITE + "/nb/index_4.html"
    assert failure.reason == f"budget of 3 list pages for column {column} used up"
    assert middleware.crawler.stats.get_value("run/pingtan/budget/list_pages") == 1
    other = ask("/other/index_1.html", role="list", column=SITE + "/other/index.html")
    assert output(middleware, page(column), other) == [other]


def test_hub_and_request_budgets(middleware):
    home = page(SITE + "/")
    hubs = output(middleware, home, *(ask(f"/zwgk{n}/", role="hub") for n in range(3)))
    assert [type(x).__name__ for x in hubs] == ["Request", "Request", "FetchFailure"]
    assert hubs[2].reason == "budget of 2 hub pages used up"
    rest = output(middleware, home, *(ask(f"/r{n}.html") for n in range(8)))
    assert sum(isinstance(x, Request) for x in rest) == 6  # 8 requests per seed, 2 hubs already
    assert rest[6].reason == "budget of 8 requests for seed 'pingtan' used up" and len(rest) == 7
    assert middleware.crawler.stats.get_value("run/pingtan/budget/requests") == 1


def test_a_request_seen_before_passes_without_counting(middleware):
    again = [ask("/same.html") for _ in range(20)]
    assert output(middleware, page(SITE + "/"), *again) == again
