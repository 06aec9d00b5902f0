"""Issue 12, discovery: department platforms, links only in script, script-only pagers, fallbacks, overrides.

Real markup: tests/files/portals/pingtan-departments/ (excerpts of the Pingtan portal, SOURCE.md there).
"""

import asyncio

import pytest
from crawl_helpers import html_response, reports_crawler, saved, text_response
from scrapy.http import Request

from crawler.discovery import (
    Link,
    find_directory_links,
    find_disclosure_links,
    find_platform_links,
    find_report_columns,
    find_search_form,
    iter_links,
    load_tree,
    resolve_template,
)
from crawler.listing import parse_list
from crawler.sitemaps import column_urls, robots_sitemaps, sitemap_locations
from crawler.spiders.reports import ReportsSpider
from sample_files import PORTAL_PAGES

DEPARTMENTS = PORTAL_PAGES / "pingtan-departments"
ZFXXGK_URL = "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/nlist.htm"
DIRECTORY_URL = "https://www.pingtan.gov.cn/zwgk/zfxxgk/dfbmptlj/"
PLATFORM = "https://www.pingtan.gov.cn/zwgk/zfxxgk/dfbmptlj/ptzhsyqbm/ptzhsyqczj/"
DEPARTMENT_COLUMN_URL = PLATFORM + "zfxxgknb/"


def tree_of(name: str):
    return load_tree(saved(DEPARTMENTS / name))


# --- 1. department platforms: the 地方部门<br>平台链接 menu entry and the directories -------------------------


def test_real_menu_links_department_platforms_as_a_directory():
    tree = tree_of("zfxxgk-menu.html")
    assert find_directory_links(tree, ZFXXGK_URL) == [Link(DIRECTORY_URL, "地方部门平台链接")]
    # followed as a directory only: not also as a hub, not as a column
    assert [link.url for link in find_disclosure_links(tree, ZFXXGK_URL)] == [
        "https://www.pingtan.gov.cn/zwgk/zfxxgk/fdzdgknr/"
    ]
    assert find_report_columns(tree, ZFXXGK_URL) == []  # the 年报 link is this page itself


@pytest.mark.parametrize(
    ("anchor", "expected"),
    [
        ('<a href="/zwgk/bmxxgk/">部门信息公开</a>', "http://www.x.gov.cn/zwgk/bmxxgk/"),
        ('<a href="/a/">区县信息公开</a>', "http://www.x.gov.cn/a/"),
        ('<a href="/b/">乡镇（街道）信息公开</a>', "http://www.x.gov.cn/b/"),
        ('<a href="/c/">部门平台</a>', "http://www.x.gov.cn/c/"),
        ('<a href="/d/">区县平台</a>', "http://www.x.gov.cn/d/"),
        ('<a href="/zwgk/zfxxgk/dfbmptlj/index.html">链接</a>', "http://www.x.gov.cn/zwgk/zfxxgk/dfbmptlj/index.html"),
        ('<a href="/zwgk/zfxxgk/dfbmptlj/ptzhsyqbm/">区直部门</a>', None),  # a group below the directory
        ('<a href="/zwgk/bmxxgk/zfxxgknb/">部门信息公开年报</a>', None),  # a column
        ('<a href="/zwgk/gzdt/">工作动态</a>', None),
    ],
)
def test_directory_links_table(anchor, expected):
    found = find_directory_links(load_tree(f"<html><body>{anchor}</body></html>"), "http://www.x.gov.cn/index.html")
    assert [link.url for link in found] == ([expected] if expected else [])


def test_real_directory_page_lists_its_groups_not_outside_sites_or_the_way_back():
    url = "https://www.pingtan.gov.cn/zwgk/zfxxgk/dfbmptlj/ggqsydw/"
    assert [link.url for link in find_platform_links(tree_of("directory-ggqsydw.html"), url)] == [
        url + "wwsjk/",
        url + "jy/",
    ]


