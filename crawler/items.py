"""Plain data: what the spider emits (FetchedPage, GonePage, FetchFailure) and what the pipeline makes of them.

A stored report becomes an IndexedReport (its record), a gone URL a GoneURL. Pages are archived as
served (indexer/archive.py): `archived()` is the response with the meta the record is rebuilt from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from indexer.archive import ArchivedResponse
from indexer.model import Capture, FailureKind, GoneHow


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
    site_code: str | None = None  # from the seed: the site's 网站标识码
    referer: str | None = None  # the list page that linked to it
    source_format: str = "html"  # html, pdf, docx, doc, wps, txt
    requested_url: str | None = None  # the URL first requested, when redirects led to `url`
    role: str = "report"  # report (a list entry or a re-checked stored URL) or file (an attachment)
    capture: Capture | None = None  # where the ArchivePipeline archived it

    def archived(self) -> ArchivedResponse:
        """The response as archived, with what the crawl knew (the record is built from this)."""
        meta = crawl_meta(
            portal=self.portal,
            role=self.role,
            list_title=self.list_title,
            list_date=self.list_date,
            referer=self.referer,
            source_format=self.source_format,
            site_code=self.site_code,
            **self.region_hint,
        )
        return ArchivedResponse(
            url=self.url,
            requested_url=self.requested_url or self.url,
            status=self.status,
            headers=list(self.headers.items()),
            body=self.body,
            fetched_at=self.fetched_at,
            meta=meta,
        )


@dataclass
class GonePage:
    """A stored report's URL that no longer serves it: 404, 410, or a redirect to its folder or the home page.

    The answer (for a redirect, the 3xx itself; for a meta refresh, the page it led to) is archived,
    then the report is marked gone at this URL (backend.mark_gone).
    """

    url: str  # the stored URL requested
    how: GoneHow
    status: int
    headers: dict[str, str]
    body: bytes = field(repr=False)
    fetched_at: str
    portal: str
    final_url: str | None = None  # where a followed redirect or meta refresh led, if it did
    referer: str | None = None
    role: str = "report"  # report or file, as for a FetchedPage
    capture: Capture | None = None  # where the ArchivePipeline archived the answer

    def archived(self) -> ArchivedResponse:
        """The answer as archived."""
        return ArchivedResponse(
            url=self.final_url or self.url,
            requested_url=self.url,
            status=self.status,
            headers=list(self.headers.items()),
            body=self.body,
            fetched_at=self.fetched_at,
            meta=crawl_meta(portal=self.portal, role=self.role, referer=self.referer),
        )


def crawl_meta(**values: str | None) -> dict[str, str]:
    """The meta archived with a response: the values given, without the empty ones."""
    return {key: value for key, value in values.items() if value}


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


class GoneURL(dict[str, Any]):
    """What the IndexPipeline did with a GonePage: {url, how, status, at, portal, withdrawn (report id or None)}.

    `withdrawn` names the report this URL was the last live URL of (it is now withdrawn).
    """


class IndexedReport(dict[str, Any]):
    """The record of a report the IndexPipeline stored, emitted in place of its FetchedPage.

    The item is the record itself (id, url, title, stats ...), so a feed export (`-o records.jsonl`)
    writes one record per line and never the page bytes; its class tells it apart from a
    FetchFailure (e.g. in a feed's `item_classes`).
    """
