"""The report record (docs/RECORD.md) as types: what `build_record` returns and every backend stores.

`Record` is the contract between crawler, indexer, storage, API and exports; docs/record.schema.json
states the same for machines and tests/indexer/test_model.py keeps the two in step (field names,
nullability, the keys of every table). A field that could not be read is None, never a guess. The
stats keys and their official labels are in tables/schema.py.
"""

from __future__ import annotations

from typing import (
    Literal,
    NotRequired,  # pydantic reads TypedDicts from typing_extensions on < 3.12
)

from typing_extensions import TypedDict

Number = int | float
Cell = Number | None  # a table cell: null when blank, printed as — / 无, or not readable with certainty

Level = Literal["province", "city", "county", "township", "central"]
Format = Literal["2019", "2021", "legacy"]
SourceFormat = Literal["html", "pdf", "docx", "doc", "wps", "txt"]
RuleName = Literal[
    "applications_balance", "applications_results_sum", "applications_row_totals", "suits_totals", "unparsed"
]


class ProactiveRow(TypedDict, total=False):
    """One row of table 二 (主动公开); which columns a row has depends on the row and the format."""

    new_made: Cell  # 2019: 本年新制作数量 (规章, 规范性文件)
    new_published: Cell  # 2019: 本年新公开数量
    total_published: Cell  # 2019: 对外公开总数量
    prev_items: Cell  # 2019: 上一年项目数量 (许可, 其他, 处罚, 强制, 收费)
    change: Cell  # 2019: 本年增/减 (may be negative)
    decisions: Cell  # 处理决定数量
    items: Cell  # 2019: 采购项目数量
    amount_10k_yuan: Cell  # 金额 in 万元 (元 converted)
    issued: Cell  # 2021: 本年制发件数
    repealed: Cell  # 2021: 本年废止件数
    in_force: Cell  # 2021: 现行有效件数


class Proactive(TypedDict, total=False):
    """Table 二 (主动公开政府信息情况), by row."""

    regulations: ProactiveRow
    normative_documents: ProactiveRow
    licensing: ProactiveRow
    other_services: ProactiveRow
    penalties: ProactiveRow
    enforcement: ProactiveRow
    fees: ProactiveRow
    procurement: ProactiveRow


class ApplicantCells(TypedDict, total=False):
    """One row of table 三 by applicant; a row printed as one merged cell has only `total`."""

    natural_person: Cell
    commercial: Cell
    research: Cell
    social_welfare: Cell
    legal_services: Cell
    other_org: Cell
    total: Cell


class Applications(TypedDict, total=False):
    """Table 三 (收到和处理政府信息公开申请情况), rows in table order; row (六) differs between formats."""

    new_received: ApplicantCells
    carried_over: ApplicantCells
    granted: ApplicantCells
    partly_granted: ApplicantCells
    denied_state_secret: ApplicantCells
    denied_law_prohibited: ApplicantCells
    denied_three_safety_one_stability: ApplicantCells
    denied_third_party: ApplicantCells
    denied_internal_affairs: ApplicantCells
    denied_process_info: ApplicantCells
    denied_enforcement_file: ApplicantCells
    denied_inquiry: ApplicantCells
    unavailable_not_held: ApplicantCells
    unavailable_needs_creation: ApplicantCells
    unavailable_unclear: ApplicantCells
    not_processed_petition: ApplicantCells
    not_processed_duplicate: ApplicantCells
    not_processed_publication: ApplicantCells
    not_processed_excessive: ApplicantCells
    not_processed_confirm: ApplicantCells
    other: ApplicantCells  # 2019 format: （六）其他处理
    other_no_correction: ApplicantCells  # 2021 format
    other_no_fee: ApplicantCells  # 2021 format
    other_other: ApplicantCells  # 2021 format
    total_processed: ApplicantCells
    carried_forward: ApplicantCells


class SuitCells(TypedDict, total=False):
    """One group of table 四 (行政复议, 行政诉讼 ×2)."""

    upheld: Cell
    corrected: Cell
    other: Cell
    pending: Cell
    total: Cell


class Stats(TypedDict, total=False):
    """The numbers of tables 二, 三, 四; a table the report lacks is absent."""

    proactive: Proactive
    applications: Applications
    review: SuitCells
    litigation_direct: SuitCells
    litigation_after_review: SuitCells


ExtractionMethod = Literal[
    "html",  # an HTML page
    "text",  # a plain-text file (or text a caller extracted)
    "docx",  # a Word document's body (python-docx)
    "pdf_text",  # a PDF's text layer
    "converted",  # an old Word file (.doc, .wps) converted to DOCX by LibreOffice, then read as a DOCX
    "ocr",  # a scanned PDF (no text layer) read by OCR
]


class Extraction(TypedDict):
    """How the record's text was obtained, and the table cells that reading could not vouch for."""

    method: ExtractionMethod
    tool: str | None  # the converter or OCR engine: "LibreOffice 7.4.7.2 (wps → docx)", "tesseract 5.3.0 …"
    # OCR only: dotted stats key -> the figure OCR read, for cells whose arithmetic failed; `stats` holds null there
    withheld_cells: dict[str, Number]


