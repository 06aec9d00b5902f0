"""The README's two pictures of the site, taken on the way a journalist goes (`make screenshots` copies them to
docs/screenshots): a search with facets, and an agency page with its chart and timeline."""

from __future__ import annotations

import base64
import struct
from pathlib import Path

from browsing import SCREENSHOTS, Site, facet_links, follow, search_for, shown, start
from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.select import Select

README_SHOTS = SCREENSHOTS / "readme"
WIDTH = 1280
SEARCH_HEIGHT = 1100  # the form, the total, the selected filter, facets beside the first hits
AGENCY_HEIGHT = 2600  # at most: the agency's facts, its charts and its timeline down to its last row
MARGIN = 24  # pixels kept below the last thing a picture must show
MAX_BYTES = 400_000


def save_page(page: WebDriver, path: Path, down_to: str, max_height: int) -> tuple[int, int]:
    """Save the top of the page as a PNG, WIDTH wide, down to the element `down_to` but at most `max_height` tall;
    return the picture's width and height."""
    bottom = page.execute_script(
        "const r = document.querySelector(arguments[0]).getBoundingClientRect(); return r.bottom + window.scrollY",
        down_to,
    )
    height = min(int(bottom) + MARGIN, max_height)
    clip = {"x": 0, "y": 0, "width": WIDTH, "height": height, "scale": 1}
    shot = page.execute_cdp_cmd(
        "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True, "clip": clip}
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(base64.b64decode(shot["data"]))
    width, tall = struct.unpack(">II", path.read_bytes()[16:24])  # the PNG's IHDR chunk
    return width, tall


def test_readme_screenshot_of_a_search_with_facets(page: WebDriver, site: Site) -> None:
    start(page, site.base)
    search_for(page, "行政复议")
    follow(page, facet_links(page, "province")["吉林省"])
    Select(page.find_element(By.CSS_SELECTOR, "#search-form select[name=sort]")).select_by_value(
        "-applications.new_received.total"
    )
    follow(page, page.find_element(By.CSS_SELECTOR, "#search-form [type=submit]"))
    page.find_element(By.CSS_SELECTOR, ".search-more summary").click()  # fold 更多条件 to show more hits
    assert shown(page, ".hit .snippet mark") and shown(page, ".selected-filter") and shown(page, ".hit .figure")
    assert save_page(page, README_SHOTS / "search.png", ".hits", SEARCH_HEIGHT)[0] == WIDTH
    assert (README_SHOTS / "search.png").stat().st_size < MAX_BYTES


def test_readme_screenshot_of_an_agency_page(page: WebDriver, site: Site) -> None:
    start(page, site.base)
    follow(page, facet_links(page, "signal")["late"])
    follow(page, next(a for a in shown(page, ".hit a.hit-agency") if a.text == "赛罕区应急管理局"))
    assert shown(page, "svg.chart rect.point") and shown(page, "table#timeline .signals li[data-signal=late]")
    assert save_page(page, README_SHOTS / "agency.png", "table#timeline", AGENCY_HEIGHT)[0] == WIDTH
    assert (README_SHOTS / "agency.png").stat().st_size < MAX_BYTES
