"""Reports as attachments: finding PDF/DOCX links, and the spider following them only from wrapper pages."""

from __future__ import annotations

import pytest
from crawl_helpers import FROZEN_NOW, ROOT, html_response, saved
from scrapy.http import Request, Response

from crawler.attachments import (
    Attachment,
    attachment_format,
    choose_attachments,
    find_attachments,
    page_is_report,
)
from crawler.discovery import load_tree
from crawler.items import FetchedPage
from crawler.spiders.reports import ReportsSpider
from sample_files import PINGTAN, PORTAL_PAGES
from sample_portal.portal import build_portal

PORTAL = "http://127.0.0.1:8765"
GANSU_DETAIL_URL = "https://fzgg.gansu.gov.cn/fzgg/c106108/202502/174084153.shtml"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def page(body: str, url: str = "https://www.example.gov.cn/zwgk/nb/202301/t20230118_1.html") -> list[Attachment]:
    """Find the attachments of a tiny page."""
    return find_attachments(load_tree(f"<html><body>{body}</body></html>"), url)


def portal_case(source_format: str, *, copy: bool):
    """Return (document, file, page bytes) of a sample portal attachment case linked from a page."""
    portal = build_portal()
    for doc in portal.documents:
        for file in doc.files:
            if file.source_format == source_format and file.is_copy == copy and file.path != doc.path:
                return doc, file, portal.routes[doc.path].body
    raise LookupError(source_format)


@pytest.fixture
def portal_spider() -> ReportsSpider:
    """A reports spider over the sample portal seeds, clock frozen."""
    spider = ReportsSpider(seeds=str(ROOT / "seeds" / "sample_portal.yaml"), portal=PORTAL)
    spider.clock = lambda: FROZEN_NOW
    return spider


def test_real_detail_page_attachment_in_body():
    tree = load_tree(saved(PORTAL_PAGES / "gansu-fgw-detail.html"))
    assert find_attachments(tree, GANSU_DETAIL_URL) == [
        Attachment(
            "https://fzgg.gansu.gov.cn/fzgg/c106108/202502/174084153/files/5e0f97363d1d413c968a35078e0a7fcf.pdf",
            "《甘肃省关于加力支持工业企业设备更新的若干措施》",
            "pdf",
        )
    ]


def test_real_report_page_with_empty_attachment_box():
    tree = load_tree(saved(PINGTAN / "87885.html"))
    assert find_attachments(tree, "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/202403/t20240308_87885.htm") == []


@pytest.mark.parametrize(
    ("href", "text", "expected"),
    [
        ("./P020230118512345.pdf", "某局2022年年报", "pdf"),
        ("/files/%E5%B9%B4%E6%8A%A5.DOCX", "下载", "docx"),
        ("/module/download/downfile.jsp?classid=0&filename=2301181.doc", "附件", "doc"),
        ("/module/download/downfile.jsp?classid=0&filename=2301181.html", "附件", None),
        ("/module/download/downfile.jsp?id=9", "附件：某局2022年政府信息公开工作年度报告.wps", "wps"),
        ("/down.jsp?id=9", "附件1：年报.docx（35KB）", "docx"),
        ("./t20230118_2.html", "某局2022年政府信息公开工作年度报告", None),
        ("./report.pdf.html", "全文", None),
    ],
)
def test_attachment_format_by_path_or_label(href, text, expected):
    assert (
        attachment_format(
            "https://www.example.gov.cn" + href if href.startswith("/") else "https://www.example.gov.cn/a/" + href[2:],
            text,
        )
        == expected
    )


def test_labels_drop_prefix_size_and_extension():
    found = page(
        '<p>附件1：<a href="/down.jsp?id=9">附件1：赛罕区交通运输局2022年政府信息公开工作年度报告.docx（35KB）</a></p>'
        '<p><a href="./P0202301.pdf">全文下载：赛罕区交通运输局2022年政府信息公开工作年度报告.pdf</a></p>'
    )
    assert [(a.label, a.source_format) for a in found] == [
        ("赛罕区交通运输局2022年政府信息公开工作年度报告", "docx"),
        ("赛罕区交通运输局2022年政府信息公开工作年度报告", "pdf"),
    ]
    assert choose_attachments(found) == found[:1]  # one document in two formats: the DOCX


