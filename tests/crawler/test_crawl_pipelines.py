"""Pipelines through process_item with built items; the index pipeline writes a real SQLite file."""

import json
import logging
import sqlite3

import pytest
from crawl_helpers import FROZEN_NOW, PINGTAN_LIST_URL, saved
from scrapy import Spider, signals
from scrapy.exceptions import DropItem
from scrapy.http import HtmlResponse, Request
from scrapy.logformatter import LogFormatter
from scrapy.utils.test import get_crawler

from crawler.items import FetchedPage, FetchFailure, GonePage, GoneURL, IndexedReport
from crawler.pipelines import ArchivePipeline, DuplicatePagePipeline, IndexPipeline
from indexer.archive import ArchiveWriter, Location, iter_captures, read_capture
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


def gone_page(url: str, status: int = 404, **extra) -> GonePage:
    """A GonePage as the spider builds it for a stored URL answering 404 (or `status`)."""
    fields = {"url": url, "how": "http_404", "status": status, "headers": {"Content-Type": "text/html"}}
    fields |= {"body": b"<h1>404</h1>", "fetched_at": "2026-12-01T03:00:00Z", "portal": "pingtan"}
    return GonePage(**{**fields, **extra})


def test_a_duplicate_url_is_dropped_and_an_identical_body_at_another_url_is_kept():
    pipeline = DuplicatePagePipeline()
    first = fetched(REPORT_URL, b"<html>report</html>")
    assert pipeline.process_item(first) is first
    with pytest.raises(DropItem, match=f"duplicate URL: {REPORT_URL}"):
        pipeline.process_item(fetched(REPORT_URL, b"<html>other</html>"))
    copy = fetched("https://www.pingtan.gov.cn/bm/report.htm", b"<html>report</html>")
    assert pipeline.process_item(copy) is copy  # the indexer stores this URL on the same record


def test_dropped_duplicate_is_logged_without_its_body():
    pipeline = DuplicatePagePipeline()
    body = "<html>平潭综合实验区2023年度政府信息公开工作年度报告</html>".encode()
    pipeline.process_item(fetched(REPORT_URL, body))
    copy = fetched(REPORT_URL, body)
    with pytest.raises(DropItem) as dropped:
        pipeline.process_item(copy)
    assert str(dropped.value) == f"duplicate URL: {REPORT_URL}"
    spider = Spider.from_crawler(get_crawler(), name="reports")
    logged = LogFormatter().dropped(copy, dropped.value, None, spider)
    line = logged["msg"] % logged["args"]
    assert REPORT_URL in line
    assert "平潭" not in line and "<html>" not in line and repr(body)[:20] not in line


def test_duplicate_pipeline_passes_failures_and_gone_pages():
    failure = FetchFailure(url=REPORT_URL, reason="HTTP 404", portal="pingtan", failed_at=FROZEN_NOW)
    pipeline = DuplicatePagePipeline()
    assert pipeline.process_item(failure) is failure
    gone = gone_page(REPORT_URL)
    assert pipeline.process_item(gone) is gone and pipeline.process_item(gone) is gone


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


def test_a_record_names_the_website_it_was_found_on_by_its_seeds_site_code(index):
    with_code = index.index(fetched(REPORT_URL, saved(PINGTAN / "87885.html"), site_code="3590000001"))
    assert with_code["site_code"] == "3590000001"
    other = REPORT_URL.replace("87885", "87886")
    assert index.index(fetched(other, saved(PINGTAN / "87885.html").replace(b"2023", b"2022")))["site_code"] is None


def test_index_pipeline_stores_report_and_records_rejects(index, tmp_path):
    db = tmp_path / "db" / "reports.sqlite"
    page = fetched(
        REPORT_URL,
        saved(PINGTAN / "87885.html"),
        list_title="平潭综合实验区2023年度政府信息公开工作年度报告",
        list_date="2024-03-08",
    )
    item = index.index(page)  # what process_item does, built in this thread
    assert isinstance(item, IndexedReport)
    assert (item["url"], item["report_year"], item["province"]) == (REPORT_URL, 2023, "福建省")
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*) from failures").fetchone() == (0,)
        (stored,) = conn.execute("select record from report_records").fetchone()
    assert json.loads(stored) == item  # the record as stored (with its first and last sighting)
    assert (item["first_seen"], item["version"], item["capture"]) == (FROZEN_NOW, 1, None)

    notice = fetched("https://gansu.example.gov.cn/notice.html", saved(PORTAL_PAGES / "gansu-fgw-detail.html"))
    with pytest.raises(DropItem, match="not_a_report .*: https://gansu.example.gov.cn/notice.html"):
        index.index(notice)

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
        index.index(broken)
    assert failures(tmp_path / "db" / "reports.sqlite")[0][:2] == (
        "unreadable",
        "https://www.pingtan.gov.cn/report.pdf",
    )
    assert dict(index.counts) == {"unreadable": 1}


def test_index_pipeline_record_is_searchable(index):
    from indexer.storage import SearchQuery

    index.index(fetched(REPORT_URL, saved(PINGTAN / "87885.html")))
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


@pytest.fixture
def archived_index(tmp_path):
    """The archive and index pipelines over a fresh folder and SQLite file, counting into a crawler's stats."""
    crawler = get_crawler(settings_dict={"REPORTS_DB": str(tmp_path / "reports.sqlite")})
    crawler.stats.open_spider()
    archive = ArchivePipeline(ArchiveWriter(tmp_path / "archive"))
    index = IndexPipeline(tmp_path / "reports.sqlite", crawler.stats)
    index.open_spider()
    yield archive, index, crawler.stats
    archive.close_spider()
    index.close_spider()


