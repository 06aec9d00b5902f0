"""List pages of a report column and their pagination, for each CMS family (pure functions)."""
from __future__ import annotations

import copy
import json
import math
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Iterable, NamedTuple
from urllib.parse import urljoin, urlparse

import lxml.html
from lxml import etree
from lxml.html import HtmlElement

from .discovery import absolute_url, iter_links, link_text, load_tree
from .recognize import looks_like_report_title

DEFAULT_MAX_PAGES = 50

DATE_RE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
MAX_ROW_LEVELS = 4          # how far above a link its list row (li/dl/tr/div) may sit

# TRS: createPageHTML(120, 0, "index", "html") or createPageHTML('page_div',10, 1,'zwgklist','shtml',200)
TRS_PAGER_RE = re.compile(
    r"createPageHTML\(\s*(['\"][^'\"]*['\"]\s*,\s*)?(\d+)\s*,\s*(\d+)\s*,\s*['\"]([\w-]+)['\"]\s*,\s*['\"](\w+)['\"]"
)

# Hanweb jcms: <datastore> with CDATA records, a nextgroup dataproxy link and jpage({...}).
HANWEB_MARK = "<datastore>"
HANWEB_RECORD_RE = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S)
HANWEB_NEXTGROUP_RE = re.compile(r"<nextgroup>\s*<!\[CDATA\[.*?href=[\"']([^\"']+)[\"']", re.S)
HANWEB_JPAGE_RE = re.compile(r"totalRecord\s*:\s*['\"]?(\d+).*?perPage\s*:\s*['\"]?(\d+)", re.S)
HANWEB_TOTALPAGE_RE = re.compile(r"<totalpage>\s*(\d+)\s*</totalpage>")
PAGE_PARAM_RE = re.compile(r"([?&]page=)(\d+)")

# Pingtan-style TRS list: listModel({... listArgs: {channelid, classsql}, pagebar: {prepage, recordCount}})
LISTMODEL_MARK = "listModel("
LISTMODEL_SPAN = 4000
CHANNELID_RE = re.compile(r"channelid\s*:\s*([^,\n}]+)")
CLASSSQL_RE = re.compile(r"classsql\s*:\s*([^\n]+)")
PREPAGE_RE = re.compile(r"prepage\s*:\s*['\"]?(\d+)")
RECORDCOUNT_RE = re.compile(r"recordCount\s*:\s*['\"]?(\d+)")
QUOTED_RE = re.compile(r"\"([^\"]*)\"|'([^']*)'")
SEARCH_PATH = "fjdzapp/search"
DEFAULT_PREPAGE = 10

# Generic pagers: 下一页/尾页 links, page-number links and selects, hidden index_N links.
PAGER_TEXT_RE = re.compile(r"^(?:下一页|下页|后页|尾页|末页|最后一页|next|>|>>|»)$", re.I)
NUMBERED_PAGE_RE = re.compile(r"(?:[_-]\d+)+(?=\.\w+$)|(?:[_-]\d+)+$")
LAST_NUMBER_RE = re.compile(r"\d+(?=\D*$)")


class Entry(NamedTuple):
    """One item of a list: the linked page, its title as listed, and the date shown (ISO) if any."""

    url: str
    title: str
    date: str | None


@dataclass(frozen=True)
class SearchCall:
    """A POST to a JSON list API (Pingtan `fjdzapp/search`) for one page of a column."""

    url: str
    formdata: dict[str, str]

    @property
    def page(self) -> int:
        """Return the page number this call asks for."""
        return int(self.formdata.get("page", "1"))


@dataclass
class ListPage:
    """What a list page (or list API answer) offers: entries, further list pages, API calls."""

    entries: list[Entry] = field(default_factory=list)
    next_pages: list[str] = field(default_factory=list)
    searches: list[SearchCall] = field(default_factory=list)
    family: str = "generic"