def test_report_titled_attachments_win_over_other_files():
    found = page(
        '<a href="/zwgk/zn.pdf">政府信息公开指南.pdf</a>'
        '<a href="./a.pdf">附件：某局2022年政府信息公开工作年度报告.pdf</a>'
        '<a href="./b.doc">附件：某中心2022年政府信息公开工作年度报告.doc</a>'
    )
    assert [a.url.rsplit("/", 1)[1] for a in choose_attachments(found)] == ["a.pdf", "b.doc"]
    untitled = page('<a href="./P1.pdf">附件1</a><a href="./P2.pdf">附件2</a>')
    assert choose_attachments(untitled) == untitled


def test_wrapper_page_is_not_a_report_but_the_copy_page_is():
    _, _, wrapper = portal_case("docx", copy=False)
    doc, _, with_copy = portal_case("pdf", copy=True)
    assert page_is_report(wrapper, None)[0] is False
    assert page_is_report(with_copy, doc.title) == (True, "annual report")


def test_spider_follows_the_attachment_of_a_wrapper_page(portal_spider):
    doc, file, body = portal_case("docx", copy=False)
    url = PORTAL + doc.path
    response = html_response(
        body,
        url,
        seed="saihan",
        from_url=PORTAL + "/saihan/zwgk/zfxxgknb/index.html",
        list_title=doc.title,
        list_date="2023-01-18",
    )
    (request,) = list(portal_spider.parse_report(response))
    assert isinstance(request, Request) and request.url == PORTAL + file.path
    assert request.callback == portal_spider.parse_report and request.errback == portal_spider.on_error
    assert {k: request.meta[k] for k in ("seed", "from_url", "list_title", "list_date", "attachment_of")} == {
        "seed": "saihan",
        "from_url": url,
        "list_title": doc.title,
        "list_date": "2023-01-18",
        "attachment_of": url,
    }


def test_attachment_response_becomes_a_fetched_page(portal_spider):
    doc, file, _ = portal_case("docx", copy=False)
    page_url, url = PORTAL + doc.path, PORTAL + file.path
    request = Request(
        url,
        meta={
            "seed": "saihan",
            "from_url": page_url,
            "list_title": doc.title,
            "list_date": "2023-01-18",
            "attachment_of": page_url,
        },
    )
    response = Response(url, body=file.body, headers={"Content-Type": DOCX_TYPE}, request=request)
    (item,) = list(portal_spider.parse_report(response))
    assert item == FetchedPage(
        url=url,
        status=200,
        headers={"Content-Type": DOCX_TYPE},
        body=file.body,
        fetched_at=FROZEN_NOW,
        portal="saihan",
        list_title=doc.title,
        list_date="2023-01-18",
        region_hint={"province": "内蒙古自治区", "city": "呼和浩特市", "county": "赛罕区"},
        site_code="1501050001",  # the seed's 网站标识码
        referer=page_url,
        source_format="docx",
    )


def test_report_page_with_a_pdf_copy_stays_one_page(portal_spider):
    doc, _, body = portal_case("pdf", copy=True)
    response = html_response(body, PORTAL + doc.path, seed="lingwu", list_title=doc.title)
    (item,) = list(portal_spider.parse_report(response))
    assert isinstance(item, FetchedPage) and item.source_format == "html" and item.url == PORTAL + doc.path


def test_thin_page_without_attachments_is_still_handed_to_the_indexer(portal_spider):
    body = "<html><body><div class='TRS_Editor'><p>详见附件。</p></div></body></html>".encode()
    response = html_response(
        body,
        PORTAL + "/saihan/zwgk/zfxxgknb/202301/t20230118_1.html",
        seed="saihan",
        list_title="赛罕区教育局2022年政府信息公开工作年度报告",
    )
    (item,) = list(portal_spider.parse_report(response))
    assert isinstance(item, FetchedPage)  # the indexer records why it is not a report
