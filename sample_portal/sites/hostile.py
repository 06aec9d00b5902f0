"""阿荣旗人民政府, played badly on purpose: a 年报 column full of answers that break crawlers, traps, a few real reports.

The site is crawled as http://localhost:PORT (seeds/hostile_portal.yaml), so that 127.0.0.1 can play
another seed's domain and 127.0.0.2 a domain of no seed; nothing it links ever leaves the machine.
Its robots-down twin is the portal's second port (localhost:PORT2, robots.txt answering 503).
`HostileCase`s say what a crawl must make of each URL; /_truth.json lists them under "hostile".
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from datetime import date
from html import escape

from .. import misbehaviour
from ..model import (
    KIND_REPORT,
    Block,
    DynamicRoute,
    HostileCase,
    Hosts,
    Portal,
    Request,
    Response,
    Streamed,
    midday,
)
from ..synthetic import AgencyNames, synthetic_reports
from .chrome import SITE_BUILT, SiteMap, home_page, nav_html, stub_page
from .common import HOSTILE, body_html, simple_page

HOSTILE_HOST = "localhost"  # the seed's own domain; 127.0.0.1 is another seed's
ELSEWHERE_HOST = "127.0.0.2"  # loopback, in no seed, never listened on: off every seed's domains
HTML = "text/html; charset=utf-8"
PATHS = SiteMap(
    "/hostile/index.html",
    "/hostile/xwzx/index.html",
    "/hostile/bsfw/index.html",
    "/hostile/xxgk/index.html",
    "/hostile/xxgk/zfxxgkzn/index.html",
    "/hostile/xxgk/zfxxgkzd/index.html",
    "/hostile/xxgk/fdzdgknr/index.html",
    "/hostile/xxgk/zfxxgknb/index.html",
    "政府信息公开年报",
)
CALENDAR_COLUMN, CALENDAR_TEXT = "/hostile/cal/1/p1.html", "年度报告"  # the growing number is not the last
CALENDAR_RE = re.compile(r"^/hostile/cal/(\d+)/p1\.html$")
PAGER_COLUMN, PAGER_TEXT = "/hostile/trap/index.html", "公开年报"  # 下一页 to index_N+1, forever
PAGER_RE = re.compile(r"^/hostile/trap/index(?:_(\d+))?\.html$")
LAST_TRAP_PAGE = 1_000_000
LONG_URL_CHARACTERS = 2_200  # over Scrapy's URLLENGTH_LIMIT (2083)
NAMES = AgencyNames("阿荣旗人民政府", "阿荣旗", "国家税务总局阿荣旗税务局")
LIST_DATE = date(2024, 1, 20)
DEPARTMENTS = (
    "发展和改革委员会", "教育局", "科学技术局", "工业和信息化局", "公安局", "司法局", "财政局",
    "人力资源和社会保障局", "自然资源局", "生态环境局", "住房和城乡建设局", "交通运输局", "水利局",
    "农牧局", "商务局", "文化旅游体育局", "退役军人事务局", "应急管理局", "审计局", "林业和草原局",
    "医疗保障局", "统计局", "信访局", "能源局", "乡村振兴局",
)  # fmt: skip
REPORT_PATHS = {
    "plain": "/hostile/nb/202401/t20240115_1001.html",
    "flaky": "/hostile/nb/202401/t20240116_1002.html",
    "moved": "/hostile/nb/202401/t20240117_1003.html",
    "calendar": "/hostile/nb/202401/t20240118_1004.html",
    "pager": "/hostile/nb/202401/t20240119_1005.html",
    "disallowed": "/private/hostile/t20240120_1010.html",
    "robots_down": "/hostile/nb/202401/t20240121_1011.html",
}
MOVED_FROM = "/hostile/go/moved_1003.html"
LONG_LINK = "/hostile/nb/long_" + "9" * LONG_URL_CHARACTERS + ".html"
LONG_TARGET = "/hostile/nb/long_" + "8" * (LONG_URL_CHARACTERS + 800) + ".html"
DATA_URL = "data:text/html;base64,PGgxPuaUv+W6nOS/oeaBr+WFrOW8gOW5tOaKpTwvaDE+"
PART = f"{misbehaviour.SENT_BYTES} of {misbehaviour.ANNOUNCED_BYTES} bytes"
HANG = f"{misbehaviour.HANG_SECONDS:g} s"


def hostile_base(hosts: Hosts) -> str:
    """Return the base URL the hostile site is crawled at (http://localhost:PORT)."""
    return f"http://{HOSTILE_HOST}:{hosts.port}"


def robots_down_base(hosts: Hosts) -> str:
    """Return the base URL of the hostile site's robots-down twin (http://localhost:PORT2)."""
    return f"http://{HOSTILE_HOST}:{hosts.robots_down_port}"


def elsewhere_url(hosts: Hosts) -> str:
    """Return a URL on a loopback host of no seed (never contacted by a correct crawl)."""
    return f"http://{ELSEWHERE_HOST}:{hosts.port}/hostile/elsewhere.html"


# --------------------------------------------------------------------------- the cases

CASES = (
    HostileCase(REPORT_PATHS["plain"], "report", "", "a genuine report"),
    HostileCase(REPORT_PATHS["flaky"], "report", "", "a genuine report answering 503 every other time"),
    HostileCase(REPORT_PATHS["moved"], "report", "", f"a genuine report, linked as {MOVED_FROM} (301)"),
    HostileCase(REPORT_PATHS["calendar"], "report", "", "a genuine report on the calendar trap's first page"),
    HostileCase(REPORT_PATHS["pager"], "report", "", "a genuine report on the index_N trap's first page"),
    HostileCase("/hostile/nb/always500.html", "fetch_failed", "HTTP 500", "always answers 500"),
    HostileCase("/hostile/nb/reset.html", "fetch_failed", "connection reset", f"TCP reset after {PART}"),
    HostileCase(
        "/hostile/nb/truncated.html",
        "fetch_failed",
        f"connection lost after {misbehaviour.SENT_BYTES} bytes",
        f"connection closed after {PART}",
    ),
    HostileCase("/hostile/nb/hang_head.html", "fetch_failed", "timed out", f"says nothing for {HANG}"),
    HostileCase("/hostile/nb/hang_body.html", "fetch_failed", "timed out", f"stalls {HANG} after {PART}"),
    HostileCase(
        "/hostile/nb/huge.html",
        "too_large",
        f"too large: {misbehaviour.HUGE_BYTES} bytes",
        "50 MB, its Content-Length announced",
    ),
    HostileCase("/hostile/nb/huge_chunked.html", "too_large", "too large", "50 MB chunked, no Content-Length"),
    HostileCase("/hostile/nb/bomb.html", "too_large", "after decompression", "gzip bomb: 430 KB unpacking to 105 MB"),
    HostileCase("/hostile/nb/garbage.html", "unreadable", "undecodable", "64 KB of random bytes served as text/html"),
    HostileCase("/hostile/go/offsite.html", "off_scope", "off-scope redirect to http://127.0.0.2", "302 off-domain"),
    HostileCase(
        "/hostile/go/neighbour.html", "off_scope", "off-scope redirect to http://127.0.0.1", "302 into another seed"
    ),
    HostileCase("/hostile/go/loop_a.html", "bad_redirect", "redirect loop", "302 to loop_b, which 302s back"),
    HostileCase("/hostile/go/self.html", "bad_redirect", "redirect to itself", "302 to itself"),
    HostileCase("/hostile/go/file.html", "bad_redirect", "file:///etc/passwd", "302 to a file: URL"),
    HostileCase("/hostile/go/data.html", "bad_redirect", "data:text/html", "302 to a data: URL"),
    HostileCase(
        "/hostile/go/refresh.html", "off_scope", "off-scope meta refresh to http://127.0.0.2", "meta refresh off-domain"
    ),
    HostileCase(LONG_LINK, "url_too_long", "URL too long", f"a link of over {LONG_URL_CHARACTERS} characters"),
    HostileCase("/hostile/go/long.html", "url_too_long", "redirect to a URL too long", "302 to a 3000-character URL"),
    HostileCase(REPORT_PATHS["disallowed"], "robots", "disallowed by robots.txt", "a report under Disallow: /private/"),
    HostileCase(
        REPORT_PATHS["robots_down"],
        "robots",
        "robots.txt unreachable (HTTP 503)",
        "a report on the host whose robots.txt answers 503",
        host="robots_down",
    ),
    HostileCase(
        "/hostile/cal/", "trap", "growing number", "calendar trap: 下一页 from /cal/N/ to /cal/N+1/", prefix=True
    ),
    HostileCase("/hostile/trap/", "budget", "list pages", "index_N trap: 下一页 to index_N+1, forever", prefix=True),
)


def case_url(case: HostileCase, hosts: Hosts) -> str:
    """Return the absolute URL (or URL prefix) of a case."""
    base = robots_down_base(hosts) if case.host == "robots_down" else hostile_base(hosts)
    return base + case.path


def hostile_truth(portal: Portal, hosts: Hosts) -> list[dict]:
    """Return the truth entries of the hostile site: url (or url_prefix), expect, reason_contains, what."""
    return [
        {
            ("url_prefix" if case.prefix else "url"): case_url(case, hosts),
            "expect": case.expect,
            "reason_contains": case.reason_contains,
            "what": case.what,
        }
        for case in portal.hostile
    ]


# --------------------------------------------------------------------------- pages


def report_page(title: str, published: date, blocks: tuple[Block, ...]) -> str:
    """Return a detail page holding a report (TRS-like markup)."""
    body = (
        f'{nav_html(HOSTILE, PATHS)}<div class="main"><div class="article">'
        f'<h1 class="article_title">{escape(title)}</h1>'
        f'<div class="article_info"><span>发布时间：{published.isoformat()}</span></div>'
        f'<div class="article_content"><div class="TRS_Editor">{body_html(blocks)}</div></div></div></div>'
    )
    return simple_page(HOSTILE, f"{title}_{HOSTILE.name}", body)


def list_page(column_text: str, entries: list[tuple[str, str]], pager: str = "") -> str:
    """Return a column list page: (href, title) entries dated like a CMS list, and a pager."""
    items = "\n".join(
        f'<li><a href="{escape(href)}" target="_blank" title="{escape(title)}">{escape(title)}</a>'
        f"<span>{LIST_DATE.isoformat()}</span></li>"
        for href, title in entries
    )
    body = (
        f'{nav_html(HOSTILE, PATHS)}<div class="main"><div class="crumb"><a href="{PATHS.home}">首页</a> &gt; '
        f'<a href="{PATHS.zwgk}">政府信息公开</a> &gt; {column_text}</div>'
        f'<ul class="list">\n{items}\n</ul><div class="page">{pager}</div></div>'
    )
    return simple_page(HOSTILE, f"{column_text}_{HOSTILE.name}", body)


def hub_page() -> str:
    """Return the 政府信息公开 page linking the guide and the three 年报 columns."""
    links = (
        (PATHS.guide, "政府信息公开指南"),
        (PATHS.column, PATHS.column_text),
        (CALENDAR_COLUMN, CALENDAR_TEXT),
        (PAGER_COLUMN, PAGER_TEXT),
    )
    menu = "".join(f'<li><a href="{href}">{text}</a></li>' for href, text in links)
    body = f'{nav_html(HOSTILE, PATHS)}<div class="main"><ul class="xxgk_menu">{menu}</ul></div>'
    return simple_page(HOSTILE, f"政府信息公开_{HOSTILE.name}", body)


def meta_refresh_page(target: str, title: str) -> str:
    """Return a page that sends the browser elsewhere at once."""
    return (
        f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><meta http-equiv="refresh" content="0; url={target}">'
        f"<title>{escape(title)}</title></head><body><p>页面已迁移。</p></body></html>"
    )


def redirect(location: str, status: int = 302) -> Response:
    """Return a redirect answer."""
    return Response(b"", HTML, status=status, extra_headers=(("Location", location),))


def title_of(department: str, year: int = 2023) -> str:
    """Return a report title of one of the banner's departments."""
    return f"阿荣旗{department}{year}年政府信息公开工作年度报告"


# --------------------------------------------------------------------------- routes


def calendar_route(report: tuple[str, str]) -> DynamicRoute:
    """Answer /hostile/cal/N/p1.html: a list page whose 下一页 is /hostile/cal/N+1/p1.html."""

    def answer(request: Request) -> Response:
        match = CALENDAR_RE.match(request.path)
        if not match or not 0 < int(match.group(1)) <= LAST_TRAP_PAGE:
            return Response(b"not found", "text/plain", status=404)
        month = int(match.group(1))
        entries = [report] if month == 1 else []
        pager = f'<a href="/hostile/cal/{month + 1}/p1.html">下一页</a>'
        return Response(list_page(CALENDAR_TEXT, entries, pager).encode(), HTML)

    return answer


def pager_route(report: tuple[str, str]) -> DynamicRoute:
    """Answer /hostile/trap/index_N.html: a list page whose 下一页 is index_N+1, forever."""

    def answer(request: Request) -> Response:
        match = PAGER_RE.match(request.path)
        page = int(match.group(1) or 0) if match else -1
        if not 0 <= page <= LAST_TRAP_PAGE:
            return Response(b"not found", "text/plain", status=404)
        entries = [report] if page == 0 else []
        pager = f'<a href="/hostile/trap/index_{page + 1}.html">下一页</a>'
        return Response(list_page(PAGER_TEXT, entries, pager).encode(), HTML)

    return answer


def flaky_route(page: bytes) -> DynamicRoute:
    """Answer 503 to every other request of a path (the first one included), the page otherwise."""

    def answer(request: Request) -> Response:
        if request.previous % 2 == 0:
            return Response(b"<h1>503 Service Unavailable</h1>", HTML, status=503)
        return Response(page, HTML)

    return answer


def column_route(entries: list[tuple[str, str]], robots_down_entry: tuple[str, str]) -> DynamicRoute:
    """Answer the main 年报 column, whose robots-down entry needs the second port's URL."""

    def answer(request: Request) -> Response:
        path, title = robots_down_entry
        listed = [*entries, (robots_down_base(request.hosts) + path, title)]
        return Response(list_page(PATHS.column_text, listed).encode(), HTML)

    return answer


def column_entries(titles: dict[str, str]) -> list[tuple[str, str]]:
    """Return the main column's (href, title) entries (all but the robots-down one)."""
    departments = iter(DEPARTMENTS)
    links = [REPORT_PATHS["plain"], REPORT_PATHS["flaky"], MOVED_FROM, REPORT_PATHS["disallowed"]]
    entries = [(href, titles[href]) for href in links]
    for case in CASES:
        if case.expect != "report" and case.host == "hostile" and not case.prefix and case.path not in titles:
            entries.append((case.path, title_of(next(departments))))
    return entries


def titled(make: Callable[[str], Response | Streamed], title: str) -> DynamicRoute:
    """Return a route answering `make(title)`, built anew for each request (a 50 MB page is never kept)."""

    def answer(request: Request) -> Response | Streamed:
        return make(title)

    return answer


def offsite_route(request: Request) -> Response:
    """Redirect to a loopback host of no seed."""
    return redirect(elsewhere_url(request.hosts))


def refresh_route(title: str) -> DynamicRoute:
    """Return a route answering a page whose meta refresh leaves for a host of no seed."""

    def answer(request: Request) -> Response:
        return Response(meta_refresh_page(elsewhere_url(request.hosts), title).encode(), HTML)

    return answer


def hang_route(request: Request) -> Streamed:
    """Say nothing for a while."""
    return misbehaviour.hang_before_answer()


def huge(title: str) -> Streamed:
    """The 50 MB page with its length announced."""
    return misbehaviour.huge_page(title, announce_length=True)


def huge_chunked(title: str) -> Streamed:
    """The 50 MB page sent chunked."""
    return misbehaviour.huge_page(title, announce_length=False)


def add_misbehaving(portal: Portal, entries: list[tuple[str, str]]) -> None:
    """Register the answers that misbehave (by path), each under its listed title."""
    titles = dict(entries)
    portal.routes.update(
        {
            "/hostile/nb/always500.html": Response(b"<h1>500 Internal Server Error</h1>", HTML, status=500),
            "/hostile/nb/garbage.html": misbehaviour.binary_garbage(),
            "/hostile/go/loop_a.html": redirect("/hostile/go/loop_b.html"),
            "/hostile/go/loop_b.html": redirect("/hostile/go/loop_a.html"),
            "/hostile/go/self.html": redirect("/hostile/go/self.html"),
            "/hostile/go/file.html": redirect("file:///etc/passwd"),
            "/hostile/go/data.html": redirect(DATA_URL),
            "/hostile/go/long.html": redirect(LONG_TARGET),
            MOVED_FROM: redirect(REPORT_PATHS["moved"], 301),
        }
    )
    made: dict[str, Callable[[str], Response | Streamed]] = {
        "/hostile/nb/reset.html": misbehaviour.reset_mid_body,
        "/hostile/nb/truncated.html": misbehaviour.cut_short,
        "/hostile/nb/hang_body.html": misbehaviour.hang_mid_body,
        "/hostile/nb/huge.html": huge,
        "/hostile/nb/huge_chunked.html": huge_chunked,
        "/hostile/nb/bomb.html": misbehaviour.gzip_bomb,
    }
    portal.dynamic.update({path: titled(make, titles[path]) for path, make in made.items()})
    portal.dynamic["/hostile/nb/hang_head.html"] = hang_route
    portal.dynamic["/hostile/go/offsite.html"] = offsite_route
    portal.dynamic["/hostile/go/refresh.html"] = refresh_route(titles["/hostile/go/refresh.html"])


def add_neighbour_redirect(portal: Portal) -> None:
    """Register the redirect into another seed's domain: a saihan report at http://127.0.0.1:PORT."""
    target = next(d.path for d in portal.documents if d.site == "saihan" and d.kind == KIND_REPORT and not d.files)

    def answer(request: Request) -> Response:
        return redirect(request.base_url + target)

    portal.dynamic["/hostile/go/neighbour.html"] = answer


def genuine_reports() -> dict[str, tuple[str, bytes]]:
    """Return the site's real reports by role: (title, page bytes)."""
    reports = synthetic_reports(HOSTILE.key, NAMES, (None, 0))
    rng = random.Random("hostile/reports")
    chosen = rng.sample(reports, len(REPORT_PATHS))
    return {
        role: (report.title, report_page(report.title, report.published, report.blocks).encode())
        for role, report in zip(REPORT_PATHS, chosen, strict=True)
    }


def add_site(portal: Portal) -> None:
    """Register every page of the hostile site and its cases (after the saihan site, which it redirects into)."""
    built = midday(SITE_BUILT)
    reports = genuine_reports()
    for role, path in REPORT_PATHS.items():
        if role != "flaky":
            portal.add(path, Response(reports[role][1], HTML, last_modified=built))
    portal.dynamic[REPORT_PATHS["flaky"]] = flaky_route(reports["flaky"][1])
    titles = {REPORT_PATHS[role]: title for role, (title, _) in reports.items()} | {MOVED_FROM: reports["moved"][0]}
    entries = column_entries(titles)
    portal.dynamic[PATHS.column] = column_route(entries, (REPORT_PATHS["robots_down"], reports["robots_down"][0]))
    add_misbehaving(portal, entries)
    add_neighbour_redirect(portal)
    portal.prefixes["/hostile/cal/"] = calendar_route((REPORT_PATHS["calendar"], reports["calendar"][0]))
    portal.prefixes["/hostile/trap/"] = pager_route((REPORT_PATHS["pager"], reports["pager"][0]))
    portal.add(PATHS.home, Response(home_page(HOSTILE, PATHS).encode(), HTML, last_modified=built))
    portal.add(PATHS.zwgk, Response(hub_page().encode(), HTML, last_modified=built))
    for path, title in ((PATHS.guide, "政府信息公开指南"), (PATHS.news, "新闻中心"), (PATHS.services, "办事服务")):
        portal.add(path, Response(stub_page(HOSTILE, PATHS, title).encode(), HTML, last_modified=built))
    portal.regions[HOSTILE.key] = HOSTILE.region
    portal.hostile.extend(CASES)
