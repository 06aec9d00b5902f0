"""Hanweb jcms site (lvyuan): GBK pages, XML datastore column, dataproxy.jsp pager, div#zoom bodies."""

from __future__ import annotations

import math
from datetime import date
from html import escape

from ..model import KIND_MISSING, Document, DynamicRoute, Portal, Request, Response, midday
from ..synthetic import AgencyNames
from .chrome import SiteMap, add_navigation, nav_html
from .column import ColumnPlan, column_documents
from .common import LVYUAN, SiteInfo, body_html, footer_html, head_meta, iso

COLUMN_ID = 3301
UNIT_ID = 4352
PER_PAGE = 10
PAGE_CONTENT_TYPE = "text/html"  # no charset in the header: the meta tag says gbk
PROXY_CONTENT_TYPE = "text/xml;charset=GBK"
DATAPROXY = "/lvyuan/module/web/jpage/dataproxy.jsp"
META_CHARSET = '<meta http-equiv="Content-Type" content="text/html; charset=gbk" />'

PATHS = SiteMap(
    "/lvyuan/index.html",
    "/lvyuan/col/col3280/index.html",
    "/lvyuan/col/col3285/index.html",
    "/lvyuan/col/col3290/index.html",
    "/lvyuan/col/col3291/index.html",
    "/lvyuan/col/col3292/index.html",
    "/lvyuan/col/col3293/index.html",
    f"/lvyuan/col/col{COLUMN_ID}/index.html",
    "年度报告",
    (("https://www.gov.cn/", "中国政府网"), ("http://www.jl.gov.cn/", "吉林省人民政府")),
)
PLAN = ColumnPlan(
    LVYUAN,
    AgencyNames("长春市绿园区人民政府", "长春市绿园区", "国家税务总局长春市绿园区税务局"),
    "lvyuan-minzheng-2020",
    "长春市绿园区民政局2020年政府信息公开工作年度报告",
    date(2021, 1, 14),
    synthetic_count=17,
    first_id=268801,
)


def record(doc: Document) -> str:
    """Return one datastore record as Hanweb writes it."""
    return (
        f"<record><![CDATA[<li><a href='{doc.path}' title='{escape(doc.title)}' target='_blank'>"
        f"{escape(doc.title)}</a><span>{iso(doc.list_date)}</span></li>]]></record>"
    )


def proxy_query(page: int) -> str:
    """Return the dataproxy query string for a page (1-based)."""
    return (
        f"page={page}&appid=1&webid=12&path=/&columnid={COLUMN_ID}&unitid={UNIT_ID}"
        f"&webname={LVYUAN.name}&permissiontype=0"
    )


def column_page(site: SiteInfo, docs: list[Document]) -> str:
    """Return the column page: first records embedded as XML, the rest behind dataproxy.jsp."""
    records = "\n".join(record(d) for d in docs[:PER_PAGE])
    datastore = (
        f'<div id="{UNIT_ID}"><script type="text/xml"><datastore>\n'
        f'<nextgroup><![CDATA[<a href="{DATAPROXY}?{proxy_query(1)}"></a>]]></nextgroup>\n'
        f"<recordset>\n{records}\n</recordset></datastore></script></div>"
    )
    jpage = (
        f"<script>var param_{UNIT_ID}={{col:1,appid:1,webid:12,path:'/',columnid:{COLUMN_ID},"
        f"sourceContentType:1,unitid:'{UNIT_ID}',webname:'{site.name}',permissiontype:0}};"
        f"$('#{UNIT_ID}').jpage({{totalRecord:{len(docs)},perPage:{PER_PAGE}}});</script>"
    )
    crumb = (
        f'<div class="crumb">当前位置：<a href="{PATHS.home}">首页</a> &gt; <a href="{PATHS.zwgk}">政府信息公开</a>'
        f" &gt; {PATHS.column_text}</div>"
    )
    return (
        f"<!DOCTYPE html>\n<html><head>{META_CHARSET}<title>{PATHS.column_text} - {site.name}</title>"
        f'<script src="/lvyuan/module/jslib/jquery/jquery.js"></script></head><body>'
        f'{nav_html(site, PATHS)}<div class="main">{crumb}<div class="list">{datastore}{jpage}</div></div>'
        f"{footer_html(site)}</body></html>"
    )


def _info_line(doc: Document) -> str:
    """Return the 发布日期 / 信息来源 / 字体 line of a detail page."""
    date_part = f"<span>发布日期：{doc.published.isoformat()}</span>&nbsp;&nbsp;" if doc.published else ""
    return (
        f'<td class="info" align="center">{date_part}<span>信息来源：{escape(doc.source)}</span>&nbsp;&nbsp;'
        f'<span>浏览次数：<script src="/lvyuan/module/visitcount/articlehits.jsp?colid={COLUMN_ID}"></script></span>'
        '&nbsp;&nbsp;【字体：<a href="javascript:doZoom(20)">大</a> <a href="javascript:doZoom(16)">中</a> '
        '<a href="javascript:doZoom(12)">小</a>】</td>'
    )


