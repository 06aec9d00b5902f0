"""Any CMS: 下一页/尾页 links, numbered page links, page selects and hidden index_N links."""

from __future__ import annotations

import re
from urllib.parse import urlparse

from lxml.html import HtmlElement

from crawler.discovery import absolute_url, iter_links
from crawler.listing.entries import PAGER_TEXT_RE
from crawler.listing.model import unique_urls

NUMBERED_PAGE_RE = re.compile(r"(?:[_-]\d+)+(?=\.\w+$)|(?:[_-]\d+)+$")


LAST_NUMBER_RE = re.compile(r"\d+(?=\D*$)")


def generic_page_urls(text: str, tree: HtmlElement, url: str, max_pages: int) -> list[str]:
    """Return list-page URLs from 下一页/尾页 links, numbered pages, page selects and hidden links."""
    key = _page_key(url)
    found = [link.url for _, link in iter_links(tree, url) if _is_pager_link(link.url, link.text, key, url)]
    options = (absolute_url(o.get("value"), url) for o in tree.iter("option"))
    found += [u for u in options if u and _page_key(u) == key and NUMBERED_PAGE_RE.search(_stem(u))]
    return unique_urls(_fill_ranges(found, max_pages), url)


def _is_pager_link(target: str, text: str, key: tuple[str, str], url: str) -> bool:
    """Tell a link to another page of the same list (by its text or its numbered URL)."""
    same_list = _page_key(target) == key
    if PAGER_TEXT_RE.match(text):
        return same_list or urlparse(target).netloc == urlparse(url).netloc
    return same_list and bool(NUMBERED_PAGE_RE.search(_stem(target)) or "page=" in target.lower())


def _stem(url: str) -> str:
    """Return a URL's path (plus query) without the fragment."""
    parts = urlparse(url)
    return parts.path + ("?" + parts.query if parts.query else "")


def _page_key(url: str) -> tuple[str, str]:
    """Return (host, path with page numbers and extension removed) naming the list a page belongs to."""
    parts = urlparse(url)
    path = parts.path + ("index" if parts.path.endswith("/") else "")
    path = NUMBERED_PAGE_RE.sub("", path)
    path = re.sub(r"\.\w+$", "", path)
    query = re.sub(r"\d+", "", parts.query)
    return parts.netloc, path + ("?" + query if query else "")


def _fill_ranges(urls: list[str], max_pages: int) -> list[str]:
    """Add the pages between the lowest and highest numbered page of each URL template."""
    groups: dict[str, set[int]] = {}
    for url in urls:
        match = LAST_NUMBER_RE.search(url)
        if match:
            template = url[: match.start()] + "{}" + url[match.end() :]
            groups.setdefault(template, set()).add(int(match.group(0)))
    filled = [u for u in urls if not LAST_NUMBER_RE.search(u)]
    for template, numbers in groups.items():
        top = min(max(numbers), max_pages)
        filled += [template.format(n) for n in range(min(numbers), top + 1)]
    return filled
