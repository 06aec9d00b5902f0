"""DownloadLimitsMiddleware: one byte limit for web pages, another for attached files; what each attempt received."""

from __future__ import annotations

import pytest
from crawl_helpers import reports_crawler
from scrapy import Request
from scrapy.http import Headers

from crawler.downloads import DownloadLimitsMiddleware, Transfer, size_limit, transfer_of

HTML_LIMIT, FILE_LIMIT = 1000, 5000


@pytest.fixture
def middleware() -> DownloadLimitsMiddleware:
    return DownloadLimitsMiddleware.from_crawler(
        reports_crawler(REPORTS_MAX_HTML_BYTES=HTML_LIMIT, REPORTS_MAX_FILE_BYTES=FILE_LIMIT)
    )


@pytest.mark.parametrize(
    ("url", "meta", "limit"),
    [
        ("https://www.example.gov.cn/nb/t20240115_1.html", {}, HTML_LIMIT),
        ("https://www.example.gov.cn/nb/", {}, HTML_LIMIT),
        ("https://www.example.gov.cn/nb/P020240115.pdf", {}, FILE_LIMIT),
        ("https://www.example.gov.cn/nb/report.docx", {}, FILE_LIMIT),
        (
            "https://www.example.gov.cn/download.jsp?id=7",
            {"attachment_of": "https://www.example.gov.cn/nb/1.html"},
            FILE_LIMIT,
        ),
        ("https://www.example.gov.cn/nb/big.html", {"download_maxsize": 42}, 42),
    ],
)
def test_each_request_gets_the_limit_of_what_it_asks_for(middleware, url, meta, limit):
    request = Request(url, meta=meta)
    middleware.process_request(request)
    assert size_limit(request) == limit


def test_each_attempt_counts_what_was_announced_and_received(middleware):
    request = Request("https://www.example.gov.cn/nb/1.html")
    middleware.process_request(request)
    assert transfer_of(request) is None  # no headers yet
    middleware.headers_received(Headers({"Content-Length": "20000"}), 20000, request)
    middleware.bytes_received(b"x" * 3000, request)
    middleware.bytes_received(b"x" * 2000, request)
    assert transfer_of(request) == Transfer(20000, 5000)
    retry = request.copy()
    middleware.process_request(retry)  # a retry starts from nothing
    assert transfer_of(retry) is None
    middleware.headers_received(Headers(), "twisted.web.iweb.UNKNOWN_LENGTH", retry)
    assert transfer_of(retry) == Transfer(None, 0)
