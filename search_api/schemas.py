"""Request and response models of the search API; the report and agency models are built from indexer.model types."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Annotated, Any, Literal, NotRequired, Self, get_args, get_origin, get_type_hints

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, create_model, model_validator

from indexer.config import DEFAULT_MAX_TEXT_CHARS
from indexer.model import Agency as RegistryAgency
from indexer.model import AgencyKind, FailureKind, Format, Level, Number, PortalRun, Record, SignalName
from indexer.model import Failure as CrawlFailure
from indexer.model import Run as CrawlRun
from indexer.model import TimelineYear as RegistryTimelineYear
from indexer.model import Version as StoredVersion
from indexer.runs import RunSummary as CrawlRunSummary
from indexer.storage import SearchQuery
from indexer.storage.base import MAX_FAILURES_WINDOW, SORT_KEYS, AgencyQuery
from indexer.storage.facets import (
    AGENCY_FACETS,
    ALL_FACETS,
    DEFAULT_FACETS,
    FAILED_CHECK,
    HAS_FAILED_CHECKS,
    KEYWORD_FIELDS,
    REVISED,
    SIGNAL,
    VERSION,
    WITHDRAWN,
    check_value,
)
from indexer.storage.plan import MAX_AGENCY_WORD, MAX_CONDITION_LENGTH, parse_condition
from indexer.tables.numbers import HEADLINE_NUMBERS, NUMBER_NAMES
from indexer.tables.schema import CHECK_RULES
from indexer.versions.diff import CellChange, SentenceChange

MAX_Q_LENGTH = 500
MAX_PAGE_SIZE = 100
MAX_PAGE = 100_000
MAX_FILTER_VALUES = 50
MAX_CONDITIONS = 20
FacetName = Literal[ALL_FACETS]  # type: ignore[valid-type]  # keyword, check and number facets
SortName = Literal[SORT_KEYS]  # type: ignore[valid-type]  # dates, years and every registered number
RuleName = Literal[CHECK_RULES]  # type: ignore[valid-type]
FilterValue = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
FilterList = Annotated[list[FilterValue], Field(max_length=MAX_FILTER_VALUES)]
Year = Annotated[int, Field(ge=1990, le=2100)]
AgencyId = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^ag[0-9a-f]{16}$")]
SignalList = Annotated[list[SignalName], Field(max_length=MAX_FILTER_VALUES)]
MAX_VERSION = 1_000_000
VersionNumber = Annotated[int, Field(ge=1, le=MAX_VERSION)]
AgencyFacetName = Literal[AGENCY_FACETS]  # type: ignore[valid-type]
SIGNAL_HELP = f"signals of which one is present (repeat = any of them): {', '.join(get_args(SignalName))}"


def _valid_condition(text: str) -> str:
    """Keep a `where` expression that parses (QueryError, a ValueError, with the syntax and the numbers otherwise)."""
    parse_condition(text)
    return text


WhereExpr = Annotated[str, StringConstraints(max_length=MAX_CONDITION_LENGTH), AfterValidator(_valid_condition)]


REGION_HELP = (
    "short or full name, as the division table spells it (repeat = any of them); the response's `resolved` "
    "lists the full names searched (a short name found at several places means all of them); an unknown name is "
    "a 422 with suggestions"
)
WHERE_HELP = (
    "number conditions, ANDed (repeat the parameter for several). Grammar: `<number><op><value>` with no "
    "spaces needed, op one of `>=` `<=` `>` `<` `=` `!=`, value a decimal number (e.g. `review.total>=1`, "
    "`applications.denied.total!=0`); a report lacking the cells of a number (null) never matches. "
    f"At most {MAX_CONDITIONS} conditions of {MAX_CONDITION_LENGTH} characters each. "
    f"Numbers (GET /numbers lists them with their Chinese labels): {', '.join(NUMBER_NAMES)}"
)


class FilterParams(BaseModel):
    """Which reports: the words and filters shared by GET /search, /search.csv, /search.jsonl and /search.atom."""

    model_config = ConfigDict(extra="forbid")

    q: Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_Q_LENGTH)] = Field(
        "",
        description="words to find (Chinese is segmented; all words must match); empty lists every report",
        examples=["行政复议"],
    )
    report_year: Annotated[list[Year], Field(max_length=MAX_FILTER_VALUES)] = Field(
        [], description="the year the report is about (repeat = any of them)", examples=[[2024]]
    )
    province: FilterList = Field([], description=f"the report's province: {REGION_HELP}", examples=[["吉林"]])
    city: FilterList = Field([], description=f"the report's city: {REGION_HELP}", examples=[["长春市"]])
    county: FilterList = Field([], description=f"the report's county: {REGION_HELP}", examples=[["绿园"]])
    agency_type: FilterList = Field(
        [], description="kind of body, e.g. 民政局, 人民政府 (repeat = any of them)", examples=[["民政局"]]
    )
    level: Annotated[list[Level], Field(max_length=MAX_FILTER_VALUES)] = Field(
        [],
        description=f"the agency's level: {', '.join(get_args(Level))} (repeat = any of them)",
        examples=[["county"]],
    )
    format: Annotated[list[Format], Field(max_length=MAX_FILTER_VALUES)] = Field(
        [],
        description="the tables' format: 2019 or 2021 (the two official templates) or legacy (before 2019)",
        examples=[["2021"]],
    )
    agency_id: Annotated[list[AgencyId], Field(max_length=MAX_FILTER_VALUES)] = Field(
        [],
        description="reports of this agency, whatever name variant each uses (GET /agencies; repeat = any of them)",
        examples=[["ag62f35278e5ad65c4"]],
    )
    signal: SignalList = Field([], description=SIGNAL_HELP, examples=[["late", "cross_year"]])
    has_failed_checks: bool | None = Field(
        None,
        description="true: some consistency check failed; false: every evaluated check passed",
        examples=[True],
    )
    failed_check: Annotated[list[RuleName], Field(max_length=MAX_FILTER_VALUES)] = Field(
        [],
        description=f"reports where this rule failed (repeat = any of them): {', '.join(CHECK_RULES)}",
        examples=[["applications_balance"]],
    )
    where: Annotated[list[WhereExpr], Field(max_length=MAX_CONDITIONS)] = Field(
        [], description=WHERE_HELP, examples=[["applications.new_received.total>=100", "review.corrected>0"]]
    )
    version: Annotated[list[VersionNumber], Field(max_length=MAX_FILTER_VALUES)] = Field(
        [],
        description="reports whose current version is this number: 1 = never changed since first seen "
        "(repeat = any of them; GET /reports/{id}/versions lists a report's versions)",
        examples=[[2, 3]],
    )
    revised: bool | None = Field(
        None,
        description="true: the report changed after it was first seen (version > 1, signal `revised`); "
        "false: never changed",
        examples=[True],
    )
    withdrawn: bool | None = Field(
        None,
        description="true: no URL of the report serves it any more (it stays searchable with its last copy, "
        "signal `withdrawn`); false: still served",
        examples=[True],
    )
    published_from: date | None = Field(
        None, description="published on or after this day (YYYY-MM-DD)", examples=["2025-01-01"]
    )
    published_to: date | None = Field(
        None, description="published on or before this day (YYYY-MM-DD)", examples=["2025-03-31"]
    )

    @model_validator(mode="after")
    def _range_in_order(self) -> Self:
        """published_from must not be after published_to."""
        if self.published_from and self.published_to and self.published_from > self.published_to:
            raise ValueError("published_from must be on or before published_to")
        return self

    def to_query(self) -> SearchQuery:
        """The backend-neutral query for these parameters (relevance order, first page, no facets)."""
        filters = {f: [str(v) for v in getattr(self, f)] for f in KEYWORD_FIELDS if getattr(self, f)}
        if self.has_failed_checks is not None:
            filters[HAS_FAILED_CHECKS] = [check_value(self.has_failed_checks)]
        if self.failed_check:
            filters[FAILED_CHECK] = list(self.failed_check)
        if self.signal:
            filters[SIGNAL] = list(self.signal)
        if self.version:
            filters[VERSION] = [str(v) for v in dict.fromkeys(self.version)]
        for flag in (REVISED, WITHDRAWN):
            value = getattr(self, flag)
            if value is not None:
                filters[flag] = [check_value(value)]
        return SearchQuery(
            q=self.q,
            filters=filters,
            where=list(self.where),
            published_from=self.published_from.isoformat() if self.published_from else None,
            published_to=self.published_to.isoformat() if self.published_to else None,
            facets=(),
        )


class QueryParams(FilterParams):
    """What to find and in which order: shared by GET /search, /search.csv and /search.jsonl."""

    sort: SortName = Field(
        "relevance",
        description="'-' prefix = descending, nulls last; a number name sorts by that number; version: by "
        "version number; changed_at: by the time the current version was first seen (unchanged reports last); "
        "relevance without q = newest first",
        examples=["-applications.new_received.total"],
    )

    def to_query(self) -> SearchQuery:
        """The backend-neutral query for these parameters, in the order asked."""
        query = super().to_query()
        query.sort = self.sort
        return query


class SearchParams(QueryParams):
    """Query parameters of GET /search; filters repeat (`province=A&province=B` = A or B)."""

    page: int = Field(1, ge=1, le=MAX_PAGE, description="page number, from 1", examples=[2])
    size: int = Field(
        20,
        ge=0,
        le=MAX_PAGE_SIZE,
        description=f"hits per page (≤ {MAX_PAGE_SIZE}); 0: only the total and the facet counts, no hits",
        examples=[0],
    )
    facets: Annotated[list[FacetName], Field(max_length=MAX_FILTER_VALUES)] = Field(
        list(DEFAULT_FACETS),
        description="facets to count: keyword fields, has_failed_checks, failed_check, agency (agency ids, "
        "each labelled with the agency's name), signal, revised and withdrawn (true/false, labelled in Chinese), "
        "or a number name (range buckets 0, 1-9, 10-99, 100-999, 1000+); default: the keyword fields but agency, "
        "has_failed_checks, failed_check, revised and withdrawn",
        examples=[["province", "agency", "signal", "revised", "withdrawn"]],
    )

    def to_query(self) -> SearchQuery:
        """The backend-neutral query for these parameters."""
        query = super().to_query()
        query.offset, query.limit = (self.page - 1) * self.size, self.size
        query.facets = tuple(dict.fromkeys(self.facets))
        return query


class ExportParams(QueryParams):
    """Query parameters of GET /search.csv and /search.jsonl: the same filters and sort as /search, no pages or
    facets."""


class FeedParams(FilterParams):
    """Query parameters of GET /search.atom: the same filters as /search; the feed is always newest first."""


def record_fields(*, without: Collection[str] = ()) -> dict[str, Any]:
    """The fields of indexer.model.Record with their types, as pydantic field definitions, except `without`.

    A field that may be null defaults to null, and a list a record may lack (`signals`) to an empty
    list, so a record stored without it (written by hand, or before the field existed) is still served.
    """
    hints = get_type_hints(Record)
    optional = {n for n, h in get_type_hints(Record, include_extras=True).items() if get_origin(h) is NotRequired}
    return {name: (hint, _default(hint, name in optional)) for name, hint in hints.items() if name not in without}


def _default(hint: object, optional: bool) -> Any:
    """Null for a nullable field, [] for a list older records may lack, otherwise required."""
    if _nullable(hint):
        return None
    return Field(default_factory=list) if optional else ...


def _nullable(hint: object) -> bool:
    """Whether a type admits None."""
    return type(None) in get_args(hint)


HIT_OMITS = ("text", "stats", "checks")  # a hit carries a snippet instead of the text, and no tables
TEXT_PAGE = DEFAULT_MAX_TEXT_CHARS  # characters of text GET /reports/{id} returns unless asked: a whole capped record
MAX_TEXT_PAGE = 1_000_000  # characters of text one GET /reports/{id} returns at most (about 3 MB)
Report = create_model(
    "Report",
    __doc__="The record (indexer.model.Record) with one page of its text: `text_limit` characters from `text_offset`.",
    **record_fields(),
    text_length=(int, Field(description="characters of the whole stored text")),
    text_offset=(int, Field(description="where `text` starts in the whole text")),
    text_more=(bool, Field(description="true when more text follows: ask again with text_offset + len(text)")),
)


class ReportParams(BaseModel):
    """Which part of the text GET /reports/{id} returns."""

    model_config = ConfigDict(extra="forbid")

    text_offset: int = Field(0, ge=0, description="first character of the text to return", examples=[200_000])
    text_limit: int = Field(
        TEXT_PAGE,
        ge=0,
        le=MAX_TEXT_PAGE,
        description=f"characters of text to return at most (≤ {MAX_TEXT_PAGE:,})",
        examples=[10_000],
    )


ReportHit = create_model(
    "ReportHit",
    __doc__="One search result: the record without its text, stats and checks; a score and a highlighted snippet.",
    **record_fields(without=HIT_OMITS),
    score=(float | None, Field(description="relevance, higher is better; null when not ranked")),
    snippet=(str, Field(description="HTML: escaped original text, matches in <mark>")),
    figures=(
        dict[str, Number | None],
        Field(
            description=f"numbers of the report by their searchable names: {', '.join(HEADLINE_NUMBERS)}, then every "
            "number the query's `where` conditions or sort use (null where the report lacks the cells)"
        ),
    ),
)


class FacetValue(BaseModel):
    """One facet value, how many results have it, and a label for a person where the value is a code."""

    value: str
    count: int
    label: Annotated[
        str | None,
        Field(
            description="agency: the agency's name; signal, failed_check: the signal or rule in Chinese; "
            "has_failed_checks, revised, withdrawn: the flag in Chinese (有校验未通过/校验全部通过, 修改过/未修改, "
            "已撤下/仍可访问)"
        ),
    ] = None


RESOLVED_HELP = "the full region names each province/city/county filter given was searched as (吉林 → 吉林省)"


class SearchResponse(BaseModel):
    """The search envelope."""

    data: list[ReportHit]  # type: ignore[valid-type]  # a model built from indexer.model.Record
    total: int
    facets: dict[str, list[FacetValue]]
    page: int
    size: int
    resolved: dict[str, list[str]] = Field(default_factory=dict, description=RESOLVED_HELP)


# --------------------------------------------------------------------------- versions, diffs, archived copies
VERSION_OMITS = ("record",)  # a listing of versions carries no texts: GET /reports/{id}/diff compares them
VersionSummary = create_model(
    "VersionSummary",
    __doc__="One distinct version of a report (indexer.model.Version without its record): when it was served, what "
    "it changed from the version before, where its archived copy lies, and its title and date as they were.",
    **{name: hint for name, hint in get_type_hints(StoredVersion).items() if name not in VERSION_OMITS},
    title=(str, Field(description="the title this version had")),
    published=(str | None, Field(description="the publication date this version had (ISO date)")),
)


class VersionsResponse(BaseModel):
    """Every distinct version of a report, oldest first."""

    report_id: str
    versions: list[VersionSummary]  # type: ignore[valid-type]  # a model built from indexer.model.Version


class DiffParams(BaseModel):
    """Which two versions GET /reports/{id}/diff compares."""

    model_config = ConfigDict(extra="forbid")

    from_: VersionNumber | None = Field(
        None, alias="from", description="the older version (default: the one before `to`)", examples=[1]
    )
    to: VersionNumber | None = Field(None, description="the newer version (default: the latest)", examples=[2])


class DiffResponse(BaseModel):
    """What changed from one version of a report to another (indexer.versions.diff)."""

    report_id: str
    from_: int = Field(alias="from", description="the older version")
    to: int = Field(description="the newer version")
    sentences: list[SentenceChange] = Field(
        description="sentences added, removed or changed (a changed one character by character in `parts`), "
        "in the newer text's order; table rows are compared cell by cell in `cells` instead"
    )
    cells: list[CellChange] = Field(description="the table cells whose value changed, old → new, in table order")
    summary: str = Field(description="the change in one Chinese line, e.g. 表三 本年新收…·自然人 26 → 28；正文改动1句")


class SourceParams(BaseModel):
    """Which version's archived response GET /reports/{id}/source replays."""

    model_config = ConfigDict(extra="forbid")

    version: VersionNumber | None = Field(
        None, description="the version whose archived response to replay (default: the latest)", examples=[1]
    )


