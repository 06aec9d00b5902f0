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
DOWNLOAD_TIMEOUT = 4  # the sample portal answers at once; its hanging pages stall 6 s
REPORTS_HOST_LEASE = float(os.environ.get("REPORTS_HOST_LEASE", "10"))  # longer than a download here
RETRY_TIMES = 1
# Smaller byte limits: the sample portal's pages are under 200 KB, its files under 1 MB.
REPORTS_MAX_HTML_BYTES = int(os.environ.get("REPORTS_MAX_HTML_BYTES", str(2 * 1024 * 1024)))
REPORTS_MAX_FILE_BYTES = int(os.environ.get("REPORTS_MAX_FILE_BYTES", str(8 * 1024 * 1024)))
DOWNLOAD_MAXSIZE = max(REPORTS_MAX_HTML_BYTES, REPORTS_MAX_FILE_BYTES)

# Incremental recrawls (HTTP cache + conditional GETs) only when asked: REPORTS_INCREMENTAL=1.
HTTPCACHE_ENABLED = os.environ.get("REPORTS_INCREMENTAL", "0") not in ("0", "false", "no")
