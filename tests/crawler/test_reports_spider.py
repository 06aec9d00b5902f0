"""Spider callbacks called directly on saved pages (city-scrapers style), clock frozen."""

import asyncio
import json
import logging

import pytest
from crawl_helpers import (
    FROZEN_NOW,
    GANSU_LIST_URL,
    HANWEB_COLUMN_URL,
    PINGTAN_LIST_URL,
    ROOT,
    html_response,
    reports_crawler,
    saved,
    text_response,
)
from scrapy.http import FormRequest, HtmlResponse, Request, Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import DNSLookupError, TimeoutError
from twisted.python.failure import Failure

from crawler import settings as project_settings
from crawler.errors import MissingSetting, SeedError
from crawler.failures import Refused
from crawler.items import FetchedPage, FetchFailure, GonePage
from crawler.spiders.reports import ReportsSpider
from sample_files import PINGTAN, PORTAL_PAGES

REPORT_URL = "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/202403/t20240308_87885.htm"


def requests_of(results) -> list[Request]:
    """Keep the requests of a callback's output."""
    return [r for r in results if isinstance(r, Request)]


def test_start_requests_every_seed(spider):
    async def collect():
        return [request async for request in spider.start()]

    requests = asyncio.run(collect())
    assert len(requests) == len(spider.seeds)
    assert requests[0].url == "https://www.beijing.gov.cn/"
    assert requests[0].callback == spider.parse_home and requests[0].errback == spider.on_error
    assert requests[0].meta["seed"] == "beijing"


def test_allowed_domains_are_the_union_of_seeds(spider):
    assert "pingtan.gov.cn" in spider.allowed_domains and "beijing.gov.cn" in spider.allowed_domains
    assert len(spider.allowed_domains) == len(set(spider.allowed_domains))


def test_spider_needs_a_seed_file():
    with pytest.raises(SeedError, match="seeds=FILE"):
        ReportsSpider()


def test_crawl_limits_come_from_the_settings(real_seeds_file):
    project = ReportsSpider.from_crawler(reports_crawler(), seeds=str(real_seeds_file))
    assert (project.max_list_pages, project.max_hub_depth, project.max_hub_links) == (
        project_settings.REPORTS_MAX_LIST_PAGES,
        project_settings.REPORTS_MAX_HUB_DEPTH,
        project_settings.REPORTS_MAX_HUB_LINKS,
    )
    crawler = reports_crawler(REPORTS_MAX_LIST_PAGES=7, REPORTS_MAX_HUB_DEPTH="1", REPORTS_MAX_HUB_LINKS=0)
    spider = ReportsSpider.from_crawler(crawler, seeds=str(real_seeds_file))
    assert (spider.max_list_pages, spider.max_hub_depth, spider.max_hub_links) == (7, 1, 0)


def test_a_missing_crawl_limit_is_a_clear_error(real_seeds_file):
    with pytest.raises(MissingSetting, match="REPORTS_MAX_HUB_DEPTH is not set"):
        ReportsSpider.from_crawler(reports_crawler(REPORTS_MAX_HUB_DEPTH=None), seeds=str(real_seeds_file))


def test_sample_portal_seeds_with_portal_argument():
    spider = ReportsSpider(seeds=str(ROOT / "seeds" / "sample_portal.yaml"), portal="http://127.0.0.1:8765")
    assert spider.allowed_domains == ["127.0.0.1"]
    assert spider.seeds["lvyuan"].start_url == "http://127.0.0.1:8765/lvyuan/index.html"


def test_pingtan_list_page_requests_reports_and_search_api(spider):
    response = html_response(saved(PINGTAN / "list-index.html"), PINGTAN_LIST_URL, seed="pingtan")
    requests = requests_of(spider.parse_list(response))
    reports = [r for r in requests if r.callback == spider.parse_report]
    assert len(reports) == 10
    assert reports[2].url == REPORT_URL
    assert reports[2].meta["list_title"] == "平潭综合实验区2023年度政府信息公开工作年度报告"
    assert reports[2].meta["list_date"] == "2024-03-08"
    assert reports[2].meta["from_url"] == PINGTAN_LIST_URL
    (search,) = [r for r in requests if isinstance(r, FormRequest)]
    assert (search.method, search.url, search.callback) == (
        "POST",
        "https://www.pingtan.gov.cn/fjdzapp/search",
        spider.parse_search,
    )
    assert dict(pair.split("=") for pair in search.body.decode().split("&")) == {
        "channelid": "200210",
        "classsql": "chnlid%3D1813",
        "page": "1",
        "prepage": "10",
    }