# --------------------------------------------------------------------------- crawl runs
MAX_RUNS = 1000  # how far back GET /runs pages: almost three years of daily crawls
MAX_RUNS_PAGE_SIZE = 100
PORTAL_COUNTS_ADDED = ("reports_withdrawn", "reports_returned")  # absent from runs saved before withdrawals: 0


def portal_run_fields() -> dict[str, Any]:
    """The fields of indexer.model.PortalRun; what a run saved before a field existed lacks gets its default."""
    added: dict[str, Any] = dict.fromkeys(PORTAL_COUNTS_ADDED, 0) | {"columns": []}
    return {name: (hint, added.get(name, ...)) for name, hint in get_type_hints(PortalRun).items()}


PortalRunModel = create_model(
    "PortalRun", __doc__="What one crawl run did on one seed (indexer.model.PortalRun).", **portal_run_fields()
)
Run = create_model(
    "Run",
    __doc__="One crawl run with its per-portal counts (indexer.model.Run).",
    **{**get_type_hints(CrawlRun), "portals": list[PortalRunModel]},  # type: ignore[valid-type]  # built above
)
RunSummary = create_model(
    "RunSummary",
    __doc__="A crawl run with its portals' counts summed (indexer.runs.RunSummary).",
    **get_type_hints(CrawlRunSummary),
)


