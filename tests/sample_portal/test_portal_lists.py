"""Discovery and list pagination of each CMS, read the way a crawler must read them."""

from __future__ import annotations

import json
import math
import re
import urllib.parse

import lxml.html
import pytest
from portal_helpers import fetch

SITES = {
    "saihan": "/saihan/index.html",
    "lvyuan": "/lvyuan/index.html",
    "lingwu": "/lingwu/index.html",
    "pingtan": "/pingtan/index.htm",
}
TRS_PAGER = re.compile(r'createPageHTML\((\d+), (\d+), "index", "html"\)')
COMMENT_PAGER = re.compile(r"createPageHTML\('page_div',(\d+), (\d+),'zwgklist','shtml',(\d+)\)")
COMMENT = re.compile(r"<!--(.*?)-->", re.S)
HANWEB_RECORD = re.compile(r"<record><!\[CDATA\[.*?href='([^']+)'", re.S)
HANWEB_NEXT = re.compile(r'<nextgroup><!\[CDATA\[<a href="([^"]+)"')
JPAGE = re.compile(r"jpage\(\{totalRecord:(\d+),perPage:(\d+)\}\)")


def site_urls(truth: dict, site: str) -> set[str]:
    """Every URL the site's column lists, according to the truth (a report in a DOCX is listed by its page)."""
    wrapped = {f["url"]: f["linked_from"] for f in truth["files"] if f["role"] == "report" and f["linked_from"]}
    urls = {wrapped.get(r["url"], r["url"]) for r in truth["reports"] if r["site"] == site}
    urls |= {l["url"] for l in truth["lookalikes"] if l["site"] == site}
    return urls | {u for u in truth["missing"] if f"/{site}/" in u}


def links(html: bytes | str, base: str) -> dict[str, str]:
    """Map link text to absolute URL."""
    tree = lxml.html.fromstring(html)
    return {
        " ".join(a.text_content().split()): urllib.parse.urljoin(base, a.get("href")) for a in tree.xpath("//a[@href]")
    }


def column_url(portal: str, site: str) -> str:
    """Follow home → 政府信息公开 → 年报 column by link text."""
    home = portal + SITES[site]
    zwgk = links(fetch(home).body, home)["政府信息公开"]
    found = links(fetch(zwgk).body, zwgk)
    return next(url for text, url in found.items() if "年报" in text or "年度报告" in text)


@pytest.mark.parametrize("site", ["saihan", "lvyuan", "lingwu"])
def test_home_has_unrelated_and_external_links_and_reaches_the_column(portal, site):
    home = portal + SITES[site]
    found = links(fetch(home).body, home)
    assert "https://www.gov.cn/" in found.values()
    assert fetch(found["新闻中心"]).status == 200 and fetch(found["办事服务"]).status == 200
    zwgk = links(fetch(found["政府信息公开"]).body, found["政府信息公开"])
    for text in ("政府信息公开指南", "政府信息公开制度", "法定主动公开内容"):
        assert fetch(zwgk[text]).status == 200
    assert fetch(column_url(portal, site)).status == 200


def test_pingtan_discovery_reaches_the_real_list_page(portal):
    assert column_url(portal, "pingtan") == f"{portal}/pingtan/zwgk/zfxxgk/zfxxgknb/index.htm"


def test_saihan_trs_pager_covers_the_whole_column(portal, truth):
    first = column_url(portal, "saihan")
    count, current = map(int, TRS_PAGER.search(fetch(first).text).groups())
    assert count >= 3 and current == 0
    seen = set()
    for page in range(count):
        url = first if page == 0 else first.replace("index.html", f"index_{page}.html")
        tree = lxml.html.fromstring(fetch(url).body)
        seen |= {urllib.parse.urljoin(url, a.get("href")) for a in tree.xpath("//ul[@class='list']/li/a")}
    assert fetch(first.replace("index.html", f"index_{count}.html")).status == 404
    assert seen == site_urls(truth, "saihan")


