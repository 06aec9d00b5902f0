"""PDF files → text lines in reading order, read from the layout with pdfplumber (pdfminer.six positions).

Tables come from ruling lines (pdfplumber's lattice finder): each table row is one line of its cells joined
by ' | ', a merged cell printed once at its first row and a blank cell kept in its column, like an HTML row.
A table cut by a page break is closed where it was cut, and a row cut in two is joined again. Text outside
tables is grouped into lines by position: CJK characters join without spaces, and a wide gap between two runs
of a line (an unruled table's columns) becomes a cell separator, so adjacent numbers never glue together.
The lines a paragraph or a heading was wrapped into are joined, so each is one line as on a web page.
Page furniture is dropped: tagged artifacts and the print margin (a browser's header and footer), page
numbers, and lines repeated at the top or bottom of most pages. Radicals a browser's PDF writer put for
ideographs are mapped back (⼈⺠ → 人民).
"""

from __future__ import annotations

import io
import logging
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from indexer.errors import NoTextLayer, UnreadablePage
from indexer.load import CELL_SEPARATOR

if TYPE_CHECKING:
    from pdfplumber.page import Page as PdfPage
    from pdfplumber.pdf import PDF
    from pdfplumber.table import Table

logger = logging.getLogger(__name__)
for _noisy in ("pdfminer", "pdfplumber"):  # both warn on every tolerated quirk of real files (no FontBBox …)
    logging.getLogger(_noisy).setLevel(logging.ERROR)

MIN_TEXT_CHARS_PER_PAGE = 20  # less text than this per page: a scan without text layer
MAX_UNMAPPED_SHARE = 0.2  # more unmapped glyphs than this: fonts without a Unicode map
UNMAPPED_CHAR_RE = re.compile(r"[\ufffd\ue000-\uf8ff]|\(cid:\d+\)")
SPACE_CHARS_RE = re.compile(r"\s+")

# Gaps between two characters of a line, in ems of the larger one.
WORD_GAP_EM = 0.2  # a space between words
CELL_GAP_EM = 1.0  # outside ruled tables: the next cell of an unruled table row
PRINT_MARGIN = 26.0  # points: lines wholly this close to the top or bottom edge are a print header or footer
SAME_LINE_OVERLAP = 0.5  # share of the smaller character's height two characters of one line overlap by
HEADING_SIZE_RATIO = 1.2  # a line this much larger than the body text is a heading
HEADING_WRAP_GAP_EM = 1.0  # a heading's next line this close below it is the same heading, wrapped
HEADING_MAX_CHARS = 80  # a longer run of large lines is not one heading
PARAGRAPH_GAP_EM = 0.9  # a paragraph's next line is this close below it (a larger gap starts a new block)
FULL_LINE_SLACK_EM = 2.0  # a line ending this close to the text's right edge filled it (and wrapped)
INDENT_EM = 0.5  # a line starting further right than this from the text's left edge is indented: a new paragraph
SAME_SIZE = 0.5  # points: font sizes this close are the same
CJK_SPACE_EM = 0.25  # a gap this wide between two CJK characters is a space (separate runs, not justification)
CJK_LATIN_SPACE_EM = 0.5  # between CJK and Latin or digits: writers add 0.2 em of autospace there, not a space
EDGE_TOLERANCE = 3.0  # points: a ruling this close to a cell's corner closes it
MIN_RULE = 2 * EDGE_TOLERANCE  # points: a shorter edge is the thickness of a ruling, not a rule
TABLE_SETTINGS: dict[str, Any] = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
CJK_RE = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")
PAGE_NUMBER_RE = re.compile(
    r"^[-—–－\s]*(?:第\s*\d+\s*页(?:\s*[/，,]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|\d+|page\s*\d+(?:\s*of\s*\d+)?)[-—–－\s]*$",
    re.I,
)
DIGITS_RE = re.compile(r"\d+")
NUMBER_CELL_RE = re.compile(r"^[-+]?\d[\d,.]*%?$")