class RunsParams(BaseModel):
    """Query parameters of GET /runs: a page, newest first."""

    model_config = ConfigDict(extra="forbid")

    page: int = Field(1, ge=1, le=MAX_RUNS, description="page number, from 1", examples=[2])
    size: int = Field(
        20, ge=1, le=MAX_RUNS_PAGE_SIZE, description=f"runs per page (≤ {MAX_RUNS_PAGE_SIZE})", examples=[50]
    )

    @model_validator(mode="after")
    def _within_window(self) -> RunsParams:
        """Pages reach the latest MAX_RUNS runs at most."""
        if self.page * self.size > MAX_RUNS:
            raise ValueError(f"page × size must be at most {MAX_RUNS:,} (the runs kept within reach)")
        return self


class RunsResponse(BaseModel):
    """One page of crawl runs, newest first; `more` says whether older runs follow."""

    data: list[RunSummary]  # type: ignore[valid-type]  # a model built from indexer.runs.RunSummary
    page: int
    size: int
    more: bool


class Health(BaseModel):
    """Service status."""

    status: Literal["ok", "error"]
    backend: str
    reports: int | None = None
    detail: str | None = None
    latest_run: RunSummary | None = None  # type: ignore[valid-type]  # a model built from indexer.runs.RunSummary


class ErrorMessage(BaseModel):
    """An error response."""

    detail: str


