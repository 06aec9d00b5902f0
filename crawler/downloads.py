"""Bounded downloads: a byte limit per response (web pages and attached files apart), and what arrived.

Scrapy enforces the limit (`download_maxsize`, per request): on the Content-Length it announces,
on the bytes as they stream in, and again while HttpCompressionMiddleware unpacks the body, so a
gzip bomb stops at the limit too. This middleware picks the limit of each request and keeps, in the
request's meta, how many bytes were announced and received, so a failure can say how far it got.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.http import Headers

from .recognize import guess_source_format

TRANSFER = "transfer"  # request.meta key: the Transfer of the current attempt


@dataclass
class Transfer:
    """What one download attempt got: the Content-Length announced (if any) and the bytes received."""

    expected: int | None
    received: int = 0


def transfer_of(request: Request) -> Transfer | None:
    """Return what the request's last download attempt got (None: no headers arrived)."""
    transfer = request.meta.get(TRANSFER)
    return transfer if isinstance(transfer, Transfer) else None


def size_limit(request: Request) -> int:
    """Return the byte limit a request was downloaded under (0: none)."""
    return int(request.meta.get("download_maxsize") or 0)


def is_file_request(request: Request) -> bool:
    """Tell whether a request asks for an attached document (PDF, DOCX …) rather than a web page."""
    return bool(request.meta.get("attachment_of")) or guess_source_format(request.url) != "html"


class DownloadLimitsMiddleware:
    """Downloader middleware: set each request's byte limit and count the bytes of each attempt."""

    def __init__(self, html_limit: int, file_limit: int):
        self.html_limit = html_limit
        self.file_limit = file_limit

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DownloadLimitsMiddleware:
        """Read REPORTS_MAX_HTML_BYTES and REPORTS_MAX_FILE_BYTES; listen to the download signals."""
        settings = crawler.settings
        middleware = cls(settings.getint("REPORTS_MAX_HTML_BYTES"), settings.getint("REPORTS_MAX_FILE_BYTES"))
        crawler.signals.connect(middleware.headers_received, signal=signals.headers_received)
        crawler.signals.connect(middleware.bytes_received, signal=signals.bytes_received)
        return middleware

    def process_request(self, request: Request) -> None:
        """Give the request its limit (unless it has one) and forget the previous attempt's transfer."""
        limit = self.file_limit if is_file_request(request) else self.html_limit
        request.meta.setdefault("download_maxsize", limit)
        request.meta.pop(TRANSFER, None)

    def headers_received(self, headers: Headers, body_length: object, request: Request, **kwargs: Any) -> None:
        """Start counting an attempt: keep the announced length (Twisted passes a marker when there is none)."""
        request.meta[TRANSFER] = Transfer(body_length if isinstance(body_length, int) else None)

    def bytes_received(self, data: bytes, request: Request, **kwargs: Any) -> None:
        """Count a piece of body."""
        transfer = transfer_of(request)
        if transfer is not None:
            transfer.received += len(data)
