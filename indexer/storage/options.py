"""How a backend is opened: one options object for `open_backend`, with every default written once.

Plain data, no client: `indexer.config` fills these from the environment and the CLI, and the
Elasticsearch client is imported only by the code that connects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit, urlunsplit

QUERY_TIME_LIMIT_S = 2.0  # per search, both backends
DEFAULT_ALIAS = "reports"
DEFAULT_SHARDS = 1
REQUEST_TIMEOUT_S = 30.0
BULK_CHUNK = 500  # documents per _bulk request
BULK_MAX_RETRIES = 6  # 429 answers retried with backoff 2, 4, 8 … s (capped)
BULK_INITIAL_BACKOFF_S = 2.0
BULK_MAX_BACKOFF_S = 120.0
SQLITE_SCHEME = "sqlite:///"
ES_SCHEME_PREFIX = "elasticsearch+"
ES_SCHEMES = ("http", "https", "elasticsearch+http", "elasticsearch+https")


@dataclass(frozen=True)
class BulkSettings:
    """Chunking and retries of a bulk load."""

    chunk_size: int = BULK_CHUNK
    max_retries: int = BULK_MAX_RETRIES
    initial_backoff: float = BULK_INITIAL_BACKOFF_S
    max_backoff: float = BULK_MAX_BACKOFF_S


@dataclass(frozen=True)
class EsOptions:
    """Where the cluster is, how to log in, the alias, the settings of new indexes and of bulk loads."""

    url: str
    alias: str = DEFAULT_ALIAS
    username: str | None = None
    password: str | None = None
    api_key: str | None = None
    ca_certs: str | None = None
    shards: int = DEFAULT_SHARDS
    replicas: int | None = None  # None: auto 0-1 (no replica on a single node)
    request_timeout: float = REQUEST_TIMEOUT_S
    bulk: BulkSettings = field(default_factory=BulkSettings)


@dataclass(frozen=True)
class StorageOptions:
    """How to open a backend: read-only or not, the search time limit, Elasticsearch options (else from the URL)."""

    read_only: bool = False
    time_limit: float = QUERY_TIME_LIMIT_S
    elasticsearch: EsOptions | None = None


def parse_target(target: str) -> EsOptions:
    """Options from `http(s)://…` or `elasticsearch+http(s)://…`, alias from an `?alias=` parameter."""
    parts = urlsplit(target)
    if parts.scheme not in ES_SCHEMES:
        raise ValueError(f"not an Elasticsearch URL: {target!r}")
    scheme = parts.scheme.removeprefix(ES_SCHEME_PREFIX)
    alias = parse_qs(parts.query).get("alias", [DEFAULT_ALIAS])[0]
    return EsOptions(url=urlunsplit((scheme, parts.netloc, parts.path, "", "")), alias=alias)