class ParameterError(BaseModel):
    """One rejected parameter: where, why, the value given (shortened) and, for a region, close known names."""

    loc: list[str | int]
    msg: str
    type: str
    input: str | int | float | None = None
    suggestions: list[str] | None = Field(None, description="unknown region: close full names of that field")


class HTTPValidationErrors(BaseModel):
    """A 422: every rejected parameter."""

    detail: list[ParameterError]


# --------------------------------------------------------------------------- crawl failures
MAX_FAILURES_PAGE_SIZE = 500
PortalName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
RunId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class FailureFilters(BaseModel):
    """Which crawl failures: shared by GET /failures and GET /failures.csv (all given filters apply)."""

    model_config = ConfigDict(extra="forbid")

    portal: PortalName | None = Field(None, description="the seed (portal) name", examples=["pingtan"])
    kind: FailureKind | None = Field(
        None,
        description=f"what went wrong: {', '.join(get_args(FailureKind))} (docs: indexer.model.FailureKind)",
        examples=[get_args(FailureKind)[0]],
    )
    run: RunId | None = Field(
        None,
        description="the id of the last crawl run that met the failure (GET /runs)",
        examples=["20250301T030000Z-1a2b"],
    )


class FailureParams(FailureFilters):
    """Query parameters of GET /failures: filters and a page, most recently seen first."""

    page: int = Field(1, ge=1, le=MAX_FAILURES_WINDOW, description="page number, from 1", examples=[2])
    size: int = Field(
        50, ge=1, le=MAX_FAILURES_PAGE_SIZE, description=f"rows per page (≤ {MAX_FAILURES_PAGE_SIZE})", examples=[100]
    )

    @model_validator(mode="after")
    def _within_window(self) -> FailureParams:
        """Pages reach MAX_FAILURES_WINDOW rows at most (narrow the filters, or GET /failures.csv)."""
        if self.page * self.size > MAX_FAILURES_WINDOW:
            raise ValueError(f"page × size must be at most {MAX_FAILURES_WINDOW:,}: narrow the filters")
        return self


