"""Redirects and meta refreshes stay in their own seed's scope, without loops, to HTTP(S) URLs of sane length."""

from __future__ import annotations

import pytest
from crawl_helpers import reports_crawler
from scrapy import Request
from scrapy.http import HtmlResponse, Response

from crawler.failures import Refused
from crawler.redirects import MetaRefreshMiddleware, RedirectMiddleware, redirect_refusal
from crawler.seeds import Seed
from crawler.spiders.reports import ReportsSpider

REPORT = "https://www.pingtan.gov.cn/zwgk/zfxxgknb/t20240308_87885.htm"
SEED = Seed("pingtan", "https://www.pingtan.gov.cn/", ("pingtan.gov.cn",))


@pytest.fixture
def crawler(real_seeds_file):
    crawler = reports_crawler(URLLENGTH_LIMIT=2083, REDIRECT_MAX_TIMES=3)
    crawler.spider = ReportsSpider(seeds=str(real_seeds_file))
    return crawler


def redirect_to(location: str, url: str = REPORT, status: int = 302, **meta) -> tuple[Request, Response]:
    """A request of the pingtan seed and the redirect answering it."""
    request = Request(url, meta={"seed": "pingtan", **meta})
    return request, Response(url, status=status, headers={"Location": location}, request=request)


def refused(middleware, request: Request, response: Response) -> Refused:
    """Return the Refused a middleware raises for a response."""
    with pytest.raises(Refused) as caught:
        middleware.process_response(request, response)
    return caught.value


@pytest.mark.parametrize(
    ("target", "chain", "kind", "reason_start"),
    [
        ("https://zwgk.pingtan.gov.cn/a.htm", [REPORT], None, None),
        ("file:///etc/passwd", [REPORT], "bad_redirect", "redirect to a non-HTTP URL: file:///etc/passwd"),
        ("data:text/html,<h1>x</h1>", [REPORT], "bad_redirect", "redirect to a non-HTTP URL: data:text/html"),
        (REPORT, [REPORT], "bad_redirect", "redirect to itself"),
        (
            "https://www.pingtan.gov.cn/a.htm",
            ["https://www.pingtan.gov.cn/a.htm", REPORT],
            "bad_redirect",
            "redirect loop",
        ),
        (
            "https://www.fujian.gov.cn/a.htm",
            [REPORT],
            "off_scope",
            "off-scope redirect to https://www.fujian.gov.cn/a.htm",
        ),
        ("https://www.pingtan.gov.cn/" + "x" * 2100, [REPORT], "url_too_long", "redirect to a URL too long (2127"),
    ],
)
def test_redirect_refusal(target, chain, kind, reason_start):
    refusal = redirect_refusal(target, chain, SEED, "redirect", 2083)
    assert (refusal and refusal.kind) == kind
    assert refusal is None or refusal.reason.startswith(reason_start)


def test_without_a_seed_only_the_scope_is_not_checked():
    assert redirect_refusal("https://elsewhere.example/robots.txt", [REPORT], None, "redirect", 2083) is None
    assert redirect_refusal(REPORT, [REPORT], None, "redirect", 2083) is not None


def test_redirect_inside_the_seed_is_followed(crawler):
    request, response = redirect_to("/zwgk/moved.htm")
    followed = RedirectMiddleware.from_crawler(crawler).process_response(request, response)
    assert isinstance(followed, Request) and followed.url == "https://www.pingtan.gov.cn/zwgk/moved.htm"
    assert followed.meta["redirect_urls"] == [REPORT] and followed.meta["seed"] == "pingtan"


def test_redirect_into_another_seeds_domain_is_refused(crawler):
    request, response = redirect_to("https://www.fujian.gov.cn/zwgk/a.htm")  # the fujian seed's domain
    error = refused(RedirectMiddleware.from_crawler(crawler), request, response)
    assert (error.kind, error.status) == ("off_scope", 302)
    assert error.reason.startswith("off-scope redirect to https://www.fujian.gov.cn/zwgk/a.htm")


@pytest.mark.parametrize(
    ("location", "kind"), [("file:///etc/passwd", "bad_redirect"), ("data:text/html;base64,PGgxPg==", "bad_redirect")]
)
def test_redirect_to_a_non_http_url_is_refused_not_an_http_302(crawler, location, kind):
    request, response = redirect_to(location)
    error = refused(RedirectMiddleware.from_crawler(crawler), request, response)
    assert error.kind == kind and location[:20] in error.reason


def test_loops_and_self_redirects_are_refused(crawler):
    middleware = RedirectMiddleware.from_crawler(crawler)
    assert "to itself" in refused(middleware, *redirect_to(REPORT)).reason
    other = "https://www.pingtan.gov.cn/b.htm"
    request, response = redirect_to(REPORT, url=other, redirect_urls=[REPORT], redirect_times=1)
    assert refused(middleware, request, response).reason.startswith("redirect loop: ")


def test_too_many_redirects_are_refused(crawler):
    request, response = redirect_to("/next.htm", redirect_times=3, redirect_ttl=0)
    error = refused(RedirectMiddleware.from_crawler(crawler), request, response)
    assert (error.kind, error.reason) == ("bad_redirect", "too many redirects (more than 3)")


def test_meta_refresh_off_scope_is_refused_and_to_itself_is_kept(crawler):
    middleware = MetaRefreshMiddleware.from_crawler(crawler)

    def page(target: str) -> tuple[Request, HtmlResponse]:
        body = f'<html><head><meta http-equiv="refresh" content="0; url={target}"></head></html>'.encode()
        request = Request(REPORT, meta={"seed": "pingtan"})
        return request, HtmlResponse(REPORT, body=body, request=request)

    error = refused(middleware, *page("http://127.0.0.2/elsewhere.html"))
    assert error.kind == "off_scope" and error.reason.startswith("off-scope meta refresh to http://127.0.0.2/")
    request, response = page(REPORT)
    assert middleware.process_response(request, response) is response


@pytest.mark.parametrize(
    "location", ["/zwgk/zfxxgknb/", "/zwgk/zfxxgknb/index.htm", "/", "https://www.pingtan.gov.cn/zwgk/"]
)
def test_a_report_sent_to_its_folder_or_home_is_not_followed(crawler, location):
    request, response = redirect_to(location, status=301, role="report")
    assert RedirectMiddleware.from_crawler(crawler).process_response(request, response) is response


def test_a_report_moved_elsewhere_and_a_list_page_sent_to_its_folder_are_followed(crawler):
    middleware = RedirectMiddleware.from_crawler(crawler)
    request, response = redirect_to("/zwgk/zfxxgknb/t20240308_87885_new.htm", status=301, role="report")
    assert isinstance(middleware.process_response(request, response), Request)
    request, response = redirect_to("/zwgk/", url="https://www.pingtan.gov.cn/zwgk/zfxxgknb/index_2.htm", role="list")
    assert isinstance(middleware.process_response(request, response), Request)
