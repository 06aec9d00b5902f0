"""Hanweb jcms columns: <datastore> CDATA records, a nextgroup dataproxy.jsp link and jpage({totalRecord, perPage})."""

from __future__ import annotations

import math
import re
from urllib.parse import urljoin

import lxml.html
from lxml import etree

from crawler.discovery import iter_links
from crawler.listing.entries import entry_title, find_date
from crawler.listing.model import Entry, ListPage, unique_urls

# Hanweb jcms: <datastore> with CDATA records, a nextgroup dataproxy link and jpage({...}).
HANWEB_MARK = "<datastore>"


HANWEB_RECORD_RE = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S)


HANWEB_NEXTGROUP_RE = re.compile(r"<nextgroup>\s*<!\[CDATA\[.*?href=[\"']([^\"']+)[\"']", re.S)


HANWEB_JPAGE_RE = re.compile(r"totalRecord\s*:\s*['\"]?(\d+).*?perPage\s*:\s*['\"]?(\d+)", re.S)


HANWEB_TOTALPAGE_RE = re.compile(r"<totalpage>\s*(\d+)\s*</totalpage>")


PAGE_PARAM_RE = re.compile(r"([?&]page=)(\d+)")


def claims(text: str) -> bool:
    """Tell whether a page is a Hanweb column or dataproxy answer (records in a <datastore>)."""
    return HANWEB_MARK in text


def parse_hanweb(text: str, url: str, *, max_pages: int) -> ListPage:
    """Parse a Hanweb column page or dataproxy.jsp answer: CDATA records plus dataproxy pages."""
    records = HANWEB_RECORD_RE.findall(text)
    entries = [e for e in (hanweb_record_entry(r, url) for r in records) if e]
    page_param = PAGE_PARAM_RE.search(url)
    if page_param and "dataproxy" in url:
        pages = _hanweb_answer_pages(text, url, int(page_param.group(2)), max_pages)
    else:
        pages = _hanweb_column_pages(text, url, len(records), max_pages)
    return ListPage(entries=entries, next_pages=unique_urls(pages, url), family="hanweb")


def hanweb_record_entry(record: str, url: str) -> Entry | None:
    """Turn one CDATA record (`<li><a href title>…</a><span>date</span></li>`) into an Entry."""
    try:
        fragment = lxml.html.fragment_fromstring(record.strip(), create_parent="div")
    except (etree.ParserError, ValueError):
        return None
    for anchor, link in iter_links(fragment, url):
        readlabel = next((b.get("readlabel") for b in fragment.iter() if b.get("readlabel")), None)
        date = find_date(readlabel or "") or find_date(fragment.text_content().replace(anchor.text_content(), " ", 1))
        return Entry(link.url, entry_title(anchor), date)
    return None


def _hanweb_column_pages(text: str, url: str, shown: int, max_pages: int) -> list[str]:
    """Return dataproxy page URLs after the records already shown on the column page."""
    nextgroup = HANWEB_NEXTGROUP_RE.search(text)
    jpage = HANWEB_JPAGE_RE.search(text)
    if not nextgroup or not jpage:
        return []
    template = urljoin(url, nextgroup.group(1).replace("&amp;", "&"))
    total, per_page = int(jpage.group(1)), max(int(jpage.group(2)), 1)
    first = max(math.ceil(shown / per_page), 1) + 1
    last = min(math.ceil(total / per_page), max_pages)
    return [_with_page(template, n) for n in range(first, last + 1)]


def _hanweb_answer_pages(text: str, url: str, current: int, max_pages: int) -> list[str]:
    """Return the dataproxy pages after the one answered, page `current` (up to <totalpage>)."""
    total = HANWEB_TOTALPAGE_RE.search(text)
    last = min(int(total.group(1)), max_pages) if total else current
    return [_with_page(url, n) for n in range(current + 1, last + 1)]


def _with_page(url: str, page: int) -> str:
    """Set the `page=` query parameter of a URL, keeping the rest verbatim."""
    if PAGE_PARAM_RE.search(url):
        return PAGE_PARAM_RE.sub(lambda m: f"{m.group(1)}{page}", url, count=1)
    return f"{url}{'&' if '?' in url else '?'}page={page}"
