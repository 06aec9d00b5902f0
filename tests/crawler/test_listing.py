"""List pages of each CMS family, parsed from saved real pages with their real URLs."""

import json

from crawl_helpers import (
    FENGCHENG_LIST_URL,
    GANSU_LIST_URL,
    HANWEB_COLUMN_URL,
    HANWEB_PROXY_URL,
    PINGTAN_LIST_URL,
    WANZAI_LIST_URL,
    YUANZHOU_LIST_URL,
    saved,
)

from crawler.listing import Entry, SearchCall, parse_list, parse_search_results
from crawler.listing.entries import find_date
from sample_files import PINGTAN, PORTAL_PAGES

MAX_PAGES = 50  # a column's page cap, as the spider passes REPORTS_MAX_LIST_PAGES


def test_pingtan_static_entries_and_search_api_call():
    page = parse_list(
        saved(PINGTAN / "list-index.html"),
        PINGTAN_LIST_URL,
        site_root="https://www.pingtan.gov.cn/",
        max_pages=MAX_PAGES,
    )
    assert len(page.entries) == 10
    assert page.entries[2] == Entry(
        "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/202403/t20240308_87885.htm",
        "平潭综合实验区2023年度政府信息公开工作年度报告",
        "2024-03-08",
    )
    assert [e.date[:4] for e in page.entries] == [str(y) for y in range(2026, 2016, -1)]
    assert page.next_pages == []
    assert page.searches == [
        SearchCall(
            "https://www.pingtan.gov.cn/fjdzapp/search",
            {"channelid": "200210", "classsql": "chnlid=1813", "page": "1", "prepage": "10"},
        )
    ]
    assert page.family == "trs-search"


def test_search_api_root_is_the_site_root():
    page = parse_list(
        saved(PINGTAN / "list-index.html"),
        "http://127.0.0.1:8765/pingtan/zwgk/zfxxgk/zfxxgknb/index.htm",
        site_root="http://127.0.0.1:8765/pingtan/",
        max_pages=MAX_PAGES,
    )
    assert page.searches[0].url == "http://127.0.0.1:8765/pingtan/fjdzapp/search"
    assert page.entries[0].url == "http://127.0.0.1:8765/pingtan/zwgk/zfxxgk/zfxxgknb/202603/t20260313_105587.htm"


def test_search_answer_entries_and_further_pages():
    call = SearchCall(
        "https://www.pingtan.gov.cn/fjdzapp/search",
        {"channelid": "200210", "classsql": "chnlid=1813", "page": "1", "prepage": "10"},
    )
    answer = json.dumps(
        {
            "total": 23,
            "data": [
                {
                    "doctitle": "平潭综合实验区2014年度政府信息公开工作年度报告",
                    "chnldocurl": "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/201501/t20150120_80430.htm",
                    "docreltime": "2015-01-20 10:00:00",
                },
                {
                    "doctitle": "平潭综合实验区2013年度政府信息公开工作年度报告",
                    "chnldocurl": "/zwgk/zfxxgk/zfxxgknb/201401/t20140120_80420.htm",
                    "docreltime": 1390176000000,
                },
                {"doctitle": "no url"},
            ],
        },
        ensure_ascii=False,
    ).encode()
    page = parse_search_results(answer, call, site_root="https://www.pingtan.gov.cn/", max_pages=MAX_PAGES)
    assert page.entries == [
        Entry(
            "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/201501/t20150120_80430.htm",
            "平潭综合实验区2014年度政府信息公开工作年度报告",
            "2015-01-20",
        ),
        Entry(
            "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/201401/t20140120_80420.htm",
            "平潭综合实验区2013年度政府信息公开工作年度报告",
            "2014-01-20",
        ),
    ]
    assert [c.formdata["page"] for c in page.searches] == ["2", "3"]
    assert page.searches[0].formdata["classsql"] == "chnlid=1813"
    later = parse_search_results(answer, page.searches[0], site_root="https://www.pingtan.gov.cn/", max_pages=MAX_PAGES)
    assert later.searches == []


def test_gansu_commented_list_and_pager():
    page = parse_list(saved(PORTAL_PAGES / "gansu-jyt-list.html"), GANSU_LIST_URL, max_pages=MAX_PAGES)
    assert len(page.entries) == 20
    assert page.entries[0] == Entry(
        "https://jyt.gansu.gov.cn/jyt/c110634/202511/174240943.shtml",
        "关于开展2024年全域全员全过程使用智慧教育平台专项研究课题结项工作的通知",
        "2025-11-17",
    )
    assert page.entries[-1].date == "2025-06-09"
    # 'page_div' variant counts pages from 1: zwgklist.shtml, zwgklist_2 … _10 (zwgklist_1 repeats page 1)
    assert page.next_pages == [f"https://jyt.gansu.gov.cn/jyt/c110634/zwgklist_{i}.shtml" for i in range(1, 11)]
    assert page.family == "trs"


