"""Pingtan (平潭综合实验区): real saved pages served byte for byte, plus the column's JSON search API."""

from __future__ import annotations

import json
import math
import re
from datetime import date
from urllib.parse import urlsplit

from ..model import (
    DATA_DIR,
    KIND_MISSING,
    KIND_REPORT,
    Document,
    DynamicRoute,
    Portal,
    Region,
    ReportFacts,
    Request,
    Response,
    midday,
)
from .chrome import SiteMap, add_navigation
from .common import SiteInfo

PINGTAN_DIR = DATA_DIR / "pingtan"
PREFIX = "/pingtan"
COLUMN_DIR = "/pingtan/zwgk/zfxxgk/zfxxgknb/"
COLUMN_INDEX = COLUMN_DIR + "index.htm"
SEARCH_API = "/pingtan/fjdzapp/search"
CHANNEL_CLASS = "chnlid=1813"
CONTENT_TYPE = "text/html; charset=utf-8"
AGENCY = "平潭综合实验区"
LIST_ENTRY = re.compile(
    r'<a href="\./(\d{6}/t(\d{8})_\d+\.htm)" target="_blank" title="([^"]+)">[^<]*</a>\s*'
    r"</dd>\s*<dd[^>]*>\s*(\d{4}-\d{2}-\d{2})",
    re.S,
)
ARTICLE_TITLE = re.compile(r'<meta name="ArticleTitle" content="([^"]*)"')
PUB_DATE = re.compile(r'<meta name="PubDate" content="([^"]*)"')

PINGTAN = SiteInfo(
    "pingtan",
    "平潭综合实验区",
    "平潭",
    Region("福建省", None, None, "350000"),
    "福建省平潭综合实验区管理委员会办公室",
    "福建省平潭综合实验区金井湾片区",
    "0591-86178803",
    "闽ICP备09032658号",
    "公安备案号：35012899001-19002",
    "3590000001",
    "拓尔思信息技术股份有限公司",
)
PATHS = SiteMap(
    "/pingtan/index.htm",
    "/pingtan/zwgk/yw/index.htm",
    "/pingtan/bsfw/index.htm",
    "/pingtan/zwgk/zfxxgk/index.htm",
    "/pingtan/zwgk/zfxxgk/zfxxgkzn/index.htm",
    "/pingtan/zwgk/zfxxgk/zfxxgkzd/index.htm",
    "/pingtan/zwgk/zfxxgk/fdzdgknr/index.htm",
    COLUMN_INDEX,
    "政府信息公开年报",
    (("https://www.gov.cn/", "国务院"), ("https://www.fujian.gov.cn/", "省政府")),
)


def _gold_pages() -> dict[str, dict]:
    """Map each saved detail page's local path to its gold facts (plus file name)."""
    pages = {}
    for gold_file in sorted(PINGTAN_DIR.glob("*.gold.json")):
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        path = PREFIX + urlsplit(gold["url"]).path
        pages[path] = {**gold, "file": gold_file.name.replace(".gold.json", ".html")}
    return pages


def _list_entries(html: str) -> list[tuple[str, str, str]]:
    """Return (path, title, list date) of the static list page's entries."""
    return [(COLUMN_DIR + m.group(1), m.group(3), m.group(4)) for m in LIST_ENTRY.finditer(html)]


def _page_meta(raw: bytes) -> tuple[str, str]:
    """Return a saved page's ArticleTitle and PubDate."""
    text = raw.decode("utf-8")
    title, published = ARTICLE_TITLE.search(text), PUB_DATE.search(text)
    if title is None or published is None:
        raise ValueError("saved Pingtan page without ArticleTitle/PubDate meta")
    return title.group(1), published.group(1)


def _document(path: str, title: str, day: date, gold: dict | None) -> Document:
    """Build a column Document for an entry (report with truth, or missing).

    agency_type is 管理委员会: the report is published by the zone's 管委会 (the gold leaves it out).
    """
    if gold is None:
        return Document("pingtan", path, title, KIND_MISSING, None, day, "", list_date=day)
    published = date.fromisoformat(gold["published"]) if gold.get("published") else None
    facts = ReportFacts(
        gold["agency"],
        "管理委员会",
        gold["report_year"],
        gold["format"],
        gold.get("stats"),
        failed_checks=tuple(gold.get("failed_checks", ())),
    )
    return Document("pingtan", path, title, KIND_REPORT, published, day, AGENCY, facts=facts, list_date=day)


def column_documents() -> tuple[list[Document], dict[str, bytes]]:
    """Return the whole column (static list entries + older saved reports) and the saved page bytes."""
    gold_pages = _gold_pages()
    list_html = (PINGTAN_DIR / "list-index.html").read_text(encoding="utf-8")
    entries = {path: (title, day) for path, title, day in _list_entries(list_html)}
    raw_pages: dict[str, bytes] = {}
    for path, gold in gold_pages.items():
        raw = (PINGTAN_DIR / gold["file"]).read_bytes()
        raw_pages[path] = raw
        if path not in entries:
            title, pub = _page_meta(raw)
            entries[path] = (title, pub[:10])
    documents = [
        _document(path, title, date.fromisoformat(day), gold_pages.get(path)) for path, (title, day) in entries.items()
    ]
    return sorted(documents, key=lambda d: d.sort_date, reverse=True), raw_pages


def search_api(column: list[Document]) -> DynamicRoute:
    """Return the POST fjdzapp/search handler (form: channelid, classsql, page, prepage)."""

    def handle(request: Request) -> Response:
        args = {**request.query, **request.form}
        try:
            page = max(int(args.get("page", "1") or 1), 1)
            prepage = min(max(int(args.get("prepage", "10") or 10), 1), 100)
        except ValueError:
            return Response(b'{"error": "bad paging"}', "application/json; charset=utf-8", status=400)
        rows = column if args.get("classsql", CHANNEL_CLASS) == CHANNEL_CLASS else []
        chunk = rows[(page - 1) * prepage : page * prepage]
        data = [
            {
                "doctitle": d.title,
                "chnldocurl": request.base_url + d.path,
                "docreltime": f"{d.sort_date.isoformat()} 00:00:00",
            }
            for d in chunk
        ]
        body = {
            "total": len(rows),
            "page": page,
            "prepage": prepage,
            "pagecount": math.ceil(len(rows) / prepage),
            "data": data,
        }
        return Response(json.dumps(body, ensure_ascii=False).encode(), "application/json; charset=utf-8")

    return handle


def add_site(portal: Portal) -> None:
    """Register the Pingtan pages: synthesized navigation, real list and detail pages, the API."""
    add_navigation(portal, PINGTAN, PATHS, CONTENT_TYPE)
    portal.routes["/pingtan/index.html"] = portal.routes[PATHS.home]
    column, raw_pages = column_documents()
    portal.documents.extend(column)
    portal.regions[PINGTAN.key] = PINGTAN.region
    list_raw = (PINGTAN_DIR / "list-index.html").read_bytes()
    portal.add(COLUMN_INDEX, Response(list_raw, CONTENT_TYPE, last_modified=midday(column[0].sort_date)))
    for doc in column:
        if doc.path in raw_pages:
            portal.add(doc.path, Response(raw_pages[doc.path], CONTENT_TYPE, last_modified=midday(doc.sort_date)))
    portal.dynamic[SEARCH_API] = search_api(column)