def detail_page(site: SiteInfo, doc: Document, column: list[Document]) -> str:
    """Return a Hanweb detail page with the body in div#zoom."""
    pub_time = f"{doc.published.isoformat()} 10:{doc.published.day + 5:02d}" if doc.published else None
    others = [d for d in column if d.path != doc.path and d.kind != KIND_MISSING][:3]
    related = "".join(f'<li><a href="{d.path}">{escape(d.title)}</a></li>' for d in others)
    return (
        f"<!DOCTYPE html>\n<html><head>{META_CHARSET}<title>{escape(doc.title)} - {site.name}</title>\n"
        f"{head_meta(site, doc, PATHS.column_text, pub_time)}</head><body>{nav_html(site, PATHS)}"
        f'<div class="main"><div class="crumb">当前位置：<a href="{PATHS.home}">首页</a> &gt; '
        f'<a href="{PATHS.zwgk}">政府信息公开</a> &gt; <a href="{PATHS.column}">{PATHS.column_text}</a></div>'
        f'<table width="100%" class="article"><tr><td class="title" align="center"><h1>{escape(doc.title)}</h1></td></tr>'
        f"<tr>{_info_line(doc)}</tr>"
        f'<tr><td><div id="zoom">{body_html(doc.blocks)}</div></td></tr></table>'
        '<div class="bt_link">【<a href="javascript:window.print()">打印本页</a>】'
        '【<a href="javascript:window.close()">关闭窗口</a>】【<a href="#top">返回顶部</a>】</div>'
        '<div class="ewm"><img src="/lvyuan/images/ewm.png" alt=""><p>扫一扫在手机上查看当前页面</p></div>'
        f'<div class="related"><h3>相关链接</h3><ul>{related}</ul></div></div>'
        f"{footer_html(site)}</body></html>"
    )


def _page_range(request: Request, total: int) -> tuple[int, int]:
    """Return the 0-based [start, end) slice a dataproxy request asks for."""
    args = {**request.query, **request.form}
    if "startrecord" in args:
        start = max(int(args.get("startrecord", "1")), 1)
        end = int(args.get("endrecord", str(start + PER_PAGE - 1)))
        return start - 1, min(end, total)
    per_page = int(args.get("perpage", PER_PAGE))
    page = max(int(args.get("page", "1")), 1)
    return (page - 1) * per_page, min(page * per_page, total)


def dataproxy(column: list[Document]) -> DynamicRoute:
    """Return the dataproxy.jsp handler for the column (GET ?page=N or startrecord/endrecord)."""

    def handle(request: Request) -> Response:
        try:
            start, end = _page_range(request, len(column))
        except ValueError:
            return Response(b"bad request", "text/plain", status=400)
        per_page = int({**request.query, **request.form}.get("perpage", PER_PAGE) or PER_PAGE)
        records = "\n".join(record(d) for d in column[start:end])
        xml = (
            f"<datastore><totalrecord>{len(column)}</totalrecord>"
            f"<totalpage>{math.ceil(len(column) / per_page)}</totalpage><recordset>\n{records}\n</recordset></datastore>"
        )
        return Response(xml.encode("gbk"), PROXY_CONTENT_TYPE)

    return handle


def _detail_path(day: date, doc_id: int) -> str:
    """Return a Hanweb detail path: /art/YYYY/M/D/art_<column>_<id>.html."""
    return f"/lvyuan/art/{day.year}/{day.month}/{day.day}/art_{COLUMN_ID}_{doc_id}.html"


def add_site(portal: Portal) -> None:
    """Register every page of the lvyuan site."""
    site = LVYUAN
    add_navigation(portal, site, PATHS, PAGE_CONTENT_TYPE)
    column = column_documents(PLAN, _detail_path)
    portal.documents.extend(column)
    portal.regions[site.key] = site.region
    portal.add(
        PATHS.column,
        Response(
            column_page(site, column).encode(site.encoding),
            PAGE_CONTENT_TYPE,
            last_modified=midday(column[0].sort_date),
        ),
    )
    portal.dynamic[DATAPROXY] = dataproxy(column)
    for doc in column:
        if doc.kind != KIND_MISSING:
            html = detail_page(site, doc, column)
            portal.add(
                doc.path, Response(html.encode(site.encoding), PAGE_CONTENT_TYPE, last_modified=midday(doc.sort_date))
            )
