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
        "crawler.pipelines.ArchivePipeline",
        "crawler.pipelines.IndexPipeline",
    ]
    assert settings.getbool("REPORTS_ARCHIVE") and not settings.getbool("REPORTS_ARCHIVE_LIST_PAGES")
    assert settings.getint("REPORTS_ARCHIVE_MAX_BYTES") == 1_000_000_000 and settings["REPORTS_ARCHIVE_DIR"] is None
    assert settings["TWISTED_REACTOR"].endswith("AsyncioSelectorReactor")


def test_bounded_crawling_defaults():
    settings = load("crawler.settings")
    assert settings.getint("REPORTS_MAX_HTML_BYTES") == 10 * 1024 * 1024
    assert settings.getint("REPORTS_MAX_FILE_BYTES") == 50 * 1024 * 1024
    assert settings.getint("DOWNLOAD_MAXSIZE") == settings.getint("REPORTS_MAX_FILE_BYTES")
    assert (
        settings.getint("REPORTS_MAX_LIST_PAGES"),
        settings.getint("REPORTS_MAX_HUB_PAGES"),
        settings.getint("REPORTS_MAX_REQUESTS"),
        settings.getint("REPORTS_MAX_TRAP_DEPTH"),
        settings.getint("URLLENGTH_LIMIT"),
    ) == (50, 300, 5000, 10, 2083)


def test_our_middlewares_replace_scrapys_silent_ones():
    settings = load("crawler.settings")
    downloader, spider = settings.getdict("DOWNLOADER_MIDDLEWARES"), settings.getdict("SPIDER_MIDDLEWARES")
    for scrapy_name, ours in (
        ("scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware", "crawler.robots.RobotsTxtMiddleware"),
        ("scrapy.downloadermiddlewares.redirect.RedirectMiddleware", "crawler.redirects.RedirectMiddleware"),
        ("scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware", "crawler.redirects.MetaRefreshMiddleware"),
    ):
        assert downloader[scrapy_name] is None and downloader[ours] is not None
    assert "crawler.downloads.DownloadLimitsMiddleware" in downloader
    assert spider["scrapy.spidermiddlewares.urllength.UrlLengthMiddleware"] is None
    assert spider["crawler.middlewares.SeedScopeMiddleware"] > spider["crawler.bounds.CrawlBoundsMiddleware"]
    assert settings["LOG_FORMATTER"] == "crawler.logformatter.ItemLogFormatter"


def test_local_profile_is_fast_but_obeys_robots():
    settings = load("crawler.settings_local")
    assert settings.getbool("ROBOTSTXT_OBEY")
    assert not settings.getbool("AUTOTHROTTLE_ENABLED")
    assert settings.getfloat("DOWNLOAD_DELAY") == 0
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") > 2
    assert settings["ITEM_PIPELINES"] == load("crawler.settings")["ITEM_PIPELINES"]
    assert settings.getint("DOWNLOAD_TIMEOUT") <= 5
    assert settings.getint("REPORTS_MAX_HTML_BYTES") < load("crawler.settings").getint("REPORTS_MAX_HTML_BYTES")
    assert settings.getint("DOWNLOAD_MAXSIZE") == settings.getint("REPORTS_MAX_FILE_BYTES")


def test_environment_overrides(monkeypatch):
    monkeypatch.setenv("REPORTS_DB", "/tmp/elsewhere.sqlite")
    monkeypatch.setenv("REPORTS_MAX_LIST_PAGES", "7")
    monkeypatch.setenv("REPORTS_MAX_HTML_BYTES", "1000")
    settings = load("crawler.settings")
    assert settings["REPORTS_DB"] == "/tmp/elsewhere.sqlite"
    assert settings.getint("REPORTS_MAX_LIST_PAGES") == 7
    assert settings.getint("REPORTS_MAX_HTML_BYTES") == 1000
    monkeypatch.delenv("REPORTS_DB")
    monkeypatch.delenv("REPORTS_MAX_LIST_PAGES")
    monkeypatch.delenv("REPORTS_MAX_HTML_BYTES")
    assert load("crawler.settings")["REPORTS_DB"] == "data/reports.sqlite"
