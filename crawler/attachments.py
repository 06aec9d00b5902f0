"""Reports published as attachments: find a detail page's PDF/DOCX/DOC/WPS links (pure functions).

The spider follows them only when the page is not a readable report by itself (a wrapper saying
详见附件), so a report shown as HTML with a 全文下载 PDF copy stays one record (the HTML page).
"""

from __future__ import annotations

import re
from typing import NamedTuple
from urllib.parse import unquote, urlparse

from lxml.html import HtmlElement

from indexer.load.sniff import DOCUMENT_EXTENSIONS, format_from_name
from indexer.model import SourceFormat

from .discovery import iter_links
from .recognize import looks_like_report_title

ATTACHMENT_FORMATS = ("docx", "pdf", "doc", "wps")  # preference order for copies of one document
# The document extensions load/sniff.py knows, longest first: docx|pdf|doc|wps.
DOCUMENT_EXTENSION = "|".join(sorted((ext.lstrip(".") for ext in DOCUMENT_EXTENSIONS), key=len, reverse=True))
EXTENSION_RE = re.compile(rf"\.({DOCUMENT_EXTENSION})\s*$", re.I)
# href without a file name (download.jsp?id=…) whose link text names the file: 附件：….pdf, 下载 ….docx
LABELLED_FILE_RE = re.compile(
    rf"(?:附件|下载|全文|原文|文件).*?\.({DOCUMENT_EXTENSION})\b|\.({DOCUMENT_EXTENSION})\s*$", re.I
)
# Hanweb/TRS download scripts name the file in the query: downfile.jsp?classid=0&filename=2301181.doc
QUERY_FILE_RE = re.compile(rf"(?:^|&)(?:file)?name=[^&]*\.({DOCUMENT_EXTENSION})(?:&|$)", re.I)
LABEL_PREFIX_RE = re.compile(r"^\s*(?:附件\s*\d*|相关附件|全文下载|原文下载|下载附件|下载|附)\s*[:：]?\s*")
SIZE_SUFFIX_RE = re.compile(r"\s*[（(]\s*\d+(?:\.\d+)?\s*[KMG]?B\s*[）)]\s*$", re.I)


class Attachment(NamedTuple):
    """A linked document: absolute URL, its label (file name as shown), and its format."""

    url: str
    label: str
    source_format: SourceFormat


def attachment_format(url: str, text: str) -> SourceFormat | None:
    """Return pdf/docx/doc/wps when a link points to such a file (by URL path or file name query, else its label)."""
    parts = urlparse(url)
    match = EXTENSION_RE.search(unquote(parts.path)) or QUERY_FILE_RE.search(unquote(parts.query))
    if match:
        return format_from_name("." + match.group(1))
    match = LABELLED_FILE_RE.search(text)
    if match:
        return format_from_name("." + (match.group(1) or match.group(2)))
    return None


def attachment_label(text: str, url: str) -> str:
    """Return what names the document: the link text without 附件： prefix, size or extension (else the file name)."""
    label = SIZE_SUFFIX_RE.sub("", LABEL_PREFIX_RE.sub("", text or ""))
    label = EXTENSION_RE.sub("", label).strip()
    return label or EXTENSION_RE.sub("", unquote(urlparse(url).path.rsplit("/", 1)[-1]))


def find_attachments(tree: HtmlElement, url: str) -> list[Attachment]:
    """Return every document link of a page (PDF/DOCX/DOC/WPS), once per URL, in page order."""
    found: dict[str, Attachment] = {}
    for _, link in iter_links(tree, url):
        kind = attachment_format(link.url, link.text)
        if kind and link.url not in found:
            found[link.url] = Attachment(link.url, attachment_label(link.text, link.url), kind)
    return list(found.values())


def choose_attachments(attachments: list[Attachment]) -> list[Attachment]:
    """Keep the attachments worth fetching as reports: those titled like a report (if any are), one file per title.

    Copies of one document in several formats (same label) keep the most readable: DOCX, then PDF, DOC, WPS.
    """
    titled = [a for a in attachments if looks_like_report_title(a.label)[0]]
    best: dict[str, Attachment] = {}
    for attachment in titled or attachments:
        key = attachment.label if titled else attachment.url
        kept = best.get(key)
        if kept is None or _rank(attachment) < _rank(kept):
            best[key] = attachment
    return list(best.values())


def _rank(attachment: Attachment) -> int:
    """Return the preference of an attachment's format (lower is better)."""
    return ATTACHMENT_FORMATS.index(attachment.source_format)


def page_is_report(body: bytes, list_title: str | None) -> tuple[bool, str]:
    """Ask the indexer whether a fetched HTML page is a readable report by itself (else: follow attachments)."""
    from indexer.record import report_verdict  # imported when first needed: the whole extraction pipeline

    return report_verdict(body, list_title=list_title, source_format="html")
