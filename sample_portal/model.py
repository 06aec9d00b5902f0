"""Plain data shared by the sample portal's builders, server and truth."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Protocol

DATA_DIR = Path(__file__).resolve().parent / "data"

KIND_REPORT = "report"
KIND_LOOKALIKE = "lookalike"
KIND_MISSING = "missing"


@dataclass(frozen=True)
class Region:
    """Administrative region of a site or a body (names None where the gold leaves them out)."""

    province: str
    city: str | None
    county: str | None
    code: str  # the 6-digit division code of the deepest part named (of the province when only it is)


@dataclass(frozen=True)
class Block:
    """One piece of a report body: a paragraph of text or ready-made HTML (a table)."""

    kind: str  # "p", "heading", "title", "sign", "html"
    text: str


@dataclass(frozen=True)
class ReportFacts:
    """Ground-truth fields of a report (what the indexer should extract), and what the portal made it say."""

    agency: str  # the name the report prints
    agency_type: str | None
    report_year: int
    format: str  # "2019", "2021", "legacy"
    stats: dict | None  # None printed in a table cell left blank
    body: str | None = None  # which body of its region published it, when its agency_type does not tell
    region: Region | None = None  # the body's region, when it is not the site's
    failed_checks: tuple[str, ...] = ()  # consistency rules its own tables break (hand-read gold)
    stated_new_received: int | None = None  # new applications its prose states, when not the table's number
    copied: bool = False  # its prose repeats the same body's report on the year before, new years and numbers

    def body_of(self, site_region: Region) -> tuple[str, str]:
        """Return the publishing body: its region code and what tells it from the region's other bodies."""
        return (self.region or site_region).code, self.body or self.agency_type or self.agency


@dataclass(frozen=True)
class AttachedFile:
    """A file served beside (or instead of) a detail page: a report as DOCX/PDF, or a PDF copy of a page."""

    path: str  # absolute path on the portal
    label: str  # the link text, e.g. 附件：赛罕区交通运输局2022年政府信息公开工作年度报告.docx
    content_type: str
    body: bytes
    source_format: str  # docx, pdf
    is_copy: bool = False  # a copy of a report that is already an HTML page (not a record of its own)


@dataclass(frozen=True)
class Document:
    """One entry of a 年报 column: a report, a look-alike, or a listed page that is gone."""

    site: str
    path: str  # absolute path on the portal, e.g. /saihan/zwgk/zfxxgknb/202001/t20200116_7401.html
    title: str
    kind: str
    published: date | None  # shown on the detail page (None: no date at all)
    sort_date: date  # position in the list (newest first) and Last-Modified
    source: str  # 来源 / ContentSource
    blocks: tuple[Block, ...] = ()
    facts: ReportFacts | None = None
    list_date: date | None = None  # date printed beside the list entry
    files: tuple[AttachedFile, ...] = ()  # attachments linked from the page (or, at `path` itself, the listed file)
    report_path: str | None = None  # where the report's record lives when not at `path` (an attachment)
    source_format: str = "html"  # format of the report at its record URL
    version: int = 1  # which version of the report the page serves (2 once edited: evolution.py)
    gone: str | None = None  # how its URL stopped serving it (a GoneHow: http_404, redirect_parent); None if served

    @property
    def record_path(self) -> str:
        """Return the path of the URL the report is indexed under."""
        return self.report_path or self.path

    @property
    def listed_file(self) -> AttachedFile | None:
        """Return the file served at `path` itself (the list links a PDF directly), or None for a page."""
        return next((f for f in self.files if f.path == self.path), None)


@dataclass(frozen=True)
class Response:
    """A prepared HTTP answer."""

    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    last_modified: datetime | None = None
    extra_headers: tuple[tuple[str, str], ...] = ()


