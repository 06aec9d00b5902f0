"""Settings of the search API: one pydantic-settings class, read from the environment and validated at start."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from indexer.storage.base import MAX_EXPORT_ROWS


class Settings(BaseSettings):
    """Where the index lives and how to search it.

    Env: REPORTS_DB, SEARCH_BACKEND (sqlite | elasticsearch), QUERY_TIME_LIMIT, EXPORT_MAX_ROWS; for
    Elasticsearch ES_URL (required), ES_INDEX (the alias, default reports), ES_USERNAME + ES_PASSWORD or
    ES_API_KEY, ES_CA_CERTS.
    """

    model_config = SettingsConfigDict(env_prefix="", case_sensitive=False, extra="ignore")

    reports_db: Path = Field(default=Path("data/reports.sqlite"), description="SQLite index file")
    search_backend: Literal["sqlite", "elasticsearch"] = Field(
        default="sqlite", description="sqlite (embedded) or elasticsearch"
    )
    es_url: str | None = Field(default=None, description="Elasticsearch URL, e.g. http://127.0.0.1:9200")
    es_index: str = Field(
        default="reports",
        pattern=r"^[a-z0-9][a-z0-9_.-]{0,200}$",
        description="the alias the reports are searched through",
    )
    es_username: str | None = None
    es_password: SecretStr | None = None
    es_api_key: SecretStr | None = None
    es_ca_certs: Path | None = Field(default=None, description="CA bundle for an https ES_URL")
    query_time_limit: float = Field(default=2.0, gt=0, le=30, description="seconds per search")
    export_max_rows: int = Field(
        default=MAX_EXPORT_ROWS,
        ge=1,
        le=MAX_EXPORT_ROWS,
        description="rows of GET /search.csv at most (EXPORT_MAX_ROWS)",
    )

    @field_validator("reports_db")
    @classmethod
    def _usable_path(cls, value: Path) -> Path:
        """Reject an empty path, a directory, or a file inside a path that is not a directory."""
        if not str(value).strip() or str(value) == ".":
            raise ValueError("REPORTS_DB must name a file")
        if value.is_dir():
            raise ValueError(f"REPORTS_DB {value} is a directory, not a database file")
        parent = value.parent
        while not parent.exists():
            parent = parent.parent
        if not parent.is_dir():
            raise ValueError(f"REPORTS_DB {value}: {parent} is not a directory")
        return value

    @model_validator(mode="after")
    def _elasticsearch_complete(self) -> Settings:
        """SEARCH_BACKEND=elasticsearch needs ES_URL; credentials come whole (user and password, or an API key)."""
        if self.search_backend != "elasticsearch":
            return self
        if not self.es_url or not self.es_url.strip():
            raise ValueError("SEARCH_BACKEND=elasticsearch needs ES_URL (e.g. http://127.0.0.1:9200)")
        if not self.es_url.startswith(("http://", "https://")):
            raise ValueError(f"ES_URL must start with http:// or https://, not {self.es_url[:40]!r}")
        if bool(self.es_username) != bool(self.es_password):
            raise ValueError("set both ES_USERNAME and ES_PASSWORD, or neither")
        if self.es_api_key and self.es_username:
            raise ValueError("set ES_API_KEY or ES_USERNAME/ES_PASSWORD, not both")
        if self.es_ca_certs is not None and not self.es_ca_certs.is_file():
            raise ValueError(f"ES_CA_CERTS {self.es_ca_certs} is not a file")
        return self
