"""GET /search.atom and /agencies/{id}/reports.atom: the newest matching reports as an Atom feed to subscribe to.

Each entry is one report: its id and main link are the site's page of the report (/report/{id}), a second link
the original URL; `updated` is when the report was first seen (else its publication date), `published` its
publication date. Entries come newest published first, at most FEED_SIZE.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response
from feedgen.feed import FeedGenerator
from lxml import etree

from indexer.storage import Backend, SearchQuery
from indexer.storage.base import RecordFields

from ..deps import BackendDep
from ..labels import signal_label
from ..regions import REGION_FIELDS, apply_regions
from ..schemas import ErrorMessage, FeedParams, HTTPValidationErrors
from .agencies import AgencyIdPath

router = APIRouter(tags=["feeds"])

FEED_SIZE = 50  # entries a feed carries at most
ATOM_MEDIA_TYPE = "application/atom+xml; charset=utf-8"
CHINA_TIME = timezone(timedelta(hours=8))  # a publication date is a day in China
SITE_NAME = "政府信息公开工作年度报告检索"
ATOM_NS = "http://www.w3.org/2005/Atom"
NOT_XML_RE = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")  # characters XML 1.0 forbids
ATOM_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/atom+xml": {}}, "description": "an Atom 1.0 feed (RFC 4287)"},
    400: {"model": ErrorMessage},
    422: {"model": HTTPValidationErrors},
    503: {"model": ErrorMessage},
}


@router.get("/search.atom", response_class=Response, responses=ATOM_RESPONSES)
def read_search_feed(params: Annotated[FeedParams, Query()], request: Request, backend: BackendDep) -> Response:
    """The newest 50 reports matching the same words and filters as GET /search, as an Atom feed, newest published
    first: subscribe to e.g. `province=福建&agency_type=民政局&q=行政复议`.

    Region filters take short or full names (吉林 or 吉林省); an unknown name is a 422 with suggestions.
    """
    params, resolved = apply_regions(params)
    title = f"新报告：{feed_subject(params, resolved)}"
    site_page = f"{request.base_url}?{request.url.query}"  # the site's search page takes the same parameters
    return feed_response(request, backend, params.to_query(), title=title, site_page=site_page)


@router.get(
    "/agencies/{agency_id}/reports.atom",
    response_class=Response,
    responses={**ATOM_RESPONSES, 404: {"model": ErrorMessage}},
)
def read_agency_feed(agency_id: AgencyIdPath, request: Request, backend: BackendDep) -> Response:
    """The agency's newest 50 reports (whatever name variant each uses) as an Atom feed, newest published first."""
    agency = backend.agency(agency_id)
    if agency is None:
        raise HTTPException(status_code=404, detail=f"no agency with id {agency_id!r}")
    query = FeedParams.model_validate({"agency_id": [agency_id]}).to_query()
    title = f"{agency['name']}的政府信息公开工作年度报告"
    return feed_response(request, backend, query, title=title, site_page=f"{request.base_url}agency/{agency_id}")


def feed_subject(params: FeedParams, resolved: dict[str, list[str]]) -> str:
    """What a search feed follows, in Chinese: its regions, kinds of body, years, signals and words."""
    parts = ["、".join(resolved[name]) for name in REGION_FIELDS if resolved.get(name)]
    parts += ["、".join(params.agency_type)] if params.agency_type else []
    parts += ["、".join(f"{year}年度" for year in params.report_year)] if params.report_year else []
    parts += ["、".join(signal_label(s) for s in params.signal)] if params.signal else []
    parts += [f"含“{params.q}”"] if params.q else []
    return " · ".join(parts) or "全部报告"


