"""GET /numbers: the searchable numbers, check rules and signals with their Chinese labels."""

from __future__ import annotations

from typing import get_args

from fastapi import APIRouter

from indexer.model import SignalName
from indexer.tables.numbers import HEADLINE_NUMBERS, NUMBER_FIELDS, NumberField
from indexer.tables.schema import CHECK_RULES

from ..labels import rule_explanation, rule_label, signal_explanation, signal_label
from ..schemas import LabelledCode, NumberInfo, NumbersResponse, TableName

router = APIRouter(tags=["numbers"])

TABLE_TITLES: dict[TableName, str] = {
    "二": "主动公开政府信息情况",
    "三": "收到和处理政府信息公开申请情况",
    "四": "政府信息公开行政复议、行政诉讼情况",
}


@router.get("/numbers", response_model=NumbersResponse)
def read_numbers() -> NumbersResponse:
    """Every number `where`, `sort` and `facets` accept, with its Chinese label and table; the check rules
    (`failed_check`) and the signals (`signal`), each with its Chinese name and meaning."""
    return NumbersResponse(
        numbers=[number_info(field) for field in NUMBER_FIELDS],
        checks=[LabelledCode(key=r, label=rule_label(r), explanation=rule_explanation(r)) for r in CHECK_RULES],
        signals=[
            LabelledCode(key=s, label=signal_label(s), explanation=signal_explanation(s)) for s in get_args(SignalName)
        ],
    )


def number_info(field: NumberField) -> NumberInfo:
    """One number as GET /numbers lists it: its table read from the label (三·本年新收…·总计)."""
    table = next(t for t in TABLE_TITLES if field.label.startswith(f"{t}·"))
    what = field.label.removeprefix(f"{table}·")
    description = f"表{table}（{TABLE_TITLES[table]}）中的“{what}”；报告缺少所需单元格时为空（null），不是0"
    return NumberInfo(
        key=field.name, label=field.label, table=table, description=description, headline=field.name in HEADLINE_NUMBERS
    )
