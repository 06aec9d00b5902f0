"""Storage backends behind one contract (`base.Backend`); `open_backend` picks one from a target string."""

from __future__ import annotations

from pathlib import Path

from indexer.storage.base import Backend, Hit, RecordSource, SearchQuery, SearchResult
from indexer.storage.jsonl import JSONL_SUFFIXES, JsonlSource
from indexer.storage.options import ES_SCHEMES, SQLITE_SCHEME, EsOptions, StorageOptions, parse_target

__all__ = [
    "Backend",
    "EsOptions",
    "Hit",
    "RecordSource",
    "SearchQuery",
    "SearchResult",
    "StorageOptions",
    "open_backend",
    "open_record_source",
]


def open_backend(target: str | Path, options: StorageOptions | None = None) -> Backend:
    """Open the backend named by `target`.

    * a file path or `sqlite:///path`: SQLite (the default, embedded backend);
    * `http(s)://host:9200` or `elasticsearch+http(s)://host:9200`, optionally `?alias=reports`:
      Elasticsearch; `options.elasticsearch`, when given, replaces what the URL says (credentials,
      CA bundle, alias, shards, replicas, bulk settings).

    Raises ValueError for any other URL scheme.
    """
    options = options or StorageOptions()
    text = str(target)
    if text.startswith(SQLITE_SCHEME):
        text = text[len(SQLITE_SCHEME) :]
    elif "://" in text:
        scheme = text.split("://", 1)[0]
        if scheme in ES_SCHEMES:
            return _open_elasticsearch(options.elasticsearch or parse_target(text), options)
        raise ValueError(
            f"unknown storage backend {scheme!r} in {text!r}; use a file path, sqlite:///path "
            f"or an Elasticsearch URL (http(s)://host:9200)"
        )
    if not text:
        raise ValueError("empty storage target; use a file path or sqlite:///path")
    from indexer.storage.sqlite.backend import SqliteBackend

    return SqliteBackend(Path(text), read_only=options.read_only, time_limit=options.time_limit)


def _open_elasticsearch(es: EsOptions, options: StorageOptions) -> Backend:
    """The Elasticsearch backend (the client is imported only when used)."""
    from indexer.storage.elasticsearch.backend import ElasticsearchBackend

    return ElasticsearchBackend(es, read_only=options.read_only, time_limit=options.time_limit)


def open_record_source(path: Path) -> RecordSource:
    """Records to copy from a file: a JSONL file (by its suffix) or a SQLite index, read-only."""
    if path.suffix.lower() in JSONL_SUFFIXES:
        return JsonlSource(path)
    return open_backend(path, StorageOptions(read_only=True))