# --- 2. links only in script: attribute bindings and script literals ---------------------------------------


def test_real_department_menu_column_exists_only_as_an_avalon_binding():
    tree = tree_of("department-menu.html")
    assert not [a for a in tree.iter("a") if "zfxxgknb" in (a.get("href") or "")]
    assert find_report_columns(tree, DEPARTMENT_COLUMN_URL.replace("zfxxgknb/", "")) == [
        Link(DEPARTMENT_COLUMN_URL, "政府信息公开年报", "binding")
    ]
    bound = [link.url for _, link in iter_links(tree, PLATFORM) if link.via == "binding"]
    assert bound == [PLATFORM + "zfxxgkzn/", DEPARTMENT_COLUMN_URL, PLATFORM + "zfxxgksq/"]  # el.url, logoutUrl: none


def test_paths_template_is_the_page_url_split_on_slashes():
    assert resolve_template("/zwgk/zfxxgk/{{paths[5]}}/{{ paths[6] }}/zfxxgknb/", PLATFORM) == (
        "/zwgk/zfxxgk/dfbmptlj/ptzhsyqbm/zfxxgknb/"
    )
    assert resolve_template("/list/{{el.id}}/", PLATFORM) is None  # not knowable without running the page
    assert resolve_template("/a/{{paths[40]}}/", PLATFORM) is None


@pytest.mark.parametrize(
    ("anchor", "expected"),
    [
        ("<a :href=\"'/ptgov/bm/cz/zfxxgknb/'\">年报</a>", "http://h/ptgov/bm/cz/zfxxgknb/"),
        ('<a v-bind:href="/ptgov/bm/cz/zfxxgknb/index.html">年报</a>', "http://h/ptgov/bm/cz/zfxxgknb/index.html"),
        ('<a ng-href="/ptgov/{{dept}}/zfxxgknb/">年报</a>', None),
        ('<a data-href="./zfxxgknb/">年报</a>', "http://h/ptgov/bm/cz/zfxxgknb/"),
        ('<a ms-attr-href="el.url">年报</a>', None),
        ("<a :href=\"base + '/zfxxgknb/'\">年报</a>", None),
    ],
)
def test_binding_table(anchor, expected):
    found = find_report_columns(load_tree(f"<html><body>{anchor}</body></html>"), "http://h/ptgov/bm/cz/index.html")
    assert [link.url for link in found] == ([expected] if expected else [])


def test_column_written_only_in_a_script_literal():
    page = """<html><body><script>var menu = [{name: "公开指南", url: "/ptgov/bm/cz/zfxxgkzn/"},
    {name: "年报", url: "/ptgov/bm/cz/zfxxgknb/index.html"}, {img: "/images/a.png"}];
    var other = "https://elsewhere.cn/zfxxgknb/";</script></body></html>"""
    assert find_report_columns(load_tree(page), "http://h/ptgov/bm/cz/index.html") == [
        Link("http://h/ptgov/bm/cz/zfxxgknb/index.html", "", "script")
    ]


# --- 3. a pager written only by script --------------------------------------------------------------------

SCRIPT_PAGER = r"""<html><body><ul>
<li><a href="./t20240105_1.html">某局2023年政府信息公开工作年度报告</a><span>2024-01-05</span></li></ul>
<script>
var countPage = 3//共多少页
if(countPage>1){for(var i=1;i<countPage;i++){
document.write("<span><a href=\"index"+"_" + i + "."+"html\">"+(i+1)+"</a></span>");}}
</script></body></html>"""


def test_count_page_and_document_write_pager():
    page = parse_list(SCRIPT_PAGER, "http://h/ptgov/bm/cz/zfxxgknb/index.html", max_pages=51)
    assert page.next_pages == [
        "http://h/ptgov/bm/cz/zfxxgknb/index_1.html",
        "http://h/ptgov/bm/cz/zfxxgknb/index_2.html",
    ]
    capped = parse_list(SCRIPT_PAGER, "http://h/ptgov/bm/cz/zfxxgknb/index.html", max_pages=2)
    assert capped.next_pages == ["http://h/ptgov/bm/cz/zfxxgknb/index_1.html"]


