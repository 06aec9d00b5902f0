"""ItemLogFormatter: items are named in log lines (kind and URL), never printed with their body or text."""

from __future__ import annotations

import logging

from scrapy.exceptions import DropItem

from crawler.items import FetchedPage, FetchFailure, GonePage, GoneURL, IndexedReport
from crawler.logformatter import ItemLogFormatter

BODY = "<html>" + "二、主动公开政府信息情况" * 5000 + "</html>"
PAGE = FetchedPage(
    url="https://www.example.gov.cn/nb/1.html",
    status=200,
    headers={"Content-Type": "text/html"},
    body=BODY.encode(),
    fetched_at="2026-11-22T14:30:00Z",
    portal="example",
)


def line(entry: dict) -> str:
    """Render a LogFormatter result the way logging would."""
    return entry["msg"] % entry["args"]


def test_a_stored_report_is_named_not_printed(spider):
    record = IndexedReport(id="398c9088", url=PAGE.url, text=BODY)
    entry = ItemLogFormatter().scraped(record, None, spider)
    assert line(entry) == f"Scraped report 398c9088 {PAGE.url}" and entry["level"] == logging.DEBUG


def test_a_duplicate_page_is_dropped_at_debug_without_its_body(spider):
    entry = ItemLogFormatter().dropped(PAGE, DropItem(f"duplicate URL: {PAGE.url}"), None, spider)
    assert entry["level"] == logging.DEBUG
    assert line(entry) == f"Dropped page {PAGE.url} ({len(PAGE.body)} bytes): duplicate URL: {PAGE.url}"


def test_a_drop_keeps_the_level_its_dropitem_asks_for(spider):
    entry = ItemLogFormatter().dropped(PAGE, DropItem("not a report", log_level="INFO"), None, spider)
    assert entry["level"] == logging.INFO and "主动公开" not in line(entry)


def test_failures_and_errors_are_one_short_line(spider):
    failure = FetchFailure(url=PAGE.url, reason="HTTP 500", portal="example", failed_at="x")
    assert (
        line(ItemLogFormatter().scraped(failure, None, spider))
        == f"Scraped failure (fetch_failed) {PAGE.url}: HTTP 500"
    )
    error = ItemLogFormatter().item_error(PAGE, ValueError("boom"), None, spider)
    assert error["level"] == logging.ERROR and len(line(error)) < 200


def test_a_gone_url_is_named_not_printed(spider):
    gone = GonePage(PAGE.url, "http_404", 404, {}, BODY.encode(), "2026-11-22T14:30:00Z", "example")
    assert line(ItemLogFormatter().scraped(gone, None, spider)) == f"Scraped gone (http_404) {PAGE.url}"
    done = GoneURL(url=PAGE.url, how="redirect_parent", status=301, withdrawn="398c9088")
    assert line(ItemLogFormatter().scraped(done, None, spider)) == (
        f"Scraped gone (redirect_parent) {PAGE.url}, report 398c9088 withdrawn"
    )
