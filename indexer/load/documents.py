"""Text of attached documents (DOCX, PDF): paragraphs and table rows in reading order, like a flattened page.

DOCX: python-docx, the body's paragraphs and tables in document order; a table row becomes its cells
joined by ' | ' on one line (a merged cell printed once, like an HTML row with colspan/rowspan).
PDF: read from its layout by load/pdf.py (a table row is one line of ' | '-joined cells, as here); a scan
without one is read by OCR (load/ocr.py) unless REPORTS_OCR is off or tesseract is missing.
Old binary Word files (.doc, WPS's .wps) and RTF named .doc are converted to DOCX by LibreOffice (load/convert.py).
`read_document` also says how the text was obtained (the record's `extraction`).
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from dataclasses import dataclass
from typing import TYPE_CHECKING

from indexer.config import DocumentSettings
from indexer.errors import NoTextLayer, UnreadablePage
from indexer.load import CELL_SEPARATOR
from indexer.load.convert import convert_to_docx
from indexer.load.ocr import OcrLimits, ocr_pdf, tesseract_missing, tesseract_version
from indexer.load.pdf import pdf_text
from indexer.load.sniff import DOCX_MAIN_PART, ByteKind, DocumentFormat, sniff_bytes
from indexer.model import Extraction, ExtractionMethod

if TYPE_CHECKING:
    from docx.oxml.table import CT_Tc
    from docx.table import Table

logger = logging.getLogger(__name__)

SPACE_CHARS_RE = re.compile(r"\s+")
W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@dataclass(frozen=True)
class DocumentText:
    """A document's text and how it was obtained (the record's `extraction`)."""

    text: str
    extraction: Extraction


def extract_document_text(data: bytes, source_format: DocumentFormat) -> str:
    """Return the text of a PDF, DOCX, DOC or WPS file (read_document without the how)."""
    return read_document(data, source_format).text


def read_document(data: bytes, source_format: DocumentFormat) -> DocumentText:
    """Read a PDF, DOCX, DOC or WPS file (the bytes decide when the declared format is wrong).

    A scanned PDF goes through OCR (REPORTS_OCR), a .doc/.wps (or an RTF named .doc) through LibreOffice.
    Raises UnreadablePage with the reason: empty, corrupt, encrypted, scanned with OCR off or missing,
    undecodable fonts, LibreOffice missing or failing, or another format.
    """
    if not data.strip():
        raise UnreadablePage(f"empty {source_format} file")
    kind = sniff_bytes(data)
    if kind == "pdf":
        return _read_pdf(data)
    if kind == "docx":
        return DocumentText(docx_text(data), _how("docx"))
    if kind in ("ole", "rtf"):
        converted, tool = convert_to_docx(
            data, source_format if kind == "ole" else "rtf", _settings().reports_convert_timeout
        )
        return DocumentText(docx_text(converted), _how("converted", tool))
    raise UnreadablePage(_refusal(kind, source_format, data))


def _read_pdf(data: bytes) -> DocumentText:
    """Read a PDF's text layer; a scan without one goes through OCR unless REPORTS_OCR says otherwise."""
    try:
        return DocumentText(pdf_text(data), _how("pdf_text"))
    except NoTextLayer as scan:
        settings = _settings()
        if settings.reports_ocr == "off" or (settings.reports_ocr == "auto" and tesseract_missing()):
            raise
        limits = OcrLimits(settings.reports_ocr_max_pages, settings.reports_ocr_page_timeout)
        logger.debug("no text layer (%s): OCR", scan.reason)
        return DocumentText(ocr_pdf(data, limits), _how("ocr", tesseract_version()))


def _settings() -> DocumentSettings:
    """The document settings as the environment says now (REPORTS_OCR*, REPORTS_CONVERT_TIMEOUT)."""
    return DocumentSettings()


def _how(method: ExtractionMethod, tool: str | None = None) -> Extraction:
    """The `extraction` of a document read by `method` (no cells withheld yet: record.py decides that)."""
    return {"method": method, "tool": tool, "withheld_cells": {}}


def _refusal(kind: ByteKind | None, source_format: DocumentFormat, data: bytes) -> str:
    """Say why a file that is neither a PDF, a DOCX nor an old Word file cannot be read."""
    if kind == "zip":
        return f"ZIP archive without {DOCX_MAIN_PART}: not a DOCX file (corrupt or another format)"
    return f"not a {source_format} file (unknown content starting {data[:8]!r})"


def docx_text(data: bytes) -> str:
    """Return a DOCX body as lines: each paragraph, and each table row as 'cell | cell | …', in order."""
    import docx  # python-docx, imported lazily: only attachments need it
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
        lines = []
        for block in document.iter_inner_content():
            lines.extend(table_rows(block) if isinstance(block, Table) else [block.text])
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise UnreadablePage(f"corrupt DOCX file: {type(exc).__name__}: {exc}") from exc
    text = "\n".join(line.strip() for line in lines)
    if not text.strip():
        raise UnreadablePage("DOCX file holds no text (only images or empty)")
    logger.debug("read DOCX: %d lines", len(lines))
    return text


def table_rows(table: Table) -> list[str]:
    """Flatten a Word table: one line per row, each cell once (merged cells not repeated)."""
    lines = []
    for row in table._tbl.tr_lst:
        cells = [_cell_text(tc) for tc in row.tc_lst if not _continues_vertical_merge(tc)]
        if any(cells):
            lines.append(CELL_SEPARATOR.join(cells))
    return lines


def _continues_vertical_merge(tc: CT_Tc) -> bool:
    """Tell a cell that continues a vertical merge (printed in the row above, like HTML rowspan)."""
    tc_pr = tc.tcPr
    merge = tc_pr.find(f"{W_NS}vMerge") if tc_pr is not None else None
    return merge is not None and merge.get(f"{W_NS}val", "continue") == "continue"


def _cell_text(tc: CT_Tc) -> str:
    """Return a cell's paragraphs (nested tables included) as one line of text."""
    return SPACE_CHARS_RE.sub(" ", " ".join(_cell_pieces(tc))).strip()


def _cell_pieces(tc: CT_Tc) -> list[str]:
    """Return the text of each paragraph inside a cell, in order."""
    pieces = ["".join(node.text or "" for node in paragraph.iter(f"{W_NS}t")) for paragraph in tc.iter(f"{W_NS}p")]
    return [piece for piece in pieces if piece.strip()]
