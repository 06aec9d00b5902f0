"""Settings of the search API: the storage settings (indexer.config) plus the API's own, validated at start."""

from __future__ import annotations

from pydantic import Field

from indexer.config import StorageSettings
from indexer.storage.base import MAX_EXPORT_ROWS


class Settings(StorageSettings):
    """Where the index lives and how to search it (indexer.config), and how much one export returns.

    Env: REPORTS_DB, SEARCH_BACKEND (sqlite | elasticsearch), QUERY_TIME_LIMIT, ES_* and REPORTS_ARCHIVE_DIR (the
    web archive GET /reports/{id}/source replays; default `archive` beside the SQLite file) as indexer.config
    reads them (SEARCH_BACKEND=elasticsearch needs ES_URL); EXPORT_MAX_ROWS.
    """

    export_max_rows: int = Field(
        default=MAX_EXPORT_ROWS,
        ge=1,
        le=MAX_EXPORT_ROWS,
        description="rows of GET /search.csv at most (EXPORT_MAX_ROWS)",
    )
