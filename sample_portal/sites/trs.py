"""TRS WCM sites: saihan (static index_N.html pager, one report page rendered per request with a view counter) and
lingwu (list inside an HTML comment)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from html import escape

from ..attached import DOCX_ONLY, PDF_COPY, PDF_ONLY, AttachedCase
from ..model import KIND_MISSING, AttachedFile, Document, DynamicRoute, Portal, Request, Response, midday
from ..synthetic import AgencyNames
from .chrome import SiteMap, add_navigation, nav_html
from .column import ColumnPlan, column_documents, pages
from .common import LINGWU, SAIHAN, SiteInfo, body_html, font_bar, footer_html, head_meta, iso, qr_widget, tools_html

CONTENT_TYPE = "text/html; charset=utf-8"
PAGE_SIZE = 10
CHINA_TIME = timezone(timedelta(hours=8))
WEEKDAYS = "一二三四五六日"
VIEWS_BEFORE = 1_268  # the counted page's 浏览次数 before the portal's first answer
PAGER_JS = """<script type="text/javascript">
function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt){
  if(_nPageCount == null || _nPageCount<=1){ return; }
  var s = "";
  for (var i = 0; i < _nPageCount; i++) {
    var href = i == 0 ? _sPageName + "." + _sPageExt : _sPageName + "_" + i + "." + _sPageExt;
    s += (i == _nCurrIndex) ? "<span>" + (i + 1) + "</span> " : "<a href=\\"" + href + "\\">" + (i + 1) + "</a> ";
  }
  document.write("共" + _nPageCount + "页 " + s);
}
</script>"""
COMMENT_PAGER_JS = """<script type="text/javascript">
// list items are shipped inside an HTML comment and written into the page by script
function createPageHTML(divName,_nPageCount, _nCurrIndex, _sPageName, _sPageExt,_nPageSum){
  if(_nPageCount == null || _nPageCount<1){ return; }
  var s = "";
  for (var i = 1; i <= _nPageCount; i++) {
    var href = i == 1 ? _sPageName + "." + _sPageExt : _sPageName + "_" + i + "." + _sPageExt;
    s += (i == _nCurrIndex) ? "<span>" + i + "</span> " : "<a href=\\"" + href + "\\">" + i + "</a> ";
  }
  document.getElementById(divName).innerHTML = "共" + _nPageSum + "条 " + s;
}
</script>"""


@dataclass(frozen=True)
class TrsSite:
    """A TRS site: its identity, navigation, column and template quirks."""

    info: SiteInfo
    paths: SiteMap
    plan: ColumnPlan
    column_dir: str
    list_name: str
    ext: str
    comment_list: bool  # lingwu: list and pager inside an HTML comment, 1-based pages
    qr_in_body: bool
    print_twice: bool
    counted: str | None = None  # title of the report page served with a view counter and today's date

    def list_path(self, page: int) -> str:
        """Return the path of list page `page` (0-based)."""
        if page == 0:
            return f"{self.column_dir}{self.list_name}.{self.ext}"
        number = page + 1 if self.comment_list else page
        return f"{self.column_dir}{self.list_name}_{number}.{self.ext}"

    def is_list_path(self, path: str) -> bool:
        """Tell whether a path is one of the column's list pages (detail pages sit in subfolders)."""
        folder, name = path.rsplit("/", 1)
        return folder + "/" == self.column_dir and name.startswith(self.list_name) and name.endswith("." + self.ext)


def _relative(site: TrsSite, doc: Document) -> str:
    """Return a detail link as TRS writes it, relative to the column folder."""
    return "./" + doc.path[len(site.column_dir) :] if doc.path.startswith(site.column_dir) else doc.path


