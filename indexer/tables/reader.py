"""Read the statistics tables (二, 三, 四) of a report into `stats` (docs/RECORD.md), and detect its template.

Both sources become one stream of cell tokens: HTML tables through their real grid (tables/grid.py),
flattened text by splitting lines on ' | ' and tabs (one cell per line needs no splitting). One walk
over the stream collects label tokens; each run of number tokens belongs to the row named by the
last row label before it. Format detection counts the template's own header and row words.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, cast

import lxml.html

from indexer.clean.page import CleanText
from indexer.model import Format, Number, Stats
from indexer.tables.cells import Cell, read_cell, to_10k_yuan
from indexer.tables.grid import (
    Grid,
    GridCell,
    body_tables,
    build_grid,
    column_headers,
    row_cells,
)
from indexer.tables.labels import (
    APPLICATION_GROUP_RE,
    APPLICATION_LABELS,
    APPLICATIONS_MARKER_RE,
    FORMAT_2019_CELL_RE,
    FORMAT_2021_CELL_RE,
    GLUED_LABEL_RE,
    LABEL_FOLD_MAP,
    LABEL_NUMBERING_RE,
    OTHER_OTHER_RE,
    PIPE_CELL_SPLIT_RE,
    PROACTIVE_HEADERS,
    PROACTIVE_LABELS,
    PROACTIVE_MARKER_RE,
    SENTENCE_END_RE,
    SPACED_CELL_SPLIT_RE,
    SUIT_GROUP_HEADERS,
    SUIT_OUTCOME_HEADERS,
    SUITS_MARKER_RE,
    TEXT_CELL_MAX,
    TEXT_CELL_SPLIT_RE,
    YUAN_HEADER_RE,
)
from indexer.tables.schema import (
    APPLICANT_COLUMNS,
    PROACTIVE_LAYOUT,
    SUIT_GROUPS,
    SUIT_OUTCOMES,
    other_rows_variant,
)

logger = logging.getLogger(__name__)

FORMATS: tuple[Format, ...] = ("2019", "2021")
LEGACY: Format = "legacy"
APPLICANT_KEYS = tuple(APPLICANT_COLUMNS)
SUIT_SLOTS = tuple((g, o) for g in SUIT_GROUPS for o in SUIT_OUTCOMES)
SUITS = "suits"
RowValues = dict[str, Number | None]  # one row of a table (or one group of table 四): column → number


@dataclass(frozen=True)
class Token:
    """One table cell (or row end) in reading order."""

    text: str
    prose: bool = False  # a long unsplit text line: ends runs, never a label or header
    glued: bool = False  # digits cut off a label ("规范性文件7777166")
    row_end: bool = False  # end of an HTML table row
    grid: Grid | None = field(default=None, compare=False, repr=False)
    cell: GridCell | None = field(default=None, compare=False, repr=False)


@dataclass
class RawRow:
    """A row label and the value tokens printed after it, with the header context of its table."""

    table: str  # proactive / applications / suits
    key: str
    values: list[Token]
    headers: tuple[str, ...] = ()
    yuan: bool = False


@dataclass
class TableResult:
    """What the tables say: template, stats (None for legacy reports) and cells that could not be read."""

    format: Format
    stats: Stats | None
    unparsed: list[str]


def fold_label(text: str) -> str:
    """Fold a label for matching: no spaces, half-width brackets, no quotes."""
    return "".join(text.split()).translate(LABEL_FOLD_MAP)


def strip_numbering(folded: str) -> str:
    """Drop a leading 一、 / (一) / 1. numbering from a folded label."""
    return LABEL_NUMBERING_RE.sub("", folded, count=1)


def proactive_row(label: str) -> str | None:
    """Return the table 二 row key a label names."""
    return next((key for key, regex in PROACTIVE_LABELS if regex.fullmatch(label)), None)


def application_row(label: str, in_applications: bool, group: str | None) -> str | None:
    """Return the table 三 row key a label names (总计 and 其他 only inside table 三)."""
    for key, regex in APPLICATION_LABELS:
        if regex.fullmatch(label):
            return None if key == "total_processed" and not in_applications else key
    if in_applications and group == "其他处理" and OTHER_OTHER_RE.fullmatch(label):
        return "other_other"
    return None


def header_key(label: str) -> str | None:
    """Return the table 二 column key a header cell names."""
    return next((key for key, regex in PROACTIVE_HEADERS if regex.fullmatch(label)), None)


def spaced_cells(line: str) -> list[str] | None:
    """Return the cells of a row printed with spaces between them (tabs once), or None for a single cell or prose."""
    parts = SPACED_CELL_SPLIT_RE.split(line)
    if len(parts) < 2 or SENTENCE_END_RE.search(line) or any(len(part) > TEXT_CELL_MAX for part in parts):
        return None
    return parts


def text_tokens(text: str) -> list[Token]:
    """Split flattened text into cell tokens: ' | ', tab or space separated cells, or one cell per line.

    A ' | ' line is a table row as the loaders flatten it (HTML, DOCX, PDF): the blank cells between its
    printed ones are kept, so the values after them stay in their columns.
    """
    tokens: list[Token] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if "|" in stripped:
            tokens.extend(pipe_row_tokens(stripped))
        elif "\t" in stripped:
            tokens.extend(Token(cell) for cell in TEXT_CELL_SPLIT_RE.split(stripped) if cell)
        elif cells := spaced_cells(stripped):
            tokens.extend(Token(cell) for cell in cells)
        else:
            tokens.append(Token(stripped, prose=len(stripped) > TEXT_CELL_MAX))
    return tokens


def pipe_row_tokens(line: str) -> list[Token]:
    """Tokens of a ' | ' row; a blank cell between two printed ones holds its column, as in an HTML grid."""
    cells = PIPE_CELL_SPLIT_RE.split(line)
    printed = [index for index, cell in enumerate(cells) if cell]
    return [Token(cell) for cell in cells[printed[0] : printed[-1] + 1]] if printed else []


def html_tokens(body: lxml.html.HtmlElement | None) -> list[Token]:
    """Walk each table's grid once, row by row, yielding each printed cell once and a row end."""
    tokens: list[Token] = []
    for table in body_tables(body):
        grid = build_grid(table)
        for r in range(len(grid)):
            tokens.extend(Token(cell.text, grid=grid, cell=cell) for cell in row_cells(grid, r))
            tokens.append(Token("", row_end=True))
    return tokens


