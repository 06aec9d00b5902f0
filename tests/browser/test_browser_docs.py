"""/docs and /redoc render in a browser that can reach nothing but 127.0.0.1: their scripts are served locally."""

from __future__ import annotations

import pytest
from browsing import Site, console_errors, loaded_from_elsewhere, shown
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement

# ReDoc's bundle always tries this logo for its menu's footer and hides it when it does not load
REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"


def api_operations(site: Site) -> set[tuple[str, str]]:
    """(method, path) of every operation /openapi.json describes."""
    paths = site.api.get("/openapi.json").json()["paths"]
    return {(method.upper(), path) for path, operations in paths.items() for method in operations}


def path_of(operation: WebElement) -> str:
    """The path Swagger UI shows for one operation block."""
    return operation.find_element(By.CSS_SELECTOR, ".opblock-summary-path").get_attribute("data-path") or ""


def test_the_browser_reaches_nothing_but_loopback(page: WebDriver) -> None:
    with pytest.raises(WebDriverException, match="ERR_PROXY_CONNECTION_FAILED|ERR_NAME_NOT_RESOLVED"):
        page.get("https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui.css")


def test_swagger_ui_lists_every_operation_offline(page: WebDriver, site: Site) -> None:
    page.get(f"{site.base}/docs")
    listed = {
        (block.find_element(By.CSS_SELECTOR, ".opblock-summary-method").text, path_of(block))
        for block in shown(page, ".opblock")
    }
    assert listed == api_operations(site)
    assert loaded_from_elsewhere(page, site.base) == []
    assert console_errors(page) == []


def test_redoc_shows_the_api_offline(page: WebDriver, site: Site) -> None:
    page.get(f"{site.base}/redoc")
    title = site.api.get("/openapi.json").json()["info"]["title"]
    assert title in shown(page, ".api-info h1")[0].text
    sections = shown(page, "[data-section-id^='operation/'] h2")
    assert len(sections) == len(api_operations(site))
    assert set(loaded_from_elsewhere(page, site.base)) <= {REDOC_LOGO}
    assert [e for e in console_errors(page) if REDOC_LOGO not in e] == []
