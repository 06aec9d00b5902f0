"""What a source is (html, txt, pdf, docx, doc or wps): one set of rules for the crawler, the CLI and the indexer.

Evidence, strongest first:
1. the bytes (`document_format`): a PDF, DOCX, or old Office/RTF file is read as one whatever it was
   declared as, and bytes declared as a document that are really a page (a CMS error page named .pdf)
   are read as the page;
2. a declaration (`declared_format`): the HTTP Content-Type, else the extension of the file name or URL
   path; the crawler and the CLI declare what they fetched or were given (the crawler: a web page by default);
3. the decoded text (`sniff_text`), when nothing declared html or txt: HTML if common tags appear near
   the top, else plain text.
load/source.py applies them when the indexer loads a source.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Literal, get_args

from indexer.model import SourceFormat

DocumentFormat = Literal["pdf", "docx", "doc", "wps"]
TextFormat = Literal["html", "txt"]
ByteKind = Literal["pdf", "docx", "zip", "ole", "rtf"]  # what the first bytes say; zip/ole/rtf are not read

SOURCE_FORMATS: tuple[SourceFormat, ...] = get_args(SourceFormat)
DOCUMENT_FORMATS: tuple[DocumentFormat, ...] = get_args(DocumentFormat)
TEXT_FORMATS: tuple[TextFormat, ...] = get_args(TextFormat)

PDF_MAGIC = b"%PDF-"
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97-2003 .doc, WPS, and encrypted Office files
RTF_MAGIC = b"{\\rtf"
BINARY_MAGIC = (PDF_MAGIC, ZIP_MAGIC, OLE_MAGIC)  # files no text decoding can read
MAGIC_SEARCH_BYTES = 1024
DOCX_MAIN_PART = "word/document.xml"

HTML_TAG_RE = re.compile(r"<(?:!doctype\s+html|html|head|body|div|p|table|meta|title)[\s>/]", re.I)
HTML_SNIFF_CHARS = 4096

FORMAT_BY_EXTENSION: dict[str, SourceFormat] = {
    ".txt": "txt",
    ".text": "txt",
    ".html": "html",
    ".htm": "html",
    ".shtml": "html",
    ".pdf": "pdf",
    ".docx": "docx",
    ".doc": "doc",
    ".wps": "wps",
}
DOCUMENT_EXTENSIONS = tuple(ext for ext, name in FORMAT_BY_EXTENSION.items() if name in DOCUMENT_FORMATS)
FORMAT_BY_CONTENT_TYPE: tuple[tuple[str, SourceFormat], ...] = (  # (part of the Content-Type, format)
    ("application/pdf", "pdf"),
    ("officedocument.wordprocessingml", "docx"),
    ("application/msword", "doc"),
    ("application/vnd.ms-works", "wps"),
    ("application/kswps", "wps"),
)


def as_source_format(name: str | None) -> SourceFormat | None:
    """Return a declared format if it is one of ours; an unknown declaration counts as none."""
    return next((known for known in SOURCE_FORMATS if known == name), None)


def as_document_format(name: str | None) -> DocumentFormat | None:
    """Return a declared format if it is a document's (pdf, docx, doc, wps), else None."""
    return next((known for known in DOCUMENT_FORMATS if known == name), None)


def as_text_format(name: str | None) -> TextFormat | None:
    """Return a declared format if it is a text's (html, txt), else None."""
    return next((known for known in TEXT_FORMATS if known == name), None)


def sniff_bytes(data: bytes) -> ByteKind | None:
    """Return pdf / docx / zip / ole / rtf from a file's first bytes, or None for anything else (text, HTML)."""
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


def is_binary(data: bytes) -> bool:
    """Tell a PDF or Office file (leading blank lines allowed) from bytes that may decode to text."""
    return data.lstrip().startswith(BINARY_MAGIC)


def sniff_text(text: str) -> TextFormat:
    """Tell HTML from plain text by looking for common tags near the top."""
    return "html" if HTML_TAG_RE.search(text[:HTML_SNIFF_CHARS]) else "txt"


def format_from_content_type(content_type: str | None) -> SourceFormat | None:
    """Return the document format an HTTP Content-Type names (pdf, docx, doc, wps), else None."""
    kind = (content_type or "").lower()
    return next((name for needle, name in FORMAT_BY_CONTENT_TYPE if needle in kind), None)


def format_from_name(name: str) -> SourceFormat | None:
    """Return the format a file name or URL path's extension names (.pdf, .htm, .txt …), else None."""
    lowered = name.lower()
    return next((fmt for ext, fmt in FORMAT_BY_EXTENSION.items() if lowered.endswith(ext)), None)


def declared_format(name: str, content_type: str | None = None) -> SourceFormat | None:
    """Return the format a response declares: its Content-Type first, then the extension of `name`."""
    return format_from_content_type(content_type) or format_from_name(name)


def document_format(data: bytes, declared: SourceFormat | None) -> DocumentFormat | None:
    """Return pdf/docx/doc/wps when the bytes are such a file (they win over the declared format), else None."""
    kind = sniff_bytes(data)
    if kind is None:
        return None
    if kind == "pdf" or kind == "docx":
        return kind
    return as_document_format(declared) or "doc"  # ole/rtf/zip: an old or odd Word file, refused when read