@dataclass
class Walk:
    """State of one pass over the tokens."""

    rows: list[RawRow] = field(default_factory=list)
    seen: set[tuple[str, str]] = field(default_factory=set)
    labels: list[str] = field(default_factory=list)
    run: list[Token] = field(default_factory=list)
    context: str | None = None
    group: str | None = None
    headers: list[str] = field(default_factory=list)
    yuan: bool = False
    score: dict[Format, int] = field(default_factory=lambda: dict.fromkeys(FORMATS, 0))

    def label(self, token: Token) -> None:
        """Take a label (or header) token: update context, headers, units and format evidence."""
        self.flush()
        folded = fold_label(token.text)
        glued = GLUED_LABEL_RE.match(folded)
        if glued:
            folded = glued.group("label")
        self._evidence(folded)
        plain = strip_numbering(folded)
        self._context(folded, plain)
        self.labels.append(plain)
        if glued:
            self.run.append(Token(glued.group("rest"), glued=True))

    def _evidence(self, folded: str) -> None:
        """Count words of either template."""
        if FORMAT_2021_CELL_RE.search(folded):
            self.score["2021"] += 1
        if FORMAT_2019_CELL_RE.search(folded):
            self.score["2019"] += 1

    def _context(self, folded: str, plain: str) -> None:
        """Follow which table we are in, the 三 group, and table 二 headers and units."""
        if PROACTIVE_MARKER_RE.match(folded):
            self.context, self.headers, self.yuan = "proactive", [], False
        elif APPLICATIONS_MARKER_RE.fullmatch(plain) and self.context != "applications":
            self.context, self.group = "applications", None
        elif SUITS_MARKER_RE.fullmatch(plain):
            self.context, self.group = SUITS, None
        if self.context == "proactive":
            key = header_key(plain)
            if key and key not in self.headers:
                self.headers.append(key)
            self.yuan = self.yuan or bool(key == "amount_10k_yuan" and YUAN_HEADER_RE.search(plain))
        if APPLICATION_GROUP_RE.fullmatch(plain):
            self.group = plain

    def value(self, token: Token) -> None:
        """Take a number (or printed null, or blank HTML cell) token."""
        self.run.append(token)

    def flush(self, row_end: bool = False) -> None:
        """Give the pending run of values to the row its labels name.

        At the end of an HTML row the blank cells stay in the run (they hold their columns), and a row
        whose value cells are all blank is still a row when its label names one.
        """
        run, labels = self.run, self.labels
        self.run, self.labels = [], []
        if not row_end:
            while run and not run[-1].text:
                run.pop()
        blank_row = not any(t.text for t in run)
        table, key = self._resolve(labels) if run else (None, "")
        if table is None and not blank_row and self.context == SUITS:
            table, key = SUITS, ""
        if table is None and blank_row:
            self.labels = labels  # labels spread over several HTML rows/lines stay pending
            return
        if table is None or (table, key) in self.seen:
            return
        self.seen.add((table, key))
        headers = tuple(self.headers) if table == "proactive" else ()
        self.rows.append(RawRow(table, key, run, headers, self.yuan and table == "proactive"))

    def _resolve(self, labels: list[str]) -> tuple[str | None, str]:
        """Return (table, row key) named by the last label that names a row."""
        for label in reversed(labels):
            key = proactive_row(label)
            if key:
                self.context = "proactive"
                return "proactive", key
            key = application_row(label, self.context == "applications", self.group)
            if key:
                self.context = "applications"
                return "applications", key
        return None, ""


