"""Page chrome of the Pingtan-built sites (ptgov, ptmap, ptsearch): the real TRS + avalon template shapes.

Copied in shape (not byte for byte) from the real Pingtan portal's department pages (data/ptgov/SOURCE.md):
the `ms-controller` header menu, `info_menu_list` disclosure menu, `breadcrumb`, `rules_tabs_01` list of
`<dl><dd>` entries, `article_*` detail page with a `TRS_Editor` body, and the footer; the static list pager is a
real TRS `var countPage = N` + `document.write(...)` script (no createPageHTML call, no `<a>` pager tag).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from html import escape

from ..lookalikes import Lookalike, lookalikes
from ..model import KIND_LOOKALIKE, KIND_REPORT, Block, Document, Portal, ReportFacts, Response, midday
from ..synthetic import AgencyNames, synthetic_reports
from .chrome import SITE_BUILT
from .common import SiteInfo, body_html

CONTENT_TYPE = "text/html; charset=utf-8"
PAGE_SIZE = 10  # entries per static list page
PAGER_JS = """<script language="JavaScript" type="text/javascript">
var currentPage = {page};//所在页从0开始
var prevPage = currentPage-1//上一页
var nextPage = currentPage+1//下一页
var countPage = {count}//共多少页
//共计多少页
document.write("共计"+"&nbsp;<font style='color:#FF8008'>"+"{count}"+"&nbsp;</font>"+"页");
// 设置首页
document.write("&nbsp;<a href=\\"index."+"html\\">首页</a>&nbsp;|");
//设置上一页代码
if(countPage>1&&currentPage!=0&&currentPage!=1)
document.write("<a href=\\"index"+"_" + prevPage + "."+"html\\"><span class=greyfont>上一页</span></a>&nbsp;");
else if(countPage>1&&currentPage!=0&&currentPage==1)
document.write("<a href=\\"index.html\\">&nbsp;<span class=greyfont>上一页</span></a>&nbsp;");
else
document.write("&nbsp;上一页&nbsp;");
//循环
for(var i=0 ; i<=6 && (i<countPage); i++){{
if(currentPage==i)
document.write("&nbsp;<font style='color:#FF8008'>"+(i+1)+"</font>&nbsp;|");
else if(i==0)
document.write("&nbsp;<a href=\\"index.html\\">1</a>&nbsp;|");
else
document.write("&nbsp;<a href=\\"index"+"_" + i + "."+"html\\">"+(i+1)+"</a>&nbsp;|");
}}
//设置下一页代码
if(countPage>1&&currentPage!=(countPage-1))
document.write("&nbsp;<a href=\\"index"+"_" + nextPage + "."+"html\\">&nbsp;<span class=greyfont>下一页</span>&nbsp;</a>&nbsp;");
else
document.write("&nbsp;下一页&nbsp;");
// 设置尾页
if(countPage!=1)
document.write("&nbsp;<a href=\\"index"+"_" + (countPage-1)  + "."+"html\\">尾页</a>&nbsp;");
else
document.write("&nbsp;尾页&nbsp;");
</script>"""


@dataclass(frozen=True)
class Chrome:
    """A Pingtan-built site: who it is, its home page and its top menu (href, text)."""

    site: SiteInfo
    home: str
    menu: tuple[tuple[str, str], ...]
    images: str  # folder of its stylesheets and logo


@dataclass(frozen=True)
class Entry:
    """A column entry before it has a URL: a report (with facts) or a look-alike."""

    title: str
    kind: str
    published: date
    source: str
    blocks: tuple[Block, ...]
    facts: ReportFacts | None = None


def lookalike_entry(item: Lookalike) -> Entry:
    """Return a look-alike as a column entry."""
    return Entry(item.title, KIND_LOOKALIKE, item.published, item.source, item.blocks)


def detail_path(column_dir: str, day: date, doc_id: int) -> str:
    """Return a detail URL path as TRS writes it: <column>/YYYYMM/tYYYYMMDD_<id>.htm."""
    return f"{column_dir}{day:%Y%m}/t{day:%Y%m%d}_{doc_id}.htm"


def place(site: str, column_dir: str, entries: Iterable[Entry], first_id: int) -> list[Document]:
    """Give each entry of one column its URL (ids rising with the date); return the documents newest first."""
    ordered = sorted(entries, key=lambda e: (e.published, e.title))
    documents = [
        Document(
            site,
            detail_path(column_dir, e.published, first_id + 7 * index),
            e.title,
            e.kind,
            e.published,
            e.published,
            e.source,
            e.blocks,
            e.facts,
            list_date=e.published,
        )
        for index, e in enumerate(ordered)
    ]
    return documents[::-1]


def head(chrome: Chrome, title: str, column: str, metas: str = "") -> str:
    """Return the document head: TRS site/column metadata, the page's own metadata, title and stylesheets."""
    site = chrome.site
    return (
        '<!DOCTYPE html>\n<html ms-controller="windowRoot" ms-class-1="SLB:isSlb" ms-class-2="slb:isSlb">\n<head>\n'
        '<meta charset="UTF-8">\n<meta http-equiv="X-UA-Compatible" content="IE=edge,chrome=1">\n'
        f'<meta name="SiteName" content="{site.name}"/>\n<meta name="SiteIDCode" content="{site.site_code}"/>\n'
        f'<meta name="ColumnName" content="{escape(column)}"/>\n{metas}'
        f"<title>{escape(title)}_{site.name}</title>\n"
        f'<link rel="stylesheet" type="text/css" href="{chrome.images}trt_ui_v2.css">\n'
        f'<link rel="stylesheet" type="text/css" href="{chrome.images}22mb_info_public_style.css" />\n</head>\n'
    )


