"""Which stored report URLs a recrawl re-checks, under which seed, with what their last capture was fetched with."""

from __future__ import annotations

from crawl_helpers import FROZEN_NOW, PINGTAN_LIST_URL, saved

from crawler.items import FetchedPage
from crawler.pipelines import ArchivePipeline, IndexPipeline
from crawler.recheck import Recheck, open_stored, owner, plan_rechecks, stored_urls
from crawler.seeds import Seed
from indexer.archive import ArchiveWriter
from sample_files import PINGTAN

PINGTAN_SEED = Seed("pingtan", "https://www.pingtan.gov.cn/zwgk/index.htm", ("pingtan.gov.cn",))
DEPARTMENT = Seed("pingtan_tjj", "https://www.pingtan.gov.cn/bm/tjj/index.htm", ("pingtan.gov.cn",))
FUJIAN = Seed("fujian", "https://www.fujian.gov.cn/", ("fujian.gov.cn",))
REPORT_URL = "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/202403/t20240308_87885.htm"


def test_a_url_is_rechecked_under_the_seed_it_was_fetched_under_else_the_site_holding_it():
    seeds = [PINGTAN_SEED, DEPARTMENT, FUJIAN]
    department_page = "https://www.pingtan.gov.cn/bm/tjj/nb/1.htm"
    assert owner(department_page, seeds) is DEPARTMENT  # its start URL's folder holds it
    assert owner(REPORT_URL, seeds) is PINGTAN_SEED
    assert owner(department_page, seeds, portal="pingtan") is PINGTAN_SEED  # where it was last fetched
    assert owner("https://sub.pingtan.gov.cn/x.htm", seeds) is PINGTAN_SEED  # the first seed allowing it
    assert owner("https://www.xiamen.gov.cn/x.htm", seeds) is None


def test_the_plan_carries_the_list_title_of_the_last_capture(tmp_path):
    db, archive = tmp_path / "reports.sqlite", tmp_path / "archive"
    assert open_stored(str(db)) is None  # a first crawl: nothing stored yet
    pipelines = ArchivePipeline(ArchiveWriter(archive)), IndexPipeline(db)
    pipelines[1].open_spider()
    page = FetchedPage(
        url=REPORT_URL,
        status=200,
        headers={"Content-Type": "text/html"},
        body=saved(PINGTAN / "87885.html"),
        fetched_at=FROZEN_NOW,
        portal="pingtan_tjj",
        list_title="平潭综合实验区2023年度政府信息公开工作年度报告",
        list_date="2024-03-08",
        referer=PINGTAN_LIST_URL,
    )
    pipelines[1].index(pipelines[0].process_item(page))
    pipelines[0].close_spider()
    pipelines[1].close_spider()
    backend = open_stored(str(db))
    assert backend is not None
    try:
        seeds = [PINGTAN_SEED, DEPARTMENT, FUJIAN]
        assert stored_urls(backend, seeds) == {REPORT_URL}
        assert stored_urls(backend, [FUJIAN]) == set()
        assert plan_rechecks(backend, archive, [REPORT_URL], seeds) == [
            Recheck(REPORT_URL, "pingtan_tjj", page.list_title, "2024-03-08", PINGTAN_LIST_URL)
        ]
        assert plan_rechecks(backend, tmp_path / "elsewhere", [REPORT_URL], seeds) == [
            Recheck(REPORT_URL, "pingtan")  # no archive: the seed whose site holds it, no list title
        ]
    finally:
        backend.close()
