"""Settings of the search API: one pydantic-settings class, read from the environment and validated at start."""
from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from indexer.storage.base import MAX_EXPORT_ROWS


class Settings(BaseSettings):
    """Where the index lives and how to search it (env: REPORTS_DB, SEARCH_BACKEND, QUERY_TIME_LIMIT, EXPORT_MAX_ROWS)."""

    model_config = SettingsConfigDict(env_prefix="", case_sensitive=False, extra="ignore")

    reports_db: Path = Field(default=Path("data/reports.sqlite"), description="SQLite index file")
    search_backend: Literal["sqlite"] = Field(default="sqlite", description="only sqlite for now")
    query_time_limit: float = Field(default=2.0, gt=0, le=30, description="seconds per search")
    export_max_rows: int = Field(default=MAX_EXPORT_ROWS, ge=1, le=MAX_EXPORT_ROWS,
                                 description="rows of GET /search.csv at most (EXPORT_MAX_ROWS)")

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