def _list_items(site: TrsSite, docs: list[Document]) -> str:
    """Return the <li> entries of one list page."""
    tag = "b" if site.comment_list else "span"
    return "\n".join(
        f'<li><a href="{d.path if site.comment_list else _relative(site, d)}" target="_blank" title="{escape(d.title)}">{escape(d.title)}</a>'
        f"<{tag}>{iso(d.list_date)}</{tag}></li>"
        for d in docs
    )


def _pager_call(site: TrsSite, page: int, count: int, total: int) -> str:
    """Return the createPageHTML call of a list page."""
    if site.comment_list:
        return (
            f"<script>createPageHTML('page_div',{count}, {page + 1},'{site.list_name}','{site.ext}',{total});</script>"
        )
    return f'<script>createPageHTML({count}, {page}, "{site.list_name}", "{site.ext}");</script>'


def list_page(site: TrsSite, docs: list[Document], page: int, count: int, total: int) -> str:
    """Return one list page of the 年报 column."""
    items = _list_items(site, docs)
    pager = _pager_call(site, page, count, total)
    if site.comment_list:
        listing = (
            f'<input id="page" type="hidden" value="{page + 1}"><ul class="zwgklist">\n<!--\n{items}\n'
            f'<script type="text/javascript" src="/lingwu/js/page.js"></script>{pager}-->\n</ul>'
            '<div class="page"><div id="page_div"></div></div>'
        )
        script = COMMENT_PAGER_JS
    else:
        listing = f'<ul class="list">\n{items}\n</ul><div class="page">{pager}</div>'
        script = PAGER_JS
    crumb = (
        f'<div class="crumb"><a href="{site.paths.home}">首页</a> &gt; <a href="{site.paths.zwgk}">政府信息公开</a>'
        f" &gt; {site.paths.column_text}</div>"
    )
    return (
        f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{site.paths.column_text}_{site.info.name}</title>"
        f'<meta name="ColumnName" content="{site.paths.column_text}">{script}</head><body>'
        f'{nav_html(site.info, site.paths)}<div class="main">{crumb}<div class="list_box">{listing}</div></div>'
        f"{footer_html(site.info)}</body></html>"
    )


def _related(site: TrsSite, doc: Document, column: list[Document]) -> str:
    """Return the 相关链接 list (neighbouring entries and the guide)."""
    others = [d for d in column if d.path != doc.path and d.kind != KIND_MISSING][:3]
    links = "".join(f'<li><a href="{d.path}">{escape(d.title)}</a></li>' for d in others)
    links += f'<li><a href="{site.paths.guide}">政府信息公开指南</a></li>'
    return f'<div class="related"><h3>相关链接</h3><ul>{links}</ul></div>'


def _body_views(site: TrsSite, doc: Document) -> str:
    """Return the body container(s): screen view and, for some sites, a hidden print view."""
    inner = body_html(doc.blocks)
    if site.qr_in_body:
        inner += qr_widget()
    screen = f'<div class="article_content"><div class="TRS_Editor">{inner}</div></div>'
    if not site.print_twice:
        return screen
    return (
        screen + '<div id="printContent" style="display:none"><div class="article_content">'
        f'<div class="TRS_Editor">{inner}</div></div></div>'
    )


def _appendix(doc: Document) -> str:
    """Return the 附件 box under the body: one link per attached file, relative like TRS writes it."""
    if not doc.files:
        return ""
    links = "".join(
        f'<p><a href="./{f.path.rsplit("/", 1)[-1]}" target="_blank">{escape(f.label)}</a></p>' for f in doc.files
    )
    return f'<div class="appendix">{links}</div>'


def today_bar(today: date) -> str:
    """Return the header line showing the day of the visit, as dynamic CMS pages print it."""
    return f'<div class="top_date">今天是：{today.year}年{today.month}月{today.day}日 星期{WEEKDAYS[today.weekday()]}</div>'


