"""Text of attached documents (DOCX, PDF): paragraphs and table rows in reading order, like a flattened page.

DOCX: python-docx, the body's paragraphs and tables in document order; a table row becomes its cells
joined by ' | ' on one line (a merged cell printed once, like an HTML row with colspan/rowspan).
PDF: pypdf's text layer (its reading order keeps one table cell per line; line breaks are kept).
Old binary formats (.doc, .wps), RTF and other archives are recognised (load/sniff.py) and refused with a reason.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from typing import TYPE_CHECKING

from indexer.errors import UnreadablePage
from indexer.load import CELL_SEPARATOR
from indexer.load.sniff import DOCX_MAIN_PART, ByteKind, DocumentFormat, sniff_bytes

if TYPE_CHECKING:
    from docx.oxml.table import CT_Tc
    from docx.table import Table
    from pypdf import PdfReader

logger = logging.getLogger(__name__)
logging.getLogger("pypdf").setLevel(logging.ERROR)  # pypdf warns on every tolerated quirk of real files

MIN_TEXT_CHARS_PER_PAGE = 20  # less text than this per page: a scan without text layer
MAX_UNMAPPED_SHARE = 0.2  # more unmapped glyphs than this: fonts without a Unicode map
UNMAPPED_CHAR_RE = re.compile(r"[\ufffd\ue000-\uf8ff]|\(cid:\d+\)")
SPACE_CHARS_RE = re.compile(r"\s+")
W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def extract_document_text(data: bytes, source_format: DocumentFormat) -> str:
    """Return the text of a PDF or DOCX file (the bytes decide when the declared format is wrong).

    Raises UnreadablePage with the reason: empty, corrupt, encrypted, scanned (no text layer),
    undecodable fonts, or an old binary format (.doc/.wps) that must be converted to DOCX first.
    """
    if not data.strip():
        raise UnreadablePage(f"empty {source_format} file")
    kind = sniff_bytes(data)
    if kind == "pdf":
        return pdf_text(data)
    if kind == "docx":
        return docx_text(data)
    raise UnreadablePage(_refusal(kind, source_format, data))


def _refusal(kind: ByteKind | None, source_format: DocumentFormat, data: bytes) -> str:
    """Say why a file that is neither a PDF nor a DOCX cannot be read."""
    if kind == "ole":
        return f"{_old_format_name(source_format)} not supported: convert to docx (or the file is an encrypted Office document)"
    if kind == "rtf":
        return f"RTF document (named .{source_format}) not supported: convert to docx"
    if kind == "zip":
        return f"ZIP archive without {DOCX_MAIN_PART}: not a DOCX file (corrupt or another format)"
    return f"not a {source_format} file (unknown content starting {data[:8]!r})"


def _old_format_name(source_format: DocumentFormat) -> str:
    """Name the binary format a .doc/.wps file is in, for the error message."""
    return "WPS (.wps) binary format" if source_format == "wps" else "Word 97-2003 (.doc) binary format"


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


def pdf_text(data: bytes) -> str:
    """Return a PDF's text layer, page after page, line breaks kept."""
    from pypdf import PdfReader  # imported lazily: only attachments need it
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        problem = _unlock(reader)
        pages = [] if problem else [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise UnreadablePage(f"corrupt PDF file: {type(exc).__name__}: {exc}") from exc
    text = "\n".join(page.strip("\n") for page in pages)
    problem = problem or _text_layer_problem(text, len(pages))
    if problem:
        raise UnreadablePage(problem)
    logger.debug("read PDF: %d pages, %d characters", len(pages), len(text))
    return text


def _unlock(reader: PdfReader) -> str | None:
    """Open an encrypted PDF with the empty user password (view-only protection); return why it stays locked."""
    if not reader.is_encrypted:
        return None
    try:
        opened = reader.decrypt("")
    except Exception as exc:  # pypdf raises several types here (missing AES backend, bad key data)
        return f"encrypted PDF: cannot open it ({type(exc).__name__}: {exc})"
    return None if opened else "encrypted PDF: a password is required to open it"


def _text_layer_problem(text: str, page_count: int) -> str | None:
    """Say why a PDF's text is unusable: a scan without text layer, or fonts without a Unicode map."""
    visible = SPACE_CHARS_RE.sub("", text)
    if len(visible) < MIN_TEXT_CHARS_PER_PAGE * max(page_count, 1):
        return f"scanned PDF: no text layer ({page_count} pages, {len(visible)} characters of text; OCR needed)"
    unmapped = sum(len(m.group(0)) for m in UNMAPPED_CHAR_RE.finditer(visible))
    if unmapped > MAX_UNMAPPED_SHARE * len(visible):
        return (
            f"PDF text is not decodable ({unmapped} of {len(visible)} characters are unmapped "
            "glyphs: fonts without a Unicode map)"
        )
    return None
