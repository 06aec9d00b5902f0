"""Test helpers for the crawler: saved real pages wrapped as Scrapy responses with their URLs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scrapy.crawler import Crawler
from scrapy.http import HtmlResponse, Request, TextResponse
from scrapy.utils.test import get_crawler

from crawler import settings as project_settings
from crawler.spiders.reports import ReportsSpider

ROOT = Path(__file__).resolve().parents[2]
FROZEN_NOW = "2026-11-22T14:30:00Z"

# Saved pages and the URLs they were served at (real-looking; never requested).
PINGTAN_LIST_URL = "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/index.htm"
GANSU_LIST_URL = "https://jyt.gansu.gov.cn/jyt/c110634/zwgklist.shtml"
YUANZHOU_LIST_URL = "http://www.yzq.gov.cn/zwgk/zwdt/zwyw/index.html"
WANZAI_LIST_URL = "http://www.wanzai.gov.cn/news-list-wanzaiyaowen-1.html"
FENGCHENG_LIST_URL = "http://www.jxfc.gov.cn/n3/n13/index.html"
HANWEB_COLUMN_URL = "https://www.jiangsu.gov.cn/col/col33718/index.html"
HANWEB_PROXY_URL = (
    "https://gxt.jiangsu.gov.cn/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=1"
    "&path=/&columnid=6278&unitid=1&permissiontype=0"
)


def reports_crawler(**settings: Any) -> Crawler:
    """A crawler for the reports spider with the project's REPORTS_* settings, some overridden."""
    project = {name: value for name, value in vars(project_settings).items() if name.startswith("REPORTS_")}
    return get_crawler(ReportsSpider, settings_dict={**project, **settings})


def saved(path: Path) -> bytes:
    """Return the raw bytes of a saved page."""
    return path.read_bytes()


def html_response(body: bytes, url: str, *, seed: str = "pingtan", **meta) -> HtmlResponse:
    """Wrap raw page bytes as an HtmlResponse to a request carrying the spider's meta."""
    request = Request(url, meta={"seed": seed, **meta})
    return HtmlResponse(url=url, body=body, request=request)


def text_response(body: bytes, url: str, *, seed: str, method: str = "GET", **meta) -> TextResponse:
    """Wrap raw bytes (XML, JSON) as a TextResponse to a request carrying the spider's meta."""
    request = Request(url, method=method, meta={"seed": seed, **meta})
    return TextResponse(url=url, body=body, request=request, encoding="utf-8")
