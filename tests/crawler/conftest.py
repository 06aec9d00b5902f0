"""Fixtures for the crawler tests (helpers live in crawl_helpers.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from crawl_helpers import FROZEN_NOW, ROOT


@pytest.fixture
def real_seeds_file() -> Path:
    """The shipped seed file of real portals (parsed only; never crawled in tests)."""
    return ROOT / "seeds" / "real_portals.yaml"


@pytest.fixture
def spider(real_seeds_file):
    """A reports spider over the real-portal seeds, with the clock frozen."""
    from crawler.spiders.reports import ReportsSpider

    instance = ReportsSpider(seeds=str(real_seeds_file))
    instance.clock = lambda: FROZEN_NOW
    return instance
