"""ptmap: a small Pingtan-built site whose 年报 column no page links; only /ptmap/sitemap.xml (and the
portal's robots.txt `Sitemap:` line) lists it."""

from __future__ import annotations

from datetime import date
from xml.sax.saxutils import escape as xml_escape

from ..model import Portal, Region, Request, Response, midday
from ..synthetic import AgencyNames
from .chrome import SITE_BUILT
from .common import SiteInfo
from .ptchrome import Chrome, add_page, breadcrumb, detail_page, list_body, page, place, stub, synthetic_entries

SITE = "ptmap"
HOME = "/ptmap/index.html"
HUB = "/ptmap/zwgk/index.html"
COLUMN_DIR = "/ptmap/zwgk/zfxxgknb/"
COLUMN = COLUMN_DIR + "index.html"
COLUMN_NAME = "政府信息公开年报"
SITEMAP = "/ptmap/sitemap.xml"
PTMAP = SiteInfo(
    SITE,
    "闽侯县人民政府",
    "闽侯县",
    Region("福建省", "福州市", "闽侯县", "350121"),
    "闽侯县人民政府办公室",
    "福建省福州市闽侯县甘蔗街道行政服务中心",
    "0591-22981150",
    "闽ICP备06001234号",
    "闽公网安备 35012102000321号",
    "3501210001",
    "拓尔思信息技术股份有限公司",
)
NAMES = AgencyNames("闽侯县人民政府", "闽侯县", "国家税务总局闽侯县税务局")
CHROME = Chrome(
    PTMAP,
    HOME,
    (("/ptmap/xwzx/", "新闻中心"), ("/ptmap/zwgk/", "政务公开"), ("/ptmap/bsfw/", "办事服务")),
    "/ptmap/images/",
)
STUBS = (
    ("/ptmap/xwzx/index.html", "新闻中心"),
    ("/ptmap/bsfw/index.html", "办事服务"),
    ("/ptmap/zwgk/zfxxgkzn/index.html", "政府信息公开指南"),
    ("/ptmap/zwgk/zfxxgkzd/index.html", "政府信息公开制度"),
    ("/ptmap/zwgk/fdzdgknr/index.html", "法定主动公开内容"),
)
REPORTS = 11
LOOKALIKES = 2


def hub_page() -> str:
    """Return the 政务公开 page: guide, rules and statutory content, and no 年报 column."""
    links = "".join(f'<li><a href="{path}" title="{title}">{title}</a></li>\n' for path, title in STUBS[2:])
    inner = f'<div class="row content_bg_02">\n{breadcrumb([(HOME, "首页"), (None, "政务公开")])}<ul>\n{links}</ul>\n</div>\n'
    return page(CHROME, "政务公开", "政务公开", inner)


def home_page() -> str:
    """Return the home page: news and the 政务公开 entry (no 年报 column)."""
    inner = (
        '<div class="row"><div class="list_base"><ul>\n'
        '<li><a href="/ptmap/xwzx/">闽侯县召开乡村振兴工作推进会</a></li>\n'
        f'<li><a href="{HUB}">政务公开</a></li>\n</ul></div></div>\n'
    )
    return page(CHROME, PTMAP.name, "首页", inner)


def sitemap_xml(base_url: str, modified: dict[str, date]) -> str:
    """Return a standard sitemap (sitemaps.org 0.9) of the site's pages under `base_url`."""
    urls = "".join(
        f"<url><loc>{xml_escape(base_url + path)}</loc><lastmod>{day.isoformat()}</lastmod></url>\n"
        for path, day in modified.items()
    )
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{urls}</urlset>\n'


def add_site(portal: Portal) -> None:
    """Register the pages, the unlinked column (one list page) and the sitemap listing it."""
    add_page(portal, HOME, home_page())
    add_page(portal, HUB, hub_page())
    for path, title in STUBS:
        add_page(portal, path, stub(CHROME, title, [(HOME, "首页"), (None, title)]))
    documents = place(SITE, COLUMN_DIR, synthetic_entries(PTMAP, NAMES, REPORTS, LOOKALIKES), 31200)
    newest = documents[0].sort_date
    crumbs = [(HOME, "首页"), (HUB, "政务公开"), (None, COLUMN_NAME)]
    inner = f'<div class="row content_bg_02 pad_xl">\n{breadcrumb(crumbs)}{list_body(COLUMN_NAME, documents, COLUMN_DIR, 0, 1)}</div>\n'
    add_page(portal, COLUMN, page(CHROME, COLUMN_NAME, COLUMN_NAME, inner), newest)
    for doc in documents:
        detail = detail_page(CHROME, doc, COLUMN_NAME, [*crumbs[:-1], ("../", COLUMN_NAME)])
        add_page(portal, doc.path, detail, doc.sort_date)
    portal.documents.extend(documents)
    portal.regions[SITE] = PTMAP.region
    listed = {HOME: SITE_BUILT, HUB: SITE_BUILT, **{path: SITE_BUILT for path, _ in STUBS}, COLUMN: newest}

    def sitemap(request: Request) -> Response:
        body = sitemap_xml(request.base_url, listed).encode()
        return Response(body, "application/xml; charset=utf-8", last_modified=midday(newest))

    portal.dynamic[SITEMAP] = sitemap
