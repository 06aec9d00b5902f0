"""GET /agency/{id}: names, region, kind, one SVG chart per headline number (a bar per year with the number, a gap per
year without) and the timeline with its signals, over a real index of Pingtan's and 绿园区民政局's reports."""

from __future__ import annotations

import lxml.html
import pytest
from fastapi.testclient import TestClient

from indexer.tables.numbers import HEADLINE_NUMBERS
from registry_records import LVYUAN, agency_id, lvyuan_records, pingtan_records, registry_index
from search_api.config import Settings
from search_api.main import create_app

PINGTAN = "平潭综合实验区"


@pytest.fixture(scope="module")
def api(tmp_path_factory) -> TestClient:
    """The app over an index of those reports and their agency registry."""
    path = tmp_path_factory.mktemp("site-agencies") / "reports.sqlite"
    registry_index(path, pingtan_records() + lvyuan_records())
    with TestClient(create_app(Settings(reports_db=path))) as client:
        yield client


def page_of(response) -> lxml.html.HtmlElement:
    """The parsed HTML of a page that answered 200."""
    assert response.status_code == 200, response.text[:500]
    return lxml.html.fromstring(response.text)


def test_agency_names_region_and_kind(api):
    doc = page_of(api.get(f"/agency/{agency_id(api, LVYUAN)}"))
    assert doc.cssselect("#agency-name")[0].text_content() == LVYUAN
    assert [li.text_content() for li in doc.cssselect(".agency-names li")] == [LVYUAN, "绿园区民政局"]
    facts = doc.cssselect("dl.facts")[0].text_content()
    assert "吉林省 长春市 绿园区" in facts and "部门" in facts and "次年1月31日" in facts


@pytest.mark.parametrize("number", HEADLINE_NUMBERS)
def test_chart_has_a_bar_per_year_with_the_number_and_a_gap_per_year_without(api, number):
    ident = agency_id(api, PINGTAN)
    years = api.get(f"/agencies/{ident}/timeline").json()["years"]
    doc = page_of(api.get(f"/agency/{ident}"))
    (chart,) = doc.cssselect(f'svg.chart[data-number="{number}"]')
    bars = {int(r.get("data-year")): r.get("data-value") for r in chart.cssselect("rect.point")}
    gaps = {int(g.get("data-year")) for g in chart.cssselect("line.gap")}
    expected = {y["report_year"]: y["figures"][number] for y in years}
    assert bars == {year: str(value) for year, value in expected.items() if value is not None}
    assert gaps == {year for year, value in expected.items() if value is None}
    assert gaps and bars  # Pingtan's legacy and missing years are gaps; 2019, 2021 and 2023 have tables
    assert [int(t.text_content()) for t in chart.cssselect("text.year")] == sorted(expected)


def test_timeline_table_lists_every_year_with_its_signals(api):
    ident = agency_id(api, PINGTAN)
    years = {y["report_year"]: y for y in api.get(f"/agencies/{ident}/timeline").json()["years"]}
    doc = page_of(api.get(f"/agency/{ident}"))
    rows = {int(tr.get("data-year")): tr for tr in doc.cssselect("table#timeline tbody tr")}
    assert set(rows) == set(years)
    for year, row in rows.items():
        shown = {li.get("data-signal") for li in row.cssselect(".signals li")}
        assert shown == {s["signal"] for s in years[year]["signals"]}
        links = [a.get("href") for a in row.cssselect("a")]
        assert links == ([f"/report/{years[year]['report_id']}"] if years[year]["report_id"] else [])
    missing = next(y for y, entry in years.items() if entry["report_id"] is None)
    assert "未发布年报" in rows[missing].text_content() and "未发布" in rows[missing].text_content()
    late = next(y for y, entry in years.items() if entry["late"])
    assert f"逾期 {years[late]['days_late']} 天" in rows[late].text_content()


def test_timeline_csv_and_feed_links_answer(api):
    ident = agency_id(api, LVYUAN)
    doc = page_of(api.get(f"/agency/{ident}"))
    csv_link = doc.cssselect("#timeline-csv")[0].get("href")
    assert csv_link == f"/agencies/{ident}/timeline.csv"
    assert api.get(csv_link).headers["content-type"].startswith("text/csv")
    assert doc.cssselect("#agency-atom")[0].get("href") == f"/agencies/{ident}/reports.atom"


def test_reports_link_to_their_agency_page(api):
    ident = agency_id(api, LVYUAN)
    hit = api.get("/search", params={"agency_id": ident, "size": 1}).json()["data"][0]
    doc = page_of(api.get(f"/report/{hit['id']}"))
    assert doc.cssselect("#agency-link")[0].get("href") == f"/agency/{ident}"
    search = page_of(api.get("/", params={"agency_id": ident}))
    assert "发布机关" in search.cssselect(".selected-filter")[0].text_content()
    assert LVYUAN in search.cssselect(".selected-filter")[0].text_content()


@pytest.mark.parametrize("ident", ["ag0000000000000000", "not-an-id", "ag62F35278E5AD65C4"])
def test_unknown_agency_is_a_chinese_404(api, ident):
    response = api.get(f"/agency/{ident}")
    assert response.status_code == 404 and "没有找到这个机关" in response.text