# A browser printing a CJK web font writes the text layer from the font's glyphs; where a glyph serves both a
# radical and an ideograph, the radical's code point comes out (⼀ for 一, ⻔ for 门). Kangxi radicals map back
# by NFKC (except ⼾, whose glyph in simplified-Chinese fonts is 户); the CJK Radicals Supplement by the pairs
# below, read from the cmap of Noto Sans CJK SC (the radicals sharing a glyph with an ideograph there).
# Latin ligature glyphs (ﬁ, ﬂ) come out as ligature code points: NFKC splits them.
RADICAL_PAIRS = (
    "⺂乛⺃乚⺅亻⺉刂⺋㔾⺏尣⺐尢⺒巳⺓幺⺔彑⺕彐⺖忄⺘扌⺙攵⺛旡⺞歺⺟母⺠民⺡氵⺣灬⺤爫⺦丬⺨犭⺭礻⺯糹⺰纟⺱罓⺳㓁⺹耂"
    "⺺肀⺾艹⻂衤⻅见⻆角⻈讠⻉贝⻋车⻌辶⻐钅⻑長⻒镸⻓长⻔门⻖阝⻘青⻙韦⻚页⻛风⻜飞⻝食⻟飠⻠饣⻢马⻣骨⻤鬼⻥鱼"
    "⻦鸟⻧卤⻨麦⻩黄⻪黾⻫斉⻬齐⻮齿⻯竜⻰龙⻱龜⻲亀⻳龟⼾户"
)
NFKC_GLYPHS = (*range(0x2F00, 0x2FD6), *range(0xFB00, 0xFB07))  # Kangxi radicals, Latin ligatures
GLYPH_MAP = str.maketrans(
    {chr(cp): unicodedata.normalize("NFKC", chr(cp)) for cp in NFKC_GLYPHS}
    | {RADICAL_PAIRS[i]: RADICAL_PAIRS[i + 1] for i in range(0, len(RADICAL_PAIRS), 2)}
)

Char = dict[str, Any]  # a pdfplumber character: text, x0, x1, top, bottom, size, fontname …


@dataclass(frozen=True)
class Line:
    """One line of a page: its text, its box, its font size, and whether it is a table row."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    row: bool = False
    cells: tuple[str, ...] = ()  # a table row's cells, as printed
    columns: tuple[tuple[float, float], ...] = ()  # and where each one stands (x0, x1)

    def then(self, line: Line) -> Line:
        """This line with the next one (its wrapped continuation) joined to it."""
        box = (min(self.x0, line.x0), self.top, max(self.x1, line.x1), line.bottom)
        return Line(join_wrapped([self.text, line.text]), *box, line.size)

    def continued_by(self, part: Line) -> tuple[Line, Line | None]:
        """This table row with its part printed on the next page joined to it, cell by cell (same columns).

        Text the part prints in a column this row has no cell in (a merged group label from higher up, such as
        三、本年度办理结果, going on past the page break) comes back apart, as a plain line.
        """
        theirs = [
            next((t for c, t in zip(part.columns, part.cells) if same_column(c, mine)), "") for mine in self.columns
        ]
        cells = tuple(join_wrapped([text, more]) for text, more in zip(self.cells, theirs))
        box = (self.x0, self.top, self.x1, self.bottom)
        joined = Line(CELL_SEPARATOR.join(cells), *box, self.size, True, cells, self.columns)
        rest = [t for c, t in zip(part.columns, part.cells) if t and not any(same_column(c, m) for m in self.columns)]
        return joined, Line(" ".join(rest), part.x0, part.top, part.x1, part.bottom, part.size) if rest else None


def restore_characters(text: str) -> str:
    """Replace the radicals a browser's PDF writer put for ideographs (⼈⺠ → 人民) and split ligatures (ﬁ → fi)."""
    return text.translate(GLYPH_MAP)


def is_cjk(char: str) -> bool:
    """Tell a CJK character or full-width punctuation mark (joined to its CJK neighbours without a space)."""
    return bool(CJK_RE.match(char))


def join_wrapped(parts: list[str]) -> str:
    """Join the wrapped lines of a cell, heading or paragraph: a space only between two Latin words or numbers."""
    text = ""
    for part in (p for p in parts if p):
        text += part if not text or is_cjk(text[-1]) or is_cjk(part[0]) else " " + part
    return text


def group_lines(chars: list[Char]) -> list[list[Char]]:
    """Group characters into lines (vertical overlap), top to bottom, each left to right."""
    lines: list[list[Char]] = []
    spans: list[tuple[float, float]] = []
    for char in sorted(chars, key=lambda c: (c["top"], c["x0"])):
        height = char["bottom"] - char["top"]
        for index in range(len(spans) - 1, max(len(spans) - 3, -1), -1):
            top, bottom = spans[index]
            overlap = min(bottom, char["bottom"]) - max(top, char["top"])
            if overlap >= SAME_LINE_OVERLAP * min(height, bottom - top):
                lines[index].append(char)
                spans[index] = (min(top, char["top"]), max(bottom, char["bottom"]))
                break
        else:
            lines.append([char])
            spans.append((char["top"], char["bottom"]))
    return [sorted(line, key=lambda c: c["x0"]) for line in lines]


