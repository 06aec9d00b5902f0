"""Storage backends behind one contract (`base.Backend`); `open_backend` picks one from a target string."""

from __future__ import annotations

from pathlib import Path

from indexer.storage.base import FACET_FIELDS, Backend, Hit, SearchQuery, SearchResult

SQLITE_SCHEME = "sqlite:///"
ES_SCHEMES = ("http", "https", "elasticsearch+http", "elasticsearch+https")

__all__ = ["FACET_FIELDS", "Backend", "Hit", "SearchQuery", "SearchResult", "open_backend"]


def open_backend(target: str | Path, *, read_only: bool = False, es_options: object | None = None) -> Backend:
    """Open the backend named by `target`.

    * a file path or `sqlite:///path`: SQLite (the default, embedded backend);
    * `http(s)://host:9200` or `elasticsearch+http(s)://host:9200`, optionally `?alias=reports`:
      Elasticsearch; `es_options` (an `es_admin.EsOptions`) overrides the URL-derived options
      (credentials, CA bundle, alias, shards, replicas).

    Raises ValueError for any other URL scheme.
    """
    text = str(target)
    if text.startswith(SQLITE_SCHEME):
        text = text[len(SQLITE_SCHEME) :]
    elif "://" in text:
        scheme = text.split("://", 1)[0]
        if scheme in ES_SCHEMES:
            return _open_elasticsearch(text, read_only, es_options)
        raise ValueError(
            f"unknown storage backend {scheme!r} in {text!r}; use a file path, sqlite:///path "
            f"or an Elasticsearch URL (http(s)://host:9200)"
        )
    if not text:
        raise ValueError("empty storage target; use a file path or sqlite:///path")
    from indexer.storage.sqlite.backend import SqliteBackend

    return SqliteBackend(Path(text), read_only=read_only)


def _open_elasticsearch(url: str, read_only: bool, es_options: object | None) -> Backend:
    """The Elasticsearch backend for `url` (the client is imported only when used)."""
    from indexer.storage.elasticsearch.admin import EsOptions, parse_target
    from indexer.storage.elasticsearch.backend import ElasticsearchBackend

    options = es_options if isinstance(es_options, EsOptions) else parse_target(url)
    return ElasticsearchBackend(options, read_only=read_only)
