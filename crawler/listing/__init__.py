"""List pages of a report column and their pagination, one module per CMS family (pure functions).

Dispatch: a Hanweb jcms page or dataproxy answer (XML records in a <datastore>) is read by `hanweb`;
any other list page is HTML whose items `entries` reads, and whose further pages come from every
pager reader in PAGERS (TRS createPageHTML, a script page count with document.write
index_N links, then generic 下一页/numbered links) plus, when the page
announces one, the TRS JSON search API (`trs_search`). A JSON search answer is read by
`parse_search_results`.
"""

from __future__ import annotations

from urllib.parse import urlparse

from lxml import etree
from lxml.html import HtmlElement

from crawler.discovery import load_tree
from crawler.listing import generic, hanweb, script_pager, trs, trs_search
from crawler.listing.entries import list_entries, unwrap_commented_markup
from crawler.listing.model import Entry, ListPage, SearchCall, unique_urls
from crawler.listing.trs_search import parse_search_results

__all__ = [
    "Entry",
    "ListPage",
    "SearchCall",
    "list_entries",
    "parse_list",
    "parse_search_results",
]

PAGERS = (
    trs.trs_page_urls,
    script_pager.script_page_urls,
    generic.generic_page_urls,
)  # each: (raw text, tree, url, max_pages) -> URLs


def parse_list(
    source: str | bytes | HtmlElement,
    url: str,
    *,
    max_pages: int,
    site_root: str | None = None,
) -> ListPage:
    """Parse a column list page or a Hanweb dataproxy answer into entries and further pages.

    `max_pages` caps how many pages of one column are proposed (REPORTS_MAX_LIST_PAGES); `site_root`
    is where site-relative APIs live (the seed's start URL directory; default: the URL's origin).
    """
    text = _as_text(source)
    if text is not None and hanweb.claims(text):
        return hanweb.parse_hanweb(text, url, max_pages=max_pages)
    tree = unwrap_commented_markup(load_tree(source if text is None else text))
    raw = text if text is not None else etree.tostring(tree, encoding="unicode")
    pages = unique_urls([u for pager in PAGERS for u in pager(raw, tree, url, max_pages)], url)
    searches = trs_search.search_calls(raw, site_root or _origin(url))
    family = "trs-search" if searches else ("trs" if trs.claims(raw) else "generic")
    return ListPage(entries=list_entries(tree, url), next_pages=pages, searches=searches, family=family)


def _as_text(source: str | bytes | HtmlElement) -> str | None:
    """Return the page as text when it is text or bytes (None for a parsed tree)."""
    if isinstance(source, bytes):
        return source.decode("utf-8", errors="replace")
    return source if isinstance(source, str) else None


def _origin(url: str) -> str:
    """Return scheme://host/ of a URL."""
    parts = urlparse(url)
    return f"{parts.scheme}://{parts.netloc}/"
