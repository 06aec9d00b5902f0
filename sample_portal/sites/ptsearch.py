"""ptsearch: a small Pingtan-built site with no 年报 column linked anywhere, only a site search.

Its home page has a GET form (action /ptsearch/search.html, text input `searchword`). The search answers a
query naming 年度报告 or 年报 with the column's documents (reports and look-alikes, newest first, ten a page,
a plain `<a>` pager with &page=N) and any other query with no result.
"""

from __future__ import annotations

from html import escape
from urllib.parse import quote

from ..model import Document, DynamicRoute, Portal, Region, Request, Response
from ..synthetic import AgencyNames
from .common import SiteInfo
from .ptchrome import (
    CONTENT_TYPE,
    PAGE_SIZE,
    Chrome,
    add_page,
    breadcrumb,
    detail_page,
    page,
    place,
    stub,
    synthetic_entries,
)

SITE = "ptsearch"
HOME = "/ptsearch/index.html"
HUB = "/ptsearch/zwgk/index.html"
COLUMN_DIR = "/ptsearch/zwgk/zfxxgknb/"  # never served as a list: only its detail pages exist
COLUMN_NAME = "政府信息公开年报"
SEARCH = "/ptsearch/search.html"
QUERY_WORDS = ("年度报告", "年报")
PTSEARCH = SiteInfo(
    SITE,
    "连江县人民政府",
    "连江县",
    Region("福建省", "福州市", "连江县", "350122"),
    "连江县人民政府办公室",
    "福建省福州市连江县凤城镇883路",
    "0591-26231110",
    "闽ICP备06005678号",
    "闽公网安备 35012202000456号",
    "3501220001",
    "拓尔思信息技术股份有限公司",
)
NAMES = AgencyNames("连江县人民政府", "连江县", "国家税务总局连江县税务局")
CHROME = Chrome(
    PTSEARCH,
    HOME,
    (("/ptsearch/xwzx/", "新闻中心"), ("/ptsearch/zwgk/", "政务公开"), ("/ptsearch/bsfw/", "办事服务")),
    "/ptsearch/images/",
)
STUBS = (
    ("/ptsearch/xwzx/index.html", "新闻中心"),
    ("/ptsearch/bsfw/index.html", "办事服务"),
    ("/ptsearch/zwgk/zfxxgkzn/index.html", "政府信息公开指南"),
)
REPORTS = 12
LOOKALIKES = 2
SEARCH_FORM = (
    f'<div class="search_area"><form method="get" action="{SEARCH}" target="_blank">\n'
    '<input type="text" name="searchword" class="input_inner" placeholder="请输入您要搜索的内容" required="required" />\n'
    '<button type="submit" class="btn_base btn_default">搜索</button>\n</form></div>\n'
)


def home_page() -> str:
    """Return the home page: the search form, news and the 政务公开 entry (no 年报 column)."""
    inner = (
        f'<div class="row">\n{SEARCH_FORM}<div class="list_base"><ul>\n'
        '<li><a href="/ptsearch/xwzx/">连江县召开海洋经济发展大会</a></li>\n'
        f'<li><a href="{HUB}">政务公开</a></li>\n</ul></div>\n</div>\n'
    )
    return page(CHROME, PTSEARCH.name, "首页", inner)


def hub_page() -> str:
    """Return the 政务公开 page: the guide only (no 年报 column)."""
    inner = (
        f'<div class="row content_bg_02">\n{breadcrumb([(HOME, "首页"), (None, "政务公开")])}'
        f'<ul><li><a href="{STUBS[2][0]}">政府信息公开指南</a></li></ul>\n</div>\n'
    )
    return page(CHROME, "政务公开", "政务公开", inner)


def matches(word: str) -> bool:
    """Tell whether a query finds the column's documents (it names 年度报告 or 年报)."""
    return any(w in word for w in QUERY_WORDS)


def results_page(word: str, found: list[Document], number: int) -> str:
    """Return results page `number` (1-based): ten title links with dates, and a plain pager."""
    count = (len(found) + PAGE_SIZE - 1) // PAGE_SIZE
    shown = found[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
    items = "".join(
        f'<li><a href="{d.path}" target="_blank" title="{escape(d.title)}">{escape(d.title)}</a>'
        f'<span class="date">{d.sort_date.isoformat()}</span></li>\n'
        for d in shown
    )
    link = f"{SEARCH}?searchword={quote(word)}&amp;page="
    pager = "".join(
        f"<span>{n}</span> " if n == number else f'<a href="{link}{n}">{n}</a> ' for n in range(1, count + 1)
    )
    if number < count:
        pager += f'<a href="{link}{number + 1}">下一页</a>'
    summary = f"共找到 {len(found)} 条结果" if found else "没有找到相关结果"
    inner = (
        f'<div class="row content_bg_02">\n{SEARCH_FORM}<p class="search_total">{summary}</p>\n'
        f'<div class="search_list"><ul>\n{items}</ul></div>\n<div class="page">{pager}</div>\n</div>\n'
    )
    return page(CHROME, f"{word} - 站内搜索", "站内搜索", inner)


def search_route(column: list[Document]) -> DynamicRoute:
    """Answer GET /ptsearch/search.html?searchword=…&page=N."""

    def handle(request: Request) -> Response:
        word = request.query.get("searchword", "").strip()
        found = column if matches(word) else []
        try:
            number = max(int(request.query.get("page", "1") or 1), 1)
        except ValueError:
            number = 1
        return Response(results_page(word, found, number).encode(), CONTENT_TYPE)

    return handle


def add_site(portal: Portal) -> None:
    """Register the pages, the reports' detail pages (listed by no page) and the search."""
    add_page(portal, HOME, home_page())
    add_page(portal, HUB, hub_page())
    for path, title in STUBS:
        add_page(portal, path, stub(CHROME, title, [(HOME, "首页"), (None, title)]))
    documents = place(SITE, COLUMN_DIR, synthetic_entries(PTSEARCH, NAMES, REPORTS, LOOKALIKES), 52600)
    crumbs = [(HOME, "首页"), (HUB, "政务公开"), (None, COLUMN_NAME)]
    for doc in documents:
        add_page(portal, doc.path, detail_page(CHROME, doc, COLUMN_NAME, crumbs), doc.sort_date)
    portal.documents.extend(documents)
    portal.regions[SITE] = PTSEARCH.region
    portal.dynamic[SEARCH] = search_route(documents)