def parse_list(
    source: str | bytes | HtmlElement,
    url: str,
    *,
    site_root: str | None = None,
    max_pages: int = DEFAULT_MAX_PAGES,
) -> ListPage:
    """Parse a column list page or a Hanweb dataproxy answer into entries and further pages.

    `site_root` is where site-relative APIs live (the seed's start URL directory; default:
    the URL's origin). `max_pages` caps how many pages of one column are proposed.
    """
    text = _as_text(source)
    if text is not None and HANWEB_MARK in text:
        return parse_hanweb(text, url, max_pages=max_pages)
    tree = unwrap_commented_markup(load_tree(source if text is None else text))
    raw = text if text is not None else etree.tostring(tree, encoding="unicode")
    entries = list_entries(tree, url)
    pages = _unique(trs_page_urls(raw, url, max_pages) + generic_page_urls(tree, url, max_pages), url)
    searches = search_calls(raw, site_root or _origin(url))
    family = "trs-search" if searches else ("trs" if TRS_PAGER_RE.search(raw) else "generic")
    return ListPage(entries=entries, next_pages=pages, searches=searches, family=family)


def _as_text(source: str | bytes | HtmlElement) -> str | None:
    """Return the page as text when it is text or bytes (None for a parsed tree)."""
    if isinstance(source, bytes):
        return source.decode("utf-8", errors="replace")
    return source if isinstance(source, str) else None


def _origin(url: str) -> str:
    """Return scheme://host/ of a URL."""
    parts = urlparse(url)
    return f"{parts.scheme}://{parts.netloc}/"


def _unique(urls: Iterable[str], current: str) -> list[str]:
    """Drop duplicates and the current page, keeping order."""
    seen = {current}
    return [u for u in urls if not (u in seen or seen.add(u))]


# --- entries ---------------------------------------------------------------------------

def unwrap_commented_markup(tree: HtmlElement) -> HtmlElement:
    """Return a copy of the tree where HTML comments holding list markup are turned into markup."""
    comments = [c for c in tree.iter(etree.Comment) if _holds_links(c.text or "")]
    if not comments:
        return tree
    tree = copy.deepcopy(tree)
    for comment in [c for c in tree.iter(etree.Comment) if _holds_links(c.text or "")]:
        _replace_comment(comment)
    return tree


def _holds_links(text: str) -> bool:
    """Tell whether a comment's text is commented-out markup with links."""
    lowered = text.lower()
    return "<a " in lowered and "href" in lowered


def _replace_comment(comment: etree._Comment) -> None:
    """Put the elements parsed from a comment in its place."""
    parent = comment.getparent()
    if parent is None:
        return
    try:
        nodes = lxml.html.fragments_fromstring(comment.text)
    except (etree.ParserError, ValueError):
        return
    index = parent.index(comment)
    for offset, node in enumerate(n for n in nodes if not isinstance(n, str)):
        parent.insert(index + 1 + offset, node)
    parent.remove(comment)


def list_entries(tree: HtmlElement, url: str) -> list[Entry]:
    """Return the list's items: links with a date in their row, plus links titled like a report."""
    entries: dict[str, Entry] = {}
    for anchor, link in iter_links(tree, url):
        if link.url.rstrip("/") == url.rstrip("/") or PAGER_TEXT_RE.match(link.text):
            continue
        title = entry_title(anchor)
        date = row_date(anchor)
        if (date or looks_like_report_title(title)[0]) and link.url not in entries:
            entries[link.url] = Entry(link.url, title, date)
    return list(entries.values())


def entry_title(anchor: HtmlElement) -> str:
    """Return a list item's title: the title/alt attribute when it is the fuller text."""
    text = link_text(anchor)
    attr = (anchor.get("title") or anchor.get("alt") or "").strip()
    if attr and len(attr) >= len(text.rstrip("…. ")):
        return " ".join(attr.split())
    return text


