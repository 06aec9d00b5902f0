"""Is this link a candidate annual report, and is a fetched page usable? Title rules, declared format, problems."""

from __future__ import annotations

import re
from urllib.parse import urlparse

from indexer.fields.recognize import title_verdict
from indexer.load.sniff import declared_format
from indexer.model import SourceFormat

REPLACEMENT_CHAR = "\ufffd"
MAX_REPLACEMENT_SHARE = 0.05  # more undecodable characters than this: the page is garbage
MIN_REPLACEMENT_CHARS = 10
FOLDER_PAGE_RE = re.compile(r"(?:/|/index\.s?html?)$", re.I)


def looks_like_report_title(title: str | None) -> tuple[bool, str]:
    """Return (True, why) if a list title names or may name an annual report (fetched; the indexer's content rules decide)."""
    return title_verdict(title)


def guess_source_format(url: str, content_type: str | None = None) -> SourceFormat:
    """Return the format a response declares (Content-Type, then the URL's extension); a web page by default."""
    return declared_format(urlparse(url).path, content_type) or "html"


def page_problem(body: bytes, source_format: str, text: str | None) -> str | None:
    """Return why a fetched body cannot be used (empty, not text, undecodable), or None."""
    if not body.strip():
        return "empty body"
    if source_format != "html":
        return None
    if text is None:
        return "not a text page (binary body for an HTML URL)"
    bad = text.count(REPLACEMENT_CHAR)
    if bad > MIN_REPLACEMENT_CHARS and bad > MAX_REPLACEMENT_SHARE * len(text):
        return f"undecodable body ({bad} replacement characters in {len(text)})"
    return None


def redirect_problem(requested: str, final: str) -> str | None:
    """Return a reason when a report URL ended on a folder/index page (a deleted report), else None."""
    if requested == final:
        return None
    if FOLDER_PAGE_RE.search(urlparse(final).path) and not FOLDER_PAGE_RE.search(urlparse(requested).path):
        return f"redirected to the list page {final} (report removed?)"
    return None
