"""Report bodies as attached files: a DOCX (python-docx, real Word tables), a PDF (reportlab, CJK font), a scan.

Both are written from the same blocks as the HTML pages; the HTML tables of render_tables.py become
Word/PDF tables with the same merged cells. Generated in memory when the portal is built. A scan is the
PDF printed and scanned in black and white: page images (300 dpi, a little askew), no text layer. Old Word
files (.doc, .wps) are made from the DOCX by LibreOffice once and committed (attached.py).
"""

from __future__ import annotations

import io
import subprocess
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import lxml.html

from .model import Block

if TYPE_CHECKING:  # both libraries are imported only when a file is generated
    from docx.document import Document as WordDocument
    from reportlab.platypus import Table

PDF_FONT = "STSong-Light"  # reportlab's built-in CID font (Adobe-GB1), no font file needed
PDF_BODY_SIZE = 10.5
PDF_TABLE_SIZE = 6
PDF_MARGIN = 40
DOCX_TIMESTAMP = datetime(2023, 1, 1, tzinfo=UTC)
SCAN_DPI = 300  # an office scanner's usual resolution for documents, in black and white
SCAN_THRESHOLD = 160  # grey level above which the scanner sees paper
SCAN_SKEW_DEGREES = 0.4  # the page lay a little askew on the glass
SCAN_DATE = time.gmtime(datetime(2023, 1, 1, tzinfo=UTC).timestamp())  # fixed, so the scan's bytes are too
CONVERT_TIMEOUT_S = 120
# Column widths (points) of each table kind in the PDF, chosen so that every label fits on one line.
PDF_COLUMN_WIDTHS = {4: (220, 98, 98, 99), 10: (60, 48, 225) + (26,) * 7, 15: (34,) * 15}


@dataclass(frozen=True)
class Cell:
    """One cell of a table as printed: its grid position, span and text."""

    row: int
    col: int
    rowspan: int
    colspan: int
    text: str


def table_cells(table_html: str) -> tuple[list[Cell], int, int]:
    """Place the cells of an HTML table on its grid; return (cells, rows, columns)."""
    table = lxml.html.fragment_fromstring(table_html)
    taken: set[tuple[int, int]] = set()
    cells = []
    rows = table.xpath(".//tr")
    for r, tr in enumerate(rows):
        c = 0
        for td in tr.xpath("./td|./th"):
            while (r, c) in taken:
                c += 1
            span_r, span_c = int(td.get("rowspan", 1)), int(td.get("colspan", 1))
            cells.append(Cell(r, c, span_r, span_c, " ".join(td.text_content().split())))
            taken |= {(r + dr, c + dc) for dr in range(span_r) for dc in range(span_c)}
            c += span_c
    return cells, len(rows), max(c for _, c in taken) + 1


# --- DOCX -----------------------------------------------------------------------------------


def docx_bytes(title: str, blocks: tuple[Block, ...]) -> bytes:
    """Return a Word document: centred title, paragraphs, and the tables as real Word tables."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document = docx.Document()
    document.core_properties.created = document.core_properties.modified = DOCX_TIMESTAMP
    document.add_paragraph(title).alignment = WD_ALIGN_PARAGRAPH.CENTER
    for block in blocks:
        if block.kind == "html":
            _docx_table(document, block.text)
        else:
            paragraph = document.add_paragraph(block.text)
            if block.kind == "sign":
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _docx_table(document: WordDocument, table_html: str) -> None:
    """Append a Word table with the HTML table's merged cells."""
    cells, rows, columns = table_cells(table_html)
    table = document.add_table(rows=rows, cols=columns)
    table.style = "Table Grid"
    for cell in cells:
        target = table.cell(cell.row, cell.col)
        if cell.rowspan > 1 or cell.colspan > 1:
            target = target.merge(table.cell(cell.row + cell.rowspan - 1, cell.col + cell.colspan - 1))
        target.text = cell.text


# --- PDF ------------------------------------------------------------------------------------


