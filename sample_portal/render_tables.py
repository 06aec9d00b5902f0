"""Render stats (RECORD.md shape) as the official report tables, with rowspan/colspan."""

from __future__ import annotations

TABLE_OPEN = (
    '<table border="1" cellspacing="0" cellpadding="0" width="100%" style="border-collapse:collapse;text-align:center">'
)
HALF_WIDTH = str.maketrans({"（": "(", "）": ")", "：": ":"})

PROACTIVE_2019 = (
    (
        "第二十条第（一）项",
        ("本年新制作数量", "本年新公开数量", "对外公开总数量"),
        (("regulations", "规章"), ("normative_documents", "规范性文件")),
        ("new_made", "new_published", "total_published"),
    ),
    (
        "第二十条第（五）项",
        ("上一年项目数量", "本年增/减", "处理决定数量"),
        (("licensing", "行政许可"), ("other_services", "其他对外管理服务事项")),
        ("prev_items", "change", "decisions"),
    ),
    (
        "第二十条第（六）项",
        ("上一年项目数量", "本年增/减", "处理决定数量"),
        (("penalties", "行政处罚"), ("enforcement", "行政强制")),
        ("prev_items", "change", "decisions"),
    ),
    ("第二十条第（八）项", ("上一年项目数量", "本年增/减"), (("fees", "行政事业性收费"),), ("prev_items", "change")),
    (
        "第二十条第（九）项",
        ("采购项目数量", "采购总金额"),
        (("procurement", "政府集中采购"),),
        ("items", "amount_10k_yuan"),
    ),
)
PROACTIVE_2021 = (
    (
        "第二十条第（一）项",
        ("本年制发件数", "本年废止件数", "现行有效件数"),
        (("regulations", "规章"), ("normative_documents", "行政规范性文件")),
        ("issued", "repealed", "in_force"),
    ),
    ("第二十条第（五）项", ("本年处理决定数量",), (("licensing", "行政许可"),), ("decisions",)),
    (
        "第二十条第（六）项",
        ("本年处理决定数量",),
        (("penalties", "行政处罚"), ("enforcement", "行政强制")),
        ("decisions",),
    ),
    ("第二十条第（八）项", ("本年收费金额（单位：万元）",), (("fees", "行政事业性收费"),), ("amount_10k_yuan",)),
)

