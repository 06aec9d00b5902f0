"""Log lines about items without their contents: no page body, no report text, at any level.

Scrapy's LogFormatter prints every scraped item (a stored report's whole record) and every dropped
item in full; a duplicate page is not a failure either. Here a scraped or dropped item is named by
its kind and URL only, and a drop is logged at DEBUG unless its DropItem asks for another level.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Spider
from scrapy.http import Response
from scrapy.logformatter import LogFormatter, LogFormatterResult
from twisted.python.failure import Failure

from .items import FetchedPage, FetchFailure, GonePage, GoneURL, IndexedReport


def item_label(item: Any) -> str:
    """Name an item in a log line: its kind and URL (never its body or text)."""
    if isinstance(item, IndexedReport):
        return f"report {item.get('id')} {item.get('url')}"
    if isinstance(item, FetchFailure):
        return f"failure ({item.kind}) {item.url}: {item.reason}"
    if isinstance(item, FetchedPage):
        return f"page {item.url} ({len(item.body)} bytes)"
    if isinstance(item, GonePage):
        return f"gone ({item.how}) {item.url}"
    if isinstance(item, GoneURL):
        withdrawn = f", report {item['withdrawn']} withdrawn" if item.get("withdrawn") else ""
        return f"gone ({item.get('how')}) {item.get('url')}{withdrawn}"
    return type(item).__name__


class ItemLogFormatter(LogFormatter):
    """Scrapy's LogFormatter, naming items instead of printing them."""

    def scraped(self, item: Any, response: Response | Failure | None, spider: Spider) -> LogFormatterResult:
        """Log a scraped item by name, at DEBUG."""
        return {"level": logging.DEBUG, "msg": "Scraped %(item)s", "args": {"item": item_label(item)}}

    def dropped(
        self, item: Any, exception: BaseException, response: Response | Failure | None, spider: Spider
    ) -> LogFormatterResult:
        """Log a dropped item by name and the reason, at DEBUG unless the DropItem sets its level."""
        level = getattr(exception, "log_level", None) or logging.DEBUG
        if isinstance(level, str):
            level = logging.getLevelName(level.upper())
        return {
            "level": level,
            "msg": "Dropped %(item)s: %(exception)s",
            "args": {"item": item_label(item), "exception": exception},
        }

    def item_error(
        self, item: Any, exception: BaseException, response: Response | Failure | None, spider: Spider
    ) -> LogFormatterResult:
        """Log a pipeline error by item name (the traceback follows)."""
        return {"level": logging.ERROR, "msg": "Error processing %(item)s", "args": {"item": item_label(item)}}
