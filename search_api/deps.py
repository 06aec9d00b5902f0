"""Dependencies shared by the routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from indexer.storage import Backend

from .config import Settings


def get_backend(request: Request) -> Backend:
    """The backend opened at start-up."""
    backend: Backend = request.app.state.backend
    return backend


def get_settings(request: Request) -> Settings:
    """The settings the app was started with."""
    settings: Settings = request.app.state.settings
    return settings


BackendDep = Annotated[Backend, Depends(get_backend)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
