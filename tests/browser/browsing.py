"""What a person does in the browser, as small steps: wait for something to show, follow a link, read the page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import httpx
from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.expected_conditions import staleness_of
from selenium.webdriver.support.wait import WebDriverWait

SCREENSHOTS = Path(__file__).parent / "screenshots"


@dataclass(frozen=True)
class Site:
    """The running API process: the site and the JSON API on one origin, and a client of it."""

    base: str
    api: httpx.Client


WAIT_SECONDS = 15
T = TypeVar("T")


def wait_until(page: WebDriver, condition: Callable[[WebDriver], T], what: str) -> T:
    """Return the first truthy value of `condition`, failing after WAIT_SECONDS with what was awaited."""
    return WebDriverWait(page, WAIT_SECONDS).until(condition, f"waited {WAIT_SECONDS}s for {what}")


def shown(page: WebDriver, css: str) -> list[WebElement]:
    """Wait until elements matching `css` are displayed; return the displayed ones."""
    return wait_until(page, lambda d: [e for e in d.find_elements(By.CSS_SELECTOR, css) if e.is_displayed()], css)


def follow(page: WebDriver, link: WebElement) -> None:
    """Click a link (or submit button) and wait until the next page has replaced this one."""
    old_page, label = page.find_element(By.TAG_NAME, "html"), link.text
    link.click()
    wait_until(page, staleness_of(old_page), f"the page after clicking {label!r}")


def loaded_from_elsewhere(page: WebDriver, origin: str) -> list[str]:
    """Every URL the current page loaded (or tried to) that is not on `origin`."""
    urls: list[str] = page.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    return [url for url in urls if not url.startswith(origin + "/")]


def console_errors(page: WebDriver) -> list[str]:
    """The browser console's errors since the last call (failed loads, uncaught exceptions)."""
    return [entry["message"] for entry in page.get_log("browser") if entry["level"] == "SEVERE"]


def start(page: WebDriver, base: str) -> None:
    """Open the site's start page, the one URL a person types."""
    page.get(f"{base}/")
    shown(page, "#search-form")


def search_for(page: WebDriver, words: str) -> None:
    """Type words into the search box and press the search button."""
    box = page.find_element(By.CSS_SELECTOR, "#search-form input[name=q]")
    box.clear()
    box.send_keys(words)
    follow(page, page.find_element(By.CSS_SELECTOR, "#search-form [type=submit]"))


def total_shown(page: WebDriver) -> int:
    """The number of matching reports the page shows (its visible text must carry the same digits)."""
    total = page.find_element(By.CSS_SELECTOR, "#total")
    assert total.text.replace(",", "") == total.get_attribute("data-total"), total.text
    return int(total.text.replace(",", ""))


def facet_links(page: WebDriver, facet: str) -> dict[str, WebElement]:
    """The clickable values of one facet, by value."""
    links = page.find_elements(By.CSS_SELECTOR, f".facet[data-facet={facet}] a.facet-value")
    return {link.get_attribute("data-value") or "": link for link in links}


def facet_count(link: WebElement) -> int:
    """The count shown beside a facet value."""
    return int(link.find_element(By.XPATH, "following-sibling::*[contains(@class, 'count')]").text)


def texts(page: WebDriver, css: str) -> list[str]:
    """The visible text of every element matching `css`, in page order."""
    return [element.text for element in page.find_elements(By.CSS_SELECTOR, css)]