def test_pingtan_search_answer_requests_reports_and_more_pages(spider):
    form = {"channelid": "200210", "classsql": "chnlid=1813", "page": "1", "prepage": "10"}
    body = json.dumps(
        {
            "total": 12,
            "data": [
                {
                    "doctitle": "平潭综合实验区2014年度政府信息公开工作年度报告",
                    "chnldocurl": "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/201501/t20150120_80430.htm",
                    "docreltime": "2015-01-20 10:00:00",
                },
                {
                    "doctitle": "平潭综合实验区2015年政府信息公开工作要点",
                    "chnldocurl": "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/201503/t20150301_80431.htm",
                    "docreltime": "2015-03-01 10:00:00",
                },
            ],
        },
        ensure_ascii=False,
    ).encode()
    response = text_response(
        body, "https://www.pingtan.gov.cn/fjdzapp/search", seed="pingtan", method="POST", search_form=form
    )
    requests = requests_of(spider.parse_search(response))
    assert [r.url for r in requests if r.callback == spider.parse_report] == [
        "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/201501/t20150120_80430.htm"
    ]
    (more,) = [r for r in requests if r.callback == spider.parse_search]
    assert b"page=2" in more.body


def test_bad_search_answer_is_a_failure(spider):
    response = text_response(
        b"<html>busy</html>",
        "https://www.pingtan.gov.cn/fjdzapp/search",
        seed="pingtan",
        search_form={"page": "1", "prepage": "10"},
    )
    (failure,) = list(spider.parse_search(response))
    assert isinstance(failure, FetchFailure) and failure.reason.startswith("bad list API answer")


def test_gansu_list_follows_pages_but_not_notices(spider):
    response = html_response(saved(PORTAL_PAGES / "gansu-jyt-list.html"), GANSU_LIST_URL, seed="gansu-jyt")
    requests = requests_of(spider.parse_list(response))
    assert not [r for r in requests if r.callback == spider.parse_report]  # 20 通知, no report
    assert [r.url for r in requests] == [
        f"https://jyt.gansu.gov.cn/jyt/c110634/zwgklist_{i}.shtml" for i in range(1, 11)
    ]
    assert all(r.callback == spider.parse_list for r in requests)


def test_list_pages_stop_one_over_the_budget(spider):
    spider.max_list_pages = 3  # the list budget refuses the 4th page and records where the column was cut
    response = html_response(
        saved(PORTAL_PAGES / "gansu-jyt-list.html"), GANSU_LIST_URL, seed="gansu-jyt", column=GANSU_LIST_URL
    )
    requests = requests_of(spider.parse_list(response))
    assert [r.url.rsplit("/", 1)[1] for r in requests] == [
        "zwgklist_1.shtml",
        "zwgklist_2.shtml",
        "zwgklist_3.shtml",
        "zwgklist_4.shtml",
    ]
    assert all(r.meta["role"] == "list" and r.meta["column"] == GANSU_LIST_URL for r in requests)


def test_hanweb_column_requests_dataproxy_pages(spider):
    spider.max_list_pages = 3
    response = html_response(saved(PORTAL_PAGES / "hanweb-column-excerpt.html"), HANWEB_COLUMN_URL, seed="jiangsu")
    urls = [r.url for r in requests_of(spider.parse_list(response))]
    assert len(urls) == 3 and all("dataproxy.jsp?page=" in u and "columnid=33718" in u for u in urls)


def test_home_page_goes_to_column_and_hubs(spider):
    response = html_response(saved(PINGTAN / "list-index.html"), "https://www.pingtan.gov.cn/index.htm", seed="pingtan")
    requests = requests_of(spider.parse_home(response))
    columns = [r.url for r in requests if r.callback == spider.parse_list]
    hubs = [r for r in requests if r.callback == spider.parse_hub]
    assert columns == ["https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/nlist.htm"]
    assert [r.url for r in hubs] == ["https://www.pingtan.gov.cn/zwgk/", "https://www.pingtan.gov.cn/zwgk/zfxxgk/"]
    assert all(r.meta["depth_hub"] == 1 for r in hubs)
    assert len([r for r in requests if r.callback == spider.parse_report]) == 10


def test_hub_depth_limit(spider):
    response = html_response(
        saved(PINGTAN / "list-index.html"),
        "https://www.pingtan.gov.cn/zwgk/",
        seed="pingtan",
        depth_hub=spider.max_hub_depth,
    )
    assert not [r for r in requests_of(spider.parse_hub(response)) if r.callback == spider.parse_hub]


