"""The issue's questions, answered from the site alone by clicking (the start page is the only URL typed)."""

from __future__ import annotations

from browsing import Site, facet_count, facet_links, follow, shown, start, texts, total_shown
from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.select import Select

APPLICATIONS = "applications.new_received.total"  # 本年新收政府信息公开申请数量


def api_titles(site: Site, **params: str) -> list[str]:
    """The titles of the JSON API's first page for the same query."""
    return [hit["title"] for hit in site.api.get("/search", params=params).json()["data"]]


def api_facet(site: Site, name: str) -> list[dict]:
    """One facet of the whole index, from the JSON API."""
    return site.api.get("/search", params={"facets": name, "size": 1}).json()["facets"][name]


def api_total(site: Site, **params: str) -> int:
    """The JSON API's total for a query."""
    return site.api.get("/search", params={**params, "size": 1}).json()["total"]


def test_which_agencies_of_a_province_received_most_applications_last_year(page: WebDriver, site: Site) -> None:
    start(page, site.base)
    last_year = max(facet_links(page, "report_year"))
    follow(page, facet_links(page, "report_year")[last_year])
    province = next(iter(facet_links(page, "province")))
    follow(page, facet_links(page, "province")[province])
    Select(page.find_element(By.CSS_SELECTOR, "#search-form select[name=sort]")).select_by_value(f"-{APPLICATIONS}")
    follow(page, page.find_element(By.CSS_SELECTOR, "#search-form [type=submit]"))
    ranked = api_titles(site, report_year=last_year, province=province, sort=f"-{APPLICATIONS}")
    assert texts(page, ".hit a.hit-title") == ranked
    numbers = [int(n) for n in texts(page, f".hit .figure[data-number='{APPLICATIONS}'] dd") if n.isdigit()]
    assert numbers and numbers == sorted(numbers, reverse=True)


def test_which_reports_were_late(page: WebDriver, site: Site) -> None:
    start(page, site.base)
    late = facet_links(page, "signal")["late"]
    assert late.text == "逾期发布"
    count = facet_count(late)
    follow(page, late)
    assert total_shown(page) == count == len(api_titles(site, signal="late", size="100"))
    assert sorted(texts(page, ".hit a.hit-title")) == sorted(api_titles(site, signal="late", size="100"))


def test_the_overview_ranks_a_provinces_agencies_by_applications(page: WebDriver, site: Site) -> None:
    start(page, site.base)
    follow(page, page.find_element(By.CSS_SELECTOR, ".site-header a[href='/overview']"))
    last_year = max(int(v["value"]) for v in api_facet(site, "report_year"))
    assert shown(page, "#overview-year")[0].get_attribute("data-year") == str(last_year)
    page.find_element(By.CSS_SELECTOR, ".overview-form input[name=province]").send_keys("吉林")  # the short form
    follow(page, page.find_element(By.CSS_SELECTOR, ".overview-form [type=submit]"))
    assert "吉林省" in shown(page, "h1")[0].text
    follow(page, page.find_element(By.CSS_SELECTOR, "#overview-published thead a[href*='applications.granted.total']"))
    follow(page, page.find_element(By.CSS_SELECTOR, f"#overview-published thead a[href*='{APPLICATIONS}']"))
    ranked = site.api.get(
        "/search", params={"province": "吉林省", "report_year": last_year, "sort": f"-{APPLICATIONS}"}
    ).json()
    assert texts(page, "#overview-published tbody tr th") == [hit["agency"] for hit in ranked["data"]]
    assert texts(page, f"#overview-published td[data-number='{APPLICATIONS}']") == [
        str(hit["figures"][APPLICATIONS]) for hit in ranked["data"]
    ]
    assert page.find_element(By.CSS_SELECTOR, "#count-published").get_attribute("data-count") == str(ranked["total"])


def test_which_reports_fail_their_arithmetic_or_break_with_the_year_before(page: WebDriver, site: Site) -> None:
    start(page, site.base)
    checked = {value: facet_count(link) for value, link in facet_links(page, "has_failed_checks").items()}
    assert checked == {v["value"]: v["count"] for v in api_facet(site, "has_failed_checks")}
    follow(page, page.find_element(By.CSS_SELECTOR, ".site-header a[href='/overview']"))
    year = shown(page, "#overview-year")[0].get_attribute("data-year") or ""
    failing = api_total(site, has_failed_checks="true", report_year=year)
    assert page.find_element(By.CSS_SELECTOR, "#count-failed_checks").get_attribute("data-count") == str(failing)
    breaks = int(page.find_element(By.CSS_SELECTOR, "#count-cross_year").get_attribute("data-count") or -1)
    assert breaks == api_total(site, signal="cross_year", report_year=year)
    follow(page, page.find_element(By.CSS_SELECTOR, "#section-cross_year .hint a"))
    assert total_shown(page) == breaks
