"""The search page as a journalist uses it: type words, click facets, export to Excel, on a desktop or a phone."""

from __future__ import annotations

import csv
import io
from urllib.parse import parse_qs, urlsplit

import httpx
from browsing import Site, facet_count, facet_links, follow, search_for, shown, start, total_shown
from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.by import By

TERM = "行政复议"
PHONE = (375, 800)


def api_total(site: Site, **params: str) -> int:
    """The JSON API's total for the same query."""
    return site.api.get("/search", params={**params, "size": 1}).json()["total"]


def test_search_shows_the_apis_total_and_highlights_the_words(page: WebDriver, site: Site) -> None:
    start(page, site.base)
    search_for(page, TERM)
    assert total_shown(page) == api_total(site, q=TERM) > 0
    hits = shown(page, ".hit")
    assert len(hits) == min(20, api_total(site, q=TERM))
    assert all(TERM in [mark.text for mark in hit.find_elements(By.CSS_SELECTOR, ".snippet mark")] for hit in hits)


def test_a_province_facet_narrows_to_its_count_and_can_be_removed(page: WebDriver, site: Site) -> None:
    start(page, site.base)
    search_for(page, TERM)
    everywhere = total_shown(page)
    province, link = next(iter(facet_links(page, "province").items()))
    count = facet_count(link)
    follow(page, link)
    assert total_shown(page) == count == api_total(site, q=TERM, province=province) < everywhere
    selected = shown(page, ".selected-filter")
    assert [province in item.text for item in selected] == [True]
    follow(page, selected[0].find_element(By.CSS_SELECTOR, "a.remove"))
    assert total_shown(page) == everywhere
    assert page.find_elements(By.CSS_SELECTOR, ".selected-filter") == []


def test_the_excel_link_exports_the_same_query(page: WebDriver, site: Site) -> None:
    start(page, site.base)
    search_for(page, TERM)
    province, link = next(iter(facet_links(page, "province").items()))
    follow(page, link)
    export = page.find_element(By.CSS_SELECTOR, "#export-csv")
    assert export.text == "导出Excel (CSV)"
    href = export.get_attribute("href") or ""
    assert urlsplit(href).path == "/search.csv"
    assert parse_qs(urlsplit(href).query) == parse_qs(urlsplit(page.current_url).query)
    body = httpx.get(href).text
    expected = site.api.get("/search.csv", params={"q": TERM, "province": province}).text
    assert body.startswith("\ufeff")  # Excel reads the UTF-8 as Chinese only with the BOM
    rows = list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))
    assert rows[0] == next(csv.reader(io.StringIO(expected.removeprefix("\ufeff"))))
    assert len(rows) - 1 == total_shown(page)


def test_a_phone_sized_window_shows_the_form_and_the_results(page: WebDriver, site: Site) -> None:
    page.set_window_size(*PHONE)
    start(page, site.base)
    search_for(page, TERM)
    width = page.execute_script("return document.documentElement.clientWidth")
    assert page.execute_script("return document.documentElement.scrollWidth") <= width, "the page scrolls sideways"
    box = shown(page, "#search-form input[name=q]")[0]
    assert 0 <= box.rect["x"] and box.rect["x"] + box.rect["width"] <= width
    first = shown(page, ".hit a.hit-title")[0]
    assert first.rect["x"] + first.rect["width"] <= width
    assert total_shown(page) == api_total(site, q=TERM)