APPLICANT_COLUMNS = (
    "natural_person",
    "commercial",
    "research",
    "social_welfare",
    "legal_services",
    "other_org",
    "total",
)
DENIED_ROWS = (
    ("denied_state_secret", "1.属于国家秘密"),
    ("denied_law_prohibited", "2.其他法律行政法规禁止公开"),
    ("denied_three_safety_one_stability", "3.危及“三安全一稳定”"),
    ("denied_third_party", "4.保护第三方合法权益"),
    ("denied_internal_affairs", "5.属于三类内部事务信息"),
    ("denied_process_info", "6.属于四类过程性信息"),
    ("denied_enforcement_file", "7.属于行政执法案卷"),
    ("denied_inquiry", "8.属于行政查询事项"),
)
UNAVAILABLE_ROWS = (
    ("unavailable_not_held", "1.本机关不掌握相关政府信息"),
    ("unavailable_needs_creation", "2.没有现成信息需要另行制作"),
    ("unavailable_unclear", "3.补正后申请内容仍不明确"),
)
NOT_PROCESSED_ROWS = (
    ("not_processed_petition", "1.信访举报投诉类申请"),
    ("not_processed_duplicate", "2.重复申请"),
    ("not_processed_publication", "3.要求提供公开出版物"),
    ("not_processed_excessive", "4.无正当理由大量反复申请"),
    ("not_processed_confirm", "5.要求行政机关确认或重新出具已获取信息"),
)
OTHER_ROWS_2021 = (
    ("other_no_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("other_no_fee", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ("other_other", "3.其他"),
)
SUIT_GROUPS = ("review", "litigation_direct", "litigation_after_review")
SUIT_COLUMNS = ("upheld", "corrected", "other", "pending", "total")
SUIT_HEADERS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")


def format_number(value: int | float | None) -> str:
    """Print a number the way report tables do (no trailing .0; a cell left blank is empty)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _td(text: str, colspan: int = 1, rowspan: int = 1) -> str:
    """Return one table cell."""
    attrs = (f' colspan="{colspan}"' if colspan > 1 else "") + (f' rowspan="{rowspan}"' if rowspan > 1 else "")
    return f"<td{attrs}>{text}</td>"


def _tr(*cells: str) -> str:
    """Return one table row."""
    return "<tr>" + "".join(cells) + "</tr>"


def _value_cells(values: list[str], width: int = 3) -> list[str]:
    """Spread values over `width` columns, the last value taking what is left."""
    cells = [_td(v) for v in values[:-1]]
    cells.append(_td(values[-1], colspan=width - len(values) + 1))
    return cells


def proactive_table(proactive: dict, fmt: str) -> str:
    """Render table 二 (主动公开) in the 2019 or 2021 template."""
    rows: list[str] = []
    for heading, headers, items, keys in PROACTIVE_2021 if fmt == "2021" else PROACTIVE_2019:
        rows.append(_tr(_td(heading, colspan=4)))
        rows.append(_tr(_td("信息内容"), *_value_cells(list(headers))))
        for key, label in items:
            values = [format_number(proactive[key][k]) for k in keys]
            rows.append(_tr(_td(label), *_value_cells(values)))
    return TABLE_OPEN + "<tbody>" + "".join(rows) + "</tbody></table>"


def _number_cells(row: dict) -> list[str]:
    """Return the seven applicant cells, or one merged cell when only the total is known."""
    if set(row) == {"total"}:
        return [_td(format_number(row["total"]), colspan=7)]
    return [_td(format_number(row[c])) for c in APPLICANT_COLUMNS]


def _result_groups(fmt: str) -> list[tuple[str | None, tuple[tuple[str, str], ...]]]:
    """Return the result rows of table 三 grouped as the template merges them."""
    other: tuple[str | None, tuple[tuple[str, str], ...]]
    other = ("（六）其他处理", OTHER_ROWS_2021) if fmt == "2021" else (None, (("other", "（六）其他处理"),))
    return [
        (None, (("granted", "（一）予以公开"),)),
        (None, (("partly_granted", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),)),
        ("（三）不予公开", DENIED_ROWS),
        ("（四）无法提供", UNAVAILABLE_ROWS),
        ("（五）不予处理", NOT_PROCESSED_ROWS),
        other,
        (None, (("total_processed", "（七）总计"),)),
    ]


def _application_header() -> list[str]:
    """Return the three header rows of table 三."""
    return [
        _tr(
            _td("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", colspan=3, rowspan=3),
            _td("申请人情况", colspan=7),
        ),
        _tr(_td("自然人", rowspan=2), _td("法人或其他组织", colspan=5), _td("总计", rowspan=2)),
        _tr(*(_td(h) for h in ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"))),
    ]


def applications_table(applications: dict, fmt: str) -> str:
    """Render table 三 (依申请) in the 2019 or 2021 template."""
    rows = _application_header()
    rows.append(_tr(_td("一、本年新收政府信息公开申请数量", colspan=3), *_number_cells(applications["new_received"])))
    rows.append(_tr(_td("二、上年结转政府信息公开申请数量", colspan=3), *_number_cells(applications["carried_over"])))
    groups = _result_groups(fmt)
    span = sum(len(items) for _, items in groups)
    first = True
    for group, items in groups:
        for index, (key, label) in enumerate(items):
            lead = [_td("三、本年度办理结果", rowspan=span)] if first else []
            first = False
            if group is None:
                label_cells = [_td(label, colspan=2)]
            else:
                label_cells = ([_td(group, rowspan=len(items))] if index == 0 else []) + [_td(label)]
            rows.append(_tr(*lead, *label_cells, *_number_cells(applications[key])))
    rows.append(_tr(_td("四、结转下年度继续办理", colspan=3), *_number_cells(applications["carried_forward"])))
    return TABLE_OPEN + "<tbody>" + "".join(rows) + "</tbody></table>"


def suits_table(stats: dict) -> str:
    """Render table 四 (行政复议、行政诉讼)."""
    rows = [
        _tr(_td("行政复议", colspan=5), _td("行政诉讼", colspan=10)),
        _tr(
            *(_td(h, rowspan=2) for h in SUIT_HEADERS), _td("未经复议直接起诉", colspan=5), _td("复议后起诉", colspan=5)
        ),
        _tr(*(_td(h) for h in SUIT_HEADERS * 2)),
        _tr(*(_td(format_number(stats[g][c])) for g in SUIT_GROUPS for c in SUIT_COLUMNS)),
    ]
    return TABLE_OPEN + "<tbody>" + "".join(rows) + "</tbody></table>"


def render_tables(stats: dict, fmt: str, half_width: bool = False) -> dict[str, str]:
    """Return the HTML of tables 二, 三 and 四 keyed proactive / applications / suits."""
    tables = {
        "proactive": proactive_table(stats["proactive"], fmt),
        "applications": applications_table(stats["applications"], fmt),
        "suits": suits_table(stats),
    }
    if half_width:
        tables = {k: v.translate(HALF_WIDTH) for k, v in tables.items()}
    return tables