CrawlFailureModel = create_model(
    "Failure",
    __doc__="Why a URL did not become a stored report: one row per (url, kind) (indexer.model.Failure).",
    **get_type_hints(CrawlFailure),
)


class FailuresResponse(BaseModel):
    """One page of crawl failures, most recently seen first, and how many match."""

    data: list[CrawlFailureModel]  # type: ignore[valid-type]  # a model built from indexer.model.Failure
    total: int
    page: int
    size: int


# --------------------------------------------------------------------------- agencies
Agency = create_model(
    "Agency",
    __doc__="One publishing body across the years, whatever name variant each year's report uses "
    "(indexer.model.Agency; docs/AGENCIES.md).",
    **get_type_hints(RegistryAgency),
)
TimelineYear = create_model(
    "TimelineYear",
    __doc__="One year of an agency's timeline: its report (or none), deadline, figures, change from the year "
    "before and signals (indexer.model.TimelineYear).",
    **get_type_hints(RegistryTimelineYear),  # signals: indexer.model.Signal, as a report's
)
AgencyQ = Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_Q_LENGTH)]


class AgencyParams(BaseModel):
    """Query parameters of GET /agencies; filters repeat (`kind=政府&kind=部门` = either)."""

    model_config = ConfigDict(extra="forbid")

    q: AgencyQ = Field(
        "",
        description=f"words (space-separated, each at most {MAX_AGENCY_WORD} characters), each found in one of the "
        "agency's name variants or its province/city/county; empty lists every agency",
        examples=["绿园区 民政局"],
    )
    province: FilterList = Field([], description=f"the agency's province: {REGION_HELP}", examples=[["吉林"]])
    city: FilterList = Field([], description=f"the agency's city: {REGION_HELP}", examples=[["长春市"]])
    county: FilterList = Field([], description=f"the agency's county: {REGION_HELP}", examples=[["绿园"]])
    level: Annotated[list[Level], Field(max_length=MAX_FILTER_VALUES)] = Field(
        [], description="province, city, county, township or central", examples=[["county"]]
    )
    agency_type: FilterList = Field([], description="kind of body, e.g. 民政局, 人民政府", examples=[["民政局"]])
    kind: Annotated[list[AgencyKind], Field(max_length=MAX_FILTER_VALUES)] = Field(
        [], description="政府 (its report is due 31 March) or 部门 (31 January, from 2019 on)", examples=[["部门"]]
    )
    signal: SignalList = Field(
        [], description=f"agencies with one of these signals in any year: {SIGNAL_HELP}", examples=[["late", "missing"]]
    )
    signal_year: Year | None = Field(
        None,
        description="count only the signals of this report year, in the `signal` filter and facet "
        "(`signal=missing&signal_year=2025`: the agencies that did not publish their report on 2025)",
        examples=[2025],
    )
    facets: Annotated[list[AgencyFacetName], Field(max_length=MAX_FILTER_VALUES)] = Field(
        list(AGENCY_FACETS), description="facets to count", examples=[["province", "signal"]]
    )
    page: int = Field(1, ge=1, le=MAX_PAGE, description="page number, from 1", examples=[2])
    size: int = Field(
        20,
        ge=0,
        le=MAX_PAGE_SIZE,
        description=f"agencies per page (≤ {MAX_PAGE_SIZE}); 0: only the total and the facet counts",
        examples=[50],
    )

    def to_query(self) -> AgencyQuery:
        """The backend-neutral agencies query for these parameters."""
        filters = {f: [str(v) for v in getattr(self, f)] for f in AGENCY_FACETS if getattr(self, f)}
        return AgencyQuery(
            q=self.q,
            filters=filters,
            signal_year=self.signal_year,
            offset=(self.page - 1) * self.size,
            limit=self.size,
            facets=tuple(dict.fromkeys(self.facets)),
        )


