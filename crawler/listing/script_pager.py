"""Pagers written only by script: a page count variable plus a document.write building index_N links.

    var countPage = 2
    document.write("...<a href=\"index"+"_" + i + "."+"html\">...")

No createPageHTML call and no link tag: the pages are index_1.html … index_{count-1}.html beside
the first (index.html), as in TRS static lists.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from lxml.html import HtmlElement

from crawler.listing.model import unique_urls

PAGE_COUNT_RE = re.compile(
    r"\b(?:countPage|pageCount|totalPage|totalPages|page_count|pagecount|countpage)\s*[=:]\s*['\"]?(\d+)", re.I
)
JOINED_QUOTES_RE = re.compile(r"""\\?["']\s*\+\s*\\?["']""")  # "index"+"_" → index_ (also inside escaped strings)
PAGE_NAME_RE = re.compile(r"""([\w-]+)_\\?["']\s*\+\s*\w+\s*\+\s*\\?["']\.(s?html?|jsp|php)""")


def claims(text: str) -> bool:
    """Tell whether a page announces a page count and builds index_N links in script."""
    return bool(PAGE_COUNT_RE.search(text) and PAGE_NAME_RE.search(JOINED_QUOTES_RE.sub("", text)))


def script_page_urls(text: str, tree: HtmlElement, url: str, max_pages: int) -> list[str]:
    """Return the URLs of pages 2 … count (name_1 … name_{count-1}), at most max_pages pages in all."""
    count = PAGE_COUNT_RE.search(text)
    name = PAGE_NAME_RE.search(JOINED_QUOTES_RE.sub("", text))
    if not count or not name:
        return []
    last = min(int(count.group(1)), max_pages) - 1
    return unique_urls((urljoin(url, f"{name.group(1)}_{n}.{name.group(2)}") for n in range(1, last + 1)), url)
