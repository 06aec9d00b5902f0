"""Dependencies shared by the routes."""
from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from indexer.storage import Backend

from .config import Settings


def get_backend(request: Request) -> Backend:
    """The backend opened at start-up."""
    return request.app.state.backend


def get_settings(request: Request) -> Settings:
    """The settings the app was started with."""
    return request.app.state.settings


BackendDep = Annotated[Backend, Depends(get_backend)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