def detail_page(
    site: TrsSite, doc: Document, column: list[Document], *, views: int | None = None, today: date | None = None
) -> str:
    """Return a TRS detail page with its boilerplate (a dynamic page also shows its 浏览次数 and today's date)."""
    pub_time = f"{doc.published.isoformat()} 09:{10 + doc.published.day:02d}" if doc.published else None
    info = f"<span>发布时间：{doc.published.isoformat()}</span>" if doc.published else ""
    info += f"<span>来源：{escape(doc.source)}</span>"
    info += f"<span>浏览次数：{views}</span>" if views is not None else ""
    info += font_bar()
    crumb = (
        f'<div class="crumb"><a href="{site.paths.home}">首页</a> &gt; <a href="{site.paths.zwgk}">政府信息公开</a>'
        f' &gt; <a href="{site.paths.column}">{site.paths.column_text}</a></div>'
    )
    qr_outside = "" if site.qr_in_body else qr_widget()
    return (
        f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>{escape(doc.title)}_{site.info.name}</title>\n'
        f"{head_meta(site.info, doc, site.paths.column_text, pub_time)}</head><body>"
        f'{today_bar(today) if today else ""}{nav_html(site.info, site.paths)}<div class="main">{crumb}<div class="article">'
        f'<h1 class="article_title">{escape(doc.title)}</h1><div class="article_info">{info}</div>'
        f"{_body_views(site, doc)}{_appendix(doc)}{qr_outside}{tools_html()}{_related(site, doc, column)}</div></div>"
        f"{footer_html(site.info)}</body></html>"
    )


def utc_now() -> datetime:
    """Return the current time in UTC."""
    return datetime.now(UTC)


def counted_page(
    site: TrsSite, doc: Document, column: list[Document], clock: Callable[[], datetime] = utc_now
) -> DynamicRoute:
    """Serve a report page rendered on each request: its 浏览次数 counts the answers, its header shows today."""

    def handle(request: Request) -> Response:
        now = clock().replace(microsecond=0)
        html = detail_page(
            site, doc, column, views=VIEWS_BEFORE + request.previous + 1, today=now.astimezone(CHINA_TIME).date()
        )
        return Response(html.encode(), CONTENT_TYPE, last_modified=now)

    return handle


def list_routes(site: TrsSite, listed: list[Document], modified: datetime) -> dict[str, Response]:
    """Return the column's list pages (path → answer) for the documents it lists, newest first."""
    chunks = pages(listed, PAGE_SIZE)
    routes = {
        site.list_path(index): Response(
            list_page(site, docs, index, len(chunks), len(listed)).encode(), CONTENT_TYPE, last_modified=modified
        )
        for index, docs in enumerate(chunks)
    }
    if site.comment_list:  # some sites also answer the _1 name with the first page
        routes[f"{site.column_dir}{site.list_name}_1.{site.ext}"] = routes[site.list_path(0)]
    return routes


def add_site(portal: Portal, site: TrsSite) -> None:
    """Register every page of a TRS site."""
    add_navigation(portal, site.info, site.paths, CONTENT_TYPE)
    column = column_documents(site.plan, lambda day, doc_id: detail_path(site, day, doc_id))
    portal.documents.extend(column)
    portal.regions[site.info.key] = site.info.region
    portal.routes.update(list_routes(site, column, midday(column[0].sort_date)))
    for doc in column:
        if doc.title == site.counted:
            portal.dynamic[doc.path] = counted_page(site, doc, column)
        elif doc.kind != KIND_MISSING and doc.listed_file is None:
            html = detail_page(site, doc, column)
            portal.add(doc.path, Response(html.encode(), CONTENT_TYPE, last_modified=midday(doc.sort_date)))
        for attached in doc.files:
            portal.add(attached.path, file_response(attached, doc))


def file_response(attached: AttachedFile, doc: Document) -> Response:
    """Return the answer serving an attached file (its own Content-Type, a download file name)."""
    name = attached.path.rsplit("/", 1)[-1]
    return Response(
        attached.body,
        attached.content_type,
        last_modified=midday(doc.sort_date),
        extra_headers=(("Content-Disposition", f'attachment; filename="{name}"'),),
    )


