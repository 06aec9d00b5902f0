"""GET /health: is the index readable, how many reports does it hold, and the latest crawl run."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from indexer.errors import StorageUnavailable
from indexer.runs import summarize

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
    latest = [summarize(run) for run in backend.runs(limit=1)]
    return Health(status="ok", backend=settings.search_backend, reports=count, latest_run=latest[0] if latest else None)
