"""Repair what OCR misreads in table cells: digits read as look-alike letters, and the templates' row labels.

The table reader (tables/reader.py) finds rows by their labels, as the 2019 and 2021 templates print them.
OCR loses a numbering's dot (3危及), reads 8 as &, drops a bracket ((七总计) or misreads a bracketed
numeral ((=)部分公开), and misreads a character of a long label (申请人无正当理由庆不补正). Labels are
repaired only towards the templates' own phrases (tables/schema.py) and numbering; anything else stays
as read.
"""

from __future__ import annotations

import difflib
import functools
import re

DIGIT_LOOKALIKES = str.maketrans({"O": "0", "o": "0", "D": "0", "l": "1", "I": "1", "|": "1"})
NUMBER_LIKE_RE = re.compile(r"^[0-9OoDlI|]+(?:[.,][0-9OoDlI|]+)?$")  # in a table row: a number, maybe misread
CJK_CHAR_RE = re.compile(r"[\u4e00-\u9fff]")
ROW_NUMBER_RE = re.compile(r"^([0-9&]{1,2})[.,，．]?(?=[\u4e00-\u9fff])")  # 3危及 / &属于: the dot lost, 8 read as &
OPEN_NUMBER_RE = re.compile(r"^[（(]([一二三四五六七八九十]{1,2})(?=[\u4e00-\u9fff])")  # (七总计: the ) lost
GROUP_NUMBERS = {  # table 三's result groups and their numbers, in both templates
    "予以公开": "一",
    "部分公开": "二",
    "不予公开": "三",
    "无法提供": "四",
    "不予处理": "五",
    "其他处理": "六",
    "总计": "七",
}
GROUP_NUMBER_RE = re.compile(rf"^[（(][^）)]{{0,2}}[）)]?\s*({'|'.join(GROUP_NUMBERS)})")  # (=)部分公开, (A)其他处理
LABEL_PREFIX_RE = re.compile(r"^(?:[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+、|\d+\.)")
LABEL_SIMILARITY = 0.8  # difflib ratio from which a misread label is snapped to the template's phrase
MIN_SNAPPED_CHARS = 4  # shorter phrases (其他, 总计) are left alone: one wrong character is another word


def repair_cell(text: str) -> str:
    """Return a table cell as the template prints it: a number in digits, a label with its numbering and phrase."""
    compact = text.replace(" ", "")
    if NUMBER_LIKE_RE.match(compact):
        return compact.translate(DIGIT_LOOKALIKES)
    return snap_label(text) if CJK_CHAR_RE.search(text) else text


def snap_label(text: str) -> str:
    """Repair a label's numbering (3危及 → 3.危及, (七总计 → (七)总计, (=)部分公开 → (二)部分公开) and phrase."""
    text = ROW_NUMBER_RE.sub(lambda m: m.group(1).replace("&", "8") + ".", text)
    text = OPEN_NUMBER_RE.sub(r"(\1)", text)
    text = GROUP_NUMBER_RE.sub(lambda m: f"({GROUP_NUMBERS[m.group(1)]})" + m.group(1), text)
    numbering = LABEL_PREFIX_RE.match(text)
    head, rest = (text[: numbering.end()], text[numbering.end() :]) if numbering else ("", text)
    if any(rest.startswith(phrase) for phrase in template_phrases()):
        return text
    ratio, size, phrase = max(
        (_similarity(rest[:size], phrase), size, phrase)
        for phrase in template_phrases()
        for size in range(len(phrase) - 1, len(phrase) + 2)
    )
    return head + phrase + rest[size:] if ratio >= LABEL_SIMILARITY else text


def _similarity(text: str, phrase: str) -> float:
    """difflib's similarity of two strings (1.0: equal)."""
    return difflib.SequenceMatcher(None, text, phrase).ratio()


@functools.lru_cache(maxsize=1)
def template_phrases() -> tuple[str, ...]:
    """The row and column phrases of tables 二, 三 and 四 (the templates' own words), longest first."""
    from indexer.tables import schema

    labels = [*schema.PROACTIVE_ROWS.values(), *schema.APPLICANT_COLUMNS.values(), *schema.SUIT_OUTCOMES.values()]
    labels += [label.split("·")[-1] for rows in schema.APPLICATION_ROWS.values() for label in rows.values()]
    return tuple(sorted({label for label in labels if len(label) >= MIN_SNAPPED_CHARS}, key=len, reverse=True))