def detail_path(site: TrsSite, day: date, doc_id: int) -> str:
    """Return a detail URL path in the site's TRS pattern."""
    if site.comment_list:
        return f"{site.column_dir}{day:%Y%m}/{doc_id}.{site.ext}"
    return f"{site.column_dir}{day:%Y%m}/t{day:%Y%m%d}_{doc_id}.{site.ext}"


def saihan() -> TrsSite:
    """呼和浩特市赛罕区人民政府: static pager, body printed twice."""
    paths = SiteMap(
        "/saihan/index.html",
        "/saihan/xwzx/index.html",
        "/saihan/bsfw/index.html",
        "/saihan/zwgk/index.html",
        "/saihan/zwgk/zfxxgkzn/index.html",
        "/saihan/zwgk/zfxxgkzd/index.html",
        "/saihan/zwgk/fdzdgknr/index.html",
        "/saihan/zwgk/zfxxgknb/index.html",
        "政府信息公开年报",
        (("https://www.gov.cn/", "中国政府网"), ("https://www.nmg.gov.cn/", "内蒙古自治区人民政府")),
    )
    names = AgencyNames("呼和浩特市赛罕区人民政府", "赛罕区", "国家税务总局呼和浩特市赛罕区税务局")
    plan = ColumnPlan(
        SAIHAN,
        names,
        "saihan-minzheng-2019",
        "赛罕区民政局2019年政府信息公开工作年度报告",
        date(2020, 1, 16),
        (("赛罕区城市管理综合执法局2020年政府信息公开工作年度报告", date(2021, 1, 22)),),
        first_id=7401,
        half_width=True,
        attached=(AttachedCase(DOCX_ONLY, "交通运输局", 2022, "2021", date(2023, 1, 18)),),
    )
    return TrsSite(
        SAIHAN,
        paths,
        plan,
        "/saihan/zwgk/zfxxgknb/",
        "index",
        "html",
        comment_list=False,
        qr_in_body=False,
        print_twice=True,
        counted="赛罕区市场监督管理局2019年度政府信息公开工作年度报告",
    )


def lingwu() -> TrsSite:
    """灵武市人民政府: list inside an HTML comment, QR widget inside the body."""
    paths = SiteMap(
        "/lingwu/index.html",
        "/lingwu/xwzx/index.shtml",
        "/lingwu/bsfw/index.shtml",
        "/lingwu/xxgk/index.shtml",
        "/lingwu/xxgk/c104220/zwgklist.shtml",
        "/lingwu/xxgk/c104221/zwgklist.shtml",
        "/lingwu/xxgk/c104222/zwgklist.shtml",
        "/lingwu/xxgk/c104223/zwgklist.shtml",
        "政府信息公开年度报告",
        (("https://www.gov.cn/", "中国政府网"), ("https://www.nx.gov.cn/", "宁夏回族自治区人民政府")),
    )
    names = AgencyNames("灵武市人民政府", "灵武市", "国家税务总局灵武市税务局")
    plan = ColumnPlan(
        LINGWU,
        names,
        "lingwu-minzheng-2024",
        "灵武市民政局2024年政府信息公开工作年度报告",
        date(2025, 1, 21),
        synthetic_count=19,
        first_id=4589130,
        half_width=True,
        attached=(
            AttachedCase(PDF_ONLY, "交通运输局", 2022, "2021", date(2023, 1, 16)),
            AttachedCase(PDF_COPY, "住房和城乡建设局", 2023, "2021", date(2024, 1, 25)),
        ),
    )
    return TrsSite(
        LINGWU,
        paths,
        plan,
        "/lingwu/xxgk/c104223/",
        "zwgklist",
        "shtml",
        comment_list=True,
        qr_in_body=True,
        print_twice=False,
    )
