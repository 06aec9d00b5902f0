"""TRS static lists: createPageHTML(...) pagers numbering index_N pages."""

from __future__ import annotations

import re
from urllib.parse import urljoin

from lxml.html import HtmlElement

from crawler.listing.model import unique_urls

# TRS: createPageHTML(120, 0, "index", "html") or createPageHTML('page_div',10, 1,'zwgklist','shtml',200)
TRS_PAGER_RE = re.compile(
    r"createPageHTML\(\s*(['\"][^'\"]*['\"]\s*,\s*)?(\d+)\s*,\s*(\d+)\s*,\s*['\"]([\w-]+)['\"]\s*,\s*['\"](\w+)['\"]"
)


def claims(text: str) -> bool:
    """Tell whether a list page carries a TRS createPageHTML(...) pager."""
    return bool(TRS_PAGER_RE.search(text))


def trs_page_urls(text: str, tree: HtmlElement, url: str, max_pages: int) -> list[str]:
    """Expand a TRS createPageHTML(...) call into the URLs of the column's other list pages.

    createPageHTML(count, current, name, ext) numbers pages from 0: name.ext, name_1 … name_{count-1}.
    The variant createPageHTML('page_div', count, current, name, ext, total) numbers them from 1
    (name.ext, name_2 … name_{count}; name_1 often repeats page 1), so name_1 … name_{count} are asked.
    """
    match = TRS_PAGER_RE.search(text)
    if not match:
        return []
    count, name, ext = int(match.group(2)), match.group(4), match.group(5)
    last = min(count, max_pages) if match.group(1) else min(count, max_pages) - 1
    names = [f"{name}.{ext}"] + [f"{name}_{i}.{ext}" for i in range(1, last + 1)]
    return unique_urls((urljoin(url, n) for n in names), url)