def test_page_count_without_a_written_link_is_no_pager():
    page = parse_list("<html><script>var pageCount = 9;</script></html>", "http://h/a/index.html", max_pages=51)
    assert page.next_pages == []


# --- fallbacks: sitemaps and site search ------------------------------------------------------------------


def test_robots_sitemaps_within_the_seed_site_only():
    robots = (
        "User-agent: *\nDisallow: /admin/\nSitemap: http://h/ptmap/sitemap.xml\nsitemap: http://h/other/sitemap.xml\n"
    )
    assert robots_sitemaps(robots, "http://h/ptmap/") == ["http://h/ptmap/sitemap.xml"]


def test_sitemap_columns_and_index():
    urlset = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>http://h/ptmap/index.html</loc></url>
<url><loc>http://h/ptmap/zwgk/zfxxgknb/index.html</loc></url>
<url><loc>http://h/ptmap/zwgk/zfxxgknb/202401/t20240105_1.html</loc></url>
<url><loc>http://h/other/zfxxgknb/</loc></url></urlset>"""
    locations, is_index = sitemap_locations(urlset)
    assert not is_index and len(locations) == 4
    assert column_urls(locations, "http://h/ptmap/") == ["http://h/ptmap/zwgk/zfxxgknb/index.html"]
    index = b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>http://h/ptmap/s1.xml</loc></sitemap></sitemapindex>'
    assert sitemap_locations(index) == (["http://h/ptmap/s1.xml"], True)
    assert sitemap_locations(b"not xml at all") == ([], False)


def test_search_form_on_home_page():
    page = """<html><body><form action="/ptsearch/search.html" method="get"><input type="hidden" name="site" value="pt">
    <input type="text" name="searchword"><button>搜索</button></form>
    <form method="post" action="/login"><input name="q"></form></body></html>"""
    assert find_search_form(load_tree(page), "http://h/ptsearch/index.html") == (
        "http://h/ptsearch/search.html?site=pt&searchword={query}"
    )
    assert find_search_form(load_tree('<form><input name="username"></form>'), "http://h/") is None


# --- the spider: directory → platform → column, routes recorded, fallbacks --------------------------------


def requests_of(results) -> list[Request]:
    return [r for r in results if isinstance(r, Request)]


def test_spider_follows_directory_then_platforms_then_bound_column(spider):
    menu = html_response(saved(DEPARTMENTS / "zfxxgk-menu.html"), ZFXXGK_URL, route=("home", "政府信息公开"))
    (directory,) = [r for r in requests_of(spider.parse_hub(menu)) if r.callback == spider.parse_directory]
    assert directory.url == DIRECTORY_URL and directory.meta["role"] == "hub"
    assert directory.meta["platform_level"] == 0
    listing = html_response(
        b'<html><body><a href="./ptzhsyqbm/ptzhsyqczj/">\xe8\xb4\xa2\xe6\x94\xbf\xe9\x87\x91\xe8\x9e\x8d\xe5\xb1\x80</a>'
        b'<a href="/zwgk/zfxxgk/dfbmptlj/ptzhsyqbm/ptzhsyqczj/202604/t20260401_1.htm">x</a></body></html>',
        DIRECTORY_URL,
        **directory.meta,
    )
    (platform,) = [r for r in requests_of(spider.parse_directory(listing)) if r.callback == spider.parse_platform]
    assert platform.url == PLATFORM and platform.meta["platform_level"] == 1
    page = html_response(saved(DEPARTMENTS / "department-menu.html"), PLATFORM, **platform.meta)
    results = requests_of(spider.parse_platform(page))
    (column,) = [r for r in results if r.callback == spider.parse_list]
    assert column.url == DEPARTMENT_COLUMN_URL and column.meta["via"] == "binding"
    assert column.meta["route"] == ("home", "政府信息公开", "地方部门平台链接", "财政金融局", "政府信息公开年报")
    assert not [r for r in results if r.callback == spider.parse_platform]  # a platform with a column stops there


