"""robots.txt per RFC 9309: 2xx obeyed, 4xx allows all, 5xx and network errors forbid the host; refusals are Refused."""

from __future__ import annotations

import asyncio

import pytest
from crawl_helpers import reports_crawler
from scrapy import Request
from scrapy.exceptions import DownloadTimeoutError
from scrapy.http import Response
from scrapy.robotstxt import ProtegoRobotParser

from crawler.failures import Refused
from crawler.robots import RobotsPolicy, RobotsTxtMiddleware, policy_from_error, policy_from_response

ROBOTS_URL = "https://www.example.gov.cn/robots.txt"
RULES = b"User-agent: *\nDisallow: /private/\n"
UA = "gov-report-index/0.1"


@pytest.fixture
def crawler():
    return reports_crawler(ROBOTSTXT_OBEY=True, USER_AGENT=UA)


def answer(status: int, body: bytes = RULES) -> Response:
    """A robots.txt answer."""
    return Response(ROBOTS_URL, status=status, body=body)


def test_a_2xx_robots_txt_is_obeyed(crawler):
    policy = policy_from_response(answer(200), ProtegoRobotParser, crawler)
    assert policy.refusal("https://www.example.gov.cn/zwgk/a.html", UA) is None
    assert policy.refusal("https://www.example.gov.cn/private/a.html", UA) == f"disallowed by robots.txt ({ROBOTS_URL})"


@pytest.mark.parametrize("status", [401, 403, 404, 410, 301])
def test_an_unavailable_robots_txt_allows_everything(crawler, status):
    policy = policy_from_response(answer(status), ProtegoRobotParser, crawler)
    assert policy.refusal("https://www.example.gov.cn/private/a.html", UA) is None


@pytest.mark.parametrize("status", [500, 503, 504])
def test_an_unreachable_robots_txt_forbids_the_whole_host(crawler, status):
    policy = policy_from_response(answer(status, b"User-agent: *\nAllow: /\n"), ProtegoRobotParser, crawler)
    assert policy.refusal("https://www.example.gov.cn/index.html", UA) == (
        f"robots.txt unreachable (HTTP {status}): disallow all"
    )


def test_a_network_error_forbids_the_host_and_a_redirect_loop_allows_it():
    request = Request(ROBOTS_URL, meta={"download_timeout": 4})
    timed_out = policy_from_error(ROBOTS_URL, DownloadTimeoutError("took longer"), request)
    assert timed_out.refusal("https://www.example.gov.cn/", UA) == (
        "robots.txt unreachable (timed out: no answer within 4 s): disallow all"
    )
    looping = policy_from_error(ROBOTS_URL, Refused("bad_redirect", "redirect loop: …"), request)
    assert looping.refusal("https://www.example.gov.cn/", UA) is None


def test_the_middleware_refuses_with_kind_robots(crawler):
    middleware = RobotsTxtMiddleware.from_crawler(crawler)
    crawler.stats.open_spider()
    parser = ProtegoRobotParser.from_crawler(crawler, RULES)
    middleware.policies["www.example.gov.cn"] = RobotsPolicy(ROBOTS_URL, parser=parser)
    middleware.policies["down.example.gov.cn"] = RobotsPolicy(
        "https://down.example.gov.cn/robots.txt", unreachable="HTTP 503"
    )

    def outcome(url: str, **meta) -> Refused | None:
        try:
            asyncio.run(middleware.process_request(Request(url, meta=meta)))
        except Refused as refused:
            return refused
        return None

    assert outcome("https://www.example.gov.cn/zwgk/") is None
    assert outcome("https://www.example.gov.cn/private/x.html").kind == "robots"
    assert "unreachable (HTTP 503)" in outcome("https://down.example.gov.cn/a.html").reason
    assert outcome("https://down.example.gov.cn/robots.txt", dont_obey_robotstxt=True) is None
    assert crawler.stats.get_value("robotstxt/forbidden") == 2
