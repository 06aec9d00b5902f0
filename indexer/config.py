"""Where reports are stored and how to reach Elasticsearch: one settings object, read from the environment.

The crawler's pipeline (REPORTS_DB), the index maintenance commands (ES_*, bulk settings) and the
search API (which adds its own settings, search_api/config.py) all read this, and each default is
written here or in indexer.storage.options. Environment variables (case-insensitive):

* REPORTS_DB: where the crawler stores reports and the API reads them: a SQLite file (default
  data/reports.sqlite), sqlite:///path, or an Elasticsearch URL (http(s)://host:9200?alias=reports);
* SEARCH_BACKEND: sqlite (REPORTS_DB) or elasticsearch (ES_URL) for the API;
* ES_URL, ES_INDEX (the alias, default reports), ES_USERNAME + ES_PASSWORD or ES_API_KEY, ES_CA_CERTS;
* ES_SHARDS, ES_REPLICAS: shards and replicas of indexes a reindex creates;
* ES_BULK_CHUNK_SIZE, ES_BULK_MAX_RETRIES, ES_BULK_INITIAL_BACKOFF: bulk loads;
* QUERY_TIME_LIMIT: seconds a search may take;
* REPORTS_MAX_TEXT_CHARS: characters of cleaned text kept (and indexed) per report, default 300,000
  (real reports have 2,000 to 30,000; a record cut says so in `text_truncated_from`).

How attached documents are read (DocumentSettings, read each time a document is loaded):

* REPORTS_OCR: auto (default: OCR scanned PDFs where tesseract with chi_sim is installed), on (a scan
  without tesseract is refused saying so), off (scans refused: no text layer);
* REPORTS_OCR_MAX_PAGES (default 40), REPORTS_OCR_PAGE_TIMEOUT (seconds per page, default 120);
* REPORTS_CONVERT_TIMEOUT: seconds LibreOffice may take to convert one .doc/.wps file (default 120).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from indexer.logs import register_secret
from indexer.storage import Backend, open_backend
from indexer.storage.options import (
    BULK_CHUNK,
    BULK_INITIAL_BACKOFF_S,
    BULK_MAX_RETRIES,
    DEFAULT_ALIAS,
    DEFAULT_SHARDS,
    QUERY_TIME_LIMIT_S,
    SQLITE_SCHEME,
    BulkSettings,
    EsOptions,
    StorageOptions,
)

DEFAULT_REPORTS_DB = "data/reports.sqlite"
DEFAULT_MAX_TEXT_CHARS = 300_000  # about 900 KB of UTF-8; the longest sample report has 6,789 characters
ALIAS_PATTERN = r"^[a-z0-9][a-z0-9_.-]{0,200}$"


class DocumentSettings(BaseSettings):
    """How documents are read: OCR of scans (REPORTS_OCR*) and conversion of .doc/.wps (REPORTS_CONVERT_TIMEOUT)."""

    model_config = SettingsConfigDict(env_prefix="", case_sensitive=False, extra="ignore")

    reports_ocr: Literal["auto", "on", "off"] = Field(
        default="auto", description="OCR of scanned PDFs: auto (where tesseract is installed), on, off"
    )
    reports_ocr_max_pages: int = Field(default=40, ge=1, le=1000, description="scans with more pages are refused")
    reports_ocr_page_timeout: float = Field(default=120, gt=0, le=3600, description="seconds of OCR per page")
    reports_convert_timeout: float = Field(
        default=120, gt=0, le=3600, description="seconds LibreOffice may take to convert one .doc/.wps file"
    )


class StorageSettings(BaseSettings):
    """Where the reports are and how to search them: REPORTS_DB, SEARCH_BACKEND, ES_*, QUERY_TIME_LIMIT."""

    model_config = SettingsConfigDict(env_prefix="", case_sensitive=False, extra="ignore")

    reports_db: str = Field(
        default=DEFAULT_REPORTS_DB, description="SQLite index file (or sqlite:///path, or an Elasticsearch URL)"
    )
    search_backend: Literal["sqlite", "elasticsearch"] = Field(
        default="sqlite", description="sqlite (embedded) or elasticsearch"
    )
    es_url: str | None = Field(default=None, description="Elasticsearch URL, e.g. http://127.0.0.1:9200")
    es_index: str = Field(
        default=DEFAULT_ALIAS, pattern=ALIAS_PATTERN, description="the alias the reports are searched through"
    )
    es_username: str | None = None
    es_password: SecretStr | None = None
    es_api_key: SecretStr | None = None
    es_ca_certs: Path | None = Field(default=None, description="CA bundle for an https ES_URL")
    es_shards: int = Field(default=DEFAULT_SHARDS, ge=1, description="primary shards of a new index")
    es_replicas: int | None = Field(default=None, ge=0, description="replicas of a new index (unset: auto 0-1)")
    es_bulk_chunk_size: int = Field(default=BULK_CHUNK, ge=1, description="documents per bulk request")
    es_bulk_max_retries: int = Field(default=BULK_MAX_RETRIES, ge=0, description="retries of a document answered 429")
    es_bulk_initial_backoff: float = Field(
        default=BULK_INITIAL_BACKOFF_S, gt=0, description="seconds before the first retry"
    )
    query_time_limit: float = Field(default=QUERY_TIME_LIMIT_S, gt=0, le=30, description="seconds per search")
    reports_max_text_chars: int = Field(
        default=DEFAULT_MAX_TEXT_CHARS,
        ge=1000,
        le=10_000_000,
        description="characters of cleaned text kept and indexed per report (REPORTS_MAX_TEXT_CHARS)",
    )

    reports_archive_dir: Path | None = Field(
        default=None,
        description="folder of the web archive (WARC files); unset: an `archive` folder beside the SQLite file "
        "(data/archive for data/reports.sqlite), or data/archive with Elasticsearch",
    )

    def archive_dir(self) -> Path:
        """The web archive's folder: REPORTS_ARCHIVE_DIR, else `archive` beside the SQLite file (data/archive)."""
        if self.reports_archive_dir is not None:
            return self.reports_archive_dir
        path = _sqlite_path(self.reports_db)
        return (path.parent if path is not None else Path("data")) / "archive"

    @field_validator("reports_db", mode="before")
    @classmethod
    def _path_as_text(cls, value: object) -> object:
        """Accept a Path as well as a string."""
        return str(value) if isinstance(value, Path) else value

    @field_validator("reports_db")
    @classmethod
    def _usable_target(cls, value: str) -> str:
        """Reject an empty path, a directory, or a file inside a path that is not a directory (URLs pass)."""
        path = _sqlite_path(value)
        problem = None if path is None else _file_problem(path, value)
        if problem is not None:
            raise ValueError(problem)
        return value

    @model_validator(mode="after")
    def _register_secrets(self) -> StorageSettings:
        """Mask the ES_PASSWORD and ES_API_KEY values in every later log line and redacted text (indexer.logs)."""
        for secret in (self.es_password, self.es_api_key):
            register_secret(_secret(secret))
        return self

    @model_validator(mode="after")
    def _elasticsearch_complete(self) -> StorageSettings:
        """SEARCH_BACKEND=elasticsearch needs ES_URL; credentials come whole (user and password, or an API key)."""
        if self.search_backend == "elasticsearch":
            problem = self._elasticsearch_problem()
            if problem is not None:
                raise ValueError(problem)
        return self

    def _elasticsearch_problem(self) -> str | None:
        """What is missing or inconsistent in the ES_* settings, or None."""
        if not self.es_url or not self.es_url.strip():
            return "Elasticsearch needs ES_URL (e.g. http://127.0.0.1:9200)"
        if not self.es_url.startswith(("http://", "https://")):
            return f"ES_URL must start with http:// or https://, not {self.es_url[:40]!r}"
        if bool(self.es_username) != bool(self.es_password):
            return "set both ES_USERNAME and ES_PASSWORD, or neither"
        if self.es_api_key and self.es_username:
            return "set ES_API_KEY or ES_USERNAME/ES_PASSWORD, not both"
        if self.es_ca_certs is not None and not self.es_ca_certs.is_file():
            return f"ES_CA_CERTS {self.es_ca_certs} is not a file"
        return None

    def bulk_settings(self) -> BulkSettings:
        """Chunking and retries of bulk loads."""
        return BulkSettings(
            chunk_size=self.es_bulk_chunk_size,
            max_retries=self.es_bulk_max_retries,
            initial_backoff=self.es_bulk_initial_backoff,
        )

    def es_options(self) -> EsOptions:
        """The Elasticsearch options (ES_URL must be set: search_backend elasticsearch checks it)."""
        return EsOptions(
            url=self.es_url or "",
            alias=self.es_index,
            username=self.es_username,
            password=_secret(self.es_password),
            api_key=_secret(self.es_api_key),
            ca_certs=str(self.es_ca_certs) if self.es_ca_certs else None,
            shards=self.es_shards,
            replicas=self.es_replicas,
            bulk=self.bulk_settings(),
        )

    def open_backend(self, *, read_only: bool = False) -> Backend:
        """Open the configured backend: the Elasticsearch alias (SEARCH_BACKEND=elasticsearch) or REPORTS_DB.

        `read_only` opens an existing index for searching only: StorageUnavailable for a SQLite file
        that is missing or is not a reports index (a mistyped path never becomes an empty index). A
        missing Elasticsearch alias is created, as a SQLite file opened for writing is.
        """
        if self.search_backend == "elasticsearch":
            es = self.es_options()
            return open_backend(es.url, self._options(read_only, es))
        return open_backend(self.reports_db, self._options(read_only, None))

    def _options(self, read_only: bool, es: EsOptions | None) -> StorageOptions:
        """The options `open_backend` takes."""
        return StorageOptions(read_only=read_only, time_limit=self.query_time_limit, elasticsearch=es)


def _sqlite_path(target: str) -> Path | None:
    """The SQLite file a storage target names (a path or sqlite:///path), or None for a URL."""
    if target.startswith(SQLITE_SCHEME):
        return Path(target.removeprefix(SQLITE_SCHEME))
    return None if "://" in target else Path(target)


def _file_problem(path: Path, shown: str) -> str | None:
    """Why `path` cannot be a database file, or None."""
    if not str(path).strip() or str(path) == ".":
        return "REPORTS_DB must name a file"
    if path.is_dir():
        return f"REPORTS_DB {shown} is a directory, not a database file"
    parent = path.parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        return f"REPORTS_DB {shown}: {parent} is not a directory"
    return None


def _secret(value: SecretStr | None) -> str | None:
    """The plain value of an optional secret setting."""
    return value.get_secret_value() if value is not None else None
