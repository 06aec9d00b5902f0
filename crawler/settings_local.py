"""Settings for crawling the local sample portal (127.0.0.1): fast, still obeying robots.txt.

Select with:  SCRAPY_SETTINGS_MODULE=crawler.settings_local \
              scrapy crawl reports -a seeds=seeds/sample_portal.yaml -a portal=http://127.0.0.1:8765
         or:  reports-crawl seeds/sample_portal.yaml --portal http://127.0.0.1:8765 --local
Never use these settings against real government sites.
"""

import os

from .settings import *

ROBOTSTXT_OBEY = True

AUTOTHROTTLE_ENABLED = False
DOWNLOAD_DELAY = 0
DOWNLOAD_DELAY_JITTER = 0
CONCURRENT_REQUESTS = 32
CONCURRENT_REQUESTS_PER_DOMAIN = 16
DOWNLOAD_TIMEOUT = 15
RETRY_TIMES = 1

# Incremental recrawls (HTTP cache + conditional GETs) only when asked: REPORTS_INCREMENTAL=1.
HTTPCACHE_ENABLED = os.environ.get("REPORTS_INCREMENTAL", "0") not in ("0", "false", "no")