def header(chrome: Chrome) -> str:
    """Return the header: logo, links to the state and province sites, login binding and the top menu."""
    items = "".join(f'<li class="parentNode"><a href="{href}">{text}</a></li>\n' for href, text in chrome.menu)
    return (
        '<body>\n<div class="warp info_public_bg">\n<!--头部开始-->\n<div class="header menu_hov">\n<div class="row">\n'
        f'<div class="logo trt-col-9"><a href="{chrome.home}"><img src="{chrome.images}site_logo.png" /></a></div>\n'
        '<div class="header_line clearflx" role="serve" des="头部信息">\n<div class="header_link_01">\n'
        '<a href="https://www.gov.cn/" Target="_blank" title="国务院" class="btn_base btn_small">国务院</a>\n'
        '<a href="https://www.fujian.gov.cn/" Target="_blank" title="省政府" class="btn_base btn_small">省政府</a>\n'
        '</div>\n<div class="header_link_02 none_sm">\n<em ms-visible="isLogin" style="display:none;">'
        '<a ms-attr-href="logoutUrl">注销</a></em>\n</div>\n<span>网站支持IPV6</span>\n</div>\n'
        '<div class="menu_base menu_right menu_hd">\n<ul class="clearflx" role="navigation" des="站点主目录">\n'
        f'<li ms-class="on:RootPath==\'\'"><a href="{chrome.home}">首页</a></li>\n{items}</ul>\n</div>\n'
        "</div>\n</div>\n<!--头部结束-->\n"
    )


def footer(site: SiteInfo) -> str:
    """Return the footer: 主办单位, address, 网站标识码, ICP and 公网安备 numbers, 技术支持; then close the page."""
    return (
        '<!--底部开始-->\n<div class="footer">\n<div class="border_t_solid_01"></div>\n<div class="row">\n'
        '<div class="footer_bottom">\n'
        f"<p>主办单位：{site.host_org}　地址：{site.address}　联系电话：{site.phone}</p>\n"
        f'<p>网站标识码：{site.site_code}　<a href="https://beian.miit.gov.cn/" target="_blank">{site.icp}</a>　'
        f'<a href="http://www.beian.gov.cn/" target="_blank">{site.police}</a></p>\n'
        f"<p>技术支持：{site.tech}</p>\n</div>\n</div>\n</div>\n<!--底部结束-->\n</div>\n</body>\n</html>\n"
    )


def breadcrumb(crumbs: Iterable[tuple[str | None, str]]) -> str:
    """Return the 当前位置 trail; a crumb without a link is plain text."""
    items = "".join(
        f'<li><a href="{href}" title="{text}" class="CurrChnlCls">{text}</a></li>' if href else f"<li>{text}</li>"
        for href, text in crumbs
    )
    return (
        '<div class="breadcrumb" role="navigation" des="当前位置">\n'
        f'<span><i class="trt-iconfont trt-icon-weizhi"></i>当前位置：</span>\n<ul>{items}</ul>\n</div>\n'
    )


def page(chrome: Chrome, title: str, column: str, inner: str, metas: str = "") -> str:
    """Return a whole page: head, header, the main area holding `inner`, footer."""
    return (
        f'{head(chrome, title, column, metas)}{header(chrome)}<div class="main">\n<div class="content">\n'
        f"{inner}</div>\n</div>\n{footer(chrome.site)}"
    )


def pub_time(day: date) -> str:
    """Return the publication time a TRS page prints for a day (a fixed, plausible hour)."""
    return f"{day.isoformat()} {9 + day.day % 8:02d}:{(day.day * 7) % 60:02d}"


