"""Scrapy settings for the crawler: the one switchboard, with polite defaults for real portals.

Docs: https://docs.scrapy.org/en/latest/topics/settings.html
Local sample portal: SCRAPY_SETTINGS_MODULE=crawler.settings_local (see settings_local.py).
Our own settings are prefixed REPORTS_ and can be overridden from the environment.
"""

import os

from indexer.archive import DEFAULT_MAX_BYTES
from indexer.config import StorageSettings

BOT_NAME = "crawler"

SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

ADDONS: dict[str, int] = {}  # https://docs.scrapy.org/en/latest/topics/addons.html

# Identify the crawler honestly, with a way to reach whoever runs it.
USER_AGENT = os.environ.get(
    "REPORTS_USER_AGENT",
    "gov-report-index/0.1 (+https://github.com/your-org/gov-report-index; transparency research)",
)

# Obey robots.txt rules
ROBOTSTXT_OBEY = True

# Politeness: few parallel requests per site, a base delay, and AutoThrottle on top.
# https://docs.scrapy.org/en/latest/topics/autothrottle.html
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
DOWNLOAD_DELAY_JITTER = 0.5  # ±50% random variation of DOWNLOAD_DELAY
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 5.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
AUTOTHROTTLE_DEBUG = False

# Slow government servers: a generous timeout, a few retries on transient errors.
# https://docs.scrapy.org/en/latest/topics/downloader-middleware.html#module-scrapy.downloadermiddlewares.retry
DOWNLOAD_TIMEOUT = 60
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
# A request that still fails is recorded as a failure row; its last retry is a warning, not an error.
RETRY_GIVE_UP_LOG_LEVEL = "WARNING"

# Deleted pages are often answered by a meta refresh to the folder; the spider reports those.
# Redirects and meta refreshes are checked (crawler/redirects.py): out of the seed's scope, loops, a
# redirect to itself or to a non-HTTP URL, and targets over URLLENGTH_LIMIT are failures, not followed.
METAREFRESH_ENABLED = True
REDIRECT_MAX_TIMES = 20
URLLENGTH_LIMIT = 2083  # longer URLs are recorded as failures (url_too_long), never requested

COOKIES_ENABLED = True
TELNETCONSOLE_ENABLED = False

DEFAULT_REQUEST_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5",
    "Cache-Control": "max-age=0",  # revalidate cached pages (see HTTPCACHE_* below)
}

# Spider middlewares: keep each request inside the domains of the seed it came from, then within the
# seed's limits (URL length, traps, budgets; crawler/bounds.py replaces Scrapy's UrlLengthMiddleware).
# https://docs.scrapy.org/en/latest/topics/spider-middleware.html
SPIDER_MIDDLEWARES = {
    "scrapy.spidermiddlewares.urllength.UrlLengthMiddleware": None,
    "crawler.middlewares.SeedScopeMiddleware": 550,
    "crawler.bounds.CrawlBoundsMiddleware": 540,
}

# Downloader middlewares: robots.txt per RFC 9309 (crawler/robots.py), byte limits per response
# (crawler/downloads.py), redirects kept in scope (crawler/redirects.py); each refusal is a failure.
# https://docs.scrapy.org/en/latest/topics/downloader-middleware.html
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.robots.RobotsTxtMiddleware": 100,
    "crawler.downloads.DownloadLimitsMiddleware": 540,
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "crawler.redirects.MetaRefreshMiddleware": 580,
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "crawler.redirects.RedirectMiddleware": 600,
}

# Log lines name items (kind and URL) instead of printing them: no page body or report text in the log.
LOG_FORMATTER = "crawler.logformatter.ItemLogFormatter"

# Pipelines, one concern each: de-duplicate, archive as served (REPORTS_ARCHIVE*), then index and store.
# https://docs.scrapy.org/en/latest/topics/item-pipeline.html
ITEM_PIPELINES = {
    "crawler.pipelines.DuplicatePagePipeline": 100,
    "crawler.pipelines.ArchivePipeline": 200,
    "crawler.pipelines.IndexPipeline": 300,
}

# Each crawl is a run with an id: counted per portal, shown while it goes, stored, summed up (crawler/run.py).
EXTENSIONS = {"crawler.run.RunRecorder": 500}
# Progress while crawling (crawler/run.py): a live table on a terminal, else a log line per active portal
# every N seconds; the running run is also saved every N seconds (GET /runs shows it).
REPORTS_PROGRESS_INTERVAL = float(os.environ.get("REPORTS_PROGRESS_INTERVAL", "60"))

# Incremental recrawls: every fetched page is kept on disk and revalidated on the next run with a
# conditional GET (If-Modified-Since / If-None-Match), so an unchanged page costs a 304, not a
# download; "Cache-Control: max-age=0" on our requests makes every page revalidate (no heuristic
# freshness), so an edited report or a new list entry is always seen. The cache keeps only the latest
# copy of each page: what was served over time is in the web archive (REPORTS_ARCHIVE below).
# REPORTS_INCREMENTAL=0 turns it off; the directory is relative to the project's .scrapy/ unless absolute.
# https://docs.scrapy.org/en/latest/topics/downloader-middleware.html#rfc2616-policy
HTTPCACHE_ENABLED = os.environ.get("REPORTS_INCREMENTAL", "1") not in ("0", "false", "no")
HTTPCACHE_POLICY = "scrapy.extensions.httpcache.RFC2616Policy"
HTTPCACHE_STORAGE = "scrapy.extensions.httpcache.FilesystemCacheStorage"
HTTPCACHE_DIR = os.environ.get("REPORTS_HTTPCACHE_DIR", "httpcache")
HTTPCACHE_GZIP = True

