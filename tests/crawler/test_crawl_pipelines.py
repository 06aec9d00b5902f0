"""Pipelines through process_item with built items; the index pipeline writes a real SQLite file."""

import json
import logging
import sqlite3

import pytest
from crawl_helpers import FROZEN_NOW, PINGTAN_LIST_URL, saved
from scrapy import Spider
from scrapy.exceptions import DropItem
from scrapy.logformatter import LogFormatter
from scrapy.utils.test import get_crawler

from crawler.items import FetchedPage, FetchFailure, IndexedReport
from crawler.pipelines import DuplicatePagePipeline, IndexPipeline
from sample_files import PINGTAN, PORTAL_PAGES

REPORT_URL = "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/202403/t20240308_87885.htm"


def fetched(url: str, body: bytes, **extra) -> FetchedPage:
    """Build a FetchedPage as the spider would."""
    fields = {
        "url": url,
        "status": 200,
        "headers": {"Content-Type": "text/html"},
        "body": body,
        "fetched_at": FROZEN_NOW,
        "portal": "pingtan",
        "region_hint": {"province": "福建省"},
        "referer": PINGTAN_LIST_URL,
    }
    return FetchedPage(**{**fields, **extra})


def test_duplicate_url_and_body_are_dropped():
    pipeline = DuplicatePagePipeline()
    first = fetched(REPORT_URL, b"<html>report</html>")
    assert pipeline.process_item(first) is first
    with pytest.raises(DropItem, match=f"duplicate URL: {REPORT_URL}"):
        pipeline.process_item(fetched(REPORT_URL, b"<html>other</html>"))
    with pytest.raises(DropItem, match=f"duplicate body of {REPORT_URL}: https://www.pingtan.gov.cn/print.htm"):
        pipeline.process_item(fetched("https://www.pingtan.gov.cn/print.htm", b"<html>report</html>"))
    other = fetched("https://www.pingtan.gov.cn/b.htm", b"<html>b</html>")
    assert pipeline.process_item(other) is other


def test_dropped_duplicate_is_logged_without_its_body():
    pipeline = DuplicatePagePipeline()
    body = "<html>平潭综合实验区2023年度政府信息公开工作年度报告</html>".encode()
    pipeline.process_item(fetched(REPORT_URL, body))
    copy = fetched("https://www.pingtan.gov.cn/print.htm", body)
    with pytest.raises(DropItem) as dropped:
        pipeline.process_item(copy)
    assert str(dropped.value) == f"duplicate body of {REPORT_URL}: https://www.pingtan.gov.cn/print.htm"
    spider = Spider.from_crawler(get_crawler(), name="reports")
    logged = LogFormatter().dropped(copy, dropped.value, None, spider)
    line = logged["msg"] % logged["args"]
    assert "https://www.pingtan.gov.cn/print.htm" in line
    assert "平潭" not in line and "<html>" not in line and repr(body)[:20] not in line


def test_duplicate_pipeline_passes_failures_and_reads_settings():
    failure = FetchFailure(url=REPORT_URL, reason="HTTP 404", portal="pingtan", failed_at=FROZEN_NOW)
    pipeline = DuplicatePagePipeline.from_crawler(get_crawler(settings_dict={"REPORTS_DEDUP_BODIES": False}))
    assert pipeline.process_item(failure) is failure
    pipeline.process_item(fetched("https://a.gov.cn/1", b"same"))
    assert pipeline.process_item(fetched("https://a.gov.cn/2", b"same")).url == "https://a.gov.cn/2"


def test_index_pipeline_reads_db_setting(tmp_path):
    crawler = get_crawler(settings_dict={"REPORTS_DB": str(tmp_path / "x.sqlite")})
    assert IndexPipeline.from_crawler(crawler).db_path == tmp_path / "x.sqlite"


@pytest.fixture
def index(tmp_path):
    """An IndexPipeline writing into a fresh SQLite file (real indexer, real storage)."""
    pipeline = IndexPipeline(tmp_path / "db" / "reports.sqlite")
    pipeline.open_spider()
    yield pipeline
    pipeline.close_spider()


def failures(db) -> list[tuple]:
    """Return the stored failures (kind, url, reason, portal, status)."""
    with sqlite3.connect(db) as conn:
        return conn.execute("select kind, url, reason, portal, status from failures order by rowid").fetchall()


def test_index_pipeline_stores_report_and_records_rejects(index, tmp_path):
    db = tmp_path / "db" / "reports.sqlite"
    page = fetched(
        REPORT_URL,
        saved(PINGTAN / "87885.html"),
        list_title="平潭综合实验区2023年度政府信息公开工作年度报告",
        list_date="2024-03-08",
    )
    item = index.process_item(page)
    assert isinstance(item, IndexedReport)
    assert (item["url"], item["report_year"], item["province"]) == (REPORT_URL, 2023, "福建省")
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*) from failures").fetchone() == (0,)
        (stored,) = conn.execute("select record from report_records").fetchone()
    assert json.loads(stored) == item

    notice = fetched("https://gansu.example.gov.cn/notice.html", saved(PORTAL_PAGES / "gansu-fgw-detail.html"))
    with pytest.raises(DropItem, match="not_a_report .*: https://gansu.example.gov.cn/notice.html"):
        index.process_item(notice)

    gone = FetchFailure(
        url="https://www.pingtan.gov.cn/x.htm",
        reason="HTTP 404",
        portal="pingtan",
        failed_at=FROZEN_NOW,
        status=404,
        referer=PINGTAN_LIST_URL,
    )
    assert index.process_item(gone) is gone
    rows = failures(db)
    assert [r[0] for r in rows] == ["not_a_report", "fetch_failed"]
    assert rows[1] == ("fetch_failed", "https://www.pingtan.gov.cn/x.htm", "HTTP 404", "pingtan", 404)
    assert dict(index.counts) == {"stored": 1, "not_a_report": 1, "fetch_failed": 1}


def test_unreadable_page_is_stored_as_failure_and_dropped(index, tmp_path):
    broken = fetched("https://www.pingtan.gov.cn/report.pdf", b"%PDF-1.4 truncated", source_format="pdf")
    with pytest.raises(DropItem, match=r"unreadable \(corrupt PDF file: .*\): https://www.pingtan.gov.cn/report.pdf"):
        index.process_item(broken)
    assert failures(tmp_path / "db" / "reports.sqlite")[0][:2] == (
        "unreadable",
        "https://www.pingtan.gov.cn/report.pdf",
    )
    assert dict(index.counts) == {"unreadable": 1}


def test_index_pipeline_record_is_searchable(index):
    from indexer.storage import SearchQuery

    index.process_item(fetched(REPORT_URL, saved(PINGTAN / "87885.html")))
    result = index.backend.search(SearchQuery(q=""))
    assert result.total == 1
    assert result.hits[0].record["report_year"] == 2023


@pytest.mark.parametrize(
    ("target", "shown"),
    [
        (
            "https://indexer:s3cret@es.example.org:9200/?alias=reports",
            "https://indexer:***@es.example.org:9200/?alias=reports",
        ),
        ("data/reports.sqlite", "data/reports.sqlite"),
        ("http://es.example.org:9200", "http://es.example.org:9200"),
    ],
)
def test_storage_password_is_not_logged(target, shown, caplog):
    with caplog.at_level(logging.INFO, logger="crawler.pipelines"):
        IndexPipeline(target).close_spider()
    assert shown in caplog.text and "s3cret" not in caplog.text
