"""Find the way from a portal's home page to its 政府信息公开年报 columns (pure functions).

Links are read from `href`, from attribute bindings of script frameworks when there is no plain
href (avalon `ms-attr-href`, Vue `:href` …; `{{paths[N]}}` resolved from the page's own URL), and
from the URL string literals of inline scripts. Each link says how it was read (`via`).
Pages are told apart as 年报 columns, disclosure hubs (政府信息公开), directories of department
or lower-government platforms (地方部门平台链接, 部门信息公开 …) and the platforms they list.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple
from urllib.parse import urldefrag, urlencode, urljoin, urlparse, urlsplit

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

# Directories of department / region / township platforms, each with its own 年报 column.
DIRECTORY_TEXT_RE = re.compile(
    r"^(?:地方)?部门(?:平台)?(?:链接)?$|(?:地方|区县|县区|县市区|市县|乡镇|街道|部门|镇街).{0,6}(?:平台链接|平台|信息公开|政务公开)$"
)
DIRECTORY_URL_RE = re.compile(  # the directory folder itself (…/dfbmptlj/), not a platform below it
    r"/(?:dfbmptlj|bmptlj|bmpt|qxpt|xqpt|bmxxgk|bmzfxxgk|qxxxgk|qxzfxxgk|xzxxgk|xzjdxxgk|jdxxgk|bmgk|qxgk)/$", re.I
)
MAX_PLATFORM_TEXT = 40  # platform names can be long (平潭综合实验区自然资源与生态环境局)

# Attribute bindings holding a link's target when it has no plain href (avalon, Vue, Angular, data-*).
BINDING_ATTRS = ("ms-attr-href", "ms-href", ":href", "v-bind:href", "ng-href", "data-href", "data-url")
TEMPLATE_RE = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
PATHS_INDEX_RE = re.compile(r"^paths\s*\[\s*(\d+)\s*\]$")
QUOTED_LITERAL_RE = re.compile(r"""^\s*(['"`])([^'"`]*)\1\s*$""")
# A bound value that is a URL or site path (not an expression like `el.url` or `logoutUrl`).
LINK_LIKE_RE = re.compile(r"^(?:https?://[\w.:-]+)?(?:\.{0,2}/)?(?:[\w.~%-]+/)+[\w.~%-]*(?:\?[\w.~%=&-]*)?$")
# URL string literals in inline scripts: site paths ending in /, .html, .htm, .shtml, .jsp …
SCRIPT_URL_RE = re.compile(r"""["']((?:https?://[\w.:-]+)?/[\w.~%/-]*?(?:/|\.s?html?|\.jsp|\.php|\.aspx?))["']""", re.I)


class Link(NamedTuple):
    """An absolute link URL, the text a reader sees for it, and how it was read (link, binding, script)."""

    url: str
    text: str
    via: str = "link"


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
    """Yield every followable (anchor, Link) of a page, in document order: href, else an attribute binding."""
    for anchor in tree.iter("a"):
        target = absolute_url(anchor.get("href"), url)
        if target:
            yield anchor, Link(target, link_text(anchor))
            continue
        bound = bound_url(anchor, url)
        if bound:
            yield anchor, Link(bound, link_text(anchor), "binding")


def bound_url(anchor: HtmlElement, page_url: str) -> str | None:
    """The URL an attribute binding (ms-attr-href, :href …) gives a link, templates resolved; None if none can be."""
    for name in BINDING_ATTRS:
        value = anchor.get(name)
        if value is None:
            continue
        literal = QUOTED_LITERAL_RE.match(value)
        resolved = resolve_template(literal.group(2) if literal else value, page_url)
        if resolved and LINK_LIKE_RE.match(resolved):
            return absolute_url(resolved, page_url)
    return None


def resolve_template(value: str, page_url: str) -> str | None:
    """Fill `{{paths[N]}}` with the page URL's N-th `/`-separated part (avalon's `paths`); None if a part stays unknown.

    avalon pages split their own URL on `/`: for https://host/zwgk/zfxxgk/… paths[3] is `zwgk`.
    Any other template (`{{el.url}}`, `{{id}}`) cannot be known without running the page: the link is dropped.
    """
    parts = page_url.split("?")[0].split("/")
    unknown = False

    def fill(match: re.Match[str]) -> str:
        nonlocal unknown
        index = PATHS_INDEX_RE.match(match.group(1))
        if index and int(index.group(1)) < len(parts) and parts[int(index.group(1))]:
            return parts[int(index.group(1))]
        unknown = True
        return ""

    resolved = TEMPLATE_RE.sub(fill, value.strip())
    return None if unknown or not resolved else resolved


def script_links(tree: HtmlElement, url: str) -> list[Link]:
    """Links written as URL string literals in the page's inline scripts (same host only), in order."""
    host = urlsplit(url).netloc
    found: dict[str, Link] = {}
    for script in tree.iter("script"):
        if script.get("src"):
            continue
        for literal in SCRIPT_URL_RE.findall(script.text or ""):
            target = absolute_url(literal, url)
            if target and urlsplit(target).netloc == host and "{" not in literal:
                found.setdefault(target, Link(target, "", "script"))
    return list(found.values())


def page_links(tree: HtmlElement, url: str) -> Iterator[tuple[HtmlElement | None, Link]]:
    """Every link of a page for discovery: anchors (href or binding), then inline script literals."""
    yield from iter_links(tree, url)
    for link in script_links(tree, url):
        yield None, link


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
    """Rule out the page itself, article links, sub-pages (指南, 年报 ...), report columns and platform directories."""
    if _same_page(link.url, page_url) or len(link.text) > MAX_NAV_TEXT:
        return False
    if DETAIL_URL_RE.search(link.url) or COLUMN_URL_RE.search(link.url) or _is_directory(link):
        return False
    return not DISCLOSURE_SUBPAGE_RE.search(link.text)


def find_report_columns(tree: HtmlElement, url: str) -> list[Link]:
    """Return links to 政府信息公开年报 columns (by text, by URL, or year links under a 年报 heading)."""
    found: dict[str, Link] = {}
    for anchor, link in page_links(tree, url):
        if _same_page(link.url, url) or link.url in found:
            continue
        if _is_column_link(link) or (anchor is not None and _is_year_under_report_heading(anchor, link)):
            found[link.url] = link
    return list(found.values())


def find_directory_links(tree: HtmlElement, url: str) -> list[Link]:
    """Return links to directories of department / region / township platforms (by text or by path)."""
    found: dict[str, Link] = {}
    for _, link in iter_links(tree, url):
        if _same_page(link.url, url) or len(link.text) > MAX_NAV_TEXT or DETAIL_URL_RE.search(link.url):
            continue
        path = urlparse(link.url).path
        if COLUMN_URL_RE.search(path) or DISCLOSURE_SUBPAGE_RE.search(link.text):
            continue
        if _is_directory(link):
            found.setdefault(link.url, link)
    return list(found.values())


def _is_directory(link: Link) -> bool:
    """Tell a link to a directory of platforms by its text (部门信息公开 …) or its folder (…/dfbmptlj/)."""
    return bool(DIRECTORY_TEXT_RE.search(link.text) or DIRECTORY_URL_RE.search(folder_path(link.url)))


def find_platform_links(tree: HtmlElement, url: str) -> list[Link]:
    """Return links from a directory page to the platforms (or platform groups) it lists: folders below its own.

    Article links, 年报 columns and pages of other folders are left out; a platform's own sub-columns
    are only followed when its page named no 年报 column (the spider decides).
    """
    base = folder_path(url)
    found: dict[str, Link] = {}
    for _, link in iter_links(tree, url):
        path = urlparse(link.url).path
        if urlsplit(link.url).netloc != urlsplit(url).netloc or _same_page(link.url, url):
            continue
        if not path.startswith(base) or folder_path(link.url) == base or len(link.text) > MAX_PLATFORM_TEXT:
            continue
        if DETAIL_URL_RE.search(link.url) or COLUMN_URL_RE.search(path) or DISCLOSURE_SUBPAGE_RE.search(link.text):
            continue
        found.setdefault(link.url, link)
    return list(found.values())


def folder_path(url: str) -> str:
    """The folder of a URL's path: /a/b/ for /a/b/, /a/b/index.html and /a/b/list.htm."""
    path = urlparse(url).path or "/"
    return path if path.endswith("/") else path.rsplit("/", 1)[0] + "/"


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


# Site search forms: a GET <form> whose text input is named like one of these.
SEARCH_INPUT_NAMES = frozenset({"searchword", "q", "keyword", "keywords", "query", "wd", "kw"})  # compared lower-cased
QUERY = "{query}"


def find_search_form(tree: HtmlElement, url: str) -> str | None:
    """Return the URL a page's GET search form submits to, with `{query}` where the words go; None if it has none."""
    for form in tree.iter("form"):
        if (form.get("method") or "get").strip().lower() != "get":
            continue
        action = absolute_url(form.get("action") or url, url)
        fields: list[tuple[str, str]] = []
        query_name = None
        for field in form.iter("input"):
            name, kind = field.get("name"), (field.get("type") or "text").lower()
            if not name:
                continue
            if kind in ("text", "search") and query_name is None and name.lower() in SEARCH_INPUT_NAMES:
                query_name = name
            elif kind == "hidden":
                fields.append((name, field.get("value") or ""))
        if action and query_name:
            fixed = urlencode(fields)
            return f"{action.split('?')[0]}?{fixed + '&' if fixed else ''}{query_name}={QUERY}"
    return None
