"""Jinja2 (autoescape on) for the site's pages, the filters its templates use, and the Chinese error page."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from indexer.model import Number

TEMPLATES_DIR = Path(__file__).parent / "templates"
MARK_RE = re.compile(r"(</?mark>)")


def number_text(value: Number | None) -> str:
    """A number as a person reads it (no trailing .0); "—" for a blank."""
    if value is None:
        return "—"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def snippet_html(snippet: str) -> Markup:
    """A backend snippet as safe HTML: every part escaped (once), only <mark> and </mark> let through."""
    parts = MARK_RE.split(snippet or "")
    return Markup("".join(p if MARK_RE.fullmatch(p) else html.escape(html.unescape(p)) for p in parts))


def _environment() -> Environment:
    """The template environment: autoescape on for every template, helpers as filters."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["num"] = number_text
    env.filters["snippet"] = snippet_html
    return env


ENVIRONMENT = _environment()


def page(template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render one page template as an HTML response."""
    return HTMLResponse(ENVIRONMENT.get_template(template).render(**context), status_code=status_code)


def error_page(status_code: int, message: str, details: list[str] | None = None) -> HTMLResponse:
    """A page saying in Chinese what went wrong (404 unknown id, 422 bad parameter, 400/503 search failed)."""
    titles = {400: "无法执行这次搜索", 404: "找不到页面", 422: "参数有误", 503: "暂时无法查询"}
    return page(
        "error.html",
        status_code,
        title=titles.get(status_code, "出错了"),
        message=message,
        details=details or [],
        status=status_code,
    )
