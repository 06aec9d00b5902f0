"""A readable diff between two versions of a report: sentences added, removed or changed (character by
character inside a changed sentence, which is what a Chinese text needs: it has no spaces between words),
and the table cells whose value changed, old → new, with their official labels.

Table rows are left out of the text diff (their cells are compared one by one instead), and so are
changes of spacing only.
"""

from __future__ import annotations

import difflib
import re
from typing import Literal

from typing_extensions import TypedDict

from indexer.load import CELL_SEPARATOR
from indexer.model import Number, Stats
from indexer.tables.numbers import TABLE_CELLS, cell

SENTENCE_RE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]?")
SPACE_RE = re.compile(r"\s+")
PAIR_SIMILARITY = 0.5  # a removed and an added sentence this similar are one changed sentence
MAX_CHANGES = 500  # sentences listed at most (a rewritten report says so in `truncated`)


class DiffPart(TypedDict):
    """A run of characters of a changed sentence: kept, deleted from the old one or inserted in the new one."""

    op: Literal["equal", "delete", "insert"]
    text: str


class SentenceChange(TypedDict):
    """One sentence added, removed or changed."""

    change: Literal["added", "removed", "changed"]
    old: str | None
    new: str | None
    parts: list[DiffPart]  # changed sentences only


class CellChange(TypedDict):
    """One table cell whose value differs (None: blank or absent)."""

    cell: str  # dotted key, e.g. applications.new_received.natural_person
    label: str  # official label, e.g. 三·本年新收政府信息公开申请数量·自然人
    old: Number | None
    new: Number | None


def sentences(text: str) -> list[str]:
    """The prose sentences of a text (table rows left out), spaces collapsed."""
    found = []
    for line in text.splitlines():
        if CELL_SEPARATOR in line:
            continue
        found += [s for s in (SPACE_RE.sub(" ", m.group(0)).strip() for m in SENTENCE_RE.finditer(line)) if s]
    return found


def char_parts(old: str, new: str) -> list[DiffPart]:
    """Character-level runs turning `old` into `new`."""
    parts: list[DiffPart] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append({"op": "equal", "text": old[i1:i2]})
            continue
        if i2 > i1:
            parts.append({"op": "delete", "text": old[i1:i2]})
        if j2 > j1:
            parts.append({"op": "insert", "text": new[j1:j2]})
    return parts


def _similar(a: str, b: str) -> float:
    """How alike two sentences are (0–1)."""
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def _replaced(old: list[str], new: list[str]) -> list[SentenceChange]:
    """Pair the sentences of a replaced block that are alike as changed; the rest are removed or added."""
    changes: list[SentenceChange] = []
    j = 0
    for sentence in old:
        match = next((k for k in range(j, len(new)) if _similar(sentence, new[k]) >= PAIR_SIMILARITY), None)
        if match is None:
            changes.append({"change": "removed", "old": sentence, "new": None, "parts": []})
            continue
        changes += [{"change": "added", "old": None, "new": s, "parts": []} for s in new[j:match]]
        changes.append(
            {"change": "changed", "old": sentence, "new": new[match], "parts": char_parts(sentence, new[match])}
        )
        j = match + 1
    changes += [{"change": "added", "old": None, "new": s, "parts": []} for s in new[j:]]
    return changes


def text_diff(old_text: str, new_text: str) -> list[SentenceChange]:
    """Sentences added, removed and changed from `old_text` to `new_text`, in the new text's order."""
    old, new = sentences(old_text), sentences(new_text)
    changes: list[SentenceChange] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "delete":
            changes += [{"change": "removed", "old": s, "new": None, "parts": []} for s in old[i1:i2]]
        elif op == "insert":
            changes += [{"change": "added", "old": None, "new": s, "parts": []} for s in new[j1:j2]]
        elif op == "replace":
            changes += _replaced(old[i1:i2], new[j1:j2])
    return changes


def cell_diff(old_stats: Stats | None, new_stats: Stats | None) -> list[CellChange]:
    """The table cells whose value differs between two versions, in table order."""
    changes: list[CellChange] = []
    for table_cell in TABLE_CELLS:
        old, new = cell(old_stats, *table_cell.path), cell(new_stats, *table_cell.path)
        if old != new:
            changes.append({"cell": table_cell.key, "label": table_cell.label, "old": old, "new": new})
    return changes


def _number(value: Number | None) -> str:
    """A cell value for people: blank when missing, no trailing .0."""
    if value is None:
        return "空"
    return str(int(value)) if float(value).is_integer() else str(value)


def change_summary(sentences_changed: list[SentenceChange], cells: list[CellChange], limit: int = 3) -> str:
    """One Chinese line saying what changed, e.g. '表三·本年新收…·自然人 26 → 28；正文改动2句、新增1句'."""
    parts = [f"表{c['label'].replace('·', ' ', 1)} {_number(c['old'])} → {_number(c['new'])}" for c in cells[:limit]]
    if len(cells) > limit:
        parts.append(f"另有{len(cells) - limit}个单元格")
    counts = {
        kind: sum(1 for s in sentences_changed if s["change"] == kind) for kind in ("changed", "added", "removed")
    }
    words = {"changed": "改动", "added": "新增", "removed": "删除"}
    text = "、".join(f"{words[k]}{n}句" for k, n in counts.items() if n)
    if text:
        parts.append("正文" + text)
    return "；".join(parts) or "无实质变化"
