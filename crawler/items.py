"""Plain data: what the spider emits (FetchedPage, FetchFailure) and what a stored report becomes (IndexedReport)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from indexer.model import FailureKind


def utc_now() -> str:
    """Return the current UTC time as items carry it: ISO 8601 with a Z suffix."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class FetchedPage:
    """A page the spider believes is an annual report, as fetched (never a Response)."""

    url: str  # URL the page was requested at (after redirects: response.url)
    status: int
    headers: dict[str, str]  # response headers, decoded, first value of each
    body: bytes = field(repr=False)  # raw bytes; decoding is the indexer's job (GBK pages!); kept out of logs
    fetched_at: str  # ISO 8601 UTC, e.g. "2026-11-22T14:30:00Z"
    portal: str  # seed name the page was reached from
    list_title: str | None = None  # the title as shown in the column's list, if any
    list_date: str | None = None  # the date shown next to it in the list, if any
    region_hint: dict[str, str] = field(default_factory=dict)  # from the seed: province/city/county
    referer: str | None = None  # the list page that linked to it
    source_format: str = "html"  # html, pdf, docx, doc, wps, txt


@dataclass
class FetchFailure:
    """A request that did not end in a page: refused (scope, robots, budget …), failed, or unusable.

    `url` is the URL as requested (before redirects); `reason` says why for a person: "HTTP 404",
    "off-scope redirect to https://other.example/…", "too large: 52428800 bytes, limit 10485760",
    "connection lost after 5000 bytes (20000 announced)", "robots.txt unreachable (HTTP 503): disallow all" …
    """

    url: str
    reason: str
    portal: str
    failed_at: str  # ISO 8601 UTC
    status: int | None = None
    referer: str | None = None
    kind: FailureKind = "fetch_failed"


class IndexedReport(dict[str, Any]):
    """The record of a report the IndexPipeline stored, emitted in place of its FetchedPage.

    The item is the record itself (id, url, title, stats ...), so a feed export (`-o records.jsonl`)
    writes one record per line and never the page bytes; its class tells it apart from a
    FetchFailure (e.g. in a feed's `item_classes`).
    """