def pdf_bytes(title: str, blocks: tuple[Block, ...]) -> bytes:
    """Return an A4 PDF with a text layer in the CID font STSong-Light: title, paragraphs, tables."""
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    _register_font()
    body = ParagraphStyle(
        "body", fontName=PDF_FONT, fontSize=PDF_BODY_SIZE, leading=16, wordWrap="CJK", firstLineIndent=2 * PDF_BODY_SIZE
    )
    styles = {
        "title": ParagraphStyle("title", parent=body, fontSize=15, leading=22, alignment=TA_CENTER, firstLineIndent=0),
        "sign": ParagraphStyle("sign", parent=body, alignment=TA_RIGHT, firstLineIndent=0),
    }
    story = [Paragraph(title, styles["title"]), Spacer(1, 8)]
    for block in blocks:
        if block.kind == "html":
            story += [_pdf_table(block.text), Spacer(1, 6)]
        else:
            story.append(Paragraph(block.text, styles.get(block.kind, body)))
    out = io.BytesIO()
    SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=PDF_MARGIN,
        rightMargin=PDF_MARGIN,
        topMargin=PDF_MARGIN,
        bottomMargin=PDF_MARGIN,
        title=title,
        invariant=1,
    ).build(story)
    return out.getvalue()


def _register_font() -> None:
    """Register the CID font once per process."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if PDF_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))


def _pdf_table(table_html: str) -> Table:
    """Return a reportlab Table with the HTML table's merged cells and a grid."""
    from reportlab.platypus import Table, TableStyle

    cells, rows, columns = table_cells(table_html)
    data = [[""] * columns for _ in range(rows)]
    style = [
        ("FONTNAME", (0, 0), (-1, -1), PDF_FONT),
        ("FONTSIZE", (0, 0), (-1, -1), PDF_TABLE_SIZE),
        ("GRID", (0, 0), (-1, -1), 0.5, "black"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
    ]
    for cell in cells:
        data[cell.row][cell.col] = cell.text
        if cell.rowspan > 1 or cell.colspan > 1:
            style.append(("SPAN", (cell.col, cell.row), (cell.col + cell.colspan - 1, cell.row + cell.rowspan - 1)))
    return Table(data, colWidths=PDF_COLUMN_WIDTHS.get(columns), style=TableStyle(style), repeatRows=0)


# --- scans and old Word files ---------------------------------------------------------------


def scanned_pdf_bytes(title: str, blocks: tuple[Block, ...], dpi: int = SCAN_DPI) -> bytes:
    """Return the report's PDF as a scan: each page a black-and-white image (no text layer), slightly askew."""
    import pypdfium2 as pdfium  # type: ignore[import-untyped]  # no type information
    from PIL.Image import Resampling

    with pdfium.PdfDocument(pdf_bytes(title, blocks)) as printed:
        pages = [
            page.render(scale=dpi / 72, grayscale=True)
            .to_pil()
            .convert("L")
            .rotate(SCAN_SKEW_DEGREES, resample=Resampling.BICUBIC, fillcolor=255)
            .point(lambda grey: 255 if grey > SCAN_THRESHOLD else 0)
            .convert("1")  # stored CCITT G4-compressed, as scanners do
            for page in printed
        ]
    out = io.BytesIO()
    pages[0].save(
        out,
        format="PDF",
        save_all=True,
        append_images=pages[1:],
        resolution=dpi,
        title=title,
        creationDate=SCAN_DATE,
        modDate=SCAN_DATE,
    )
    return out.getvalue()


def word97_bytes(docx: bytes) -> bytes:
    """Convert a DOCX to a Word 97-2003 binary file with LibreOffice (soffice must be installed)."""
    with tempfile.TemporaryDirectory(prefix="sample-portal-") as folder:
        work = Path(folder)
        (work / "report.docx").write_bytes(docx)
        command = ["soffice", f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless"]
        command += ["--convert-to", "doc:MS Word 97", "--outdir", str(work / "out"), str(work / "report.docx")]
        subprocess.run(command, capture_output=True, timeout=CONVERT_TIMEOUT_S, check=True)
        return (work / "out" / "report.doc").read_bytes()