def test_report_page_becomes_fetched_page(spider):
    body = saved(PINGTAN / "87885.html")
    response = html_response(
        body,
        REPORT_URL,
        seed="pingtan",
        from_url=PINGTAN_LIST_URL,
        list_title="平潭综合实验区2023年度政府信息公开工作年度报告",
        list_date="2024-03-08",
    )
    (page,) = list(spider.parse_report(response))
    assert page == FetchedPage(
        url=REPORT_URL,
        status=200,
        headers={},
        body=body,
        fetched_at=FROZEN_NOW,
        portal="pingtan",
        list_title="平潭综合实验区2023年度政府信息公开工作年度报告",
        list_date="2024-03-08",
        region_hint={"province": "福建省"},
        site_code="3590000001",  # the seed's 网站标识码
        referer=PINGTAN_LIST_URL,
        source_format="html",
    )


def test_report_headers_and_pdf_format(spider):
    request = Request("https://www.pingtan.gov.cn/a/P0202403.pdf", meta={"seed": "pingtan"})
    response = Response(request.url, body=b"%PDF-1.7 ...", headers={"Content-Type": "application/pdf"}, request=request)
    (page,) = list(spider.parse_report(response))
    assert page.source_format == "pdf" and page.headers == {"Content-Type": "application/pdf"}


@pytest.mark.parametrize(("body", "reason"), [(b"", "empty body"), (b"   \r\n", "empty body")])
def test_empty_report_body_is_a_failure(spider, body, reason):
    (failure,) = list(spider.parse_report(html_response(body, REPORT_URL, seed="pingtan")))
    assert failure == FetchFailure(
        url=REPORT_URL,
        reason=reason,
        portal="pingtan",
        failed_at=FROZEN_NOW,
        status=200,
        referer=None,
        kind="unreadable",
    )


def test_report_redirected_to_folder_is_a_failure(spider):
    folder = "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/"
    response = html_response(saved(PINGTAN / "list-index.html"), folder, seed="pingtan", redirect_urls=[REPORT_URL])
    (failure,) = list(spider.parse_report(response))
    assert failure.url == REPORT_URL and "redirected" in failure.reason


def test_errback_http_error_gives_fetch_failure(spider):
    request = Request(REPORT_URL, meta={"seed": "pingtan", "from_url": PINGTAN_LIST_URL})
    response = HtmlResponse(REPORT_URL, status=404, body=b"not found", request=request)
    failure = Failure(HttpError(response, "Ignoring non-200 response"))
    failure.request = request
    (item,) = list(spider.on_error(failure))
    assert item == FetchFailure(
        url=REPORT_URL,
        reason="HTTP 404",
        portal="pingtan",
        failed_at=FROZEN_NOW,
        status=404,
        referer=PINGTAN_LIST_URL,
        kind="fetch_failed",
    )


FOLDER_URL = "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/202403/"


def http_error(status: int, url: str = REPORT_URL, role: str = "report", **headers) -> Failure:
    """The errback failure of a report request answered `status` (HttpError), headers as given."""
    request = Request(url, meta={"seed": "pingtan", "from_url": PINGTAN_LIST_URL, "role": role})
    response = HtmlResponse(url, status=status, body=b"<h1>gone</h1>", headers=headers, request=request)
    failure = Failure(HttpError(response, "Ignoring non-200 response"))
    failure.request = request
    return failure


@pytest.mark.parametrize(
    ("status", "headers", "how"),
    [
        (404, {}, "http_404"),
        (410, {}, "http_410"),
        (301, {"Location": "/zwgk/zfxxgk/zfxxgknb/202403/"}, "redirect_parent"),
        (302, {"Location": "https://www.pingtan.gov.cn/"}, "redirect_home"),
    ],
)
def test_a_stored_report_url_answering_gone_is_a_gone_page_not_a_failure(spider, status, headers, how):
    spider.known = {REPORT_URL}
    (item,) = list(spider.on_error(http_error(status, **headers)))
    assert item == GonePage(
        url=REPORT_URL,
        how=how,
        status=status,
        headers=headers,
        body=b"<h1>gone</h1>",
        fetched_at=FROZEN_NOW,
        portal="pingtan",
        referer=PINGTAN_LIST_URL,
    )


def test_a_stored_url_reached_through_a_redirect_is_the_one_marked_gone(spider):
    spider.known = {REPORT_URL}
    failure = http_error(404)
    failure.request.meta["redirect_urls"] = [REPORT_URL.replace("https:", "http:")]
    (item,) = list(spider.on_error(failure))
    assert isinstance(item, GonePage) and (item.url, item.how, item.final_url) == (REPORT_URL, "http_404", None)


