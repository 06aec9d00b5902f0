"""Decode raw pages once at the edge and parse them once with lxml."""

from __future__ import annotations

import codecs
import logging
import re
from dataclasses import dataclass

import lxml.html
from lxml import etree

from indexer.errors import UnreadablePage
from indexer.load.sniff import TextFormat, is_binary, sniff_text
from indexer.model import Extraction, SourceFormat

logger = logging.getLogger(__name__)

META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
META_CHARSET_SEARCH_BYTES = 4096
XML_DECL_RE = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
BYTE_ORDER_MARKS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# Labels that are read as GB18030 (a superset of GB2312 and GBK).
GB_CHARSETS = frozenset({"gb2312", "gbk", "gb18030", "gb_2312-80", "x-gbk", "cp936", "ms936", "euc-cn", "hz-gb-2312"})
# Labels real portals send by mistake on Chinese pages; treated as "no hint".
UNTRUSTED_CHARSETS = frozenset({"iso-8859-1", "latin-1", "latin1", "windows-1252", "us-ascii", "ascii"})


@dataclass(frozen=True)
class Page:
    """A decoded source: its text, its lxml tree when it is HTML, and the format its record names."""

    raw: str
    tree: lxml.html.HtmlElement | None
    source_format: SourceFormat
    extraction: Extraction  # how the text was obtained (a document's reader says; a page is html or text)


def normalize_charset(label: str | None) -> str | None:
    """Map a charset label to a Python codec name (GB2312/GBK → GB18030), None if unknown."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    if label in GB_CHARSETS:
        return "gb18030"
    if label in UNTRUSTED_CHARSETS:
        return None
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _bom_charset(data: bytes) -> str | None:
    """Return the codec named by a byte-order mark, if any."""
    return next((name for bom, name in BYTE_ORDER_MARKS if data.startswith(bom)), None)


def _meta_charset(data: bytes) -> str | None:
    """Return the charset declared in a <meta> tag near the top of the page."""
    match = META_CHARSET_RE.search(data[:META_CHARSET_SEARCH_BYTES])
    return normalize_charset(match.group(1).decode("ascii", "ignore")) if match else None


def _candidates(data: bytes, http_charset: str | None) -> list[str]:
    """Order the codecs to try: BOM, declarations (UTF-8 first when a GB label may be wrong), sniffing."""
    declared = [c for c in (_meta_charset(data), normalize_charset(http_charset)) if c]
    order = [c for c in [_bom_charset(data)] if c]
    if not declared or declared[0] == "gb18030":
        order.append("utf-8")  # valid UTF-8 with CJK text is never really GBK
    order += declared + ["utf-8", "gb18030"]
    return list(dict.fromkeys(order))


def _decoded(data: bytes, codec: str) -> str | None:
    """Return the text if `codec` decodes the bytes into something without NUL characters, else None."""
    try:
        text = data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None
    return text if "\x00" not in text else None


def decode_bytes(data: bytes, http_charset: str | None = None) -> str:
    """Decode raw page bytes (meta charset, HTTP hint, sniffing); raise UnreadablePage if impossible."""
    if not data.strip():
        raise UnreadablePage("empty page")
    if is_binary(data):
        raise UnreadablePage("binary document (PDF/Office), not an HTML or text page")
    for codec in _candidates(data, http_charset):
        text = _decoded(data, codec)
        if text is not None:
            logger.debug("decoded %d bytes as %s", len(data), codec)
            return text
    raise UnreadablePage("cannot decode page as UTF-8 or GB18030 (nor its declared charset)")


def parse_html(text: str) -> lxml.html.HtmlElement:
    """Parse decoded HTML into one lxml tree; raise UnreadablePage on failure."""
    try:
        return lxml.html.document_fromstring(XML_DECL_RE.sub("", text, count=1))
    except (etree.ParserError, ValueError) as exc:
        raise UnreadablePage(f"cannot parse HTML: {exc}") from exc


def load_page(source: bytes | str, text_format: TextFormat | None = None, http_charset: str | None = None) -> Page:
    """Decode and (for HTML) parse a page or text once; `text_format` 'html' or 'txt' overrides sniffing."""
    text = decode_bytes(source, http_charset) if isinstance(source, bytes) else source
    if not text.strip():
        raise UnreadablePage("empty page")
    kind = text_format or sniff_text(text)
    tree = parse_html(text) if kind == "html" else None
    return Page(raw=text, tree=tree, source_format=kind, extraction=read_as(kind))


def read_as(text_format: TextFormat) -> Extraction:
    """The `extraction` of a page read as HTML or as plain text."""
    return {"method": "html" if text_format == "html" else "text", "tool": None, "withheld_cells": {}}
