"""GET /health: is the index readable, and how many reports does it hold."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from indexer.errors import StorageUnavailable

from ..deps import BackendDep, SettingsDep
from ..schemas import Health

router = APIRouter(prefix="/health", tags=["health"])


@router.get("", response_model=Health, responses={503: {"model": Health}})
def read_health(backend: BackendDep, settings: SettingsDep) -> Health | JSONResponse:
    """Report status and the number of indexed reports (503 if the index cannot be read)."""
    try:
        count = backend.count()
    except StorageUnavailable as exc:
        body = Health(status="error", backend=settings.search_backend, detail=str(exc))
        return JSONResponse(status_code=503, content=body.model_dump())
    return Health(status="ok", backend=settings.search_backend, reports=count)