def test_an_unknown_url_sent_to_its_folder_stays_a_failure_naming_where(spider):
    (item,) = list(spider.on_error(http_error(301, Location="/zwgk/zfxxgk/zfxxgknb/202403/")))
    assert isinstance(item, FetchFailure) and (item.kind, item.status) == ("fetch_failed", 301)
    assert item.reason == f"HTTP 301: redirected to {FOLDER_URL} (report removed?)"


def test_a_stored_list_page_or_a_server_error_is_never_gone(spider):
    spider.known = {REPORT_URL, PINGTAN_LIST_URL}
    (failure,) = list(spider.on_error(http_error(404, url=PINGTAN_LIST_URL, role="list")))
    (error,) = list(spider.on_error(http_error(503)))
    assert isinstance(failure, FetchFailure) and isinstance(error, FetchFailure) and error.reason == "HTTP 503"


def test_a_stored_report_refreshed_to_its_folder_is_gone_with_the_page_it_led_to(spider):
    spider.known = {REPORT_URL}
    response = html_response(saved(PINGTAN / "list-index.html"), FOLDER_URL, seed="pingtan", redirect_urls=[REPORT_URL])
    (gone,) = list(spider.parse_report(response))
    assert isinstance(gone, GonePage)
    assert (gone.url, gone.how, gone.final_url, gone.status) == (REPORT_URL, "redirect_parent", FOLDER_URL, 200)
    assert gone.archived().requested_url == REPORT_URL and gone.archived().gone == "redirect_parent"


def test_report_urls_requested_or_served_are_reached(spider):
    response = html_response(
        saved(PINGTAN / "87885.html"), REPORT_URL, seed="pingtan", redirect_urls=["http://x.gov.cn/a"]
    )
    list(spider.parse_report(response))
    assert {REPORT_URL, "http://x.gov.cn/a"} <= spider.reached


@pytest.mark.parametrize(
    ("error", "name"), [(DNSLookupError("www.nowhere.gov.cn"), "DNSLookupError"), (TimeoutError("60s"), "TimeoutError")]
)
def test_errback_network_errors_give_fetch_failure(spider, error, name):
    request = Request("https://www.nowhere.gov.cn/", meta={"seed": "beijing"})
    failure = Failure(error)
    failure.request = request
    (item,) = list(spider.on_error(failure))
    assert item.reason.startswith(name) and item.status is None and item.portal == "beijing"
    assert item.kind == "fetch_failed"


def test_errback_records_the_url_first_requested_with_the_refusals_kind(spider):
    request = Request("https://www.pingtan.gov.cn/b.htm", meta={"seed": "pingtan", "redirect_urls": [REPORT_URL]})
    failure = Failure(Refused("off_scope", "off-scope redirect to https://www.fujian.gov.cn/", status=302))
    failure.request = request
    (item,) = list(spider.on_error(failure))
    assert (item.url, item.kind, item.status) == (REPORT_URL, "off_scope", 302)
    assert item.reason == "off-scope redirect to https://www.fujian.gov.cn/"


def test_a_parsed_list_page_marks_its_column_found(real_seeds_file):
    crawler = reports_crawler()
    spider = ReportsSpider.from_crawler(crawler, seeds=str(real_seeds_file))
    crawler.stats.open_spider()
    response = html_response(saved(PINGTAN / "list-index.html"), PINGTAN_LIST_URL, seed="pingtan")
    list(spider.parse_list(response))
    assert crawler.stats.get_value("run/pingtan/column_found") == 1
    assert crawler.stats.get_value("run/beijing/column_found") is None


def test_every_request_says_its_role(spider):
    response = html_response(saved(PINGTAN / "list-index.html"), "https://www.pingtan.gov.cn/index.htm", seed="pingtan")
    roles = {r.callback.__name__: r.meta["role"] for r in requests_of(spider.parse_home(response))}
    # the saved page's menu links 地方部门平台链接 too: a directory, counted as a hub page
    assert roles == {"parse_list": "list", "parse_report": "report", "parse_hub": "hub", "parse_directory": "hub"}


def test_the_spider_masks_passwords_in_every_log_line(spider, caplog):
    logging.getLogger("scrapy.core.engine").warning("storage at http://elastic:s3cret-pw@127.0.0.1:9200")
    assert "s3cret-pw" not in caplog.text and "http://elastic:***@127.0.0.1:9200" in caplog.text
