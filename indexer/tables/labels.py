"""Row labels and column headers of tables 二/三/四 as printed (variants tolerated), matched on folded cell text.

The keys they map to are tables/schema.py's; tables/reader.py does the matching.
"""

from __future__ import annotations

import re

# Cell text: folding, numbering, splitting a text line into cells, digits glued to a label.
LABEL_FOLD_MAP = str.maketrans(
    {"（": "(", "）": ")", "：": ":", "／": "/", "“": "", "”": "", '"': "", "‘": "", "’": "", "．": "."}
)
LABEL_NUMBERING_RE = re.compile(r"^(?:[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十\d]+\)|\d+[.、])")
TEXT_CELL_SPLIT_RE = re.compile(r"\s*\|\s*|\t+")
PIPE_CELL_SPLIT_RE = re.compile(r"\s*\|\s*")  # a flattened table row: blank cells kept
TEXT_CELL_MAX = 40  # a line longer than this that is not split into cells is prose
# Tab-separated rows reach the reader as space-separated ones (the cleaner collapses whitespace runs):
# a line of short space-separated parts, none ending a sentence, is a row of cells.
SPACED_CELL_SPLIT_RE = re.compile(r" +")
SENTENCE_END_RE = re.compile(r"[。！？；]")
GLUED_LABEL_RE = re.compile(
    r"^(?P<label>行政规范性文件|规范性文件|规章|行政许可|其他对外管理服务事项|行政处罚|行政强制|行政事业性收费|政府集中采购)"
    r"(?P<rest>[+\-\d].*)$"
)

# Row labels (matched on folded text, numbering removed): table 二 then table 三.
PROACTIVE_LABELS = (
    ("regulations", re.compile(r"规章")),
    ("normative_documents", re.compile(r"(?:行政)?规范性文件")),
    ("licensing", re.compile(r"行政许可")),
    ("other_services", re.compile(r"其他对外管理服务事项")),
    ("penalties", re.compile(r"行政处罚")),
    ("enforcement", re.compile(r"行政强制")),
    ("fees", re.compile(r"行政事业性收费")),
    ("procurement", re.compile(r"政府集中采购")),
)
APPLICATION_LABELS = (
    ("new_received", re.compile(r"本年新收.*")),
    ("carried_over", re.compile(r"上年结转.*")),
    ("granted", re.compile(r"予以公开")),
    ("partly_granted", re.compile(r"部分公开.*")),
    ("denied_state_secret", re.compile(r"(?:属于)?国家秘密")),
    ("denied_law_prohibited", re.compile(r"其他法律行政法规禁止公开")),
    ("denied_three_safety_one_stability", re.compile(r"危及三安全一稳定")),
    ("denied_third_party", re.compile(r"保护第三方合法权益")),
    ("denied_internal_affairs", re.compile(r"(?:属于)?三类内部事务信息")),
    ("denied_process_info", re.compile(r"(?:属于)?四类过程性信息")),
    ("denied_enforcement_file", re.compile(r"(?:属于)?行政执法案卷")),
    ("denied_inquiry", re.compile(r"(?:属于)?行政查询事项")),
    ("unavailable_not_held", re.compile(r"本机关不掌握.*")),
    ("unavailable_needs_creation", re.compile(r"没有现成信息.*")),
    ("unavailable_unclear", re.compile(r"补正后申请内容仍?不明确")),
    ("not_processed_petition", re.compile(r"信访举报投诉类?申请")),
    ("not_processed_duplicate", re.compile(r"重复申请")),
    ("not_processed_publication", re.compile(r"要求提供公开出版物")),
    ("not_processed_excessive", re.compile(r"无正当理由大量反复申请")),
    ("not_processed_confirm", re.compile(r"要求行政机关确认或重新出具.*")),
    ("other_no_correction", re.compile(r"申请人无正当理由逾期不补正.*")),
    ("other_no_fee", re.compile(r"申请人逾期未按收费通知.*")),
    ("other", re.compile(r"其他处理")),
    ("total_processed", re.compile(r"(?:办理结果)?总计")),
    ("carried_forward", re.compile(r"结转下年度.*")),
)

# Groups of table 三's rows; under (六)其他处理 a bare 其他 is row 3.其他 (2021 format).
APPLICATION_GROUP_RE = re.compile(r"本年度办理结果|不予公开|无法提供|不予处理|其他处理")
OTHER_OTHER_RE = re.compile(r"其他")

# Cells that say which table follows.
PROACTIVE_MARKER_RE = re.compile(r"第二十条第.*项|信息内容")
APPLICATIONS_MARKER_RE = re.compile(r"申请人情况|自然人")
SUITS_MARKER_RE = re.compile(r"行政复议")

# Column headers of table 二 (first match wins; checked in this order).
PROACTIVE_HEADERS = (
    ("total_published", re.compile(r"对外公开总数量?|公开总数")),
    ("new_made", re.compile(r"(?:本年)?新?制作数量|本年新制作")),
    ("new_published", re.compile(r"(?:本年)?新?公开数量|本年新公开")),
    ("prev_items", re.compile(r"上一?年项目数量?")),
    ("change", re.compile(r"本年增.*|增/?减")),
    ("decisions", re.compile(r"(?:本年)?处理决定数量?")),
    ("items", re.compile(r"采购项目数量?")),
    ("issued", re.compile(r"(?:本年)?制发件数")),
    ("repealed", re.compile(r"(?:本年)?废止件数")),
    ("in_force", re.compile(r"现行有效件数")),
    ("amount_10k_yuan", re.compile(r".*金额.*")),
)
YUAN_HEADER_RE = re.compile(r"(?<!万)元")

# Table 四 headers, for mapping its values by column (HTML grid).
SUIT_GROUP_HEADERS = (
    ("litigation_direct", re.compile(r"未经复议")),
    ("litigation_after_review", re.compile(r"复议后")),
    ("review", re.compile(r"行政复议")),
)
SUIT_OUTCOME_HEADERS = (
    ("upheld", re.compile(r"维持")),
    ("corrected", re.compile(r"纠正")),
    ("other", re.compile(r"其他")),
    ("pending", re.compile(r"尚未|审结")),
    ("total", re.compile(r"总计|合计")),
)

# Which template a table follows (matched on folded cell text).
FORMAT_2021_CELL_RE = re.compile(
    r"本年制发件数|本年废止件数|现行有效件数|本年处理决定数量|本年收费金额|申请人无正当理由逾期不补正|申请人逾期未按收费通知|^行政规范性文件$"
)
FORMAT_2019_CELL_RE = re.compile(
    r"本年新制作数量|本年新公开数量|对外公开总数量|上一年项目数量|本年增/减|采购项目数量|采购总金额|政府集中采购|其他对外管理服务事项"
)