def space_gap(left: str, right: str) -> float:
    """The gap (in ems) between two characters that is a space: wider next to CJK, where writers add autospace."""
    cjk = is_cjk(left) + is_cjk(right)
    return (WORD_GAP_EM, CJK_LATIN_SPACE_EM, CJK_SPACE_EM)[cjk]


def line_text(chars: list[Char], cell_gaps: bool) -> str:
    """Write one line's characters, a space for a word gap and ' | ' for a column gap (when `cell_gaps`)."""
    text = ""
    previous: Char | None = None
    for char in chars:
        if previous is not None:
            gap = char["x0"] - previous["x1"]
            em = max(char["size"], previous["size"], 1.0)
            if cell_gaps and gap >= CELL_GAP_EM * em:
                text += CELL_SEPARATOR
            elif gap >= space_gap(previous["text"], char["text"]) * em:
                text += " "
        text += char["text"]
        previous = char
    return text


def text_lines(chars: list[Char]) -> list[Line]:
    """Lines of text outside tables, a wide gap between runs written as a cell separator."""
    lines = []
    for line in group_lines(chars):
        size = Counter(round(c["size"], 1) for c in line).most_common(1)[0][0]
        text = line_text(line, cell_gaps=True)
        box = (line[0]["x0"], min(c["top"] for c in line), line[-1]["x1"], max(c["bottom"] for c in line))
        lines.append(Line(text, *box, size))
    return lines


def inside(char: Char, bbox: tuple[float, float, float, float]) -> bool:
    """Tell whether a character's centre lies in a box (x0, top, x1, bottom)."""
    x = (char["x0"] + char["x1"]) / 2
    y = (char["top"] + char["bottom"]) / 2
    return bbox[0] <= x < bbox[2] and bbox[1] <= y < bbox[3]


def cell_text(chars: list[Char]) -> str:
    """Text of one table cell: its lines joined like wrapped text."""
    return join_wrapped([line_text(line, cell_gaps=False).strip() for line in group_lines(chars)])


def table_lines(table: Table, chars: list[Char]) -> list[Line]:
    """One line per table row: the cells that start in it, joined by ' | ' (merged cells once)."""
    lines = []
    for row in table.rows:
        cells = [cell for cell in row.cells if cell is not None]
        if not cells:
            continue
        row_chars = [c for c in chars if inside(c, row.bbox)]
        texts = tuple(cell_text([c for c in row_chars if inside(c, cell)]) for cell in cells)
        if any(texts):
            size = Counter(round(c["size"], 1) for c in row_chars).most_common(1)[0][0]
            columns = tuple((cell[0], cell[2]) for cell in cells)
            lines.append(Line(CELL_SEPARATOR.join(texts), *row.bbox, size, True, texts, columns))
    return lines


def closing_rules(page: PdfPage) -> list[dict[str, Any]]:
    """Rulings that close a table cut by a page break: across its vertical rules where they meet the page's cut.

    Only the topmost and bottommost ends of the vertical rules are candidates (a table is cut at the top or
    bottom of its page); short edges (the sides of a thin ruling drawn as a rectangle) are not rules.
    """
    verticals = [e for e in page.edges if e["orientation"] == "v" and e["height"] > MIN_RULE]
    horizontals = [e for e in page.edges if e["orientation"] == "h" and e["width"] > MIN_RULE]
    if not verticals:
        return []

    def closed(x: float, y: float) -> bool:
        return any(
            abs(h["top"] - y) <= EDGE_TOLERANCE and h["x0"] - EDGE_TOLERANCE <= x <= h["x1"] + EDGE_TOLERANCE
            for h in horizontals
        )

    closing = []
    for end, y in (("top", min(e["top"] for e in verticals)), ("bottom", max(e["bottom"] for e in verticals))):
        xs = [e["x0"] for e in verticals if abs(e[end] - y) <= EDGE_TOLERANCE]
        if max(xs) - min(xs) > MIN_RULE and not all(closed(x, y) for x in xs):
            closing.append(
                {"object_type": "line_edge", "orientation": "h", "x0": min(xs), "x1": max(xs), "top": y, "bottom": y}
                | {"width": max(xs) - min(xs), "height": 0.0}
            )
    return closing


