"""The site in real headless Chromium: one crawl of the sample portal, one API process, one browser per session.

Chromium is started with the network closed to everything but 127.0.0.1, so every page (and /docs, /redoc)
is proven to work offline. Each test leaves a screenshot in tests/browser/screenshots/<test>.png.
Without Debian's chromium and chromium-driver the tests skip, saying why, or fail when CI is set (.ci/run).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from browsing import SCREENSHOTS, Site
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.chrome.webdriver import WebDriver

from test_end_to_end import crawl_into, serving_api, serving_portal

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
DESKTOP = (1280, 900)
CLOSED_NETWORK = (  # only loopback is reachable: other hosts go to a dead proxy and resolve to nothing
    "--proxy-server=http://127.0.0.1:9",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
)
CHROMIUM_ARGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-dev-shm-usage",
    f"--window-size={DESKTOP[0]},{DESKTOP[1]}",
    "--lang=zh-CN",
    "--hide-scrollbars",
    *CLOSED_NETWORK,
)
INSTALL_HINT = "apt-get install chromium chromium-driver fonts-wqy-microhei"
SKIPPED_BECAUSE = "browser tests skipped: "
FILE_NAME_UNSAFE = re.compile(r"[^\w.-]+")  # parametrised test names carry brackets and values


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """Crawl the sample portal once into a temporary SQLite index and serve it with `python -m search_api`."""
    db = tmp_path_factory.mktemp("browser") / "reports.sqlite"
    with serving_portal() as portal:
        crawl_into(db, portal)
    with serving_api(db) as api:
        yield Site(str(api.base_url).rstrip("/"), api)


def missing_browser() -> str | None:
    """Say which of Debian's chromium and chromium-driver is missing, or None when both are installed."""
    missing = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not path.exists()]
    return f"{' and '.join(missing)} not found ({INSTALL_HINT})" if missing else None


def chromium_options() -> webdriver.ChromeOptions:
    """Headless Chromium in Chinese, desktop-sized, offline but for 127.0.0.1, keeping the console log."""
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in CHROMIUM_ARGS:
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"intl.accept_languages": "zh-CN,zh"})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return options


@pytest.fixture(scope="session")
def browser() -> Iterator[WebDriver]:
    """One headless Chromium for the session (skip, or fail under CI, when it is not installed)."""
    problem = missing_browser()
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"CI is set and the browser tests cannot run: {problem}", pytrace=False)
        pytest.skip(SKIPPED_BECAUSE + problem)
    driver = webdriver.Chrome(options=chromium_options(), service=Service(str(CHROMEDRIVER)))
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def page(browser: WebDriver, site: Site, request: pytest.FixtureRequest) -> Iterator[WebDriver]:
    """The browser at desktop size with a clean console log; its screenshot is saved when the test ends."""
    browser.set_window_size(*DESKTOP)
    browser.get_log("browser")  # drop what earlier tests logged
    yield browser
    SCREENSHOTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(SCREENSHOTS / f"{FILE_NAME_UNSAFE.sub('_', request.node.name)}.png"))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say in every run's summary, not only with -rs, why the browser tests did not run."""
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if SKIPPED_BECAUSE in str(r.longrepr)]
    if skipped:
        reason = str(skipped[0].longrepr[2]) if isinstance(skipped[0].longrepr, tuple) else SKIPPED_BECAUSE
        terminalreporter.write_line(f"{len(skipped)} {reason.removeprefix('Skipped: ')}", yellow=True)
