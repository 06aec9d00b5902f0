"""The site's Chinese words for the codes it shows: facets and their values, sorts, number names, check rules."""

from __future__ import annotations

from indexer.tables.numbers import NUMBER_FIELDS, NUMBERS

from ..labels import FLAG_LABELS, RULE_LABELS, SIGNAL_LABELS

FACET_LABELS = {
    "report_year": "报告年度",
    "province": "省份",
    "city": "城市",
    "county": "区县",
    "agency": "发布机关",
    "agency_type": "机关类型",
    "level": "行政层级",
    "format": "表格格式",
    "has_failed_checks": "表格校验",
    "failed_check": "未通过的校验",
    "signal": "信号",
    "revised": "修改情况",
    "withdrawn": "撤下情况",
    "version": "版本",
    "kind": "机关性质",
}
FILTER_LABELS = {
    **FACET_LABELS,
    "agency_id": "发布机关",
    "q": "关键词",
    "where": "数字条件",
    "published_from": "发布日期不早于",
    "published_to": "发布日期不晚于",
}
VALUE_LABELS: dict[str, dict[str, str]] = {
    "level": {"province": "省级", "city": "市级", "county": "县级", "township": "乡镇级", "central": "中央"},
    "format": {"2019": "2019年版表格", "2021": "2021年版表格", "legacy": "旧版报告（无统一表格）"},
    **FLAG_LABELS,
    "failed_check": RULE_LABELS,
    "signal": SIGNAL_LABELS,
}
SORT_LABELS = {
    "relevance": "相关度（无关键词时最新发布在前）",
    "-published": "发布日期：新→旧",
    "published": "发布日期：旧→新",
    "-report_year": "报告年度：新→旧",
    "report_year": "报告年度：旧→新",
    "-changed_at": "最近修改在前",
    **{f"-{f.name}": f"{f.label}：多→少" for f in NUMBER_FIELDS},
    **{f.name: f"{f.label}：少→多" for f in NUMBER_FIELDS},
}
OPERATORS = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "=": "=", "!=": "≠"}
SHORT_NUMBER_LABELS = {  # the headline numbers, short enough for a result line or a chart title
    "applications.new_received.total": "新收申请",
    "applications.granted.total": "予以公开",
    "applications.denied.total": "不予公开",
    "review.total": "行政复议",
    "review.corrected": "复议被纠正",
    "litigation.total": "行政诉讼",
    "litigation.corrected": "诉讼被纠正",
}


def number_label(name: str) -> str:
    """A number's short label where it has one, its full label otherwise."""
    return SHORT_NUMBER_LABELS.get(name) or NUMBERS[name].label


def value_label(facet: str, value: str, given: str | None = None) -> str:
    """How to show one facet value: the backend's label (agency names), ours, or the value itself."""
    return given or VALUE_LABELS.get(facet, {}).get(value) or value
