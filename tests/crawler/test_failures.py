"""describe_failure: every exception an errback meets, told as (kind, reason) a person understands."""

from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.http import HtmlResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils._compression import _DecompressionMaxSizeExceeded
from twisted.internet.error import ConnectionDone, ConnectionLost
from twisted.python.failure import Failure
from twisted.web.client import ResponseFailed

from crawler.downloads import TRANSFER, Transfer
from crawler.failures import MAX_URL_IN_REASON, Outcome, Refused, describe_failure, shorten_url

URL = "https://www.example.gov.cn/zfxxgknb/t20240115_1.html"
LIMIT = 2 * 1024 * 1024


def request(transfer: Transfer | None = None, **meta) -> Request:
    """A request as the downloader leaves it: its limit, timeout and what the last attempt got."""
    meta = {"download_maxsize": LIMIT, "download_timeout": 4, **meta}
    if transfer is not None:
        meta[TRANSFER] = transfer
    return Request(URL, meta=meta)


def caused(error: BaseException, cause: BaseException) -> BaseException:
    """Chain `cause` under `error`, as `raise error from cause` does."""
    error.__cause__ = cause
    return error


def test_a_refusal_keeps_its_kind_reason_and_status():
    refused = Refused("off_scope", "off-scope redirect to http://127.0.0.2/", status=302)
    assert describe_failure(refused, request()) == Outcome("off_scope", "off-scope redirect to http://127.0.0.2/", 302)


def test_an_http_error_is_its_status():
    response = HtmlResponse(URL, status=503, body=b"busy")
    assert describe_failure(HttpError(response, "Ignoring"), request()) == Outcome("fetch_failed", "HTTP 503", 503)


@pytest.mark.parametrize(
    ("error", "transfer", "reason"),
    [
        (DownloadCancelledError("Expected …"), Transfer(52428800), f"too large: 52428800 bytes, limit {LIMIT}"),
        (
            DownloadCancelledError(""),
            Transfer(None, LIMIT + 6887),
            f"too large: over {LIMIT} bytes (stopped after {LIMIT + 6887}), limit {LIMIT}",
        ),
        (
            caused(IgnoreRequest("Ignored <200 …>"), _DecompressionMaxSizeExceeded(LIMIT + 1, LIMIT)),
            Transfer(427414, 427414),
            f"too large: over {LIMIT} bytes after decompression (427414 bytes sent), limit {LIMIT}",
        ),
    ],
)
def test_a_response_over_its_limit_is_too_large(error, transfer, reason):
    assert describe_failure(error, request(transfer)) == Outcome("too_large", reason)


def test_a_cancel_below_the_limit_is_not_called_too_large():
    outcome = describe_failure(DownloadCancelledError(""), request(Transfer(1000, 10)))
    assert outcome.kind == "fetch_failed" and outcome.reason.startswith("DownloadCancelledError: ")


@pytest.mark.parametrize(
    ("lost", "reason"),
    [
        (ConnectionDone(), "connection lost after 5000 bytes (20000 announced)"),
        (ConnectionLost(), "connection reset after 5000 bytes (20000 announced)"),
    ],
)
def test_data_loss_says_how_far_the_body_got(lost, reason):
    error = caused(ResponseDataLossError(), ResponseFailed([Failure(lost)]))
    assert describe_failure(error, request(Transfer(20000, 5000))) == Outcome("fetch_failed", reason)


@pytest.mark.parametrize(
    ("transfer", "reason"),
    [
        (None, "timed out: no answer within 4 s"),
        (Transfer(20000, 5000), "timed out after 4 s: 5000 of 20000 bytes received"),
        (Transfer(None, 0), "timed out after 4 s: 0 bytes received"),
    ],
)
def test_a_timeout_says_what_arrived(transfer, reason):
    assert describe_failure(DownloadTimeoutError("Getting … took longer"), request(transfer)).reason == reason


def test_other_errors_name_themselves_never_with_an_empty_message():
    named = describe_failure(CannotResolveHostError("www.nowhere.gov.cn"), request())
    assert named == Outcome("fetch_failed", "CannotResolveHostError: www.nowhere.gov.cn")
    unnamed = describe_failure(ResponseDataLossError(), request())  # no transfer, no cause
    assert unnamed.reason == "connection lost after 0 bytes"
    empty = describe_failure(DownloadCancelledError(), request())
    assert empty.reason == "DownloadCancelledError: Indicates that a request download was cancelled."


def test_long_urls_are_cut_in_reasons():
    data_url = "data:text/html;base64," + "A" * 5000
    assert len(shorten_url(data_url)) == MAX_URL_IN_REASON + 1 and shorten_url(URL) == URL