def row_date(anchor: HtmlElement) -> str | None:
    """Find the date printed in the link's own list row (li, dl, tr, div ...), if any."""
    node = anchor
    own_text = anchor.text_content()
    for _ in range(MAX_ROW_LEVELS):
        node = node.getparent()
        if node is None or _content_links(node) > 1:
            return None
        date = find_date(node.text_content().replace(own_text, " ", 1))
        if date:
            return date
    return None


def _content_links(node: HtmlElement) -> int:
    """Count links with an href and some text inside a node."""
    return sum(1 for a in node.iter("a") if a.get("href") and a.text_content().strip())


def find_date(text: str) -> str | None:
    """Return the first plausible date in a text as YYYY-MM-DD."""
    for match in DATE_RE.finditer(text):
        year, month, day = (int(g) for g in match.groups())
        if 1 <= month <= 12 and 1 <= day <= 31:
            return f"{year:04d}-{month:02d}-{day:02d}"
    return None


# --- TRS static pagination ---------------------------------------------------------------

def trs_page_urls(text: str, url: str, max_pages: int = DEFAULT_MAX_PAGES) -> list[str]:
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
    return _unique((urljoin(url, n) for n in names), url)


# --- generic pagers ----------------------------------------------------------------------

def generic_page_urls(tree: HtmlElement, url: str, max_pages: int = DEFAULT_MAX_PAGES) -> list[str]:
    """Return list-page URLs from 下一页/尾页 links, numbered pages, page selects and hidden links."""
    key = _page_key(url)
    found = [link.url for _, link in iter_links(tree, url) if _is_pager_link(link.url, link.text, key, url)]
    options = (absolute_url(o.get("value"), url) for o in tree.iter("option"))
    found += [u for u in options if u and _page_key(u) == key and NUMBERED_PAGE_RE.search(_stem(u))]
    return _unique(_fill_ranges(found, max_pages), url)


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
            template = url[: match.start()] + "{}" + url[match.end():]
            groups.setdefault(template, set()).add(int(match.group(0)))
    filled = [u for u in urls if not LAST_NUMBER_RE.search(u)]
    for template, numbers in groups.items():
        top = min(max(numbers), max_pages)
        filled += [template.format(n) for n in range(min(numbers), top + 1)]
    return filled


# --- Hanweb jcms -------------------------------------------------------------------------

def parse_hanweb(text: str, url: str, *, max_pages: int = DEFAULT_MAX_PAGES) -> ListPage:
    """Parse a Hanweb column page or dataproxy.jsp answer: CDATA records plus dataproxy pages."""
    records = HANWEB_RECORD_RE.findall(text)
    entries = [e for e in (hanweb_record_entry(r, url) for r in records) if e]
    if PAGE_PARAM_RE.search(url) and "dataproxy" in url:
        pages = _hanweb_answer_pages(text, url, max_pages)
    else:
        pages = _hanweb_column_pages(text, url, len(records), max_pages)
    return ListPage(entries=entries, next_pages=_unique(pages, url), family="hanweb")


def hanweb_record_entry(record: str, url: str) -> Entry | None:
    """Turn one CDATA record (`<li><a href title>…</a><span>date</span></li>`) into an Entry."""
    try:
        fragment = lxml.html.fragment_fromstring(record.strip(), create_parent="div")
    except (etree.ParserError, ValueError):
        return None
    for anchor, link in iter_links(fragment, url):
        readlabel = next((b.get("readlabel") for b in fragment.iter() if b.get("readlabel")), None)
        date = find_date(readlabel or "") or find_date(
            fragment.text_content().replace(anchor.text_content(), " ", 1))
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


def _hanweb_answer_pages(text: str, url: str, max_pages: int) -> list[str]:
    """Return the dataproxy pages after the one answered (up to <totalpage>)."""
    total = HANWEB_TOTALPAGE_RE.search(text)
    current = int(PAGE_PARAM_RE.search(url).group(2))
    last = min(int(total.group(1)), max_pages) if total else current
    return [_with_page(url, n) for n in range(current + 1, last + 1)]


