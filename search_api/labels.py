"""Chinese labels the API shows next to codes: the names of the signals (facets, the timeline CSV) and the values of
the flag facets (revised, withdrawn)."""

from __future__ import annotations

from indexer.storage.facets import FALSE, REVISED, SIGNAL, TRUE, WITHDRAWN

from .schemas import FacetValue

SIGNAL_LABELS: dict[str, str] = {  # every SignalName
    "missing": "未发布年报",
    "late": "逾期发布",
    "failed_checks": "表格数据不能相互印证",
    "cross_year": "与上年数据不衔接",
    "copied": "照搬上年报告",
    "blank_cells": "法定单元格空白",
    "text_table_mismatch": "正文与表格数字不符",
    "revised": "发布后被修改",
    "withdrawn": "已被撤下",
}

FLAG_LABELS: dict[str, dict[str, str]] = {  # flag facet -> value -> label
    REVISED: {TRUE: "修改过", FALSE: "未修改"},
    WITHDRAWN: {TRUE: "已撤下", FALSE: "仍可访问"},
}


def signal_label(name: str) -> str:
    """The Chinese name of a signal (the name itself for one without a label)."""
    return SIGNAL_LABELS.get(name, name)


def facet_values(
    facets: dict[str, list[tuple[str, int]]], labels: dict[str, dict[str, str]]
) -> dict[str, list[FacetValue]]:
    """Facet counts as the API lists them: agency ids labelled with the names the backend found, signals and flags in
    Chinese."""
    return {
        name: [FacetValue(value=v, count=c, label=_label(name, v, labels)) for v, c in values]
        for name, values in facets.items()
    }


def _label(facet: str, value: str, labels: dict[str, dict[str, str]]) -> str | None:
    """The label of one facet value, or None."""
    if facet == SIGNAL:
        return signal_label(value)
    if facet in FLAG_LABELS:
        return FLAG_LABELS[facet].get(value)
    return labels.get(facet, {}).get(value)