def detail_page(chrome: Chrome, doc: Document, column: str, crumbs: list[tuple[str | None, str]]) -> str:
    """Return a report (or look-alike) page in the real TRS detail shape, its body in div.TRS_Editor."""
    published = pub_time(doc.published) if doc.published else ""
    metas = (
        f'<meta name="ArticleTitle" content="{escape(doc.title)}"/>\n<meta name="PubDate" content="{published}"/>\n'
        f'<meta name="ContentSource" content="{escape(doc.source)}"/>\n'
    )
    inner = (
        '<div class="row"><div class="info_public_tit"><img src="/images/20200907-wz-banner.png" alt="政府信息公开" />'
        '</div></div>\n<div class="row content_bg_02 pad_xl pad_base_sm" role="viewlist" des="正文">\n'
        f'{breadcrumb(crumbs)}<div class="article_component" ms-controller="windowRoot">\n'
        f'<div class="article_title_group"><div class="article_title text_align_center">{escape(doc.title)}</div></div>\n'
        '<div class="article_extend pad_base mar_t_base"><div class="trt-row"><div class="trt-col-16 trt-col-sm-24">\n'
        f'<span class="article_source">来源：{escape(doc.source)}</span>\n'
        f'<span class="article_time bf-pass">时间：{published}</span></div>\n'
        '<div class="trt-col-8 function_icon none_sm"><span class="SLB_none" ms-click="$addfont()">'
        '<i class="trt-iconfont trt-icon-zitifangda"></i></span><span class="phone_none" onclick="$printDetail()" '
        'title="打印本页"><i class="trt-iconfont trt-icon-dayin"></i></span></div></div></div>\n'
        '<div class="article_area" ms-controller="windowRoot" ms-class="font{{detailFont}}">\n'
        '<div class="article_content article_content_01 font_family_cn">\n'
        f"<div class=TRS_Editor>{body_html(doc.blocks)}</div>\n</div>\n</div>\n"
        '<div class="article_qrcode_area none_sm"><div class="article_qrcode"><p>扫一扫在手机上查看当前页面</p>'
        '<div class="ewm-img" id="qrcode"></div></div></div>\n</div>\n</div>\n'
    )
    return page(chrome, doc.title, column, inner, metas)


def list_entries(documents: Iterable[Document], column_dir: str) -> str:
    """Return the static `<dl>` entries of a list page, each linking its page relative to the column folder."""
    return "".join(
        '<dl>\n<dd class="trt-col-sm-24 slb-trt-col-24 text_align_left">\n'
        f'<a href="./{d.path.removeprefix(column_dir)}" target="_blank" title="{escape(d.title)}">{escape(d.title)}</a>\n'
        f'</dd>\n<dd class="trt-col-4 trt-col-sm-24 slb-trt-col-24 text_align_left">\n{d.sort_date.isoformat()}\n'
        "</dd>\n</dl>\n"
        for d in documents
    )


def pager(index: int, count: int) -> str:
    """Return the page_base block: the countPage + document.write pager script when there is more than one page."""
    script = PAGER_JS.format(page=index, count=count) if count > 1 else ""
    return f'<div class="page_base mar_t_base">{script}</div>\n'


def list_body(column: str, documents: list[Document], column_dir: str, index: int, count: int) -> str:
    """Return the tabs block of a column's list page: header, static entries and the pager."""
    return (
        '<div class="tabs info_tabs" ms-controller="list">\n<div class="tabs_header"><ul><li class="on">'
        f'<a class="cur_def" href="javascript:;">{escape(column)}</a></li></ul></div>\n'
        '<div class="rules_tabs_01 none_sm slb_none rules_tabs_no_bg"><dl><dt class="trt-col-sm-24">标题</dt>'
        '<dt class="trt-col-4 trt-col-sm-24 text_align_left">发布日期</dt></dl></div>\n'
        f'<div class="rules_tabs_01 rules_tabs_no_bg" ms-visible="showStatic">\n{list_entries(documents, column_dir)}'
        f"</div>\n{pager(index, count)}</div>\n"
    )


def list_path(column_dir: str, index: int) -> str:
    """Return the path of list page `index` (0-based): index.html, index_1.html …"""
    return f"{column_dir}index.html" if index == 0 else f"{column_dir}index_{index}.html"


def chunks(documents: list[Document], size: int = PAGE_SIZE) -> list[list[Document]]:
    """Split a column into list pages."""
    return [documents[i : i + size] for i in range(0, len(documents), size)] or [[]]


def add_page(portal: Portal, path: str, html: str, day: date = SITE_BUILT) -> None:
    """Register a UTF-8 page, last modified at midday UTC of `day`."""
    portal.add(path, Response(html.encode(), CONTENT_TYPE, last_modified=midday(day)))


def stub(chrome: Chrome, title: str, crumbs: list[tuple[str | None, str]]) -> str:
    """Return an unrelated column page (新闻, 办事服务, 指南 …) with a little text."""
    inner = (
        f'<div class="row content_bg_02 pad_xl">\n{breadcrumb(crumbs)}<h1>{escape(title)}</h1>\n'
        f"<p>本栏目发布{escape(title)}相关信息。</p>\n</div>\n"
    )
    return page(chrome, title, title, inner)


def synthetic_entries(site: SiteInfo, names: AgencyNames, total: int, lookalike_count: int) -> list[Entry]:
    """Return a small site's column: `total` synthetic reports of its region's bodies and a few look-alikes."""
    reports = [
        Entry(r.title, KIND_REPORT, r.published, r.facts.agency, r.blocks, r.facts)
        for r in synthetic_reports(site.key, names, (None, 0), total)
    ]
    others = lookalikes(site.name, site.short)[:lookalike_count]
    return reports + [lookalike_entry(item) for item in others]
