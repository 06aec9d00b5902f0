"""The settings switchboard: polite defaults, the local profile, environment overrides."""

import importlib

from scrapy.settings import Settings


def load(module: str) -> Settings:
    """Load a settings module the way Scrapy does."""
    return Settings(vars(importlib.reload(importlib.import_module(module))))


def test_polite_defaults():
    settings = load("crawler.settings")
    assert settings.getbool("ROBOTSTXT_OBEY")
    assert settings.getbool("AUTOTHROTTLE_ENABLED")
    assert settings.getfloat("AUTOTHROTTLE_TARGET_CONCURRENCY") == 1.0
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 2
    assert "gov-report-index" in settings["USER_AGENT"]
    assert list(settings.getdict("ITEM_PIPELINES")) == [
        "crawler.pipelines.DuplicatePagePipeline",
        "crawler.pipelines.IndexPipeline",
    ]
    assert settings["TWISTED_REACTOR"].endswith("AsyncioSelectorReactor")


def test_local_profile_is_fast_but_obeys_robots():
    settings = load("crawler.settings_local")
    assert settings.getbool("ROBOTSTXT_OBEY")
    assert not settings.getbool("AUTOTHROTTLE_ENABLED")
    assert settings.getfloat("DOWNLOAD_DELAY") == 0
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") > 2
    assert settings["ITEM_PIPELINES"] == load("crawler.settings")["ITEM_PIPELINES"]


def test_environment_overrides(monkeypatch):
    monkeypatch.setenv("REPORTS_DB", "/tmp/elsewhere.sqlite")
    monkeypatch.setenv("REPORTS_MAX_LIST_PAGES", "7")
    settings = load("crawler.settings")
    assert settings["REPORTS_DB"] == "/tmp/elsewhere.sqlite"
    assert settings.getint("REPORTS_MAX_LIST_PAGES") == 7
    monkeypatch.delenv("REPORTS_DB")
    monkeypatch.delenv("REPORTS_MAX_LIST_PAGES")
    assert load("crawler.settings")["REPORTS_DB"] == "data/reports.sqlite"
