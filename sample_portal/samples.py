"""Turn the three hand-checked sample reports (.txt + .gold.json) into page bodies."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from .model import DATA_DIR, Block, ReportFacts
from .render_tables import render_tables

SAMPLES_DIR = DATA_DIR / "samples"
TABLE_HEADINGS = (
    (re.compile(r"^\s*二、主动公开政府信息情况"), "proactive"),
    (re.compile(r"^\s*三、收到和处理政府信息公开申请情况"), "applications"),
    (re.compile(r"^\s*四、政府信息公开行政复议"), "suits"),
)
END_OF_TABLES = re.compile(r"^\s*(五|5)、")
PROSE_IN_TABLE_AREA = re.compile(r"\d{4}年本行政区域")
BOOKMARK = "[bookmark: _GoBack]"
FOOTER_LINE = re.compile(r"主办单位|ICP备|技术支持|公网安备")
SIGN_LINE = re.compile(r"^(\S{2,20}(局|政府|委员会)|\d{4}年\d{1,2}月\d{1,2}日)$")


@dataclass(frozen=True)
class Sample:
    """A sample report ready to be placed on its site."""

    key: str
    facts: ReportFacts
    published: str | None
    blocks: tuple[Block, ...]
    first_line_is_title: bool


def read_gold(key: str) -> dict:
    """Load a sample's gold JSON."""
    return json.loads((SAMPLES_DIR / f"{key}.gold.json").read_text(encoding="utf-8"))


def read_lines(key: str) -> list[str]:
    """Load a sample's text, keeping one copy when the page repeated its body."""
    lines = (SAMPLES_DIR / f"{key}.txt").read_text(encoding="utf-8").splitlines()
    first = next(line for line in lines if line.strip())
    repeats = [i for i, line in enumerate(lines) if line == first]
    if len(repeats) > 1:
        lines = lines[: repeats[1]]
    return [line for line in lines if not FOOTER_LINE.search(line)]


def _prose_block(line: str, index: int, title_first: bool) -> Block:
    """Classify one prose line of a sample."""
    text = line.strip()
    if index == 0 and title_first:
        return Block("title", text)
    if re.match(r"^(一|二|三|四|五|六|\d)、", text):
        return Block("heading", text)
    if SIGN_LINE.match(text):
        return Block("sign", text)
    return Block("p", text)


def text_blocks(lines: list[str], tables: dict[str, str], title_first: bool) -> list[Block]:
    """Split lines into paragraphs, replacing each statistics area by its rendered table."""
    blocks: list[Block] = []
    in_table = False
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        heading = next((name for rx, name in TABLE_HEADINGS if rx.match(line)), None)
        if heading:
            blocks += [Block("heading", line.strip()), Block("html", tables[heading])]
            in_table = True
        elif END_OF_TABLES.match(line):
            in_table = False
            blocks.append(Block("heading", line.strip()))
        elif in_table and PROSE_IN_TABLE_AREA.search(line):
            blocks.append(Block("bookmark", line.strip().replace(BOOKMARK, "")))
        elif not in_table:
            blocks.append(_prose_block(line, index, title_first))
    return blocks


def agency_type_of(agency: str) -> str:
    """Return the kind of body from an agency name (民政局, 人民政府 …)."""
    match = re.search(r"(人民政府|卫生健康委员会|[\u4e00-\u9fff]{2}局)$", agency)
    return match.group(1) if match else agency


def load_sample(key: str, half_width: bool) -> Sample:
    """Build a Sample from its data files."""
    gold = read_gold(key)
    lines = read_lines(key)
    title_first = "年度报告" in lines[0] and len(lines[0].strip()) < 40
    tables = render_tables(gold["stats"], gold["format"], half_width=half_width)
    facts = ReportFacts(
        gold["agency"],
        agency_type_of(gold["agency"]),
        gold["report_year"],
        gold["format"],
        gold["stats"],
        failed_checks=tuple(gold["failed_checks"]),
    )
    return Sample(key, facts, gold["published"], tuple(text_blocks(lines, tables, title_first)), title_first)