# Use the asyncio reactor (Scrapy's default and recommendation).
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
# Feed exports (-o records.jsonl): one line per stored report (its record) and per failed fetch;
# "item_classes": ["crawler.items.IndexedReport"] keeps the records only.
# https://docs.scrapy.org/en/latest/topics/feed-exports.html
# FEEDS = {"data/records.jsonl": {"format": "jsonlines", "item_classes": ["crawler.items.IndexedReport"]}}
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = os.environ.get("REPORTS_LOG_LEVEL", "INFO")

# --- our own settings (prefix REPORTS_, environment overrides) -------------------------
# SQLite file (or sqlite:///path, or an Elasticsearch URL) the IndexPipeline writes records and failures
# into: $REPORTS_DB, read with the other storage settings by indexer.config (default data/reports.sqlite).
REPORTS_DB = StorageSettings().reports_db
# How many 政务公开 / 政府信息公开 hub pages deep to look for 年报 columns. Directories of department or
# region platforms (地方部门平台链接 …) and the platforms they list are not counted in this depth: they
# are bounded by REPORTS_MAX_HUB_PAGES below (crawler/spiders/reports.py explains the search).
REPORTS_MAX_HUB_DEPTH = int(os.environ.get("REPORTS_MAX_HUB_DEPTH", "2"))
# Disclosure hub links followed per page.
REPORTS_MAX_HUB_LINKS = int(os.environ.get("REPORTS_MAX_HUB_LINKS", "4"))
# Budgets per seed (crawler/bounds.py). One that runs out is a failure of kind "budget" at the URL where
# the crawl stopped, and the stat run/<seed>/budget/<name> = 1 (list_pages, hub_pages, requests).
# List pages per column (TRS index_N, Hanweb dataproxy pages, search API pages):
REPORTS_MAX_LIST_PAGES = int(os.environ.get("REPORTS_MAX_LIST_PAGES", "50"))
# Discovery pages per seed (政务公开 / 政府信息公开 hubs, platform directories, department platforms):
# enough for a portal listing some 60 department platforms, two or three pages each.
REPORTS_MAX_HUB_PAGES = int(os.environ.get("REPORTS_MAX_HUB_PAGES", "300"))
# Requests per seed, of every kind:
REPORTS_MAX_REQUESTS = int(os.environ.get("REPORTS_MAX_REQUESTS", "5000"))
# Traps: list pages in a row whose URL repeats with a number grown before its last number
# (/cal/1/p1.html → /cal/2/p1.html …); the next one is a failure of kind "trap".
REPORTS_MAX_TRAP_DEPTH = int(os.environ.get("REPORTS_MAX_TRAP_DEPTH", "10"))
# Bytes per response, web pages and attached files (PDF, DOCX …) apart, also after decompression
# (crawler/downloads.py); a larger one is a failure "too large: N bytes, limit M". DOWNLOAD_MAXSIZE is
# Scrapy's ceiling for any request.
REPORTS_MAX_HTML_BYTES = int(os.environ.get("REPORTS_MAX_HTML_BYTES", str(10 * 1024 * 1024)))
REPORTS_MAX_FILE_BYTES = int(os.environ.get("REPORTS_MAX_FILE_BYTES", str(50 * 1024 * 1024)))
DOWNLOAD_MAXSIZE = max(REPORTS_MAX_HTML_BYTES, REPORTS_MAX_FILE_BYTES)
# The web archive (indexer/archive.py): every report page, attachment and gone URL's answer is written as
# served to WARC files (ISO 28500) before it is indexed, so `reports-reprocess` can rebuild the index offline
# and a capture can be cited; a body its URL's last capture already holds is written as a `revisit` record.
# Folder: REPORTS_ARCHIVE_DIR, else `archive` beside the SQLite index (data/archive). A file is never
# rewritten; a new one starts past REPORTS_ARCHIVE_MAX_BYTES.
REPORTS_ARCHIVE = os.environ.get("REPORTS_ARCHIVE", "1") not in ("0", "false", "no")
REPORTS_ARCHIVE_DIR = os.environ.get("REPORTS_ARCHIVE_DIR") or None
REPORTS_ARCHIVE_MAX_BYTES = int(os.environ.get("REPORTS_ARCHIVE_MAX_BYTES", str(DEFAULT_MAX_BYTES)))
# Also archive the column list pages (larger archives; shows what each column listed and when).
REPORTS_ARCHIVE_LIST_PAGES = os.environ.get("REPORTS_ARCHIVE_LIST_PAGES", "0") not in ("0", "false", "no")

# The distributed crawl (crawler/distributed; reports-queue, reports-worker, reports-ingest).
REPORTS_REDIS_URL = os.environ.get("REPORTS_REDIS_URL", "redis://127.0.0.1:6379/0")
# A worker's lease on a host lapses this many seconds after its last request there (longer than a download).
REPORTS_HOST_LEASE = float(os.environ.get("REPORTS_HOST_LEASE", "90"))
# Responses a job keeps in Redis for its retry (a retried job replays them instead of fetching again).
REPORTS_RUN_STORE_MAX_BYTES = int(os.environ.get("REPORTS_RUN_STORE_MAX_BYTES", str(64 * 1024 * 1024)))
# A run's Redis keys expire this long after their last write (a run abandoned half-way cleans itself up).
REPORTS_RUN_TTL = int(os.environ.get("REPORTS_RUN_TTL", str(7 * 24 * 3600)))
# Workers wait while this many items are waiting for the ingest (back-pressure; items carry their bodies).
REPORTS_STREAM_MAX_ITEMS = int(os.environ.get("REPORTS_STREAM_MAX_ITEMS", "500"))