def test_gansu_second_page_points_back_to_first():
    page = parse_list(
        saved(PORTAL_PAGES / "gansu-jyt-list.html"),
        GANSU_LIST_URL.replace("zwgklist", "zwgklist_3"),
        max_pages=MAX_PAGES,
    )
    assert page.next_pages[0] == GANSU_LIST_URL
    assert len(page.next_pages) == 10 and GANSU_LIST_URL.replace("zwgklist", "zwgklist_3") not in page.next_pages


def test_yuanzhou_trs_table_list_capped():
    page = parse_list(saved(PORTAL_PAGES / "yuanzhou-list.html"), YUANZHOU_LIST_URL, max_pages=5)
    assert len(page.entries) == 25
    assert page.entries[0] == Entry(
        "http://www.yzq.gov.cn/zwgk/zwdt/zwyw/201710/t20171013_397991.html",
        "中心城区棚户区改造第二批签约工作启动啦",
        "2017-10-13",
    )
    assert page.next_pages == [f"http://www.yzq.gov.cn/zwgk/zwdt/zwyw/index_{i}.html" for i in range(1, 5)]


def test_wanzai_next_last_and_select_pager():
    page = parse_list(saved(PORTAL_PAGES / "wanzai-list.html"), WANZAI_LIST_URL, max_pages=MAX_PAGES)
    assert len(page.entries) == 20
    assert page.entries[0] == Entry("http://www.wanzai.gov.cn/news-show-8960.html", "万载县发布禁火令", "2017-10-13")
    assert page.next_pages == [f"http://www.wanzai.gov.cn/news-list-wanzaiyaowen-{i}.html" for i in range(2, 31)]


def test_fengcheng_hidden_page_links():
    page = parse_list(saved(PORTAL_PAGES / "fengcheng-list.html"), FENGCHENG_LIST_URL, max_pages=20)
    assert len(page.entries) == 21
    assert page.entries[0].url == "http://www.jxfc.gov.cn/n3/n13/c672769/content.html"
    assert page.entries[0].date == "2017-10-13"
    assert page.next_pages == [f"http://www.jxfc.gov.cn/n3/n13/index_958_{i}.html" for i in range(1, 21)]


def test_hanweb_column_records_and_dataproxy_pages():
    page = parse_list(saved(PORTAL_PAGES / "hanweb-column-excerpt.html"), HANWEB_COLUMN_URL, max_pages=4)
    assert page.family == "hanweb"
    assert page.entries == [
        Entry(
            "https://www.jiangsu.gov.cn/art/2026/9/11/art_33718_11828204.html",
            "连云港跨里海班列运输提质提速",
            "2026-09-11",
        ),
        Entry(
            "https://www.jiangsu.gov.cn/art/2025/12/15/art_33718_11693505.html",
            "徐州以产业集群培育赋能中小企业高质量发展",
            "2025-12-15",
        ),
    ]
    assert page.next_pages == [
        f"https://www.jiangsu.gov.cn/module/web/jpage/dataproxy.jsp?page={n}&appid=1&webid=1&path=/"
        "&columnid=33718&unitid=212860&webname=江苏省人民政府&permissiontype=0"
        for n in (2, 3, 4)
    ]


def test_hanweb_dataproxy_answers():
    first = parse_list(saved(PORTAL_PAGES / "hanweb-dataproxy-excerpt.xml"), HANWEB_PROXY_URL, max_pages=3)
    assert [e.date for e in first.entries] == ["2026-06-10", "2026-05-18"]  # the record without a link is skipped
    assert first.entries[0].title == "关于印发江苏省“人工智能+制造”实施方案的通知"
    assert first.next_pages == [HANWEB_PROXY_URL.replace("page=1", f"page={n}") for n in (2, 3)]
    second = parse_list(
        saved(PORTAL_PAGES / "hanweb-dataproxy-excerpt2.xml"),
        HANWEB_PROXY_URL.replace("page=1", "page=5"),
        max_pages=MAX_PAGES,
    )
    (entry,) = second.entries
    assert entry.title.startswith("省工业和信息化厅关于印发《江苏省制造强省建设专项资金项目验收管理办法》")
    assert entry.date == "2026-04-17"


def test_report_titled_links_without_dates_are_entries():
    html = (
        '<ul><li><a href="t1.html">2023年政府信息公开工作年度报告</a></li>'
        '<li><a href="about.html">关于我们</a></li><li><a href="index_1.html">下一页</a></li></ul>'
    )
    page = parse_list(html, "http://www.x.gov.cn/zfxxgknb/index.html", max_pages=MAX_PAGES)
    assert page.entries == [Entry("http://www.x.gov.cn/zfxxgknb/t1.html", "2023年政府信息公开工作年度报告", None)]
    assert page.next_pages == ["http://www.x.gov.cn/zfxxgknb/index_1.html"]


def test_find_date_variants():
    assert find_date("[2017-10-13]") == "2017-10-13"
    assert find_date("发布时间：2024年3月8日") == "2024-03-08"
    assert find_date("2024/13/40 2025.1.2") == "2025-01-02"
    assert find_date("2025-2026学年") is None
