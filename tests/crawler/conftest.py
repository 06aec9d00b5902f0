"""Fixtures for the crawler tests (helpers live in crawl_helpers.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from crawl_helpers import FROZEN_NOW, ROOT, reports_crawler

from crawler.spiders.reports import ReportsSpider
from sample_portal.server import start_server


@pytest.fixture(scope="session")
def portal() -> Iterator[str]:
    """The sample portal served on a free port in a background thread; yields its base URL."""
    server, base_url = start_server("127.0.0.1", 0)
    yield base_url
    server.shutdown()
    server.server_close()


@pytest.fixture
def real_seeds_file() -> Path:
    """The shipped seed file of real portals (parsed only; never crawled in tests)."""
    return ROOT / "seeds" / "real_portals.yaml"


@pytest.fixture
def spider(real_seeds_file):
    """A reports spider over the real-portal seeds, built with the project's settings, with the clock frozen."""
    instance = ReportsSpider.from_crawler(reports_crawler(), seeds=str(real_seeds_file))
    instance.clock = lambda: FROZEN_NOW
    return instance
