"""Chinese labels the API shows next to codes: the signals and their meaning (facets, the timeline CSV, GET /numbers),
the check rules (the search CSV, GET /numbers) and the values of the flag facets (revised, withdrawn)."""

from __future__ import annotations

from indexer.agencies.signals import RULE_NAMES
from indexer.storage.facets import FAILED_CHECK, FALSE, HAS_FAILED_CHECKS, REVISED, SIGNAL, TRUE, WITHDRAWN

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

SIGNAL_EXPLANATIONS: dict[str, str] = {  # every SignalName: what it means and how it is decided (docs/AGENCIES.md)
    "missing": "法定期限已过，却找不到该机关这一年度的报告",
    "late": "报告发布日期晚于法定期限（政府：次年3月31日；部门：2019年起次年1月31日）",
    "failed_checks": "报告自身的表格数字相加不符（见校验规则）",
    "cross_year": "本年“上年结转”等期初数字与上年报告的期末数字不一致",
    "copied": "过半数有特点的句子与该机关上年报告相同",
    "blank_cells": "法定表格中应填写的单元格留空",
    "text_table_mismatch": "正文中提到的数字与表格中的数字不一致",
    "revised": "报告首次抓取之后内容被修改过（见版本记录）",
    "withdrawn": "报告的所有网址都已无法访问（仍可检索最后保存的副本）",
}
RULE_LABELS: dict[str, str] = {  # every RuleName: a short name (tables/checks.py); RULE_NAMES says when it fails
    "applications_balance": "申请收支平衡",
    "applications_results_sum": "办理结果之和",
    "applications_row_totals": "各类申请人之和",
    "suits_totals": "复议诉讼结果之和",
    "unparsed": "无法读取的单元格",
}

FLAG_LABELS: dict[str, dict[str, str]] = {  # flag facet -> value -> label
    HAS_FAILED_CHECKS: {TRUE: "有校验未通过", FALSE: "校验全部通过"},
    REVISED: {TRUE: "修改过", FALSE: "未修改"},
    WITHDRAWN: {TRUE: "已撤下", FALSE: "仍可访问"},
}


def signal_label(name: str) -> str:
    """The Chinese name of a signal (the name itself for one without a label)."""
    return SIGNAL_LABELS.get(name, name)


def rule_label(rule: str) -> str:
    """The Chinese name of a check rule (the rule itself for one without a label)."""
    return RULE_LABELS.get(rule, rule)


def rule_explanation(rule: str) -> str:
    """When a check rule fails, in Chinese."""
    return RULE_NAMES.get(rule, rule)


def signal_explanation(name: str) -> str:
    """What a signal means, in Chinese."""
    return SIGNAL_EXPLANATIONS.get(name, name)


def facet_values(
    facets: dict[str, list[tuple[str, int]]], labels: dict[str, dict[str, str]]
) -> dict[str, list[FacetValue]]:
    """Facet counts as the API lists them: agency ids labelled with the names the backend found, signals, check rules
    and flags in Chinese."""
    return {
        name: [FacetValue(value=v, count=c, label=_label(name, v, labels)) for v, c in values]
        for name, values in facets.items()
    }


def _label(facet: str, value: str, labels: dict[str, dict[str, str]]) -> str | None:
    """The label of one facet value, or None."""
    if facet == SIGNAL:
        return signal_label(value)
    if facet == FAILED_CHECK:
        return rule_label(value)
    if facet in FLAG_LABELS:
        return FLAG_LABELS[facet].get(value)
    return labels.get(facet, {}).get(value)
