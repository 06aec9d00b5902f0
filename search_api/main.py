"""The FastAPI application: routers, the backend's lifetime and error mapping.

Serve with `python -m search_api` or `uvicorn --factory search_api.main:create_app` (settings from env).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from indexer.errors import QueryError, QueryTimeout, StorageUnavailable
from indexer.logs import install_redaction
from indexer.storage import Backend

from .config import Settings
from .routes import agencies, export, failures, health, reports, runs, search, versions

MAX_ERROR_INPUT = 80  # characters of a rejected value echoed back in a 422


def _validation_errors(exc: RequestValidationError) -> list[dict[str, object]]:
    """FastAPI's error list, with echoed inputs shortened (a 10,000-character q stays out of the reply)."""
    errors = []
    for err in exc.errors():
        item: dict[str, object] = {
            "loc": list(err.get("loc", ())),
            "msg": err.get("msg", ""),
            "type": err.get("type", ""),
        }
        value = err.get("input")
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            text = str(value)
            item["input"] = text if len(text) <= MAX_ERROR_INPUT else text[:MAX_ERROR_INPUT] + "…"
        errors.append(item)
    return errors


def _install_error_handlers(app: FastAPI) -> None:
    """Map bad parameters to 422, queries the planner rejects to 400, timeouts and an unreadable index to 503.

    Anything else (a ValueError included) is a bug and stays a 500.
    """

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse(status_code=422, content={"detail": _validation_errors(exc)})

    @app.exception_handler(QueryError)
    async def _rejected(request: Request, exc: QueryError) -> JSONResponse:
        return JSONResponse(status_code=400, content={"detail": str(exc) or "bad request"})

    @app.exception_handler(QueryTimeout)
    async def _timeout(request: Request, exc: QueryTimeout) -> JSONResponse:
        return JSONResponse(status_code=503, content={"detail": str(exc)})

    @app.exception_handler(StorageUnavailable)
    async def _unavailable(request: Request, exc: StorageUnavailable) -> JSONResponse:
        return JSONResponse(status_code=503, content={"detail": str(exc)})


def create_app(settings: Settings | None = None, backend: Backend | None = None) -> FastAPI:
    """Build the app over `backend` (opened read-only at start-up when not given), closed at shutdown.

    Log records are redacted from here on (indexer.logs): no password of an Elasticsearch URL or
    ES_PASSWORD / ES_API_KEY value reaches a log line.
    """
    install_redaction()
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        opened = backend or settings.open_backend(read_only=True)  # searched, never written through the API
        app.state.backend = opened
        try:
            yield
        finally:
            opened.close()

    app = FastAPI(title="政府信息公开工作年度报告 search", version="1.0", lifespan=lifespan)
    app.state.settings = settings
    _install_error_handlers(app)
    for module in (search, export, reports, versions, agencies, failures, runs, health):
        app.include_router(module.router)
    return app
