"""GET /overview: for a region and a year, the counts and tables a watchdog starts from equal what the JSON API
answers for the same question, over a real index of Pingtan's and 绿园区民政局's reports and their registry."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import lxml.html
import pytest
from fastapi.testclient import TestClient

from registry_records import lvyuan_records, pingtan_records, registry_index
from search_api.config import Settings
from search_api.main import create_app

# section -> the /search filters that pick its reports
REPORT_SECTIONS = {
    "published": {},
    "late": {"signal": "late"},
    "failed_checks": {"has_failed_checks": "true"},
    "cross_year": {"signal": "cross_year"},
}


@pytest.fixture(scope="module")
def api(tmp_path_factory) -> TestClient:
    """The app over an index of those reports and their agency registry."""
    path = tmp_path_factory.mktemp("site-overview") / "reports.sqlite"
    registry_index(path, pingtan_records() + lvyuan_records())
    with TestClient(create_app(Settings(reports_db=path))) as client:
        yield client


def page_of(response) -> lxml.html.HtmlElement:
    """The parsed HTML of a page that answered 200."""
    assert response.status_code == 200, response.text[:500]
    return lxml.html.fromstring(response.text)


def count(doc: lxml.html.HtmlElement, section: str) -> int:
    """The count a section shows, checked against its table's rows."""
    (shown,) = doc.cssselect(f"#count-{section}")
    rows = doc.cssselect(f"table#overview-{section} tbody tr")
    assert len(rows) == int(shown.get("data-count")) == int(shown.text_content())
    return len(rows)


@pytest.mark.parametrize(
    "region, year",
    [({}, 2023), ({"province": "吉林省"}, 2021), ({"province": "福建省"}, 2019), ({"county": "绿园区"}, 2022)],
)
def test_counts_equal_the_api(api, region, year):
    doc = page_of(api.get("/overview", params={**region, "report_year": year}))
    assert doc.cssselect("#overview-year")[0].get("data-year") == str(year)
    for section, filters in REPORT_SECTIONS.items():
        params = {**region, "report_year": year, **filters, "size": 1}
        assert count(doc, section) == api.get("/search", params=params).json()["total"], section
    missing = api.get("/agencies", params={**region, "signal": "missing", "signal_year": year}).json()
    assert count(doc, "missing") == missing["total"]


def test_sections_have_something_to_show(api):
    jilin = page_of(api.get("/overview", params={"province": "吉林省", "report_year": 2021}))
    assert count(jilin, "late") == 1 and count(jilin, "published") == 1
    assert "晚于法定期限2022-01-31共15天" in jilin.cssselect("table#overview-late tbody tr")[0].text_content()
    later = page_of(api.get("/overview", params={"province": "吉林省", "report_year": 2022}))
    assert count(later, "cross_year") == 1
    fujian = page_of(api.get("/overview", params={"province": "福建省", "report_year": 2022}))
    (row,) = fujian.cssselect("table#overview-missing tbody tr")
    assert row.cssselect("a")[0].text_content() == "平潭综合实验区"
    assert row.cssselect("a")[0].get("href").startswith("/agency/ag")


def test_default_is_the_latest_year_with_reports_in_the_whole_country(api):
    doc = page_of(api.get("/overview"))
    assert doc.cssselect("#overview-year")[0].get("data-year") == "2023"
    assert "全国" in doc.cssselect("h1")[0].text_content()
    years = [a.text_content() for a in doc.cssselect(".years a")]
    assert years == ["2022", "2021", "2020", "2019", "2018", "2015", "2011"]


def test_published_table_sorts_by_a_number_through_links(api):
    params = {"report_year": 2021}
    doc = page_of(api.get("/overview", params=params))
    api_order = api.get("/search", params={**params, "sort": "-applications.new_received.total"}).json()["data"]
    rows = doc.cssselect("table#overview-published tbody tr")
    assert [tr.get("data-id") for tr in rows] == [hit["id"] for hit in api_order]
    (header,) = [
        a for a in doc.cssselect("table#overview-published thead a") if a.text_content().startswith("新收申请")
    ]
    assert dict(parse_qsl(urlsplit(header.get("href")).query))["sort"] == "applications.new_received.total"
    ascending = page_of(api.get(header.get("href")))
    api_order = api.get("/search", params={**params, "sort": "applications.new_received.total"}).json()["data"]
    assert [tr.get("data-id") for tr in ascending.cssselect("table#overview-published tbody tr")] == [
        hit["id"] for hit in api_order
    ]


def test_short_region_redirects_and_unknown_region_is_a_422(api):
    response = api.get("/overview", params={"province": "吉林"}, follow_redirects=False)
    assert response.status_code == 303 and "province=%E5%90%89%E6%9E%97%E7%9C%81" in response.headers["location"]
    bad = api.get("/overview", params={"province": "吉森"})
    assert bad.status_code == 422 and "吉林省" in bad.text  # suggested


def test_region_without_reports_says_so(api):
    doc = page_of(api.get("/overview", params={"province": "广东省"}))
    assert "还没有收录任何报告" in doc.text_content()
