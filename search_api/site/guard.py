"""Every page is built inside `guarded`: bad parameters, rejected queries and an unreadable index become Chinese
pages with a 4xx or 503 status, never a 500 or a JSON body."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.responses import Response
from pydantic import ValidationError

from indexer.errors import QueryError, QueryTimeout, StorageUnavailable

from .render import error_page
from .urlstate import chinese_errors


class PageError(Exception):
    """A page that cannot be shown as asked: its status and a Chinese message."""

    def __init__(self, status_code: int, message: str, details: list[str] | None = None):
        super().__init__(message)
        self.status_code, self.message, self.details = status_code, message, details or []


def not_found(what: str) -> PageError:
    """A 404 for an unknown report or agency id."""
    return PageError(404, f"没有找到{what}。它可能从未被收录，或者链接有误。")


def guarded(build: Callable[[], Response]) -> Response:
    """The page `build` makes, or a Chinese error page saying what went wrong."""
    try:
        return build()
    except PageError as exc:
        return error_page(exc.status_code, exc.message, exc.details)
    except ValidationError as exc:
        return error_page(422, "请求中的参数有误，请修改后再试。", chinese_errors(exc))
    except QueryError as exc:
        return error_page(400, "这次搜索无法执行，请检查搜索条件。", [str(exc)])
    except QueryTimeout:
        return error_page(503, "查询超时：请缩小范围（加上地区、年度等条件）后再试。")
    except StorageUnavailable:
        return error_page(503, "索引暂时无法读取，请稍后再试。")