class Check(TypedDict):
    """The result of one consistency rule (or one unreadable cell, rule `unparsed`)."""

    rule: RuleName
    ok: bool
    detail: str


# --------------------------------------------------------------------------- what the site served, and when
GoneHow = Literal[
    "http_404",  # the URL answers 404 Not Found
    "http_410",  # the URL answers 410 Gone
    "redirect_parent",  # the URL redirects to its parent folder (or that folder's index page)
    "redirect_home",  # the URL redirects to the site's home page
]


class Capture(TypedDict):
    """Where an archived response lies in the web archive (indexer/archive.py), and what it was."""

    warc_file: str  # file name inside the archive folder
    offset: int  # byte offset of the WARC response record
    length: int  # bytes of the (gzipped) record
    url: str  # the URL fetched (the final one, after redirects)
    captured_at: str  # ISO 8601 UTC: the fetch time (WARC-Date)
    status: int  # the HTTP status served


class CaptureRow(Capture):
    """One row of the captures index ((URL, time) -> WARC file and offset): an archived response, the report it
    served (or was found gone at), the URL asked for and what the crawler knew (seed, list title …)."""

    report_id: str | None  # the report stored from it or found gone through it; None when it served none
    requested_url: str  # the URL requested (before redirects)
    meta: dict[str, str]  # what rebuilding the record needs besides the bytes (portal, list_title …; archive.py)


class Withdrawal(TypedDict):
    """A time the report was no longer served at any of its URLs; `returned` when it came back."""

    missed: str  # ISO time of the first fetch that found it gone
    returned: str | None  # ISO time of the first fetch that found it again; None while withdrawn
    how: GoneHow  # how the last of its URLs was found gone
    url: str  # that URL


class Record(TypedDict):
    """One report: one canonical document, whichever URLs it was found at."""

    id: str  # stable: hash of the canonical URL (or of the content when there is none)
    url: str  # canonical URL ("" when unknown)
    urls: list[str]  # every URL it was seen at, first seen first
    title: str
    agency: str | None
    agency_type: str | None
    level: Level | None
    province: str | None
    city: str | None
    county: str | None
    region_code: str | None  # 6-digit administrative code
    report_year: int | None  # the year covered, not the year published
    published: str | None  # ISO date
    format: Format | None
    text: str  # cleaned full text
    text_truncated_from: int | None  # the cleaned text's length when `text` keeps only its start; None when whole
    stats: Stats | None  # None for legacy reports
    checks: list[Check]
    source_format: SourceFormat | None
    fetched_at: str | None
    content_hash: str | None  # sha256 of the cleaned text
    version: int | None  # 1, then +1 each time the cleaned text changed
    # Absent from records stored before agencies existed (read as null / []); build_record always sets them.
    agency_id: NotRequired[str | None]  # the publishing body across years (indexer/agencies/identity.py)
    signals: NotRequired[list[Signal]]  # what watchdogs look for; the agency registry build completes them
    # Version history and withdrawals (storage/revisions.py keeps them; absent from older records: null / []).
    first_seen: NotRequired[str | None]  # fetch time the report was first seen
    changed_at: NotRequired[str | None]  # fetch time its current version was first seen; None for version 1
    last_seen: NotRequired[str | None]  # the last fetch that served it (any URL)
    change_summary: NotRequired[str | None]  # what the current version changed, e.g. "表三 本年新收·自然人 26 → 28"
    withdrawn: NotRequired[str | None]  # ISO time it was first missed, while no URL serves it; None when served
    withdrawals: NotRequired[list[Withdrawal]]  # every withdrawal, oldest first (the gaps when it came back)
    gone_urls: NotRequired[list[str]]  # URLs of `urls` that no longer serve it
    capture: NotRequired[Capture | None]  # the archived response that first served this version
    # How its text was read (absent from records stored before it existed: null); build_record always sets it.
    extraction: NotRequired[Extraction | None]
    site_code: NotRequired[str | None]  # 网站标识码 of the site it was found on (from the seed)


class Version(TypedDict):
    """One distinct version of a report (by cleaned text and numbers), as `versions` keeps it."""

    version: int  # 1, 2, …
    content_hash: str | None
    first_seen: str | None  # fetch time this version was first served
    last_seen: str | None  # fetch time it was last served
    change_summary: str | None  # what changed from the version before (None for version 1)
    capture: Capture | None  # the archived response that first served it
    record: Record  # the record as it was stored last with this version (text, stats, checks, every field)