def through(pipelines, item):
    """Run an item through the archive, then the index pipeline."""
    archive, index, _ = pipelines
    archived = archive.process_item(item)
    return index.index(archived) if isinstance(archived, FetchedPage) else index.process_item(archived)


def test_every_page_is_archived_with_what_rebuilds_its_record(archived_index, tmp_path):
    page = fetched(REPORT_URL, saved(PINGTAN / "87885.html"), list_title="平潭2023年报", list_date="2024-03-08")
    record = through(archived_index, page)
    capture = record["capture"]
    assert capture == page.capture and (capture["url"], capture["status"]) == (REPORT_URL, 200)
    served = read_capture(tmp_path / "archive", Location.of(capture))
    assert served.body == page.body and served.fetched_at == FROZEN_NOW
    assert served.meta == {
        "portal": "pingtan",
        "role": "report",
        "list_title": "平潭2023年报",
        "list_date": "2024-03-08",
        "referer": PINGTAN_LIST_URL,
        "source_format": "html",
        "province": "福建省",
    }
    _, index, _ = archived_index
    assert [row["report_id"] for row in index.backend.captures(url=REPORT_URL)] == [record["id"]]


def test_a_rejected_page_is_archived_and_its_capture_belongs_to_no_report(archived_index):
    notice = fetched("https://gansu.example.gov.cn/notice.html", saved(PORTAL_PAGES / "gansu-fgw-detail.html"))
    with pytest.raises(DropItem, match="not_a_report"):
        through(archived_index, notice)
    _, index, _ = archived_index
    (row,) = index.backend.captures(url=notice.url)
    assert row["report_id"] is None and row["offset"] == notice.capture["offset"]


def test_an_identical_body_at_a_second_url_joins_the_first_record(archived_index):
    body = saved(PINGTAN / "87885.html")
    first = through(archived_index, fetched(REPORT_URL, body))
    second_url = "https://www.pingtan.gov.cn/bm/tjj/zfxxgknb/t20240308_87885.htm"
    with pytest.raises(DropItem, match=f"stored as another URL of the report with the same content: {second_url}"):
        through(archived_index, fetched(second_url, body))
    _, index, stats = archived_index
    assert index.backend.get(first["id"])["urls"] == [REPORT_URL, second_url]
    assert index.backend.count() == 1
    assert stats.get_value("run/pingtan/reports_new") == 1 and stats.get_value("run/pingtan/reports_unchanged") is None


def test_a_gone_url_withdraws_its_report_and_is_no_failure_until_it_comes_back(archived_index):
    record = through(archived_index, fetched(REPORT_URL, saved(PINGTAN / "87885.html")))
    gone = through(archived_index, gone_page(REPORT_URL))
    assert isinstance(gone, GoneURL)
    assert gone == {
        "url": REPORT_URL,
        "how": "http_404",
        "status": 404,
        "at": "2026-12-01T03:00:00Z",
        "portal": "pingtan",
        "withdrawn": record["id"],
    }
    _, index, stats = archived_index
    assert index.backend.failures().total == 0
    stored = index.backend.get(record["id"])
    assert stored["withdrawn"] == "2026-12-01T03:00:00Z" and stored["gone_urls"] == [REPORT_URL]
    statuses = [row["status"] for row in index.backend.captures(report_id=record["id"])]
    assert statuses == [404, 200]  # the 404 answer is archived and indexed with the report
    assert through(archived_index, gone_page(REPORT_URL))["withdrawn"] is None  # already withdrawn
    back = through(
        archived_index, fetched(REPORT_URL, saved(PINGTAN / "87885.html"), fetched_at="2026-12-08T03:00:00Z")
    )
    assert back["withdrawn"] is None and back["withdrawals"][-1]["returned"] == "2026-12-08T03:00:00Z"
    assert (
        stats.get_value("run/pingtan/reports_withdrawn") == 1 and stats.get_value("run/pingtan/reports_returned") == 1
    )


def test_list_pages_are_archived_only_when_asked(tmp_path):
    def crawl_list_page(**settings) -> list:
        folder = tmp_path / str(len(list(tmp_path.iterdir())))
        crawler = get_crawler(settings_dict={"REPORTS_ARCHIVE_DIR": str(folder), **settings})
        pipeline = ArchivePipeline.from_crawler(crawler)
        for role in ("list", "report"):
            request = Request(PINGTAN_LIST_URL, meta={"seed": "pingtan", "role": role})
            response = HtmlResponse(PINGTAN_LIST_URL, body=saved(PINGTAN / "list-index.html"), request=request)
            crawler.signals.send_catch_log(signals.response_received, response=response, request=request, spider=None)
        pipeline.close_spider()
        return [response for _, response in iter_captures(folder)]

    assert crawl_list_page() == []
    (archived,) = crawl_list_page(REPORTS_ARCHIVE_LIST_PAGES=True)
    assert archived.url == PINGTAN_LIST_URL and archived.meta == {"portal": "pingtan", "role": "list"}


def test_no_archive_when_turned_off(tmp_path):
    crawler = get_crawler(settings_dict={"REPORTS_ARCHIVE": False, "REPORTS_ARCHIVE_DIR": str(tmp_path / "a")})
    page = fetched(REPORT_URL, b"<html>report</html>")
    assert ArchivePipeline.from_crawler(crawler).process_item(page).capture is None
    assert not (tmp_path / "a").exists()


def test_the_archive_lies_beside_the_index_unless_set(tmp_path):
    crawler = get_crawler(settings_dict={"REPORTS_DB": str(tmp_path / "data" / "reports.sqlite")})
    pipeline = ArchivePipeline.from_crawler(crawler)
    assert pipeline.writer is not None and pipeline.writer.folder == tmp_path / "data" / "archive"