def feed_response(request: Request, backend: Backend, query: SearchQuery, *, title: str, site_page: str) -> Response:
    """The Atom feed of the newest FEED_SIZE reports `query` matches."""
    query.sort, query.offset, query.limit, query.facets = "-published", 0, FEED_SIZE, ()
    hits = backend.search(query).hits
    feed = FeedGenerator()
    feed.id(str(request.url))
    feed.title(xml_text(f"{title} — {SITE_NAME}"))
    feed.link(href=str(request.url), rel="self", type="application/atom+xml")
    feed.link(href=site_page, rel="alternate", type="text/html")
    feed.author({"name": SITE_NAME})
    feed.language("zh-CN")
    feed.generator(SITE_NAME)
    times, links = [], []
    for hit in hits:
        updated = entry_updated(hit.record)
        times.append(updated)
        links.append(entry_links(hit.record, f"{request.base_url}report/{hit.id}"))
        add_entry(feed, hit.record, hit.snippet, updated, links[-1])
    feed.updated(max(times, default=datetime.now(UTC)))
    return Response(with_entry_links(feed.atom_str(pretty=True), links), media_type=ATOM_MEDIA_TYPE)


def entry_links(record: RecordFields, page: str) -> list[dict[str, str]]:
    """An entry's links: the site's page of the report (its main link), then the original URL."""
    links = [{"href": page, "rel": "alternate", "type": "text/html"}]
    if record.get("url"):
        links.append({"href": xml_text(record["url"]), "rel": "related", "title": "原文"})
    return links


def with_entry_links(atom: bytes, links: list[list[dict[str, str]]]) -> bytes:
    """The feed with each entry's link attributes written: feedgen 1.0.0 writes only their href (a bug in
    FeedEntry.atom_entry), which would leave two `alternate` links per entry."""
    root = etree.fromstring(atom)
    for entry, entry_attributes in zip(root.iterfind(f"{{{ATOM_NS}}}entry"), links, strict=True):
        for element, attributes in zip(entry.iterfind(f"{{{ATOM_NS}}}link"), entry_attributes, strict=True):
            for name, value in attributes.items():
                element.set(name, value)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True))


def add_entry(
    feed: FeedGenerator, record: RecordFields, snippet: str, updated: datetime, links: list[dict[str, str]]
) -> None:
    """Append one report to the feed: the site's page as id and main link, the original URL beside it."""
    entry = feed.add_entry(order="append")
    entry.id(links[0]["href"])
    title = record.get("title") or f"{record.get('agency') or ''}{record.get('report_year') or ''}年度报告"
    entry.title(xml_text(title))
    entry.link(links)
    entry.author({"name": xml_text(record.get("agency") or "发布机关不明")})
    entry.updated(updated)
    published = publication_time(record.get("published"))
    if published:
        entry.published(published)
    entry.summary(xml_text(entry_summary(record)))
    entry.content(xml_text(snippet), type="html")  # the original text, escaped, the words searched for in <mark>


def xml_text(text: str) -> str:
    """`text` without the characters XML cannot carry (control characters of untrusted report text or words)."""
    return NOT_XML_RE.sub("", text)


def entry_summary(record: RecordFields) -> str:
    """A report in one Chinese line: agency, region, year, publication date, signals."""
    region = "".join(dict.fromkeys(filter(None, (record.get(name) for name in REGION_FIELDS))))
    parts = [
        record.get("agency") or "",
        region,
        f"{record['report_year']}年度" if record.get("report_year") else "",
        f"发布于{record['published']}" if record.get("published") else "",
        "、".join(signal_label(s["signal"]) for s in record.get("signals") or []),
    ]
    return " · ".join(p for p in parts if p)


def entry_updated(record: RecordFields) -> datetime:
    """When the report was first seen, else its publication date, else the epoch (a feed entry needs a time)."""
    seen = parse_time(record.get("first_seen"))
    published = publication_time(record.get("published"))
    return seen or published or datetime.fromtimestamp(0, UTC)


def parse_time(text: str | None) -> datetime | None:
    """An ISO time (UTC when it has no zone), or None when absent or unreadable."""
    try:
        moment = datetime.fromisoformat(text) if text else None
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment and not moment.tzinfo else moment


def publication_time(published: str | None) -> datetime | None:
    """The start of a publication day (ISO date) in China time, or None when absent or unreadable."""
    try:
        day = date.fromisoformat(published) if published else None
    except ValueError:
        return None
    return datetime.combine(day, time(), CHINA_TIME) if day else None