def find_tables(page: PdfPage) -> list[Table]:
    """Ruled tables of a page (a lone box around text, such as a page frame, is not a table)."""
    settings = dict(TABLE_SETTINGS, explicit_horizontal_lines=closing_rules(page))
    return [table for table in page.find_tables(settings) if len(table.cells) > 1]


def is_artifact(obj: dict[str, Any]) -> bool:
    """Tell page furniture a tagged PDF marks as such (a browser's print header and footer)."""
    return obj.get("object_type") == "char" and obj.get("tag") == "Artifact"


def page_lines(page: PdfPage) -> list[Line]:
    """Read one page: table rows and text lines, top to bottom."""
    content = page.filter(lambda obj: not is_artifact(obj))
    chars = [c for c in content.chars if c["text"].strip()]
    tables = find_tables(content)
    lines = [line for table in tables for line in table_lines(table, chars)]
    loose = [c for c in chars if not any(inside(c, table.bbox) for table in tables)]
    lines += [line for line in text_lines(loose) if not in_print_margin(line, page.height)]
    return sorted(lines, key=lambda line: line.top)


def in_print_margin(line: Line, page_height: float) -> bool:
    """Tell a line printed in the page's outer margin (a browser's header and footer), outside any body text."""
    return line.bottom <= PRINT_MARGIN or line.top >= page_height - PRINT_MARGIN


def drop_furniture(pages: list[list[Line]]) -> list[list[Line]]:
    """Drop page numbers and the lines repeated at the top or bottom of most pages (running headers, footers)."""
    repeated: set[str] = set()
    if len(pages) >= 2:
        for end in (0, -1):
            counts = Counter(DIGITS_RE.sub("#", page[end].text) for page in pages if page and not page[end].row)
            repeated |= {text for text, count in counts.items() if count >= max(2, len(pages) / 2)}
    kept = []
    for page in pages:
        ends = (page[0], page[-1]) if page else ()
        kept.append(
            [
                line
                for line in page
                if line.row
                or not PAGE_NUMBER_RE.match(line.text)
                and not (line in ends and DIGITS_RE.sub("#", line.text) in repeated)
            ]
        )
    return kept


def join_split_rows(pages: list[list[Line]]) -> list[list[Line]]:
    """Join the two parts of a table row that a page break cut (the last row of a page, the first of the next)."""
    joined: list[list[Line]] = []
    for page in pages:
        last = joined[-1] if joined else []
        if last and page and is_split_row(last[-1], page[0]):
            last[-1], rest = last[-1].continued_by(page[0])
            page = ([rest] if rest else []) + page[1:]
        joined.append(list(page))
    return joined


def is_split_row(before: Line, after: Line) -> bool:
    """Tell two parts of one row cut by a page break.

    Every printed cell of the second part stands in a column of the first, or left of the first part's cells
    (a merged group label from higher up, going on), text goes on in some cell, and no column holds a value in
    both parts.
    """
    if not (before.row and after.row):
        return False
    columns = dict(zip(before.columns, before.cells))
    pairs = []
    for column, text in zip(after.columns, after.cells):
        mine = next((columns[c] for c in columns if same_column(c, column)), None)
        if mine is None and text and column[1] > before.x0 + EDGE_TOLERANCE:
            return False
        if mine is not None:
            pairs.append((mine, text))
    both_values = any(a and b and (NUMBER_CELL_RE.match(a) or NUMBER_CELL_RE.match(b)) for a, b in pairs)
    return len(pairs) > 1 and not both_values and any(bool(a) != bool(b) for a, b in pairs)


def same_column(one: tuple[float, float], two: tuple[float, float]) -> bool:
    """Tell two cells standing in the same column (same left and right rules)."""
    return abs(one[0] - two[0]) <= EDGE_TOLERANCE and abs(one[1] - two[1]) <= EDGE_TOLERANCE


def join_wrapped_lines(lines: list[Line], body: float) -> list[Line]:
    """Join the lines a paragraph or a heading was wrapped into, so that each is one line as on a web page."""
    prose = [line for line in lines if not line.row and abs(line.size - body) < SAME_SIZE]
    margins = (min(line.x0 for line in prose), max(line.x1 for line in prose)) if prose else None
    joined: list[Line] = []
    for line in lines:
        last = joined[-1] if joined else None
        if last is not None and (continues_heading(last, line, body) or continues_paragraph(last, line, margins)):
            joined[-1] = last.then(line)
        else:
            joined.append(line)
    return joined


