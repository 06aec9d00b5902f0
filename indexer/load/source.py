"""Load any source once, as load/sniff.py's rules say: a document through its text, a page or a text as such.

The page says how its text was obtained (`Page.extraction`): html, text, or the document reader's method.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from indexer.load.documents import read_document
from indexer.load.html import Page, load_page
from indexer.load.sniff import as_document_format, as_text_format, document_format
from indexer.model import SourceFormat

logger = logging.getLogger(__name__)


def load_source(source: bytes | str, declared: SourceFormat | None = None) -> Page:
    """Decode (or extract from PDF/DOCX) and parse a source once; the page names the format its record states.

    A file declared .pdf/.doc that is really HTML or text (a CMS error page, Word "save as web page") is read
    as such; a str declared as a document is text the caller already extracted from it.
    """
    if isinstance(source, bytes):
        document = document_format(source, declared)
        if document:
            logger.debug("read as a %s file (declared %s)", document, declared)
            read = read_document(source, document)
            return replace(load_page(read.text, "txt"), source_format=document, extraction=read.extraction)
    extracted_from = as_document_format(declared) if isinstance(source, str) else None
    if extracted_from:
        return replace(load_page(source, "txt"), source_format=extracted_from)
    page = load_page(source, as_text_format(declared))
    logger.debug("read as %s (declared %s)", page.source_format, declared)
    return page