class AgenciesResponse(BaseModel):
    """One page of agencies (by name), how many match, and the facet counts."""

    data: list[Agency]  # type: ignore[valid-type]  # a model built from indexer.model.Agency
    total: int
    facets: dict[str, list[FacetValue]]
    page: int
    size: int
    resolved: dict[str, list[str]] = Field(default_factory=dict, description=RESOLVED_HELP)


class TimelineResponse(BaseModel):
    """An agency and its years, from its first report to the latest year whose deadline has passed."""

    agency: Agency  # type: ignore[valid-type]  # a model built from indexer.model.Agency
    years: list[TimelineYear]  # type: ignore[valid-type]  # a model built from indexer.model.TimelineYear


# --------------------------------------------------------------------------- numbers, rules and signals
TableName = Literal["二", "三", "四"]


class NumberInfo(BaseModel):
    """One searchable number: its key (for `where`, `sort`, `facets`), its Chinese label and where it comes from."""

    key: str = Field(description="the name `where`, `sort` and `facets` take", examples=["review.corrected"])
    label: str = Field(description="the number in Chinese: table · row · column", examples=["四·行政复议·结果纠正"])
    table: TableName = Field(description="the table of the annual report it is read from")
    description: str = Field(description="what it counts, in Chinese")
    headline: bool = Field(description="whether every search hit carries it in `figures`")


class LabelledCode(BaseModel):
    """A code the API uses (a check rule, a signal), its Chinese name and what it means."""

    key: str
    label: str
    explanation: str


class NumbersResponse(BaseModel):
    """What the API can count and flag, with Chinese labels: the numbers, the check rules and the signals."""

    numbers: list[NumberInfo]
    checks: list[LabelledCode] = Field(description="the consistency rules (`failed_check`); explanation: when it fails")
    signals: list[LabelledCode] = Field(description="the signals (`signal`) a watchdog looks for")