class Wire(Protocol):
    """The connection a streamed answer writes to, piece by piece."""

    def head(
        self, status: int, content_type: str, *, length: int | None, headers: tuple[tuple[str, str], ...] = ()
    ) -> None:
        """Send the status line and headers; without a length the body is sent chunked."""

    def write(self, data: bytes) -> None:
        """Send a piece of the body."""

    def end(self) -> None:
        """Finish a chunked body."""

    def reset(self) -> None:
        """Abort the connection with a TCP reset."""


@dataclass(frozen=True)
class Streamed:
    """An answer written as it goes (huge, slow or broken on purpose): `write(wire)` does everything."""

    write: Callable[[Wire], None]
    status: int = 200  # the status it sends, for the access log


@dataclass(frozen=True)
class Hosts:
    """Where the portal listens: its base URL and the second port, whose robots.txt is unreachable (HTTP 503)."""

    base_url: str  # http://127.0.0.1:PORT
    robots_down_url: str  # http://127.0.0.1:PORT2

    @property
    def port(self) -> int:
        """Return the main port."""
        return int(self.base_url.rsplit(":", 1)[1])

    @property
    def robots_down_port(self) -> int:
        """Return the second port."""
        return int(self.robots_down_url.rsplit(":", 1)[1])


@dataclass(frozen=True)
class Request:
    """What a dynamic route needs to know about the incoming request."""

    method: str
    path: str
    query: dict[str, str]
    form: dict[str, str]
    hosts: Hosts
    previous: int = 0  # how many times this server answered this path before

    @property
    def base_url(self) -> str:
        """Return the portal's base URL (http://127.0.0.1:PORT)."""
        return self.hosts.base_url


@dataclass(frozen=True)
class Access:
    """One answered request, as the server's access log keeps it."""

    host: str  # the Host header: the name and port the client used
    method: str
    path: str  # as requested, query included
    status: int
    form: str = ""  # a POST's urlencoded body
    at: float = field(default_factory=time.time, compare=False)  # when the request arrived (epoch seconds)


DynamicRoute = Callable[[Request], Response | Streamed]


@dataclass(frozen=True)
class HostileCase:
    """A URL of the hostile site and what a crawl must make of it (its entry in /_truth.json)."""

    path: str  # path (and query) on its host
    expect: str  # "report", or the FailureKind the URL must be recorded with
    reason_contains: str  # part of the recorded reason ("" for a report)
    what: str  # what the URL does, for a person
    host: str = "hostile"  # "hostile" (localhost:PORT) or "robots_down" (localhost:PORT2)
    prefix: bool = False  # the case covers every URL starting with the path (a trap)


@dataclass(frozen=True)
class Evolution:
    """What moving from state 1 to state 2 does to the portal (the same plan in both states)."""

    edited: tuple[Document, Document]  # a report before and after an edit of a sentence and a table cell
    deleted: Document  # its URL answers 404 and no list links it
    moved: Document  # its URL redirects (301) to its parent folder and no list links it
    added: Document  # a new report, listed in its column
    counted: Document  # served with a view counter and today's date in its chrome, in both states
    unlisted: Document  # still served, no longer listed
    second_url: tuple[Document, str]  # a report, and the department path serving it byte for byte, listed instead


@dataclass
class Portal:
    """Everything the server serves, plus the facts needed for /_truth.json."""

    routes: dict[str, Response] = field(default_factory=dict)
    dynamic: dict[str, DynamicRoute] = field(default_factory=dict)
    prefixes: dict[str, DynamicRoute] = field(default_factory=dict)  # answer every path under a prefix (traps)
    documents: list[Document] = field(default_factory=list)
    regions: dict[str, Region] = field(default_factory=dict)
    hostile: list[HostileCase] = field(default_factory=list)
    state: int = 1  # 1 as built; 2 after evolution.py's changes
    evolution: Evolution | None = None  # what moving to state 2 changes (set once the sites are built)

    def add(self, path: str, response: Response) -> None:
        """Register a static answer for an absolute path."""
        self.routes[path] = response


def midday(day: date) -> datetime:
    """Return a UTC timestamp for a calendar day (used for Last-Modified)."""
    return datetime(day.year, day.month, day.day, 2, 30, tzinfo=UTC)
