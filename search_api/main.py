"""The FastAPI application: routers, the backend's lifetime and error mapping.

Serve with `python -m search_api` or `uvicorn --factory search_api.main:create_app` (settings from env).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from starlette.exceptions import HTTPException as StarletteHTTPException

from indexer.errors import QueryError, QueryTimeout, StorageUnavailable
from indexer.logs import install_redaction
from indexer.storage import Backend

from . import site
from .config import Settings
from .routes import agencies, export, failures, feeds, health, numbers, reports, runs, search, versions
from .site.render import error_page

DOCS_CSP = "default-src 'self' 'unsafe-inline' blob: data:; img-src 'self' data:; worker-src 'self' blob:"
MAX_ERROR_INPUT = 80  # characters of a rejected value echoed back in a 422
API_DESCRIPTION = (
    "Search the 政府信息公开工作年度报告 (annual government information disclosure reports) the crawler found: "
    "words, region (short or full names: 吉林 or 吉林省), year, agency, signals, failed checks and conditions on "
    "the numbers of their tables (GET /numbers lists them with their Chinese labels). Results as JSON, CSV for "
    "Excel, JSON Lines and Atom feeds. The site for people is at /."
)
# /docs and /redoc load their scripts from fastapi-offline's package (/static-offline-docs), never from a CDN; no
# Google Fonts (fastapi-offline), and Swagger UI asks no online validator.
SWAGGER_UI_PARAMETERS = {"validatorUrl": None}


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

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        # a browser asking for a path that exists nowhere gets the site's Chinese page; API clients get JSON
        if exc.status_code == 404 and exc.detail == "Not Found" and "text/html" in request.headers.get("accept", ""):
            return error_page(404, f"网站上没有这个地址：{request.url.path}")
        return await http_exception_handler(request, exc)

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

    app = FastAPIOffline(
        title="政府信息公开工作年度报告 search",
        version="1.0",
        description=API_DESCRIPTION,
        lifespan=lifespan,
        swagger_ui_parameters=SWAGGER_UI_PARAMETERS,
    )
    app.state.settings = settings
    _install_error_handlers(app)

    @app.middleware("http")
    async def _docs_stay_local(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        # ReDoc's bundle always asks cdn.redoc.ly for a logo; the documentation pages load nothing from elsewhere
        response = await call_next(request)
        if request.url.path in (app.docs_url, app.redoc_url):
            response.headers["Content-Security-Policy"] = DOCS_CSP
        return response

    for module in (search, export, feeds, numbers, reports, versions, agencies, failures, runs, health):
        app.include_router(module.router)
    app.include_router(site.router)  # the HTML pages (search_api/site)
    app.mount("/static", StaticFiles(directory=site.STATIC_DIR), name="static")
    return app
