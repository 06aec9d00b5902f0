"""Home → 政府信息公开 → 年报 column links, found on saved real pages and small tables."""

import pytest
from crawl_helpers import (
    GANSU_LIST_URL,
    PINGTAN_LIST_URL,
    WANZAI_LIST_URL,
    YUANZHOU_LIST_URL,
    saved,
)

from crawler.discovery import (
    Link,
    find_disclosure_links,
    find_report_columns,
    load_tree,
)
from sample_files import PINGTAN, PORTAL_PAGES


def test_pingtan_nav_leads_to_report_column_and_hubs():
    tree = load_tree(saved(PINGTAN / "list-index.html"))
    assert find_report_columns(tree, PINGTAN_LIST_URL) == [
        Link("https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/nlist.htm", "政府信息公开年报")
    ]
    assert [l.url for l in find_disclosure_links(tree, PINGTAN_LIST_URL)] == [
        "https://www.pingtan.gov.cn/zwgk/",
        "https://www.pingtan.gov.cn/zwgk/zfxxgk/",
    ]


def test_gansu_year_links_under_report_heading_are_columns():
    tree = load_tree(saved(PORTAL_PAGES / "gansu-jyt-list.html"))
    columns = find_report_columns(tree, GANSU_LIST_URL)
    assert columns[:2] == [
        Link("https://jyt.gansu.gov.cn/jyt/c250121/zwgklist.shtml", "2024"),
        Link("https://jyt.gansu.gov.cn/jyt/c240106/zwgklist.shtml", "2023"),
    ]
    assert all(link.text.isdigit() for link in columns)
    assert find_disclosure_links(tree, GANSU_LIST_URL) == [
        Link("https://jyt.gansu.gov.cn/jyt/c107268/zwgk.shtml", "政府信息公开")
    ]


def test_breadcrumb_and_menu_disclosure_links():
    yuanzhou = load_tree(saved(PORTAL_PAGES / "yuanzhou-list.html"))
    assert find_disclosure_links(yuanzhou, YUANZHOU_LIST_URL) == [Link("http://www.yzq.gov.cn/zwgk/", "政务公开")]
    wanzai = load_tree(saved(PORTAL_PAGES / "wanzai-list.html"))
    assert [l.text for l in find_disclosure_links(wanzai, WANZAI_LIST_URL)] == ["政务公开", "政府信息公开"]
    assert find_report_columns(wanzai, WANZAI_LIST_URL) == []


PAGE = "http://www.x.gov.cn/index.html"


@pytest.mark.parametrize(
    ("anchor", "expected"),
    [
        ('<a href="/zwgk/zfxxgknb/">政府信息公开年报</a>', "http://www.x.gov.cn/zwgk/zfxxgknb/"),
        ('<a href="/col/col3301/index.html">信息公开年报</a>', "http://www.x.gov.cn/col/col3301/index.html"),
        ('<a href="/a/b/">政务公开年报</a>', "http://www.x.gov.cn/a/b/"),
        ('<a href="/xxgk/ndbg/index.shtml">年度报告</a>', "http://www.x.gov.cn/xxgk/ndbg/index.shtml"),
        ('<a href="/xxgk/xxgknb/">更多</a>', "http://www.x.gov.cn/xxgk/xxgknb/"),
        ('<a href="/zwgk/zfxxgknb/202403/t20240308_1.html">2023年政府信息公开工作年度报告</a>', None),
        ('<a href="/zwgk/gzyd/">政府信息公开工作要点</a>', None),
        ('<a href="javascript:void(0)">政府信息公开年报</a>', None),
    ],
)
def test_column_links_table(anchor, expected):
    columns = find_report_columns(load_tree(f"<html><body>{anchor}</body></html>"), PAGE)
    assert [link.url for link in columns] == ([expected] if expected else [])


@pytest.mark.parametrize(
    ("anchor", "expected"),
    [
        ('<a href="/zwgk/index.html">政务公开</a>', "http://www.x.gov.cn/zwgk/index.html"),
        ('<a href="/xxgk/">政府信息公开</a>', "http://www.x.gov.cn/xxgk/"),
        ('<a href="/zfxxgk/"><img alt="信息公开" src="a.gif"></a>', "http://www.x.gov.cn/zfxxgk/"),
        ('<a href="/zwgk/zfxxgkzn/">政府信息公开指南</a>', None),
        ('<a href="/zwgk/zfxxgknb/">政府信息公开年报</a>', None),
        ('<a href="/news/">新闻中心</a>', None),
    ],
)
def test_disclosure_links_table(anchor, expected):
    links = find_disclosure_links(load_tree(f"<html><body>{anchor}</body></html>"), PAGE)
    assert [link.url for link in links] == ([expected] if expected else [])


def test_path_only_disclosure_links_are_a_fallback():
    html = '<a href="/zwgk/">政务公开</a><a href="/zwgk/ldzc/">领导之窗</a>'
    assert [l.text for l in find_disclosure_links(load_tree(html), PAGE)] == ["政务公开"]
    assert [l.text for l in find_disclosure_links(load_tree('<a href="/zwgk/ldzc/">领导之窗</a>'), PAGE)] == [
        "领导之窗"
    ]