def walk(tokens: list[Token]) -> Walk:
    """Run the single pass over a token stream."""
    state = Walk()
    for token in tokens:
        if token.row_end:
            state.flush(row_end=True)
        elif token.prose:
            state.flush()
            state.labels = []
        elif not token.text or read_cell(token.text) is not None:
            state.value(token)
        else:
            state.label(token)
    state.flush()
    return state


def decide_format(score: dict[Format, int], rows: list[RawRow]) -> Format:
    """Pick the template from header/row evidence; rows of 三(六) break a tie."""
    if score["2021"] != score["2019"]:
        return "2021" if score["2021"] > score["2019"] else "2019"
    keys = {row.key for row in rows if row.table == "applications"}
    if keys & {"other_no_correction", "other_no_fee", "other_other"}:
        return "2021"
    return "2019" if rows else LEGACY


def detect_format(text: str) -> Format:
    """Return '2021', '2019' or 'legacy' from the table cells (not the prose) of a flattened text."""
    state = walk(text_tokens(text))
    return decide_format(state.score, state.rows)


def _cells(tokens: list[Token], blanks: bool) -> list[Cell | None]:
    """Read value tokens (blank ones as None when `blanks`, else skipped); None for a glued run that is no number."""
    return [read_cell(t.text) if t.text else Cell(None) for t in tokens if blanks or t.text]


def _value(cell: Cell | None) -> Number | None:
    """Return the number a cell holds (None when blank or unreadable)."""
    return cell.value if cell else None


def _glued(tokens: list[Token]) -> bool:
    """Tell whether a run holds digits cut off a label."""
    return any(t.glued for t in tokens)


def _describe(row: RawRow) -> str:
    """Name a row and its printed cells for an 'unparsed' detail."""
    printed = " | ".join(t.text for t in row.values if t.text)
    return f"{row.table}.{row.key or 'values'}: cells '{printed}'"


def proactive_columns(row: RawRow, fmt: Format, count: int) -> tuple[str, ...] | None:
    """Columns of a table 二 row: its own headers if they fit, else the template's layout."""
    allowed = {c for f in FORMATS for c in PROACTIVE_LAYOUT[f].get(row.key, ())}
    if len(row.headers) == count and set(row.headers) <= allowed:
        return row.headers
    for f in (fmt, *(x for x in FORMATS if x != fmt)):
        layout = PROACTIVE_LAYOUT[f].get(row.key)
        if layout and len(layout) == count:
            return layout
    return None


def proactive_values(row: RawRow, fmt: Format) -> tuple[RowValues, str | None]:
    """Map a table 二 row's values to its columns; all None and a problem when that is impossible."""
    for blanks in (False, True):
        cells = _cells(row.values, blanks)
        columns = proactive_columns(row, fmt, len(cells))
        if columns and not _glued(row.values) or columns and len(columns) == 1:
            return {c: _amount(c, cell, row.yuan) for c, cell in zip(columns, cells)}, None
    layout = PROACTIVE_LAYOUT.get(fmt, PROACTIVE_LAYOUT["2019"]).get(row.key) or PROACTIVE_LAYOUT["2019"][row.key]
    return dict.fromkeys(layout), _describe(row)


def _amount(column: str, cell: Cell | None, yuan_header: bool) -> Number | None:
    """Return a cell's value, converting 元 to 万元 in amount columns (cell unit first, then header)."""
    if cell is None or column != "amount_10k_yuan":
        return _value(cell)
    return to_10k_yuan(cell.value, cell.unit or ("元" if yuan_header else None))


