"""TRS lists loaded from a JSON search API (Pingtan's listModel({...}) + POST fjdzapp/search)."""

from __future__ import annotations

import json
import math
import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

from crawler.discovery import absolute_url
from crawler.listing.entries import find_date
from crawler.listing.model import Entry, ListPage, SearchCall

# Pingtan-style TRS list: listModel({... listArgs: {channelid, classsql}, pagebar: {prepage, recordCount}})
LISTMODEL_MARK = "listModel("


LISTMODEL_SPAN = 4000


CHANNELID_RE = re.compile(r"channelid\s*:\s*([^,\n}]+)")


CLASSSQL_RE = re.compile(r"classsql\s*:\s*([^\n]+)")


PREPAGE_RE = re.compile(r"prepage\s*:\s*['\"]?(\d+)")


QUOTED_RE = re.compile(r"\"([^\"]*)\"|'([^']*)'")


SEARCH_PATH = "fjdzapp/search"


DEFAULT_PREPAGE = 10


def search_calls(text: str, site_root: str) -> list[SearchCall]:
    """Return the first JSON-API call announced by a listModel({...}) script, if any."""
    start = text.find(LISTMODEL_MARK)
    if start < 0:
        return []
    block = text[start : start + LISTMODEL_SPAN]
    channel = _channel_id(block, text)
    classsql = _last_quoted(CLASSSQL_RE.search(block))
    if not channel:
        return []
    prepage = PREPAGE_RE.search(block)
    form = {
        "channelid": channel,
        "classsql": classsql or "",
        "page": "1",
        "prepage": prepage.group(1) if prepage else str(DEFAULT_PREPAGE),
    }
    return [SearchCall(url=urljoin(site_root, SEARCH_PATH), formdata=form)]


def _channel_id(block: str, text: str) -> str | None:
    """Read listArgs.channelid: a literal, or a SiteInfo.<key> looked up elsewhere on the page."""
    match = CHANNELID_RE.search(block)
    if not match:
        return None
    value = match.group(1).strip().strip("'\"")
    if value.isdigit():
        return value
    key = value.rsplit(".", 1)[-1]
    found = re.search(rf"{re.escape(key)}\s*:\s*['\"]?(\d+)", text)
    return found.group(1) if found else None


def _last_quoted(match: re.Match[str] | None) -> str | None:
    """Return the last non-empty quoted string of an expression like `"" || "chnlid=1813"`."""
    if not match:
        return None
    values = [a or b for a, b in QUOTED_RE.findall(match.group(1)) if a or b]
    return values[-1] if values else None


def parse_search_results(
    payload: str | bytes | dict[str, Any],
    call: SearchCall,
    *,
    site_root: str,
    max_pages: int,
) -> ListPage:
    """Parse a `{"total", "data": [{doctitle, chnldocurl, docreltime}]}` answer; page 1 adds the rest."""
    data = payload if isinstance(payload, dict) else json.loads(payload)
    entries = [e for e in (_search_entry(doc, site_root) for doc in data.get("data") or []) if e]
    searches: list[SearchCall] = []
    prepage = max(int(call.formdata.get("prepage") or DEFAULT_PREPAGE), 1)
    if call.page == 1:
        last = min(math.ceil(int(data.get("total") or 0) / prepage), max_pages)
        searches = [SearchCall(call.url, {**call.formdata, "page": str(n)}) for n in range(2, last + 1)]
    return ListPage(entries=entries, searches=searches, family="trs-search")


def _search_entry(doc: Any, site_root: str) -> Entry | None:
    """Turn one search hit into an Entry (URL resolved against the site root)."""
    if not isinstance(doc, dict):
        return None
    url = absolute_url(doc.get("chnldocurl") or doc.get("docpuburl"), site_root)
    if not url:
        return None
    title = " ".join(str(doc.get("doctitle") or "").split())
    return Entry(url, title, _search_date(doc.get("docreltime")))


def _search_date(value: Any) -> str | None:
    """Read docreltime given as text ('2024-03-08 15:34:00') or epoch milliseconds."""
    if isinstance(value, (int, float)) and value > 0:
        stamp = datetime.fromtimestamp(value / 1000 if value > 1e11 else value, tz=UTC)
        return stamp.strftime("%Y-%m-%d")
    return find_date(str(value or ""))