# --------------------------------------------------------------------------- crawl bookkeeping
FailureKind = Literal[
    "fetch_failed",  # HTTP error status, DNS, timeout, connection refused/reset/lost after N bytes
    "too_large",  # the response (or its decompressed body) is over the size limit
    "robots",  # refused by robots.txt, or robots.txt unreachable (RFC 9309: disallow all)
    "off_scope",  # a redirect or meta refresh leaving the seed's domains
    "bad_redirect",  # redirect loop, redirect to itself, or to a non-HTTP scheme (file:, data:)
    "url_too_long",  # over the URL length limit
    "trap",  # a URL pattern repeating with a growing number (calendar and paging traps)
    "budget",  # a per-seed budget ran out (list pages, hub pages, requests); url = where it stopped
    "no_column",  # a seed where no 年报 column was found; url = the seed's start URL
    "not_a_report",  # fetched, readable, not an annual report (look-alike)
    "unreadable",  # fetched but could not be read (undecodable, corrupt, scanned without OCR …)
]


class Failure(TypedDict):
    """Why a URL did not become a stored report: one row per (url, kind), updated by every run that meets it."""

    url: str
    kind: FailureKind
    reason: str  # the last reason, for a person: "HTTP 404", "too large: 52428800 bytes, limit 10485760" …
    portal: str | None  # seed name
    status: int | None  # HTTP status, when there was one
    first_seen: str  # ISO time
    last_seen: str  # ISO time
    count: int  # how many times it was met (across runs)
    run_id: str | None  # the last run that met it


RunStatus = Literal["running", "finished", "failed", "interrupted"]


ColumnVia = Literal["link", "binding", "script", "sitemap", "search", "seed"]


class ColumnRoute(TypedDict):
    """How a crawl reached one 年报 column: the pages followed from the home page, and how its link was read."""

    column: str  # the column's first list page (or the search results page)
    route: str  # e.g. "home › 政府信息公开 › 地方部门平台链接 › 财政金融局 › 政府信息公开年报"
    via: ColumnVia  # link: a plain href; binding: ms-attr-href, :href …; script: a script literal; or a fallback


class PortalRun(TypedDict):
    """What one crawl run did on one seed (portal)."""

    portal: str
    requests: int  # requests scheduled for this seed
    pages: int  # responses received (any status)
    not_modified: int  # of them, 304 answers to conditional GETs (incremental recrawls)
    reports_new: int
    reports_changed: int  # stored before, cleaned text changed
    reports_unchanged: int
    reports_withdrawn: int  # stored reports whose last live URL was found gone (404/410, redirect to folder/home)
    reports_returned: int  # withdrawn reports served again
    failures: dict[str, int]  # FailureKind -> count
    column_found: bool  # a 年报 column was reached
    budgets_exhausted: list[str]  # "list_pages", "hub_pages", "requests" …
    columns: NotRequired[list[ColumnRoute]]  # which route found each 年报 column (absent from older runs)


class Run(TypedDict):
    """One crawl run: `reports-crawl` from start to end, with per-portal counts."""

    id: str  # e.g. 20261206T053000Z-3f2a
    started_at: str
    finished_at: str | None
    status: RunStatus
    seeds: str  # the seed file
    portals: list[PortalRun]


# --------------------------------------------------------------------------- agencies and signals
AgencyKind = Literal[
    "政府", "部门"
]  # a people's government (or a body governing a territory in its place) / a department
SignalName = Literal[
    "missing",  # no report for a year the agency had to report on
    "late",  # published after the legal deadline
    "failed_checks",  # the report's own tables do not add up
    "cross_year",  # this year's opening figures differ from last year's closing figures
    "copied",  # most sentences repeat the agency's previous report
    "blank_cells",  # mandated table cells left blank
    "text_table_mismatch",  # a number stated in the prose contradicts the table
    "revised",  # the report changed after publication (version history)
    "withdrawn",  # the report is no longer served
]


class Signal(TypedDict):
    """One thing a watchdog looks for, explained in Chinese, with its evidence (numbers, dates, sentences)."""

    signal: SignalName
    detail: str
    evidence: dict[str, object]


class Agency(TypedDict):
    """One publishing body across the years, whatever name variant each year's report uses."""

    id: str  # stable: from the region code and the folded name (indexer/agencies/identity.py)
    name: str  # the name its reports use most (ties: the longest)
    names: list[str]  # every name variant its reports use
    province: str | None
    city: str | None
    county: str | None
    region_code: str | None
    level: Level | None
    agency_type: str | None
    kind: AgencyKind  # decides the legal deadline
    first_year: int  # the first year it has a report on
    last_year: int  # the last year of its timeline (a report, or the latest year already due)
    reports: int
    signals: list[SignalName]  # every signal of any of its years


class TimelineYear(TypedDict):
    """One year of an agency's timeline: its report (or none), its deadline, headline figures and signals."""

    report_year: int
    report_id: str | None  # None: no report found for this year
    published: str | None
    deadline: str  # ISO date
    late: bool | None  # None: no verdict (no report, or no publication date)
    days_late: int | None
    figures: dict[str, Number | None]  # the searchable numbers (tables/numbers.py names)
    change: dict[str, Number | None]  # difference from the year before (None where either is missing)
    signals: list[Signal]
