"""Plain data emitted by the spiders: a fetched report page, or a fetch that failed."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class FetchedPage:
    """A page the spider believes is an annual report, as fetched (never a Response)."""

    url: str  # URL the page was requested at (after redirects: response.url)
    status: int
    headers: dict[str, str]  # response headers, decoded, first value of each
    body: bytes  # raw bytes; decoding is the indexer's job (GBK pages!)
    fetched_at: str  # ISO 8601 UTC, e.g. "2026-11-22T14:30:00Z"
    portal: str  # seed name the page was reached from
    list_title: str | None = None  # the title as shown in the column's list, if any
    list_date: str | None = None  # the date shown next to it in the list, if any
    region_hint: dict[str, str] = field(default_factory=dict)  # from the seed: province/city/county
    referer: str | None = None  # the list page that linked to it
    source_format: str = "html"  # html, pdf, docx, doc, wps, txt


@dataclass
class FetchFailure:
    """A request that could not be turned into a page: HTTP error, timeout, undecodable body."""

    url: str
    reason: str  # human-readable: "HTTP 404", "TimeoutError: ...", ...
    portal: str
    failed_at: str  # ISO 8601 UTC
    status: int | None = None
    referer: str | None = None


@dataclass
class RejectedPage:
    """A fetched candidate that the indexer decided is not a report (kept for auditing)."""

    url: str
    reason: str
    portal: str
    title: str | None = None
