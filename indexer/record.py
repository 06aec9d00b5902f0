"""Page → report record (docs/RECORD.md): recognise the report, extract its fields, add bookkeeping."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Mapping

from typing_extensions import TypedDict

from indexer.agencies.identity import agency_key, agency_kind
from indexer.agencies.registry import report_signals
from indexer.clean.page import CleanText, clean_page
from indexer.config import DEFAULT_MAX_TEXT_CHARS
from indexer.errors import NotAReport, UnreadablePage
from indexer.fields.agency import extract_agency, extract_agency_type, extract_level
from indexer.fields.dates import extract_published, extract_report_year
from indexer.fields.recognize import is_report_title, recognize_report
from indexer.fields.regions import page_clues, region_fields, resolve_region
from indexer.fields.source import extract_content_hash, extract_url
from indexer.fields.title import extract_title
from indexer.load.html import Page
from indexer.load.sniff import as_source_format
from indexer.load.source import load_source
from indexer.model import Check, Extraction, Format, Level, Record, Stats
from indexer.tables.checks import run_checks
from indexer.tables.reader import TableResult, read_tables
from indexer.withhold import withhold_failing_cells

logger = logging.getLogger(__name__)

RECORD_VERSION = 1
ID_HEX_CHARS = 16


class ReportFields(TypedDict):
    """The descriptive fields of a record, between its bookkeeping and its tables."""

    title: str
    agency: str | None
    agency_type: str | None
    level: Level | None
    province: str | None
    city: str | None
    county: str | None
    region_code: str | None
    report_year: int | None
    published: str | None
    format: Format
    text: str


def prepare(source: bytes | str, source_format: str | None = None) -> tuple[Page, CleanText]:
    """Load (decode or extract from PDF/DOCX, parse) and clean a source once; tables stay readable from it."""
    page = load_source(source, as_source_format(source_format))
    return page, clean_page(page)


def choose_title(title: str | None, list_title: str | None) -> str:
    """Prefer whichever of page title and list title names the report; '' when there is none."""
    for candidate in (title, list_title):
        if candidate and is_report_title(candidate):
            return candidate
    return title or list_title or ""


def report_verdict(
    source: bytes | str, *, list_title: str | None = None, source_format: str | None = None
) -> tuple[bool, str]:
    """Tell whether a source is, by itself, a readable annual report, and why (never raises for bad input)."""
    try:
        page, cleaned = prepare(source, source_format)
    except UnreadablePage as exc:
        logger.debug("verdict: unreadable: %s", exc.reason)
        return False, f"unreadable: {exc.reason}"
    verdict = recognize_report(extract_title(page, cleaned.text), cleaned.text, list_title)
    logger.debug("verdict: %s (%s)", "report" if verdict[0] else "not a report", verdict[1])
    return verdict


def report_fields(page: Page, text: str, title: str, hints: Mapping[str, str] | None, fmt: Format) -> ReportFields:
    """Extract the descriptive fields of a recognised report (`fmt` comes from its tables)."""
    agency = extract_agency(title, text)
    region = resolve_region(agency, title, text, hints, page_clues(page.raw))
    year = extract_report_year(title, text)
    return {
        "title": title,
        "agency": agency,
        "agency_type": extract_agency_type(agency),
        "level": extract_level(agency),
        **region_fields(region),
        "report_year": year,
        "published": extract_published(page, text, year),
        "format": fmt,
        "text": text,
    }


def record_id(url: str | None, content_hash: str) -> str:
    """Stable id: sha1 of the canonical URL (or of the content hash when there is no URL), 16 hex."""
    return hashlib.sha1((url or content_hash).encode("utf-8")).hexdigest()[:ID_HEX_CHARS]


def _timestamp(value: dt.datetime | str | None) -> str | None:
    """Render fetched_at as ISO text."""
    return value.isoformat() if isinstance(value, (dt.datetime, dt.date)) else value


def _report_title(page: Page, text: str, list_title: str | None, url: str | None) -> str:
    """Return the title of a recognised report; raise NotAReport with the reason for anything else."""
    page_title = extract_title(page, text)
    is_report, reason = recognize_report(page_title, text, list_title)
    logger.debug("%s: %s (%s)", url or "page without URL", "report" if is_report else "not a report", reason)
    if not is_report:
        raise NotAReport(reason)
    return choose_title(page_title, list_title)


def _trusted_tables(page: Page, tables: TableResult) -> tuple[Stats | None, list[Check], Extraction]:
    """Return stats, checks and extraction; cells OCR read that fail their arithmetic are withheld (withhold.py)."""
    checks = run_checks(tables.stats, tables.format, tables.unparsed)
    if page.extraction["method"] != "ocr" or tables.stats is None:
        return tables.stats, checks, page.extraction
    stats, withheld, unread = withhold_failing_cells(tables.stats, tables.format)
    if withheld:
        logger.warning(
            "OCR: %d table cells fail their arithmetic and are withheld: %s", len(withheld), ", ".join(withheld)
        )
    return stats, checks + unread, {**page.extraction, "withheld_cells": withheld}


def build_record(
    source: bytes | str,
    *,
    url: str | None = None,
    fetched_at: dt.datetime | str | None = None,
    hints: Mapping[str, str] | None = None,
    list_title: str | None = None,
    source_format: str | None = None,
    max_text_chars: int = DEFAULT_MAX_TEXT_CHARS,
    site_code: str | None = None,
) -> Record:
    """Build the record (docs/RECORD.md) of a page or document.

    Args:
        source: raw bytes (a page, .txt, PDF or DOCX file) or decoded HTML / plain text.
        url: where it was fetched (canonicalised; falls back to the page's own <meta name=Url>).
        fetched_at: crawl time, passed through.
        hints: seed region hints {'province', 'city', 'county'}.
        list_title: the title shown on the list page, used when the page's own title does not name the report.
        source_format: html, txt, pdf, docx, doc or wps as declared (the bytes win; sniffed when None).
        max_text_chars: characters of cleaned text the record keeps (REPORTS_MAX_TEXT_CHARS); fields,
            tables and content_hash are read from the whole text, `text_truncated_from` says when it was cut.
        site_code: the 网站标识码 of the site it was found on (from the seed), passed through.

    Returns the record (validates against docs/record.schema.json; stats None for legacy reports), with its
    agency id, own signals (docs/AGENCIES.md) and how its text was obtained (`extraction`: table cells OCR
    read that fail their arithmetic are withheld from `stats` and listed there).
    Raises NotAReport(reason) for readable non-reports and UnreadablePage for undecodable input.
    """
    page, cleaned = prepare(source, source_format)
    title = _report_title(page, cleaned.text, list_title, url)
    tables = read_tables(cleaned)
    canonical = extract_url(page, url)
    content_hash = extract_content_hash(cleaned.text)
    fields = report_fields(page, cleaned.text, title, hints, tables.format)
    cut = len(cleaned.text) > max_text_chars
    if cut:
        logger.warning(
            "%s: text cut to %d of %d characters", url or "page without URL", max_text_chars, len(fields["text"])
        )
        fields["text"] = fields["text"][:max_text_chars]
    stats, checks, extraction = _trusted_tables(page, tables)
    key = agency_key(fields["agency"], fields["region_code"])
    # the history fields (first_seen, withdrawn …) are left out: storage (revisions.reconcile) sets them
    record: Record = {
        "id": record_id(canonical, content_hash),
        "url": canonical or "",
        "urls": [canonical] if canonical else [],
        **fields,  # type: ignore[typeddict-item]  # no history fields: see above
        "text_truncated_from": len(cleaned.text) if cut else None,
        "stats": stats,
        "checks": checks,
        "source_format": page.source_format,
        "fetched_at": _timestamp(fetched_at),
        "content_hash": content_hash,
        "version": RECORD_VERSION,
        "agency_id": key.id if key else None,
        "signals": [],
        "extraction": extraction,
        "site_code": site_code,
    }
    # the report's own signals (the registry build adds those comparing it with last year's)
    record["signals"] = report_signals(record, agency_kind(key.name) if key else None)
    return record
