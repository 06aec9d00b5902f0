"""The shape of `stats` (docs/RECORD.md): canonical row and column keys with their official labels.

One place for the table template of both formats; the table parser, the checks, the storage
backends and the CSV export all read it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import get_args

from indexer.model import Format, RuleName

# Table 二 (主动公开): row key -> official label, and the columns of each row per format.
PROACTIVE_ROWS = {
    "regulations": "规章",
    "normative_documents": "规范性文件",  # 2021 format: 行政规范性文件
    "licensing": "行政许可",
    "other_services": "其他对外管理服务事项",
    "penalties": "行政处罚",
    "enforcement": "行政强制",
    "fees": "行政事业性收费",
    "procurement": "政府集中采购",
}
PROACTIVE_COLUMNS = {
    "new_made": "本年新制作数量",
    "new_published": "本年新公开数量",
    "total_published": "对外公开总数量",
    "prev_items": "上一年项目数量",
    "change": "本年增/减",
    "decisions": "处理决定数量",
    "items": "采购项目数量",
    "amount_10k_yuan": "金额(万元)",
    "issued": "本年制发件数",
    "repealed": "本年废止件数",
    "in_force": "现行有效件数",
}
PROACTIVE_LAYOUT = {
    "2019": {
        "regulations": ("new_made", "new_published", "total_published"),
        "normative_documents": ("new_made", "new_published", "total_published"),
        "licensing": ("prev_items", "change", "decisions"),
        "other_services": ("prev_items", "change", "decisions"),
        "penalties": ("prev_items", "change", "decisions"),
        "enforcement": ("prev_items", "change", "decisions"),
        "fees": ("prev_items", "change"),
        "procurement": ("items", "amount_10k_yuan"),
    },
    "2021": {
        "regulations": ("issued", "repealed", "in_force"),
        "normative_documents": ("issued", "repealed", "in_force"),
        "licensing": ("decisions",),
        "penalties": ("decisions",),
        "enforcement": ("decisions",),
        "fees": ("amount_10k_yuan",),
    },
}

# Table 三 (申请): columns, then rows in table order (row (六) differs between formats).
APPLICANT_COLUMNS = {
    "natural_person": "自然人",
    "commercial": "商业企业",
    "research": "科研机构",
    "social_welfare": "社会公益组织",
    "legal_services": "法律服务机构",
    "other_org": "其他",
    "total": "总计",
}
APPLICANT_GROUPS = tuple(k for k in APPLICANT_COLUMNS if k != "total")
_ROWS_BEFORE_OTHER = {
    "new_received": "本年新收政府信息公开申请数量",
    "carried_over": "上年结转政府信息公开申请数量",
    "granted": "予以公开",
    "partly_granted": "部分公开",
    "denied_state_secret": "不予公开·属于国家秘密",
    "denied_law_prohibited": "不予公开·其他法律行政法规禁止公开",
    "denied_three_safety_one_stability": "不予公开·危及“三安全一稳定”",
    "denied_third_party": "不予公开·保护第三方合法权益",
    "denied_internal_affairs": "不予公开·属于三类内部事务信息",
    "denied_process_info": "不予公开·属于四类过程性信息",
    "denied_enforcement_file": "不予公开·属于行政执法案卷",
    "denied_inquiry": "不予公开·属于行政查询事项",
    "unavailable_not_held": "无法提供·本机关不掌握相关政府信息",
    "unavailable_needs_creation": "无法提供·没有现成信息需要另行制作",
    "unavailable_unclear": "无法提供·补正后申请内容仍不明确",
    "not_processed_petition": "不予处理·信访举报投诉类申请",
    "not_processed_duplicate": "不予处理·重复申请",
    "not_processed_publication": "不予处理·要求提供公开出版物",
    "not_processed_excessive": "不予处理·无正当理由大量反复申请",
    "not_processed_confirm": "不予处理·要求行政机关确认或重新出具已获取信息",
}
_OTHER_ROWS: dict[Format, dict[str, str]] = {
    "2019": {"other": "其他处理"},
    "2021": {
        "other_no_correction": "其他处理·申请人无正当理由逾期不补正",
        "other_no_fee": "其他处理·申请人逾期未按收费通知要求缴纳费用",
        "other_other": "其他处理·其他",
    },
}
_ROWS_AFTER_OTHER = {"total_processed": "办理结果总计", "carried_forward": "结转下年度继续办理"}
APPLICATION_ROWS = {fmt: {**_ROWS_BEFORE_OTHER, **_OTHER_ROWS[fmt], **_ROWS_AFTER_OTHER} for fmt in ("2019", "2021")}
RESULT_ROWS = {  # the rows that add up to total_processed (applications_results_sum)
    fmt: tuple(k for k in rows if k not in ("new_received", "carried_over", "total_processed", "carried_forward"))
    for fmt, rows in APPLICATION_ROWS.items()
}
DENIED_ROWS = tuple(k for k in _ROWS_BEFORE_OTHER if k.startswith("denied_"))


def other_rows_variant(applications: Mapping[str, object], fmt: Format) -> Format:
    """Return the template whose （六）其他处理 rows table 三 prints: `fmt`'s, or the other one's when only those are read.

    Real 2021 reports print 其他处理 as one row of seven numbers (the 2019 row `other`); it keeps that key.
    """
    printed = [f for f, rows in _OTHER_ROWS.items() if set(rows) & set(applications)]
    return printed[0] if len(printed) == 1 else fmt


# Table 四 (复议、诉讼).
SUIT_GROUPS = {
    "review": "行政复议",
    "litigation_direct": "行政诉讼·未经复议直接起诉",
    "litigation_after_review": "行政诉讼·复议后起诉",
}
SUIT_OUTCOMES = {
    "upheld": "结果维持",
    "corrected": "结果纠正",
    "other": "其他结果",
    "pending": "尚未审结",
    "total": "总计",
}
SUIT_RESULT_OUTCOMES = ("upheld", "corrected", "other", "pending")

CHECK_RULES: tuple[RuleName, ...] = get_args(RuleName)  # the rules of tables/checks.py, and `unparsed`
