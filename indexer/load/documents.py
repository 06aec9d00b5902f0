"""Text of attached documents (DOCX, PDF): paragraphs and table rows in reading order, like a flattened page.

DOCX: python-docx, the body's paragraphs and tables in document order; a table row becomes its cells
joined by ' | ' on one line (a merged cell printed once, like an HTML row with colspan/rowspan).
PDF: pypdf's text layer (its reading order keeps one table cell per line; line breaks are kept).
Old binary formats (.doc, .wps) are recognised and refused with a reason.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile

from indexer.errors import UnreadablePage
from indexer.load import CELL_SEPARATOR

DOCUMENT_FORMATS = frozenset({"pdf", "docx", "doc", "wps"})
PDF_MAGIC = b"%PDF-"
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97-2003 .doc, WPS, and encrypted Office files
RTF_MAGIC = b"{\\rtf"
DOCX_MAIN_PART = "word/document.xml"
MAGIC_SEARCH_BYTES = 1024
MIN_TEXT_CHARS_PER_PAGE = 20  # less text than this per page: a scan without text layer
MAX_UNMAPPED_SHARE = 0.2  # more unmapped glyphs than this: fonts without a Unicode map
UNMAPPED_CHAR_RE = re.compile(r"[\ufffd\ue000-\uf8ff]|\(cid:\d+\)")
SPACE_CHARS_RE = re.compile(r"\s+")
W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

logging.getLogger("pypdf").setLevel(logging.ERROR)  # pypdf warns on every tolerated quirk of real files


def sniff_document_format(data: bytes) -> str | None:
    """Return pdf / docx / zip / ole / rtf from the file's first bytes, or None for anything else (text, HTML)."""
    head = data[:MAGIC_SEARCH_BYTES]
    if head.lstrip().startswith(PDF_MAGIC):
        return "pdf"
    if head.startswith(ZIP_MAGIC):
        return "docx" if _is_docx(data) else "zip"
    if head.startswith(OLE_MAGIC):
        return "ole"
    if head.lstrip().startswith(RTF_MAGIC):
        return "rtf"
    return None


def _is_docx(data: bytes) -> bool:
    """Tell whether a ZIP archive may be a Word document (holds word/document.xml, or is too broken to tell)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return DOCX_MAIN_PART in archive.namelist()
    except zipfile.BadZipFile:
        return True  # truncated or damaged: reported as a corrupt DOCX when read


def extract_document_text(data: bytes, source_format: str) -> str:
    """Return the text of a PDF or DOCX file (the bytes decide when the declared format is wrong).

    Raises UnreadablePage with the reason: empty, corrupt, encrypted, scanned (no text layer),
    undecodable fonts, or an old binary format (.doc/.wps) that must be converted to DOCX first.
    """
    if not data.strip():
        raise UnreadablePage(f"empty {source_format} file")
    kind = sniff_document_format(data)
    if kind == "pdf":
        return pdf_text(data)
    if kind == "docx":
        return docx_text(data)
    if kind == "ole":
        raise UnreadablePage(
            f"{_old_format_name(source_format)} not supported: convert to docx "
            "(or the file is an encrypted Office document)"
        )
    if kind == "rtf":
        raise UnreadablePage("RTF document (named ." + source_format + ") not supported: convert to docx")
    if kind == "zip":
        raise UnreadablePage(f"ZIP archive without {DOCX_MAIN_PART}: not a DOCX file (corrupt or another format)")
    raise UnreadablePage(f"not a {source_format} file (unknown content starting {data[:8]!r})")


def _old_format_name(source_format: str) -> str:
    """Name the binary format a .doc/.wps file is in, for the error message."""
    return "WPS (.wps) binary format" if source_format == "wps" else "Word 97-2003 (.doc) binary format"


# --- DOCX -----------------------------------------------------------------------------------


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
    return text


def table_rows(table) -> list[str]:
    """Flatten a Word table: one line per row, each cell once (merged cells not repeated)."""
    lines = []
    for row in table._tbl.tr_lst:
        cells = [_cell_text(tc) for tc in row.tc_lst if not _continues_vertical_merge(tc)]
        if any(cells):
            lines.append(CELL_SEPARATOR.join(cells))
    return lines


def _continues_vertical_merge(tc) -> bool:
    """Tell a cell that continues a vertical merge (printed in the row above, like HTML rowspan)."""
    tc_pr = tc.tcPr
    merge = tc_pr.find(f"{W_NS}vMerge") if tc_pr is not None else None
    return merge is not None and merge.get(f"{W_NS}val", "continue") == "continue"


def _cell_text(tc) -> str:
    """Return a cell's paragraphs (nested tables included) as one line of text."""
    return SPACE_CHARS_RE.sub(" ", " ".join(_cell_pieces(tc))).strip()


def _cell_pieces(tc) -> list[str]:
    """Return the text of each paragraph inside a cell, in order."""
    pieces = []
    for paragraph in tc.iter(f"{W_NS}p"):
        pieces.append("".join(node.text or "" for node in paragraph.iter(f"{W_NS}t")))
    return [piece for piece in pieces if piece.strip()]


# --- PDF ------------------------------------------------------------------------------------


def pdf_text(data: bytes) -> str:
    """Return a PDF's text layer, page after page, line breaks kept."""
    from pypdf import PdfReader  # imported lazily: only attachments need it
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        _unlock(reader)
        pages = [page.extract_text() or "" for page in reader.pages]
    except UnreadablePage:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise UnreadablePage(f"corrupt PDF file: {type(exc).__name__}: {exc}") from exc
    return _checked_pdf_text(pages)


def _unlock(reader) -> None:
    """Open an encrypted PDF with the empty user password (view-only protection), or refuse it."""
    if not reader.is_encrypted:
        return
    try:
        opened = reader.decrypt("")
    except Exception as exc:  # pypdf raises several types here (missing AES backend, bad key data)
        raise UnreadablePage(f"encrypted PDF: cannot open it ({type(exc).__name__}: {exc})") from exc
    if not opened:
        raise UnreadablePage("encrypted PDF: a password is required to open it")


def _checked_pdf_text(pages: list[str]) -> str:
    """Join page texts; refuse a scan without text layer or text in fonts without a Unicode map."""
    text = "\n".join(page.strip("\n") for page in pages)
    visible = SPACE_CHARS_RE.sub("", text)
    if len(visible) < MIN_TEXT_CHARS_PER_PAGE * max(len(pages), 1):
        raise UnreadablePage(
            f"scanned PDF: no text layer ({len(pages)} pages, {len(visible)} characters of text; OCR needed)"
        )
    unmapped = sum(len(m.group(0)) for m in UNMAPPED_CHAR_RE.finditer(visible))
    if unmapped > MAX_UNMAPPED_SHARE * len(visible):
        raise UnreadablePage(
            f"PDF text is not decodable ({unmapped} of {len(visible)} characters are unmapped "
            "glyphs: fonts without a Unicode map)"
        )
    return text
