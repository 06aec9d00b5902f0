"""Why a request did not become a page: refusals raised on purpose, and failed downloads told in plain words.

`Refused` is what the crawler's own middlewares raise (scope, robots.txt, redirects, URL length):
an IgnoreRequest that carries its FailureKind and reason to the request's errback. `describe_failure`
turns any exception an errback receives into (kind, reason, status) for a FetchFailure, using what
the download got before it failed (downloads.Transfer).
"""

from __future__ import annotations

from typing import NamedTuple
from urllib.parse import urljoin

from scrapy import Request
from scrapy.exceptions import (
    DownloadCancelledError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils._compression import _DecompressionMaxSizeExceeded
from twisted.internet.error import ConnectionLost
from twisted.web.client import ResponseFailed
from w3lib.url import safe_url_string

from indexer.model import FailureKind

from .downloads import size_limit, transfer_of

MAX_URL_IN_REASON = 300  # a redirect target named in a reason is cut to this many characters


class Refused(IgnoreRequest):
    """A request the crawler refuses on purpose; its errback records `kind` and `reason`."""

    def __init__(self, kind: FailureKind, reason: str, status: int | None = None):
        super().__init__(reason)
        self.kind: FailureKind = kind
        self.reason = reason
        self.status = status


class FetchedElsewhere(IgnoreRequest):
    """A page another job of the same distributed run fetched (crawler/distributed): not a failure, just not ours."""


class Outcome(NamedTuple):
    """What a FetchFailure says about a failed request."""

    kind: FailureKind
    reason: str
    status: int | None = None


def shorten_url(url: str) -> str:
    """Return a URL short enough to name in a reason (data: URLs and very long ones are cut)."""
    return url if len(url) <= MAX_URL_IN_REASON else url[:MAX_URL_IN_REASON] + "…"


def describe_failure(error: BaseException, request: Request) -> Outcome:
    """Say why a request failed, for a person: HTTP status, refusal, size, lost connection, timeout …"""
    if isinstance(error, Refused):
        return Outcome(error.kind, error.reason, error.status)
    if isinstance(error, HttpError):
        return Outcome("fetch_failed", http_reason(error.response), error.response.status)
    too_large = size_problem(error, request)
    if too_large:
        return Outcome("too_large", too_large)
    if isinstance(error, ResponseDataLossError):
        return Outcome("fetch_failed", data_loss(error, request))
    if isinstance(error, DownloadTimeoutError):
        return Outcome("fetch_failed", timed_out(request))
    return Outcome("fetch_failed", plain_reason(error))


def http_reason(response: Response) -> str:
    """`HTTP 404`; for a redirect the spider got unfollowed (a report sent to its folder or home), where to."""
    location = response.headers.get("Location")
    if not 300 <= response.status < 400 or not location:
        return f"HTTP {response.status}"
    target = urljoin(response.url, safe_url_string(location))
    return f"HTTP {response.status}: redirected to {shorten_url(target)} (report removed?)"


def size_problem(error: BaseException, request: Request) -> str | None:
    """Return "too large: …" when a download was stopped by its size limit, before or after decompression."""
    cause = error.__cause__
    transfer = transfer_of(request)
    if isinstance(error, IgnoreRequest) and isinstance(cause, _DecompressionMaxSizeExceeded):
        sent = f" ({transfer.received} bytes sent)" if transfer else ""
        return f"too large: over {cause.max_size} bytes after decompression{sent}, limit {cause.max_size}"
    if not isinstance(error, DownloadCancelledError) or transfer is None:
        return None
    limit = size_limit(request)
    if transfer.expected is not None and transfer.expected > limit:
        return f"too large: {transfer.expected} bytes, limit {limit}"
    if transfer.received > limit:
        return f"too large: over {limit} bytes (stopped after {transfer.received}), limit {limit}"
    return None


def data_loss(error: ResponseDataLossError, request: Request) -> str:
    """Return "connection lost/reset after N bytes (M announced)" for a body cut short."""
    transfer = transfer_of(request)
    received = transfer.received if transfer else 0
    announced = f" ({transfer.expected} announced)" if transfer and transfer.expected is not None else ""
    cause = error.__cause__
    reasons = cause.reasons if isinstance(cause, ResponseFailed) else []
    how = "reset" if any(reason.check(ConnectionLost) for reason in reasons) else "lost"
    return f"connection {how} after {received} bytes{announced}"


def timed_out(request: Request) -> str:
    """Return how far a download got before its timeout."""
    seconds = request.meta.get("download_timeout")
    within = f"{seconds:g} s" if isinstance(seconds, int | float) else "the download timeout"
    transfer = transfer_of(request)
    if transfer is None:
        return f"timed out: no answer within {within}"
    announced = f" of {transfer.expected}" if transfer.expected is not None else ""
    return f"timed out after {within}: {transfer.received}{announced} bytes received"


def plain_reason(error: BaseException) -> str:
    """Return "ErrorName: message", falling back on the error's own description when its message is empty."""
    message = str(error).strip() or (type(error).__doc__ or "").strip().split("\n")[0]
    return f"{type(error).__name__}: {message}" if message else type(error).__name__
