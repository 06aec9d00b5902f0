"""The URL is the page's state: query pairs in, links that add, replace or remove one pair out, and pydantic's
complaints about them in Chinese."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar, get_origin
from urllib.parse import urlencode

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails

Pairs = list[tuple[str, str]]
MAX_ECHO = 40  # characters of a rejected value repeated on the error page
Model = TypeVar("Model", bound=BaseModel)


def query_pairs(items: Iterable[tuple[str, str]]) -> Pairs:
    """The request's query pairs in order, empty values (blank form fields) left out."""
    return [(name, value) for name, value in items if value.strip()]


def link(path: str, pairs: Pairs) -> str:
    """`path` with the pairs as its query string."""
    return f"{path}?{urlencode(pairs)}" if pairs else path


def without(pairs: Pairs, name: str, value: str | None = None) -> Pairs:
    """The pairs without `name` (only its `value` when given)."""
    return [(n, v) for n, v in pairs if not (n == name and (value is None or v == value))]


def adding(pairs: Pairs, name: str, value: str) -> Pairs:
    """The pairs with one more (name, value), once."""
    return pairs if (name, value) in pairs else [*pairs, (name, value)]


def replacing(pairs: Pairs, name: str, value: str) -> Pairs:
    """The pairs with `name` set to the single `value`."""
    return [*without(pairs, name), (name, value)]


def model_input(pairs: Pairs, model: type[BaseModel]) -> dict[str, object]:
    """The pairs as a model's input: every value of a list field, the last value of any other name."""
    data: dict[str, object] = {}
    for name, value in pairs:
        field = model.model_fields.get(name) or _by_alias(model, name)
        if field is not None and _is_list(field):
            values = data.setdefault(name, [])
            assert isinstance(values, list)
            values.append(value)
        else:
            data[name] = value
    return data


def _by_alias(model: type[BaseModel], name: str) -> FieldInfo | None:
    """The model field whose alias is `name` (DiffParams' `from`), or None."""
    return next((f for f in model.model_fields.values() if f.alias == name), None)


def _is_list(field: FieldInfo) -> bool:
    """Whether a field takes a list (a parameter that repeats)."""
    origin: object = get_origin(field.annotation)
    return origin is list


def parse(pairs: Pairs, model: type[Model]) -> Model:
    """Validate the pairs as `model` (ValidationError when they do not fit)."""
    return model.model_validate(model_input(pairs, model))


def chinese_errors(exc: ValidationError) -> list[str]:
    """One Chinese sentence per problem pydantic found."""
    return [_chinese_error(err) for err in exc.errors()]


def _chinese_error(err: ErrorDetails) -> str:
    """Say one validation problem in Chinese, naming the parameter and echoing its value (shortened)."""
    name = ".".join(str(part) for part in err["loc"] if isinstance(part, str)) or "参数"
    value = str(err.get("input", ""))
    value = value if len(value) <= MAX_ECHO else value[:MAX_ECHO] + "…"
    kind = err["type"]
    reasons = {
        "extra_forbidden": "不是可用的参数",
        "literal_error": "不在可选值之内",
        "enum": "不在可选值之内",
        "int_parsing": "应为整数",
        "int_from_float": "应为整数",
        "bool_parsing": "应为 true 或 false",
        "date_from_datetime_parsing": "应为日期（如 2024-03-31）",
        "date_parsing": "应为日期（如 2024-03-31）",
        "greater_than_equal": "太小",
        "less_than_equal": "太大",
        "string_too_long": "太长",
        "too_long": "给出的值太多",
        "string_pattern_mismatch": "格式不对",
    }
    if kind in reasons:
        return f"参数「{name}」的值「{value}」{reasons[kind]}。"
    return f"参数「{name}」的值「{value}」无效：{err['msg']}"
