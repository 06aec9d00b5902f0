"""Page → report record (RECORD.md): recognise the report, extract its fields, add bookkeeping."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import replace

from indexer.clean.page import CleanText, clean_page
from indexer.errors import NotAReport, UnreadablePage
from indexer.fields.agency import extract_agency, extract_agency_type, extract_level
from indexer.fields.dates import extract_published, extract_report_year
from indexer.fields.recognize import is_report_title, recognize_report
from indexer.fields.regions import page_clues, region_fields, resolve_region
from indexer.fields.source import (
    extract_content_hash,
    extract_source_format,
    extract_url,
)
from indexer.fields.title import extract_title
from indexer.load.documents import (
    DOCUMENT_FORMATS,
    extract_document_text,
    sniff_document_format,
)
from indexer.load.html import Page, load_page
from indexer.tables.checks import run_checks
from indexer.tables.reader import TableResult, read_tables

RECORD_VERSION = 1
ID_HEX_CHARS = 16
TEXT_FORMATS = frozenset({"txt", "pdf", "docx", "doc", "wps"})  # sources whose text comes already extracted


def choose_title(title: str | None, list_title: str | None) -> str:
    """Prefer whichever of page title and list title names the report; '' when there is none."""
    for candidate in (title, list_title):
        if candidate and is_report_title(candidate):
            return candidate
    return title or list_title or ""


def document_format(source: bytes | str, source_format: str | None) -> str | None:
    """Return pdf/docx/doc/wps when the bytes are such a file (the bytes win over the declared format), else None."""
    sniffed = sniff_document_format(source) if isinstance(source, bytes) else None
    if sniffed is None or sniffed in DOCUMENT_FORMATS:
        return sniffed
    return source_format if source_format in DOCUMENT_FORMATS else "doc"  # ole/rtf/zip: an old or odd Word file


def prepare(source: bytes | str, source_format: str | None = None) -> tuple[Page, CleanText]:
    """Decode (or extract from PDF/DOCX), parse and clean a source once; tables stay readable from it.

    A file named .pdf/.doc that is really HTML or text (a CMS error page, Word "save as web page") is read as such.
    """
    document = document_format(source, source_format)
    if document:
        page = replace(load_page(extract_document_text(source, document), "txt"), source_format=document)
    else:
        page = load_page(source, text_kind(source, source_format))
    return page, clean_page(page)


def text_kind(source: bytes | str, source_format: str | None) -> str | None:
    """Return how load_page reads a non-document source: 'html', 'txt', or None to sniff."""
    if source_format == "txt" or (source_format in TEXT_FORMATS and isinstance(source, str)):
        return "txt"  # text already extracted from a PDF/DOCX by the caller
    return source_format if source_format == "html" else None


def record_source_format(page: Page, source: bytes | str, declared: str | None) -> str:
    """Return the format the record was read from: the file's own kind beats a wrong declaration."""
    if page.source_format in DOCUMENT_FORMATS or (isinstance(source, bytes) and declared in DOCUMENT_FORMATS):
        return extract_source_format(page)
    return extract_source_format(page, declared)


def report_verdict(
    source: bytes | str, *, list_title: str | None = None, source_format: str | None = None
) -> tuple[bool, str]:
    """Tell whether a source is, by itself, a readable annual report, and why (never raises for bad input)."""
    try:
        page, cleaned = prepare(source, source_format)
    except UnreadablePage as exc:
        return False, f"unreadable: {exc.reason}"
    return recognize_report(extract_title(page, cleaned.text), cleaned.text, list_title)


def report_fields(page: Page, text: str, title: str, hints: dict | None, fmt: str) -> dict:
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


def build_record(
    source: bytes | str,
    *,
    url: str | None = None,
    fetched_at: dt.datetime | str | None = None,
    hints: dict | None = None,
    list_title: str | None = None,
    source_format: str | None = None,
) -> dict:
    """Build the RECORD.md record of a page.

    Args:
        source: raw bytes or decoded HTML / plain text.
        url: where the page was fetched (canonicalised; falls back to the page's own <meta name=Url>).
        fetched_at: crawl time, passed through.
        hints: seed region hints {'province', 'city', 'county'}.
        list_title: the title shown on the list page, used when the page's own title does not name the report.
        source_format: html, txt, pdf, docx … (sniffed as html/txt when None).

    Returns the record (validates against record.schema.json; stats None for legacy reports).
    Raises NotAReport(reason) for readable non-reports and UnreadablePage for undecodable input.
    """
    page, cleaned = prepare(source, source_format)
    page_title = extract_title(page, cleaned.text)
    is_report, reason = recognize_report(page_title, cleaned.text, list_title)
    if not is_report:
        raise NotAReport(reason)
    tables: TableResult = read_tables(cleaned)
    fields = report_fields(page, cleaned.text, choose_title(page_title, list_title), hints, tables.format)
    canonical = extract_url(page, url)
    content_hash = extract_content_hash(cleaned.text)
    return {
        "id": record_id(canonical, content_hash),
        "url": canonical or "",
        "urls": [canonical] if canonical else [],
        **fields,
        "stats": tables.stats,
        "checks": run_checks(tables.stats, tables.format, tables.unparsed),
        "source_format": record_source_format(page, source, source_format),
        "fetched_at": _timestamp(fetched_at),
        "content_hash": content_hash,
        "version": RECORD_VERSION,
    }
