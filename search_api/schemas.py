"""Request and response models of the search API; the report models are built from indexer.model.Record."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Annotated, Any, Literal, get_args, get_type_hints

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, create_model, model_validator

from indexer.config import DEFAULT_MAX_TEXT_CHARS
from indexer.model import Failure as CrawlFailure
from indexer.model import FailureKind, Format, Level, Record
from indexer.model import Run as CrawlRun
from indexer.runs import RunSummary as CrawlRunSummary
from indexer.storage import SearchQuery
from indexer.storage.base import MAX_FAILURES_WINDOW, SORT_KEYS
from indexer.storage.facets import (
    ALL_FACETS,
    DEFAULT_FACETS,
    FAILED_CHECK,
    HAS_FAILED_CHECKS,
    KEYWORD_FACETS,
    check_value,
)
from indexer.storage.plan import MAX_CONDITION_LENGTH, parse_condition
from indexer.tables.numbers import NUMBER_NAMES
from indexer.tables.schema import CHECK_RULES

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


def _valid_condition(text: str) -> str:
    """Keep a `where` expression that parses (QueryError, a ValueError, with the syntax and the numbers otherwise)."""
    parse_condition(text)
    return text


WhereExpr = Annotated[str, StringConstraints(max_length=MAX_CONDITION_LENGTH), AfterValidator(_valid_condition)]


class QueryParams(BaseModel):
    """What to find and in which order: shared by GET /search and GET /search.csv."""

    model_config = ConfigDict(extra="forbid")

    q: Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_Q_LENGTH)] = Field(
        "", description="words to find (Chinese is segmented); empty lists every report"
    )
    report_year: Annotated[list[Year], Field(max_length=MAX_FILTER_VALUES)] = []
    province: FilterList = []
    city: FilterList = []
    county: FilterList = []
    agency_type: FilterList = []
    level: Annotated[list[Level], Field(max_length=MAX_FILTER_VALUES)] = []
    format: Annotated[list[Format], Field(max_length=MAX_FILTER_VALUES)] = []
    has_failed_checks: bool | None = Field(
        None, description="true: some consistency check failed; false: every evaluated check passed"
    )
    failed_check: Annotated[list[RuleName], Field(max_length=MAX_FILTER_VALUES)] = Field(
        [], description="reports where this rule failed (repeat = any of them)"
    )
    where: Annotated[list[WhereExpr], Field(max_length=MAX_CONDITIONS)] = Field(
        [],
        description="number conditions, ANDed: <number><op><value>, op one of >= <= > < = != "
        f"(null never matches); numbers: {', '.join(NUMBER_NAMES)}",
    )
    published_from: date | None = Field(None, description="inclusive, YYYY-MM-DD")
    published_to: date | None = Field(None, description="inclusive, YYYY-MM-DD")
    sort: SortName = Field(
        "relevance",
        description="'-' prefix = descending, nulls last; a number name sorts "
        "by that number; relevance without q = newest first",
    )

    @model_validator(mode="after")
    def _range_in_order(self) -> QueryParams:
        """published_from must not be after published_to."""
        if self.published_from and self.published_to and self.published_from > self.published_to:
            raise ValueError("published_from must be on or before published_to")
        return self

    def to_query(self) -> SearchQuery:
        """The backend-neutral query for these parameters (first page, no facets)."""
        filters = {f: [str(v) for v in getattr(self, f)] for f in KEYWORD_FACETS if getattr(self, f)}
        if self.has_failed_checks is not None:
            filters[HAS_FAILED_CHECKS] = [check_value(self.has_failed_checks)]
        if self.failed_check:
            filters[FAILED_CHECK] = list(self.failed_check)
        return SearchQuery(
            q=self.q,
            filters=filters,
            where=list(self.where),
            published_from=self.published_from.isoformat() if self.published_from else None,
            published_to=self.published_to.isoformat() if self.published_to else None,
            sort=self.sort,
            facets=(),
        )


class SearchParams(QueryParams):
    """Query parameters of GET /search; filters repeat (`province=A&province=B` = A or B)."""

    page: int = Field(1, ge=1, le=MAX_PAGE)
    size: int = Field(20, ge=1, le=MAX_PAGE_SIZE)
    facets: Annotated[list[FacetName], Field(max_length=MAX_FILTER_VALUES)] = Field(
        list(DEFAULT_FACETS),
        description="facets to count: keyword fields, has_failed_checks, failed_check, "
        "or a number name (range buckets 0, 1-9, 10-99, 100-999, 1000+)",
    )

    def to_query(self) -> SearchQuery:
        """The backend-neutral query for these parameters."""
        query = super().to_query()
        query.offset, query.limit = (self.page - 1) * self.size, self.size
        query.facets = tuple(dict.fromkeys(self.facets))
        return query


class ExportParams(QueryParams):
    """Query parameters of GET /search.csv: the same filters and sort as /search, no pages or facets."""


def record_fields(*, without: Collection[str] = ()) -> dict[str, Any]:
    """The fields of indexer.model.Record with their types, as pydantic field definitions, except `without`.

    A field that may be null defaults to null, so a record stored without it (written by hand, or
    before the field existed) is still served.
    """
    hints = get_type_hints(Record)
    return {name: (hint, None if _nullable(hint) else ...) for name, hint in hints.items() if name not in without}


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

    text_offset: int = Field(0, ge=0, description="first character of the text to return")
    text_limit: int = Field(
        TEXT_PAGE, ge=0, le=MAX_TEXT_PAGE, description=f"characters of text to return at most (≤ {MAX_TEXT_PAGE:,})"
    )


ReportHit = create_model(
    "ReportHit",
    __doc__="One search result: the record without its text, stats and checks; a score and a highlighted snippet.",
    **record_fields(without=HIT_OMITS),
    score=(float | None, Field(description="relevance, higher is better; null when not ranked")),
    snippet=(str, Field(description="HTML: escaped original text, matches in <mark>")),
)


class FacetValue(BaseModel):
    """One facet value and how many results have it."""

    value: str
    count: int


class SearchResponse(BaseModel):
    """The search envelope."""

    data: list[ReportHit]  # type: ignore[valid-type]  # a model built from indexer.model.Record
    total: int
    facets: dict[str, list[FacetValue]]
    page: int
    size: int


# --------------------------------------------------------------------------- crawl runs
MAX_RUNS = 1000  # how far back GET /runs pages: almost three years of daily crawls
MAX_RUNS_PAGE_SIZE = 100
Run = create_model(
    "Run", __doc__="One crawl run with its per-portal counts (indexer.model.Run).", **get_type_hints(CrawlRun)
)
RunSummary = create_model(
    "RunSummary",
    __doc__="A crawl run with its portals' counts summed (indexer.runs.RunSummary).",
    **get_type_hints(CrawlRunSummary),
)


class RunsParams(BaseModel):
    """Query parameters of GET /runs: a page, newest first."""

    model_config = ConfigDict(extra="forbid")

    page: int = Field(1, ge=1, le=MAX_RUNS, description="page number, from 1")
    size: int = Field(20, ge=1, le=MAX_RUNS_PAGE_SIZE, description=f"runs per page (≤ {MAX_RUNS_PAGE_SIZE})")

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


# --------------------------------------------------------------------------- crawl failures
MAX_FAILURES_PAGE_SIZE = 500
PortalName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
RunId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class FailureFilters(BaseModel):
    """Which crawl failures: shared by GET /failures and GET /failures.csv (all given filters apply)."""

    model_config = ConfigDict(extra="forbid")

    portal: PortalName | None = Field(None, description="the seed (portal) name, e.g. pingtan")
    kind: FailureKind | None = Field(
        None, description=f"what went wrong: {', '.join(get_args(FailureKind))} (docs: indexer.model.FailureKind)"
    )
    run: RunId | None = Field(None, description="the id of the last crawl run that met the failure (GET /runs)")


class FailureParams(FailureFilters):
    """Query parameters of GET /failures: filters and a page, most recently seen first."""

    page: int = Field(1, ge=1, le=MAX_FAILURES_WINDOW, description="page number, from 1")
    size: int = Field(50, ge=1, le=MAX_FAILURES_PAGE_SIZE, description=f"rows per page (≤ {MAX_FAILURES_PAGE_SIZE})")

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
