"""ptmap (a column only the sitemap lists) and ptsearch (a column only the site search finds), over HTTP."""

from __future__ import annotations

import re
import urllib.robotparser
from urllib.parse import urljoin, urlsplit

import lxml.etree
import lxml.html
import pytest
from portal_helpers import fetch

from indexer.errors import NotAReport
from indexer.record import build_record
from sample_portal.portal import build_portal
from sample_portal.sites import ptmap, ptsearch

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
DETAIL = re.compile(r"/t\d{8}_\d+\.htm$")
HINTS = {
    "ptmap": {"province": "福建省", "city": "福州市", "county": "闽侯县"},
    "ptsearch": {"province": "福建省", "city": "福州市", "county": "连江县"},
}
FIELDS = ("agency", "agency_type", "province", "city", "county", "report_year", "format", "stats")


def links(url: str) -> set[str]:
    """The paths a page links with a plain href."""
    tree = lxml.html.fromstring(fetch(url).text)
    return {urlsplit(urljoin(url, a.get("href"))).path for a in tree.iter("a") if a.get("href")}


def site_documents(truth: dict, site: str) -> set[str]:
    """URLs of a site's reports and look-alikes."""
    return {d["url"] for d in truth["reports"] + truth["lookalikes"] if d["site"] == site}


def page_links(url: str) -> list[lxml.html.HtmlElement]:
    """The list entries of a column or results page."""
    return lxml.html.fromstring(fetch(url).text).xpath("//dl/dd/a | //div[@class='search_list']//a")


def site_pages(prefix: str) -> list[str]:
    """The site's static pages other than detail pages."""
    return [p for p in build_portal().routes if p.startswith(prefix) and not DETAIL.search(p)]


# --- ptmap ------------------------------------------------------------------------------------
def test_ptmap_column_is_linked_from_no_page(portal: str) -> None:
    pages = site_pages("/ptmap/")
    assert ptmap.COLUMN in pages
    assert all(not links(portal + p) & {ptmap.COLUMN, ptmap.COLUMN_DIR} for p in pages if p != ptmap.COLUMN)


def test_ptmap_sitemap_lists_the_column_with_absolute_urls(portal: str) -> None:
    answer = fetch(portal + ptmap.SITEMAP)
    assert answer.status == 200 and answer.headers["Content-Type"].startswith("application/xml")
    locs = lxml.etree.fromstring(answer.body).xpath("//s:url/s:loc/text()", namespaces=SITEMAP_NS)
    assert portal + ptmap.COLUMN in locs and portal + ptmap.HOME in locs
    assert all(loc.startswith(portal + "/ptmap/") and fetch(loc).status == 200 for loc in locs)


def test_robots_txt_names_the_sitemap_on_the_running_port(portal: str) -> None:
    parser = urllib.robotparser.RobotFileParser()
    parser.parse(fetch(f"{portal}/robots.txt").text.splitlines())
    assert parser.site_maps() == [portal + ptmap.SITEMAP]
    assert parser.can_fetch("reports-bot", portal + ptmap.COLUMN)
    assert parser.can_fetch("reports-bot", portal + ptsearch.SEARCH + "?searchword=年报")


def test_ptmap_column_lists_every_document(portal: str, truth: dict) -> None:
    listed = {urljoin(portal + ptmap.COLUMN, a.get("href")) for a in page_links(portal + ptmap.COLUMN)}
    assert listed == site_documents(truth, "ptmap") and len(listed) == ptmap.REPORTS + ptmap.LOOKALIKES


# --- ptsearch ---------------------------------------------------------------------------------
def test_ptsearch_home_has_a_get_search_form(portal: str) -> None:
    form = lxml.html.fromstring(fetch(portal + ptsearch.HOME).text).forms[0]
    assert (form.method, form.action) == ("GET", ptsearch.SEARCH)
    assert [i.get("name") for i in form.inputs if i.get("type") == "text"] == ["searchword"]


def test_no_ptsearch_page_leads_to_its_reports(portal: str) -> None:
    assert fetch(portal + ptsearch.COLUMN_DIR + "index.html").status == 404
    assert all(
        not any(p.startswith(ptsearch.COLUMN_DIR) for p in links(portal + page)) for page in site_pages("/ptsearch/")
    )


def search(portal: str, word: str, page: int | None = None) -> lxml.html.HtmlElement:
    """Fetch one results page."""
    query = f"?searchword={word}" + (f"&page={page}" if page else "")
    answer = fetch(portal + ptsearch.SEARCH + query)
    assert answer.status == 200
    return lxml.html.fromstring(answer.text)


def test_search_for_annual_reports_pages_through_every_document(portal: str, truth: dict) -> None:
    first = search(portal, "政府信息公开工作年度报告")
    hits = first.xpath("//div[@class='search_list']//a")
    assert len(hits) == 10 and all(a.getnext().get("class") == "date" for a in hits)
    following = [a.get("href") for a in first.xpath("//div[@class='page']/a")]
    assert following and all("page=2" in href for href in following)
    second = fetch(urljoin(portal + ptsearch.SEARCH, following[0])).text
    found = {portal + a.get("href") for a in hits}
    found |= {portal + a.get("href") for a in lxml.html.fromstring(second).xpath("//div[@class='search_list']//a")}
    assert found == site_documents(truth, "ptsearch") and len(found) == ptsearch.REPORTS + ptsearch.LOOKALIKES


@pytest.mark.parametrize(("word", "count"), [("年报", 10), ("年度报告", 10), ("招标公告", 0), ("", 0)])
def test_other_queries_find_nothing(portal: str, word: str, count: int) -> None:
    assert len(search(portal, word).xpath("//div[@class='search_list']//a")) == count


@pytest.mark.parametrize("site", ["ptmap", "ptsearch"])
def test_indexer_reads_the_small_sites_as_the_truth(truth: dict, site: str) -> None:
    for entry in (r for r in truth["reports"] if r["site"] == site):
        record = build_record(fetch(entry["url"]).body, url=entry["url"], hints=HINTS[site])
        assert {k: record[k] for k in FIELDS} == {k: entry[k] for k in FIELDS}, entry["url"]
    for item in (x for x in truth["lookalikes"] if x["site"] == site):
        with pytest.raises(NotAReport):
            build_record(fetch(item["url"]).body, url=item["url"], hints=HINTS[site])
