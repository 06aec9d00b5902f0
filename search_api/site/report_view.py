"""A report as the report page shows it: tables 二/三/四 with their official labels (blanks blank, never 0) and the
clean text as headed sections, the table rows left out of the prose where the tables are shown."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from indexer.load import CELL_SEPARATOR
from indexer.model import Number, Stats
from indexer.tables.numbers import cell
from indexer.tables.schema import (
    APPLICANT_COLUMNS,
    APPLICATION_ROWS,
    PROACTIVE_COLUMNS,
    PROACTIVE_LAYOUT,
    PROACTIVE_ROWS,
    SUIT_GROUPS,
    SUIT_OUTCOMES,
)

HEADING_RE = re.compile(r"^(?:[一二三四五六七八九十]{1,3}|\d{1,2})、\s*\S")
SUBHEADING_RE = re.compile(r"^[（(][一二三四五六七八九十]{1,3}[）)]\s*\S")
MAX_HEADING = 40  # characters: a longer line is prose even when it starts like a heading
MIN_PROSE = 40  # characters: a shorter line without 。 inside a table section is a table cell
NUMERALS = "一二三四五六七八九十"
TABLE_ROW_WORDS = ("申请数量", "办理结果", "结转下年度")  # rows of table 三 that are numbered like sections (一、…四、)
# table name -> (its section's number, a word its heading has)
TABLE_HEADINGS = {"二": ("二、", "主动公开"), "三": ("三、", "申请"), "四": ("四、", "复议")}
TABLE_TITLES = {
    "二": "二、主动公开政府信息情况",
    "三": "三、收到和处理政府信息公开申请情况",
    "四": "四、政府信息公开行政复议、行政诉讼情况",
}
SUITS = tuple(SUIT_GROUPS)


@dataclass
class Cell:
    """One table cell: its dotted stats key and value (None: blank)."""

    key: str
    value: Number | None


@dataclass
class Row:
    """One labelled table row."""

    label: str
    cells: list[Cell]


@dataclass
class Section:
    """Rows sharing one header of columns."""

    corner: str
    columns: list[str]
    rows: list[Row] = field(default_factory=list)


@dataclass
class Table:
    """One of tables 二, 三, 四."""

    name: str
    title: str
    sections: list[Section]


@dataclass
class Block:
    """One piece of the text: a heading (h2, h3), a paragraph (p) or a pointer to a rendered table (table)."""

    kind: str
    text: str


def table_format(fmt: str | None, stats: Stats) -> str:
    """The layout to draw: the report's format, or the one its table-三 rows belong to."""
    if fmt in ("2019", "2021"):
        return fmt
    rows = stats.get("applications") or {}
    return "2021" if any(r.startswith("other_") and r != "other" for r in rows) else "2019"


def stats_tables(stats: Stats | None, fmt: str | None) -> list[Table]:
    """The tables the report has, in order 二, 三, 四."""
    if not stats:
        return []
    layout = table_format(fmt, stats)
    tables = []
    if stats.get("proactive"):
        tables.append(Table("二", TABLE_TITLES["二"], proactive_sections(stats, layout)))
    if stats.get("applications"):
        tables.append(Table("三", TABLE_TITLES["三"], [applications_section(stats, layout)]))
    if any(stats.get(group) for group in SUITS):
        tables.append(Table("四", TABLE_TITLES["四"], [suits_section(stats)]))
    return tables


def proactive_sections(stats: Stats, layout: str) -> list[Section]:
    """Table 二: consecutive rows with the same columns share one header, as in the official table."""
    sections: list[Section] = []
    for row, columns in PROACTIVE_LAYOUT[layout].items():
        labels = [PROACTIVE_COLUMNS[c] for c in columns]
        if not sections or sections[-1].columns != labels:
            sections.append(Section("信息内容", labels))
        cells = [Cell(f"proactive.{row}.{c}", cell(stats, "proactive", row, c)) for c in columns]
        sections[-1].rows.append(Row(PROACTIVE_ROWS[row], cells))
    return sections


def applications_section(stats: Stats, layout: str) -> Section:
    """Table 三: one row per official row, one column per kind of applicant and the total."""
    section = Section("申请人情况", list(APPLICANT_COLUMNS.values()))
    for row, label in APPLICATION_ROWS[layout].items():
        cells = [Cell(f"applications.{row}.{c}", cell(stats, "applications", row, c)) for c in APPLICANT_COLUMNS]
        section.rows.append(Row(label, cells))
    return section


def suits_section(stats: Stats) -> Section:
    """Table 四: one row per group (复议, 诉讼 ×2), one column per outcome."""
    section = Section("类别", list(SUIT_OUTCOMES.values()))
    for group, label in SUIT_GROUPS.items():
        section.rows.append(Row(label, [Cell(f"{group}.{o}", cell(stats, group, o)) for o in SUIT_OUTCOMES]))
    return section


def text_blocks(text: str, tables: list[str]) -> list[Block]:
    """The text as headings and paragraphs; inside the section of a shown table, only its prose lines."""
    blocks: list[Block] = []
    in_table: str | None = None
    for line in (raw.strip() for raw in text.splitlines()):
        if not line:
            continue
        if is_heading(line) and not (in_table and is_table_row(line, in_table)):
            blocks.append(Block("h2", line))
            in_table = table_of(line, tables)
            if in_table:
                blocks.append(Block("table", in_table))
        elif in_table and not is_prose(line):
            continue
        elif SUBHEADING_RE.match(line) and len(line) <= MAX_HEADING and CELL_SEPARATOR not in line:
            blocks.append(Block("h3", line))
        else:
            blocks.append(Block("p", line))
    return blocks


def is_heading(line: str) -> bool:
    """Whether a line is a section heading (一、… or 1、…), not a table row that starts like one."""
    return bool(HEADING_RE.match(line)) and len(line) <= MAX_HEADING and CELL_SEPARATOR not in line


def is_table_row(line: str, table: str) -> bool:
    """Whether a heading-like line inside a table's section is one of its rows: numbered no later than the table's
    own section (三's 一、本年新收… rows), or a row of table 三 that comes after it (四、结转下年度继续办理)."""
    number = NUMERALS.find(line[0]) + 1
    return 0 < number <= NUMERALS.index(table) + 1 or any(word in line for word in TABLE_ROW_WORDS)


def table_of(heading: str, tables: list[str]) -> str | None:
    """The shown table whose section this heading opens, or None."""
    for name, (number, word) in TABLE_HEADINGS.items():
        if name in tables and heading.startswith(number) and word in heading:
            return name
    return None


def is_prose(line: str) -> bool:
    """Whether a line inside a table section is a sentence rather than a cell or a row of cells."""
    return CELL_SEPARATOR not in line and (line.endswith("。") or len(line) >= MIN_PROSE)
