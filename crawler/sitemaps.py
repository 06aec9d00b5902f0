"""Fallbacks when a seed has no findable 年报 column: its robots.txt `Sitemap:` lines and sitemap.xml (pure functions)."""

from __future__ import annotations

import re
from urllib.parse import urlparse

from lxml import etree

from crawler.discovery import COLUMN_URL_RE, DETAIL_URL_RE, absolute_url

SITEMAP_LINE_RE = re.compile(r"^\s*sitemap\s*:\s*(\S+)", re.I | re.M)
MAX_SITEMAP_URLS = 50_000  # the sitemaps.org limit per file
MAX_SITEMAPS = 10  # sitemaps followed from one sitemap index


def robots_sitemaps(text: str, site_root: str) -> list[str]:
    """The `Sitemap:` URLs of a robots.txt that lie within the seed's site."""
    urls = (absolute_url(m, site_root) for m in SITEMAP_LINE_RE.findall(text))
    return list(dict.fromkeys(u for u in urls if u and u.startswith(site_root)))


def sitemap_locations(body: bytes) -> tuple[list[str], bool]:
    """The <loc> URLs of a sitemap, and whether it is a sitemap index (its locations are sitemaps)."""
    try:
        root = etree.fromstring(body, parser=etree.XMLParser(recover=True, resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return [], False
    if root is None:
        return [], False
    locs = [(e.text or "").strip() for e in root.iter("{*}loc")][:MAX_SITEMAP_URLS]
    return [loc for loc in locs if loc], etree.QName(root).localname == "sitemapindex"


def column_urls(locations: list[str], site_root: str) -> list[str]:
    """The sitemap URLs within the seed's site whose path looks like a 年报 column (not a report in it)."""
    return [
        url
        for url in dict.fromkeys(locations)
        if url.startswith(site_root) and COLUMN_URL_RE.search(urlparse(url).path) and not DETAIL_URL_RE.search(url)
    ]
