"""The IndexPipeline's part of a run: reports new / changed / unchanged and failures by kind per portal, with the run id."""

from __future__ import annotations

import pytest
from crawl_helpers import FROZEN_NOW, PINGTAN_LIST_URL, saved
from scrapy.utils.test import get_crawler

from crawler.items import FetchedPage, FetchFailure
from crawler.pipelines import IndexPipeline
from sample_files import PINGTAN

REPORT_URL = "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/202403/t20240308_87885.htm"
RUN_ID = "20261206T053000Z-3f2a"


def page(body: bytes) -> FetchedPage:
    """The report page at REPORT_URL with this body, as the spider emits it."""
    return FetchedPage(
        url=REPORT_URL,
        status=200,
        headers={"Content-Type": "text/html"},
        body=body,
        fetched_at=FROZEN_NOW,
        portal="pingtan",
        region_hint={"province": "福建省"},
        referer=PINGTAN_LIST_URL,
    )


@pytest.fixture
def pipeline(tmp_path):
    """An IndexPipeline of a crawl whose run has an id, writing into a fresh SQLite file."""
    crawler = get_crawler(settings_dict={"REPORTS_DB": str(tmp_path / "reports.sqlite")})
    crawler.stats.open_spider()
    crawler.stats.set_value("run/id", RUN_ID)
    index = IndexPipeline.from_crawler(crawler)
    index.open_spider()
    yield index
    index.close_spider()


def counts(pipeline: IndexPipeline) -> dict[str, int]:
    """The run's per-portal stats the pipeline keeps."""
    return {k: v for k, v in pipeline.stats.get_stats().items() if k.startswith("run/")}


def test_a_report_is_new_then_unchanged_then_changed(pipeline):
    first = pipeline.index(page(saved(PINGTAN / "87885.html")))
    pipeline.index(page(saved(PINGTAN / "87885.html")))
    pipeline.index(page(saved(PINGTAN / "80445.html")))  # another text at the same URL: an edited report
    assert counts(pipeline) == {
        "run/id": RUN_ID,
        "run/pingtan/reports_new": 1,
        "run/pingtan/reports_unchanged": 1,
        "run/pingtan/reports_changed": 1,
    }
    assert pipeline.backend.get(first["id"])["version"] == 2


def test_failures_are_counted_by_kind_and_carry_the_run_id(pipeline):
    off_scope = FetchFailure(
        url="https://www.pingtan.gov.cn/go",
        reason="off-scope redirect to https://other.example/",
        portal="pingtan",
        failed_at=FROZEN_NOW,
        status=302,
        kind="off_scope",
    )
    gone = FetchFailure(
        url="https://www.pingtan.gov.cn/x.htm", reason="HTTP 404", portal="pingtan", failed_at=FROZEN_NOW
    )
    for item in (off_scope, gone, gone):
        assert pipeline.process_item(item) is item
    assert counts(pipeline) == {
        "run/id": RUN_ID,
        "run/pingtan/failures/off_scope": 1,
        "run/pingtan/failures/fetch_failed": 2,
    }
    stored = pipeline.backend.failures(run_id=RUN_ID)
    assert stored.total == 2
    assert {(f["kind"], f["url"], f["count"]) for f in stored.failures} == {
        ("off_scope", "https://www.pingtan.gov.cn/go", 1),
        ("fetch_failed", "https://www.pingtan.gov.cn/x.htm", 2),
    }
