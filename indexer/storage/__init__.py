"""Storage backends behind one contract (`base.Backend`); `open_backend` picks one from a target string."""
from __future__ import annotations

from pathlib import Path

from .base import FACET_FIELDS, Backend, Hit, SearchQuery, SearchResult

SQLITE_SCHEME = "sqlite:///"

__all__ = ["FACET_FIELDS", "Backend", "Hit", "SearchQuery", "SearchResult", "open_backend"]


def open_backend(target: str | Path, *, read_only: bool = False) -> Backend:
    """Open the backend named by `target`: a file path or `sqlite:///path` (SQLite).

    Raises ValueError for any other URL scheme (an Elasticsearch backend comes later).
    """
    text = str(target)
    if text.startswith(SQLITE_SCHEME):
        text = text[len(SQLITE_SCHEME):]
    elif "://" in text:
        scheme = text.split("://", 1)[0]
        raise ValueError(f"unknown storage backend {scheme!r} in {text!r}; use a file path or sqlite:///path")
    if not text:
        raise ValueError("empty storage target; use a file path or sqlite:///path")
    from .sqlite import SqliteBackend

    return SqliteBackend(Path(text), read_only=read_only)
