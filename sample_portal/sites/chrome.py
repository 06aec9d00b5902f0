"""Navigation pages every played site has: home, 政府信息公开, stub columns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from html import escape

from ..model import Portal, Response, midday
from .common import SiteInfo, simple_page

SITE_BUILT = date(2025, 6, 1)


@dataclass(frozen=True)
class SiteMap:
    """Where a site keeps its navigation pages."""

    home: str  # /saihan/index.html
    news: str
    services: str
    zwgk: str  # 政府信息公开
    guide: str  # 政府信息公开指南
    rules: str  # 政府信息公开制度
    statutory: str  # 法定主动公开内容
    column: str  # 年报 column first page
    column_text: str  # link text of the 年报 column
    external: tuple[tuple[str, str], ...] = (("https://www.gov.cn/", "中国政府网"),)


def nav_html(site: SiteInfo, paths: SiteMap) -> str:
    """Return the header navigation bar."""
    links = [(paths.home, "首页"), (paths.news, "新闻中心"), (paths.zwgk, "政府信息公开"), (paths.services, "办事服务")]
    inner = "".join(f'<li><a href="{href}">{text}</a></li>' for href, text in links)
    outer = "".join(f'<a href="{href}" target="_blank">{text}</a> ' for href, text in paths.external)
    return (
        f'<div class="header"><a name="top"></a><div class="top_links">{outer}</div>'
        f'<div class="logo"><a href="{paths.home}">{site.name}</a></div>'
        f'<ul class="nav">{inner}</ul></div>'
    )


def home_page(site: SiteInfo, paths: SiteMap) -> str:
    """Return a home page with news, services and the 政府信息公开 entry."""
    body = (
        f'{nav_html(site, paths)}<div class="main"><h2>要闻动态</h2><ul>'
        f'<li><a href="{paths.news}">{site.short}召开全区重点项目建设推进会</a></li>'
        f'<li><a href="{paths.news}">{site.short}开展安全生产大检查</a></li></ul>'
        f'<h2>政务公开</h2><p><a href="{paths.zwgk}">政府信息公开</a> '
        f'<a href="{paths.services}">办事服务</a> <a href="https://www.gov.cn/zhengce/">国务院政策文件库</a></p></div>'
    )
    return simple_page(site, site.name, body, site.encoding)


def zwgk_page(site: SiteInfo, paths: SiteMap) -> str:
    """Return the 政府信息公开 page that links to the 年报 column."""
    items = [
        (paths.guide, "政府信息公开指南"),
        (paths.rules, "政府信息公开制度"),
        (paths.statutory, "法定主动公开内容"),
        (paths.column, paths.column_text),
    ]
    menu = "".join(f'<li><a href="{href}">{escape(text)}</a></li>' for href, text in items)
    body = (
        f'{nav_html(site, paths)}<div class="main"><div class="crumb"><a href="{paths.home}">首页</a> &gt; '
        f'政府信息公开</div><ul class="xxgk_menu">{menu}</ul>'
        f'<div class="xxgk_search"><a href="/private/search?site={site.key}">信息检索</a></div></div>'
    )
    return simple_page(site, f"政府信息公开_{site.name}", body, site.encoding)


def stub_page(site: SiteInfo, paths: SiteMap, title: str) -> str:
    """Return an unrelated column page (新闻, 办事服务, 指南 …) with a little text."""
    body = (
        f'{nav_html(site, paths)}<div class="main"><h1>{escape(title)}</h1>'
        f"<p>本栏目发布{escape(title)}相关信息。</p></div>"
    )
    return simple_page(site, f"{title}_{site.name}", body, site.encoding)


def add_navigation(portal: Portal, site: SiteInfo, paths: SiteMap, content_type: str) -> None:
    """Register home, 政府信息公开 and stub pages of a site."""
    modified = midday(SITE_BUILT)

    def add(path: str, html: str) -> None:
        portal.add(path, Response(html.encode(site.encoding), content_type, last_modified=modified))

    add(paths.home, home_page(site, paths))
    add(paths.zwgk, zwgk_page(site, paths))
    for path, title in (
        (paths.news, "新闻中心"),
        (paths.services, "办事服务"),
        (paths.guide, "政府信息公开指南"),
        (paths.rules, "政府信息公开制度"),
        (paths.statutory, "法定主动公开内容"),
    ):
        add(path, stub_page(site, paths, title))