def application_values(row: RawRow) -> tuple[RowValues, str | None]:
    """Map a table 三 row: seven cells (blank HTML cells hold their column), or one merged cell giving the total."""
    for blanks in (False, True):
        cells = _cells(row.values, blanks)
        if len(cells) == len(APPLICANT_KEYS) and not _glued(row.values):
            return {c: _value(cell) for c, cell in zip(APPLICANT_KEYS, cells)}, None
    printed = _cells(row.values, False)
    if len(printed) == 1 and not _glued(row.values):
        return {"total": _value(printed[0])}, None
    return dict.fromkeys(APPLICANT_KEYS), _describe(row)


def suit_slot(token: Token) -> tuple[str, str] | None:
    """Return (group, outcome) of a table 四 value from the headers above it in the grid."""
    if token.grid is None or token.cell is None:
        return None
    joined = "/".join(column_headers(token.grid, token.cell.row, token.cell.col))
    group = next((g for g, regex in SUIT_GROUP_HEADERS if regex.search(joined)), None)
    outcome = next((o for o, regex in SUIT_OUTCOME_HEADERS if regex.search(joined)), None)
    return (group, outcome) if group and outcome else None


def _suit_slots(tokens: list[Token]) -> list[tuple[str, str]] | None:
    """Return where table 四's printed values go: by their headers if all are labelled, else template order."""
    slots = [suit_slot(t) for t in tokens]
    labelled = [slot for slot in slots if slot is not None]
    if len(labelled) == len(slots) and len(set(labelled)) == len(labelled):
        return labelled
    return list(SUIT_SLOTS) if len(tokens) == len(SUIT_SLOTS) else None


def suits_values(row: RawRow) -> tuple[dict[str, RowValues], str | None]:
    """Map table 四's values: by their column headers when all are labelled, else 15 in template order."""
    tokens = [t for t in row.values if t.text]
    slots = None if _glued(tokens) else _suit_slots(tokens)
    if slots is None:
        return {g: dict.fromkeys(SUIT_OUTCOMES) for g in SUIT_GROUPS}, _describe(row)
    groups: dict[str, RowValues] = {g: {} for g in SUIT_GROUPS}
    for (group, outcome), token in zip(slots, tokens):
        groups[group][outcome] = _value(read_cell(token.text))
    return {g: v for g, v in groups.items() if v}, None


def assemble(rows: list[RawRow], fmt: Format) -> tuple[Stats, list[str]]:
    """Build the stats object from the raw rows; list the rows that could not be read."""
    stats: dict[str, Any] = {}
    unparsed: list[str] = []
    for row in rows:
        if row.table == "proactive":
            values, problem = proactive_values(row, fmt)
            stats.setdefault("proactive", {})[row.key] = values
        elif row.table == "applications":
            values, problem = application_values(row)
            stats.setdefault("applications", {})[row.key] = values
        else:
            groups, problem = suits_values(row)
            stats.update(groups)
        if problem:
            unparsed.append(problem)
    return cast(Stats, stats), unparsed  # keyed by tables/schema.py, which test_model.py holds to Stats


def read_tokens(tokens: list[Token]) -> TableResult:
    """Read stats and format from a token stream."""
    state = walk(tokens)
    fmt = decide_format(state.score, state.rows)
    if fmt == LEGACY or not state.rows:
        return TableResult(fmt, None, [])
    stats, unparsed = assemble(state.rows, fmt)
    return TableResult(fmt, stats, unparsed)


def read_tables(cleaned: CleanText) -> TableResult:
    """Read the statistics of a cleaned page: its HTML tables if it has any, else its text.

    Args:
        cleaned: the output of `indexer.record.prepare` (body element and flattened text).

    Returns the template ('2019', '2021' or 'legacy'), the stats object (None for legacy
    reports) and a description of each cell or row that was present but unreadable.
    """
    result = read_tokens(html_tokens(cleaned.body)) if cleaned.body is not None else None
    source = "HTML tables"
    if result is None or result.stats is None:
        result, source = read_tokens(text_tokens(cleaned.text)), "text"
    logger.debug("tables: format %s from the %s, %d unparsed", result.format, source, len(result.unparsed))
    variant = other_rows_variant((result.stats or {}).get("applications") or {}, result.format)
    if variant != result.format:
        logger.debug("tables: variant: 三（六）其他处理 printed as in the %s template (one row, `other`)", variant)
    for problem in result.unparsed:
        logger.debug("tables: unparsed %s", problem)
    return result
