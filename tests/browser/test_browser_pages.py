"""From a search to a report and on to its agency, by clicking: the tables, the chart and the timeline shown."""

from __future__ import annotations

import csv
import io

import httpx
from browsing import Site, facet_links, follow, shown, start
from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement

BLANK = "—"
CELLS_JS = "return [...arguments[0].querySelectorAll('td[data-key]')].map(td => [td.dataset.key, td.innerText.trim(), td.className])"
CHARTED = "applications.new_received.total"  # 本年新收政府信息公开申请数量
LATE_AGENCY = "赛罕区应急管理局"  # late in 2019, a report without the number in 2018, years missing after 2021


def stat(record: dict, key: str) -> int | None:
    """The value of a dotted stats key in a record (None when the report leaves it blank)."""
    value: object = record["stats"]
    for part in key.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value if isinstance(value, int) else None


def open_report_with_blank_cells(page: WebDriver, site: Site) -> str:
    """Click the 法定单元格空白 signal facet, then its first report; return the report's id."""
    start(page, site.base)
    follow(page, facet_links(page, "signal")["blank_cells"])
    hit = shown(page, ".hit")[0]
    follow(page, hit.find_element(By.CSS_SELECTOR, "a.hit-title"))
    return hit_id_of(page)


def cells_by_key(page: WebDriver, table: WebElement) -> dict[str, tuple[str, bool]]:
    """Each `td[data-key]` of a table: the text it shows and whether it is marked blank (read in one call)."""
    rows = page.execute_script(CELLS_JS, table)
    return {key: (text, "blank" in classes.split()) for key, text, classes in rows}


def shown_as(value: int | None) -> tuple[str, bool]:
    """What a cell holding `value` must show: the number, or a blank mark (never 0) styled as blank."""
    return (BLANK, True) if value is None else (str(value), False)


def hit_id_of(page: WebDriver) -> str:
    """The report id in the current /report/{id} URL."""
    assert "/report/" in page.current_url, page.current_url
    return page.current_url.rsplit("/report/", 1)[1].split("?")[0]


def test_table_three_shows_the_records_numbers_and_blank_cells_blank(page: WebDriver, site: Site) -> None:
    report_id = open_report_with_blank_cells(page, site)
    record = site.api.get(f"/reports/{report_id}").json()
    assert shown(page, "h1#report-title")[0].text == record["title"]
    table = shown(page, "table.stats-table[data-table='三']")[0]
    cells = cells_by_key(page, table)
    blanks = [key for key in cells if stat(record, key) is None]
    assert blanks and len(blanks) < len(cells), "table 三 should hold both blank cells and numbers"
    assert cells == {key: shown_as(stat(record, key)) for key in cells}
    assert [s.get_attribute("data-signal") for s in page.find_elements(By.CSS_SELECTOR, ".signals li")] == [
        "blank_cells"
    ]
    page.execute_script("arguments[0].scrollIntoView()", table)  # for the screenshot


def chart_years(page: WebDriver, number: str) -> tuple[dict[int, int], set[int]]:
    """The agency chart of one number: its points (year -> value) and the years it marks as gaps."""
    chart = f"svg.chart[data-number='{number}']"
    points = shown(page, f"{chart} rect.point")
    gaps = page.find_elements(By.CSS_SELECTOR, f"{chart} line.gap")
    values = {int(p.get_attribute("data-year") or 0): int(p.get_attribute("data-value") or -1) for p in points}
    return values, {int(g.get_attribute("data-year") or 0) for g in gaps}


def timeline_rows(page: WebDriver) -> dict[int, tuple[list[str], str]]:
    """The timeline table by year: the signals each row lists, and the row's text."""
    return {
        int(row.get_attribute("data-year") or 0): (
            [s.get_attribute("data-signal") or "" for s in row.find_elements(By.CSS_SELECTOR, ".signals li")],
            row.text,
        )
        for row in shown(page, "table#timeline tr[data-year]")
    }


def test_the_agency_page_charts_its_years_and_shows_late_and_missing(page: WebDriver, site: Site) -> None:
    start(page, site.base)
    follow(page, facet_links(page, "signal")["late"])
    hit = next(h for h in shown(page, ".hit") if LATE_AGENCY in h.text)
    follow(page, hit.find_element(By.CSS_SELECTOR, "a.hit-title"))
    follow(page, shown(page, "a#agency-link")[0])
    assert shown(page, "#agency-name")[0].text == LATE_AGENCY
    agency_id = page.current_url.rsplit("/agency/", 1)[1]
    years = site.api.get(f"/agencies/{agency_id}/timeline").json()["years"]

    points, gaps = chart_years(page, CHARTED)
    assert points == {y["report_year"]: y["figures"][CHARTED] for y in years if y["figures"][CHARTED] is not None}
    assert gaps == {y["report_year"] for y in years} - set(points)
    rows = timeline_rows(page)
    assert {year: signals for year, (signals, _) in rows.items()} == {
        y["report_year"]: [s["signal"] for s in y["signals"]] for y in years
    }
    assert "逾期" in rows[2019][1] and "未发布" in rows[2022][1]

    timeline_csv = httpx.get(page.find_element(By.CSS_SELECTOR, "#timeline-csv").get_attribute("href") or "").text
    assert timeline_csv.startswith("\ufeff") and len(list(csv.reader(io.StringIO(timeline_csv)))) == len(years) + 1
