"""Dependencies shared by the routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from pydantic import SecretStr

from indexer.storage import Backend, open_backend

from .config import Settings


def _secret(value: SecretStr | None) -> str | None:
    """The plain value of an optional secret setting."""
    return value.get_secret_value() if value is not None else None


def open_configured_backend(settings: Settings) -> Backend:
    """Open the backend the settings name: the SQLite file (read-only if it exists) or the Elasticsearch alias."""
    if settings.search_backend == "elasticsearch":
        from indexer.storage.elasticsearch.admin import EsOptions

        options = EsOptions(
            url=settings.es_url or "",
            alias=settings.es_index,
            username=settings.es_username,
            password=_secret(settings.es_password),
            api_key=_secret(settings.es_api_key),
            ca_certs=str(settings.es_ca_certs) if settings.es_ca_certs else None,
        )
        # searched, never written through the API; a missing alias is created empty (as a missing SQLite file)
        return open_backend(options.url, read_only=True, es_options=options)
    # an existing index is only read (the crawler may be writing it); a missing one is created empty
    return open_backend(settings.reports_db, read_only=settings.reports_db.exists())


def get_backend(request: Request) -> Backend:
    """The backend opened at start-up."""
    return request.app.state.backend


def get_settings(request: Request) -> Settings:
    """The settings the app was started with."""
    return request.app.state.settings


BackendDep = Annotated[Backend, Depends(get_backend)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