def _with_page(url: str, page: int) -> str:
    """Set the `page=` query parameter of a URL, keeping the rest verbatim."""
    if PAGE_PARAM_RE.search(url):
        return PAGE_PARAM_RE.sub(lambda m: f"{m.group(1)}{page}", url, count=1)
    return f"{url}{'&' if '?' in url else '?'}page={page}"


# --- Pingtan-style JSON search API -----------------------------------------------------

def search_calls(text: str, site_root: str) -> list[SearchCall]:
    """Return the first JSON-API call announced by a listModel({...}) script, if any."""
    start = text.find(LISTMODEL_MARK)
    if start < 0:
        return []
    block = text[start:start + LISTMODEL_SPAN]
    channel = _channel_id(block, text)
    classsql = _last_quoted(CLASSSQL_RE.search(block))
    if not channel:
        return []
    prepage = PREPAGE_RE.search(block)
    form = {"channelid": channel, "classsql": classsql or "", "page": "1",
            "prepage": prepage.group(1) if prepage else str(DEFAULT_PREPAGE)}
    return [SearchCall(url=urljoin(site_root, SEARCH_PATH), formdata=form)]


def _channel_id(block: str, text: str) -> str | None:
    """Read listArgs.channelid: a literal, or a SiteInfo.<key> looked up elsewhere on the page."""
    match = CHANNELID_RE.search(block)
    if not match:
        return None
    value = match.group(1).strip().strip("'\"")
    if value.isdigit():
        return value
    key = value.rsplit(".", 1)[-1]
    found = re.search(rf"{re.escape(key)}\s*:\s*['\"]?(\d+)", text)
    return found.group(1) if found else None


def _last_quoted(match: re.Match[str] | None) -> str | None:
    """Return the last non-empty quoted string of an expression like `"" || "chnlid=1813"`."""
    if not match:
        return None
    values = [a or b for a, b in QUOTED_RE.findall(match.group(1)) if a or b]
    return values[-1] if values else None


def parse_search_results(
    payload: str | bytes | dict[str, Any],
    call: SearchCall,
    *,
    site_root: str,
    max_pages: int = DEFAULT_MAX_PAGES,
) -> ListPage:
    """Parse a `{"total", "data": [{doctitle, chnldocurl, docreltime}]}` answer; page 1 adds the rest."""
    data = payload if isinstance(payload, dict) else json.loads(payload)
    entries = [e for e in (_search_entry(doc, site_root) for doc in data.get("data") or []) if e]
    searches: list[SearchCall] = []
    prepage = max(int(call.formdata.get("prepage") or DEFAULT_PREPAGE), 1)
    if call.page == 1:
        last = min(math.ceil(int(data.get("total") or 0) / prepage), max_pages)
        searches = [SearchCall(call.url, {**call.formdata, "page": str(n)}) for n in range(2, last + 1)]
    return ListPage(entries=entries, searches=searches, family="trs-search")


def _search_entry(doc: Any, site_root: str) -> Entry | None:
    """Turn one search hit into an Entry (URL resolved against the site root)."""
    if not isinstance(doc, dict):
        return None
    url = absolute_url(doc.get("chnldocurl") or doc.get("docpuburl"), site_root)
    if not url:
        return None
    title = " ".join(str(doc.get("doctitle") or "").split())
    return Entry(url, title, _search_date(doc.get("docreltime")))


def _search_date(value: Any) -> str | None:
    """Read docreltime given as text ('2024-03-08 15:34:00') or epoch milliseconds."""
    if isinstance(value, (int, float)) and value > 0:
        stamp = datetime.fromtimestamp(value / 1000 if value > 1e11 else value, tz=timezone.utc)
        return stamp.strftime("%Y-%m-%d")
    return find_date(str(value or ""))
