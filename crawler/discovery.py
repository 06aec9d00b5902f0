"""Find the way from a portal's home page to its 政府信息公开年报 column (pure functions)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple
from urllib.parse import urldefrag, urljoin, urlparse

import lxml.html
from lxml.html import HtmlElement

SKIPPED_SCHEMES = ("javascript:", "mailto:", "tel:", "#", "data:")
MAX_NAV_TEXT = 20  # menu entries are short; longer texts are article titles

DISCLOSURE_TEXT_RE = re.compile(r"^(?:政府)?(?:信息|政务)公开(?:专栏|平台|目录)?$|^政府信息公开|^政务公开")
DISCLOSURE_URL_RE = re.compile(r"/(?:zwgk|xxgk|zfxxgk|zwxxgk|gkml|xxgkml|zfxxgkml)/", re.I)
DISCLOSURE_SUBPAGE_RE = re.compile(r"指南|制度|申请|年报|年度报告|规定|目录查询|意见箱")

COLUMN_TEXT_RE = re.compile(r"(?:政府信息|政务|信息)公开(?:工作)?(?:年度报告|年报)|^(?:年度报告|年报)$|^公开年报$")
COLUMN_URL_RE = re.compile(r"/(?:zfxxgknb|xxgknb|zwgknb|gknb|ndbg|xxgkndbg|zfxxgkndbg)(?:/|_|\.|$)", re.I)
DETAIL_URL_RE = re.compile(r"/t\d{8}_\d+\.\w+$|/art_\d+_\d+\.html$|/content\.html$", re.I)
YEAR_ONLY_RE = re.compile(r"^(?:19|20)\d\d(?:年度?)?$")
HEADING_NEAR_YEAR_RE = re.compile(r"公开年报|年度报告")
YEAR_IN_TEXT_RE = re.compile(r"(?:19|20)\d\d")


class Link(NamedTuple):
    """An absolute link URL and the text a reader sees for it."""

    url: str
    text: str


def load_tree(source: str | bytes | HtmlElement) -> HtmlElement:
    """Parse a page once (str, bytes or an already parsed tree) into an lxml tree."""
    if isinstance(source, HtmlElement):
        return source
    if isinstance(source, bytes):
        return lxml.html.document_fromstring(source or b"<html></html>")
    return lxml.html.document_fromstring(source.strip() or "<html></html>")


def link_text(anchor: HtmlElement) -> str:
    """Return the visible text of a link, falling back to its title or an image's alt."""
    text = " ".join(anchor.text_content().split())
    if text:
        return text
    alts = [img.get("alt", "") for img in anchor.iter("img")]
    return (anchor.get("title") or " ".join(a for a in alts if a)).strip()


def absolute_url(href: str | None, base: str) -> str | None:
    """Resolve an href against the page URL, dropping fragments and non-HTTP links."""
    href = (href or "").strip()
    if not href or href.lower().startswith(SKIPPED_SCHEMES):
        return None
    url = urldefrag(urljoin(base, href)).url
    return url if urlparse(url).scheme in ("http", "https") else None


def iter_links(tree: HtmlElement, url: str) -> Iterator[tuple[HtmlElement, Link]]:
    """Yield every followable (anchor, Link) of a page, in document order."""
    for anchor in tree.iter("a"):
        target = absolute_url(anchor.get("href"), url)
        if target:
            yield anchor, Link(target, link_text(anchor))


def find_disclosure_links(tree: HtmlElement, url: str) -> list[Link]:
    """Return links to 政府信息公开 / 政务公开 hub pages: by link text, else by path (zwgk, xxgk)."""
    by_text: dict[str, Link] = {}
    by_path: dict[str, Link] = {}
    for _, link in iter_links(tree, url):
        if not _may_be_disclosure_hub(link, url):
            continue
        if DISCLOSURE_TEXT_RE.search(link.text):
            by_text.setdefault(link.url, link)
        elif DISCLOSURE_URL_RE.search(urlparse(link.url).path + "/"):
            by_path.setdefault(link.url, link)
    return list((by_text or by_path).values())


def _may_be_disclosure_hub(link: Link, page_url: str) -> bool:
    """Rule out the page itself, article links, sub-pages (指南, 年报 ...) and report columns."""
    if _same_page(link.url, page_url) or len(link.text) > MAX_NAV_TEXT:
        return False
    if DETAIL_URL_RE.search(link.url) or COLUMN_URL_RE.search(link.url):
        return False
    return not DISCLOSURE_SUBPAGE_RE.search(link.text)


def find_report_columns(tree: HtmlElement, url: str) -> list[Link]:
    """Return links to 政府信息公开年报 columns (by text, by URL, or year links under a 年报 heading)."""
    found: dict[str, Link] = {}
    for anchor, link in iter_links(tree, url):
        if _same_page(link.url, url) or link.url in found:
            continue
        if _is_column_link(link) or _is_year_under_report_heading(anchor, link):
            found[link.url] = link
    return list(found.values())


def _is_column_link(link: Link) -> bool:
    """Tell a column link (short text or column path) from a single report's link."""
    if DETAIL_URL_RE.search(link.url):
        return False
    short = len(link.text) <= MAX_NAV_TEXT and not YEAR_IN_TEXT_RE.search(link.text)
    if short and COLUMN_TEXT_RE.search(link.text):
        return True
    return bool(COLUMN_URL_RE.search(urlparse(link.url).path)) and (short or not link.text)


def _is_year_under_report_heading(anchor: HtmlElement, link: Link) -> bool:
    """Recognise per-year sub-columns (a link '2024' in a list headed 政府信息公开年报)."""
    if not YEAR_ONLY_RE.match(link.text):
        return False
    node = anchor
    for _ in range(3):
        node = node.getparent()
        if node is None:
            return False
        previous = node.getprevious()
        if previous is not None and HEADING_NEAR_YEAR_RE.search(previous.text_content()):
            return True
    return False


def _same_page(a: str, b: str) -> bool:
    """Tell whether two URLs name the same page (ignoring a trailing slash)."""
    return a.rstrip("/") == b.rstrip("/")
