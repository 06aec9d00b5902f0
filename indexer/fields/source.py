"""Bookkeeping fields of a record: canonical URL and content hash (the source format is load/sniff.py's)."""

from __future__ import annotations

import hashlib
from urllib.parse import urlsplit, urlunsplit

from indexer.load.html import Page
from indexer.selectors import CANONICAL_URL_XPATH, texts

DEFAULT_PORTS = {"http": 80, "https": 443}


def extract_content_hash(text: str) -> str:
    """Return the sha256 of the cleaned text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def canonical_url(url: str) -> str:
    """Normalise a URL: lower-case scheme and host, no default port, no fragment."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    default = DEFAULT_PORTS.get(parts.scheme.lower())
    netloc = host if parts.port in (None, default) else f"{host}:{parts.port}"
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", parts.query, ""))


def extract_url(page: Page, url: str | None) -> str | None:
    """Return the canonical URL: the given one, else the page's own <meta name=Url>/canonical link."""
    if url:
        return canonical_url(url)
    found = texts(CANONICAL_URL_XPATH, page.tree) if page.tree is not None else []
    return canonical_url(found[0]) if found and found[0].startswith("http") else None
