"""Bookkeeping fields of a record: canonical URL, content hash, source format."""

from __future__ import annotations

import hashlib
from urllib.parse import urlsplit, urlunsplit

from indexer.load.html import Page
from indexer.selectors import CANONICAL_URL_XPATH
from indexer.tables.reader import detect_format


# --- format, bookkeeping --------------------------------------------------------------------
def extract_format(text: str) -> str:
    """Return '2021', '2019' or 'legacy' from the table headers and rows (not the prose) of the text.

    Detection lives in tables.detect_format (one place); build_record takes it from the tables it reads.
    """
    return detect_format(text)


def extract_source_format(page: Page, declared: str | None = None) -> str:
    """Return the source format (declared by the caller, else html or txt)."""
    return declared or page.source_format


def extract_content_hash(text: str) -> str:
    """Return the sha256 of the cleaned text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def canonical_url(url: str) -> str:
    """Normalise a URL: lower-case scheme and host, no default port, no fragment."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    netloc = host if parts.port in (None, default) else f"{host}:{parts.port}"
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", parts.query, ""))


def extract_url(page: Page, url: str | None) -> str | None:
    """Return the canonical URL: the given one, else the page's own <meta name=Url>/canonical link."""
    if url:
        return canonical_url(url)
    found = CANONICAL_URL_XPATH(page.tree) if page.tree is not None else []
    return canonical_url(str(found[0])) if found and str(found[0]).startswith("http") else None
