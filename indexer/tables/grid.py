"""HTML tables → the real cell grid (rowspan/colspan expanded) → cell tokens for the table reader."""

from __future__ import annotations

from dataclasses import dataclass

import lxml.html

from indexer.selectors import HTML_TABLE_XPATH, elements

CELL_TAGS = ("td", "th")
MAX_SPAN = 50  # ignore absurd rowspan/colspan values (broken CMS output)


@dataclass(frozen=True)
class GridCell:
    """One printed cell: its text, where it starts in the grid and how far it spans."""

    text: str
    row: int
    col: int
    rowspan: int
    colspan: int


Grid = list[list[GridCell | None]]  # rows of slots; a merged cell fills every slot it covers


def _span(value: str | None) -> int:
    """Read a rowspan/colspan attribute (1 when absent or broken)."""
    if value is None or value == "1":
        return 1
    try:
        return min(max(int(value or 1), 1), MAX_SPAN)
    except ValueError:
        return 1


def _cell_text(cell: lxml.html.HtmlElement) -> str:
    """Text of a cell with its runs of space collapsed."""
    return " ".join(" ".join(cell.itertext()).split())


def build_grid(table: lxml.html.HtmlElement) -> Grid:
    """Expand a leaf table into rows of grid slots; a merged cell occupies every slot it covers."""
    grid: Grid = []
    for r, tr in enumerate(table.iter("tr")):  # a leaf table: every <tr> below it is its own
        while len(grid) <= r:
            grid.append([])
        c = 0
        for td in tr.iterchildren(*CELL_TAGS):
            while c < len(grid[r]) and grid[r][c] is not None:
                c += 1
            cell = GridCell(_cell_text(td), r, c, _span(td.get("rowspan")), _span(td.get("colspan")))
            _place(grid, cell)
            c += cell.colspan
    return grid


def _place(grid: Grid, cell: GridCell) -> None:
    """Put a cell into every slot it covers, growing the grid as needed."""
    row = grid[cell.row]
    if cell.rowspan == cell.colspan == 1 and len(row) == cell.col:
        row.append(cell)
        return
    for r in range(cell.row, cell.row + cell.rowspan):
        while len(grid) <= r:
            grid.append([])
        row = grid[r]
        while len(row) < cell.col + cell.colspan:
            row.append(None)
        for c in range(cell.col, cell.col + cell.colspan):
            row[c] = cell


def row_cells(grid: Grid, r: int) -> list[GridCell]:
    """Cells printed in row r (each merged cell once, at the row where it starts), left to right."""
    seen: list[GridCell] = []
    for cell in grid[r]:
        if cell is not None and cell.row == r and (not seen or seen[-1] is not cell):
            seen.append(cell)
    return seen


def column_headers(grid: Grid, r: int, c: int) -> list[str]:
    """Texts of the cells above slot (r, c), top first, each merged cell once."""
    texts: list[str] = []
    for above in range(r):
        row = grid[above]
        cell = row[c] if c < len(row) else None
        if cell is not None and cell.text and (not texts or texts[-1] != cell.text):
            texts.append(cell.text)
    return texts


def body_tables(body: lxml.html.HtmlElement | None) -> list[lxml.html.HtmlElement]:
    """Return the innermost tables inside a body element (layout tables skipped), in document order."""
    if body is None:
        return []
    return [table for table in elements(HTML_TABLE_XPATH, body) if not elements(HTML_TABLE_XPATH, table)[1:]]