def test_column_route_is_kept_in_the_run_stats(spider):
    spider.crawler.stats.open_spider()
    body = SCRIPT_PAGER.encode()
    meta = {"column": DEPARTMENT_COLUMN_URL, "route": ("home", "地方部门平台链接", "财政金融局"), "via": "binding"}
    list(spider.parse_list(html_response(body, DEPARTMENT_COLUMN_URL, **meta)))
    list(spider.parse_list(html_response(body, DEPARTMENT_COLUMN_URL + "index_1.html", **meta)))
    assert spider.crawler.stats.get_value("run/pingtan/columns") == [
        {"column": DEPARTMENT_COLUMN_URL, "route": "home › 地方部门平台链接 › 财政金融局", "via": "binding"}
    ]


def test_fallbacks_of_a_seed_without_column(spider):
    home = html_response(
        b'<html><body><form action="/s/search.html"><input name="searchword"></form></body></html>',
        "https://www.pingtan.gov.cn/index.htm",
        route=("home",),
    )
    list(spider.parse_home(home))
    urls = [r.url for r in spider._fallback_requests(spider.seeds["pingtan"])]
    assert urls[:2] == ["https://www.pingtan.gov.cn/robots.txt", "https://www.pingtan.gov.cn/sitemap.xml"]
    assert urls[2].startswith("https://www.pingtan.gov.cn/s/search.html?searchword=%E6%94%BF%E5%BA%9C")


def test_sitemap_answer_becomes_columns(spider):
    body = b"<urlset><url><loc>https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/nlist.htm</loc></url></urlset>"
    response = text_response(body, "https://www.pingtan.gov.cn/sitemap.xml", seed="pingtan")
    (column,) = requests_of(spider.parse_sitemap(response))
    assert column.callback == spider.parse_list and column.meta["via"] == "sitemap"


def test_seed_columns_are_requested_from_the_start(tmp_path):
    seeds = tmp_path / "s.yaml"
    seeds.write_text(
        "- name: pt\n  start_url: http://a.cn/index.html\n  allowed_domains: [a.cn]\n  columns: [http://a.cn/bm/nb/]\n",
        encoding="utf-8",
    )
    spider = ReportsSpider.from_crawler(reports_crawler(), seeds=str(seeds))

    async def collect():
        return [request async for request in spider.start()]

    home, column = asyncio.run(collect())
    assert home.callback == spider.parse_home
    assert (column.url, column.callback, column.meta["via"], column.meta["column"]) == (
        "http://a.cn/bm/nb/",
        spider.parse_list,
        "seed",
        "http://a.cn/bm/nb/",
    )


def test_a_directory_whose_menu_links_the_main_column_still_lists_its_platforms(spider):
    page = (
        '<html><body><a href="/zwgk/zfxxgk/zfxxgknb/nlist.htm">政府信息公开年报</a>'
        '<a href="./ptzhsyqbm/">区直部门</a><a href="./xzjd/">乡镇街道</a></body></html>'
    ).encode()
    response = html_response(page, DIRECTORY_URL, route=("home",), platform_level=0)
    results = requests_of(spider.parse_directory(response))
    assert [r.url for r in results if r.callback == spider.parse_list] == [
        "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/nlist.htm"
    ]
    assert [r.url for r in results if r.callback == spider.parse_platform] == [
        DIRECTORY_URL + "ptzhsyqbm/",
        DIRECTORY_URL + "xzjd/",
    ]
    deepest = html_response(page, DIRECTORY_URL + "ptzhsyqbm/ptzhsyqczj/", platform_level=2)
    assert not [r for r in requests_of(spider.parse_platform(deepest)) if r.callback == spider.parse_platform]