def same_block(last: Line, line: Line, gap_em: float) -> bool:
    """Tell two text lines of one font size, the second right below the first."""
    return (
        not last.row
        and not line.row
        and abs(line.size - last.size) < SAME_SIZE
        and 0 <= line.top - last.bottom < gap_em * line.size
    )


def continues_heading(last: Line, line: Line, body: float) -> bool:
    """Tell the wrapped second line of a heading (larger than the body text, short enough to be one)."""
    return (
        line.size >= HEADING_SIZE_RATIO * body
        and same_block(last, line, HEADING_WRAP_GAP_EM)
        and len(last.text) + len(line.text) <= HEADING_MAX_CHARS
    )


def continues_paragraph(last: Line, line: Line, margins: tuple[float, float] | None) -> bool:
    """Tell the next line of a wrapped paragraph: the last one filled the text width, this one starts at its left."""
    if margins is None or CELL_SEPARATOR in last.text or CELL_SEPARATOR in line.text:
        return False
    left, right = margins
    return (
        same_block(last, line, PARAGRAPH_GAP_EM)
        and last.x1 >= right - FULL_LINE_SLACK_EM * line.size
        and line.x0 <= left + INDENT_EM * line.size
    )


def body_size(pages: list[list[Line]]) -> float:
    """The most common font size of the text outside tables (weighted by characters)."""
    sizes: Counter[float] = Counter()
    for line in (line for page in pages for line in page if not line.row):
        sizes[line.size] += len(line.text)
    return sizes.most_common(1)[0][0] if sizes else 0.0


@contextmanager
def open_pdf(data: bytes) -> Iterator[PDF]:
    """Open a PDF (view-only encryption with the empty password); raise UnreadablePage with the reason."""
    import pdfplumber  # imported lazily: only attachments need it
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        pdf = pdfplumber.open(io.BytesIO(data), password="")
    except PdfminerException as exc:
        cause = exc.args[0] if exc.args else exc
        if isinstance(cause, PDFPasswordIncorrect):
            raise UnreadablePage("encrypted PDF: a password is required to open it") from exc
        if isinstance(cause, PDFEncryptionError | NotImplementedError):
            raise UnreadablePage(f"encrypted PDF: cannot open it ({type(cause).__name__}: {cause})") from exc
        raise UnreadablePage(f"corrupt PDF file: {type(cause).__name__}: {cause}") from exc
    with pdf:
        yield pdf


def read_pages(data: bytes) -> list[list[Line]]:
    """Read every page of a PDF into lines; raise UnreadablePage when its structure cannot be read."""
    with open_pdf(data) as pdf:
        try:
            return [page_lines(page) for page in pdf.pages]
        except UnreadablePage:
            raise
        except Exception as exc:  # pdfminer raises many types (PSSyntaxError, KeyError, …) on broken files
            raise UnreadablePage(f"corrupt PDF file: {type(exc).__name__}: {exc}") from exc


def pdf_text(data: bytes) -> str:
    """Return a PDF's text as lines in reading order, each table row one line of cells joined by ' | '.

    Raises NoTextLayer for a scan (too little text: OCR needed) and UnreadablePage for a corrupt or locked
    file or fonts without a Unicode map.
    """
    pages = join_split_rows(drop_furniture(read_pages(data)))
    size = body_size(pages)
    lines = [line.text for page in pages for line in join_wrapped_lines(page, size)]
    text = restore_characters("\n".join(lines))
    visible = SPACE_CHARS_RE.sub("", text)
    if len(visible) < MIN_TEXT_CHARS_PER_PAGE * max(len(pages), 1):
        raise NoTextLayer(
            f"scanned PDF: no text layer ({len(pages)} pages, {len(visible)} characters of text; OCR needed)"
        )
    unmapped = sum(len(m.group(0)) for m in UNMAPPED_CHAR_RE.finditer(visible))
    if unmapped > MAX_UNMAPPED_SHARE * len(visible):
        raise UnreadablePage(
            f"PDF text is not decodable ({unmapped} of {len(visible)} characters are unmapped "
            "glyphs: fonts without a Unicode map)"
        )
    logger.debug("read PDF: %d pages, %d characters", len(pages), len(text))
    return text