def test_lingwu_list_hidden_in_comment_covers_the_whole_column(portal, truth):
    first = column_url(portal, "lingwu")
    html = fetch(first).text
    assert lxml.html.fromstring(html).xpath("//ul[@class='zwgklist']/li") == []  # nothing outside the comment
    count, current, total = map(int, COMMENT_PAGER.search(html).groups())
    assert count >= 3 and current == 1
    seen = set()
    for page in range(1, count + 1):
        url = first if page == 1 else first.replace("zwgklist.shtml", f"zwgklist_{page}.shtml")
        hidden = "".join(COMMENT.findall(fetch(url).text))
        seen |= {urllib.parse.urljoin(url, href) for href in re.findall(r'href="([^"]+\.(?:shtml|pdf))"', hidden)}
    assert len(seen) == total
    assert seen == site_urls(truth, "lingwu")


def test_lvyuan_hanweb_datastore_and_dataproxy_cover_the_whole_column(portal, truth):
    first = column_url(portal, "lvyuan")
    html = fetch(first).body.decode("gbk")
    total, per_page = map(int, JPAGE.search(html).groups())
    pages = math.ceil(total / per_page)
    assert pages >= 2
    seen = {urllib.parse.urljoin(first, h) for h in HANWEB_RECORD.findall(html)}
    proxy = urllib.parse.urljoin(first, HANWEB_NEXT.search(html).group(1))
    for page in range(2, pages + 1):
        answer = fetch(proxy.replace("page=1", f"page={page}"))
        xml = answer.body.decode("gbk")
        assert f"<totalrecord>{total}</totalrecord>" in xml
        seen |= {urllib.parse.urljoin(first, h) for h in HANWEB_RECORD.findall(xml)}
    assert seen == site_urls(truth, "lvyuan")
    everything = fetch(
        proxy.split("?")[0] + f"?startrecord=1&endrecord={total}&perpage={per_page}",
        method="POST",
        form={"col": "1", "appid": "1", "webid": "12", "path": "/", "columnid": "3301"},
    )
    assert len(HANWEB_RECORD.findall(everything.body.decode("gbk"))) == total


def test_pingtan_search_api_lists_the_whole_column_across_pages(portal, truth):
    api = f"{portal}/pingtan/fjdzapp/search"
    entries, page = [], 1
    while True:
        body = json.loads(
            fetch(
                api,
                method="POST",
                form={"channelid": "200210", "classsql": "chnlid=1813", "page": str(page), "prepage": "5"},
            ).text
        )
        assert body["page"] == page and body["prepage"] == 5
        entries += body["data"]
        if len(entries) >= body["total"] or not body["data"]:
            break
        page += 1
    assert page == 3 and len(entries) == body["total"] == 12
    assert {"doctitle", "chnldocurl", "docreltime"} <= set(entries[0])
    listed = {e["chnldocurl"] for e in entries}
    static_page = f"{portal}/pingtan/zwgk/zfxxgk/zfxxgknb/index.htm"
    static = {
        urllib.parse.urljoin(static_page, a.get("href"))
        for a in lxml.html.fromstring(fetch(static_page).body).xpath("//dl/dd/a[@href]")
    }
    assert len(static) == 10 and static < listed
    assert listed - static == {
        f"{portal}/pingtan/zwgk/zfxxgk/zfxxgknb/201204/t20120420_80678.htm",
        f"{portal}/pingtan/zwgk/zfxxgk/zfxxgknb/201601/t20160112_80445.htm",
    }
    assert listed == site_urls(truth, "pingtan")


def test_pingtan_search_api_other_channel_is_empty(portal):
    body = json.loads(
        fetch(
            f"{portal}/pingtan/fjdzapp/search",
            method="POST",
            form={"channelid": "200210", "classsql": "chnlid=9999", "page": "1", "prepage": "10"},
        ).text
    )
    assert body["total"] == 0 and body["data"] == []
