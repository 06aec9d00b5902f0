"""Is this link a candidate annual report? Title rules and the format of a fetched document."""

from __future__ import annotations

import re
from urllib.parse import urlparse

from indexer.fields.recognize import title_verdict

REPLACEMENT_CHAR = "\ufffd"
MAX_REPLACEMENT_SHARE = 0.05  # more undecodable characters than this: the page is garbage
FOLDER_PAGE_RE = re.compile(r"(?:/|/index\.s?html?)$", re.I)

FORMAT_BY_EXTENSION = {".pdf": "pdf", ".docx": "docx", ".doc": "doc", ".wps": "wps", ".txt": "txt"}
FORMAT_BY_CONTENT_TYPE = (
    ("application/pdf", "pdf"),
    ("officedocument.wordprocessingml", "docx"),
    ("application/msword", "doc"),
    ("application/vnd.ms-works", "wps"),
    ("application/kswps", "wps"),
)


def looks_like_report_title(title: str | None) -> tuple[bool, str]:
    """Return (True, why) if a list title names an annual report; the indexer's title rules decide."""
    return title_verdict(title)


def guess_source_format(url: str, content_type: str | None = None) -> str:
    """Guess html/pdf/docx/doc/wps/txt from the Content-Type, then the URL's extension."""
    kind = (content_type or "").lower()
    for needle, name in FORMAT_BY_CONTENT_TYPE:
        if needle in kind:
            return name
    path = urlparse(url).path.lower()
    for extension, name in FORMAT_BY_EXTENSION.items():
        if path.endswith(extension):
            return name
    return "html"


def page_problem(body: bytes, source_format: str, text: str | None) -> str | None:
    """Return why a fetched body cannot be used (empty, not text, undecodable), or None."""
    if not body.strip():
        return "empty body"
    if source_format != "html":
        return None
    if text is None:
        return "not a text page (binary body for an HTML URL)"
    bad = text.count(REPLACEMENT_CHAR)
    if bad > 10 and bad > MAX_REPLACEMENT_SHARE * len(text):
        return f"undecodable body ({bad} replacement characters in {len(text)})"
    return None


def redirect_problem(requested: str, final: str) -> str | None:
    """Return a reason when a report URL ended on a folder/index page (a deleted report), else None."""
    if requested == final:
        return None
    if FOLDER_PAGE_RE.search(urlparse(final).path) and not FOLDER_PAGE_RE.search(urlparse(requested).path):
        return f"redirected to the list page {final} (report removed?)"
    return None
