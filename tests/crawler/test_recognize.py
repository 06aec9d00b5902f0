"""Report titles vs look-alikes, and the format/problem checks on fetched pages."""

import pytest

from crawler.recognize import (
    guess_source_format,
    looks_like_report_title,
    page_problem,
    redirect_problem,
)

REPORT_TITLES = [
    "平潭综合实验区2023年度政府信息公开工作年度报告",
    "平潭综合实验区2011年政府信息公开工作年度报告",
    "赛罕区民政局2019年政府信息公开工作年度报告",
    "灵武市民政局2024年度政府信息公开工作年度报告（全真版）",
    "长春市绿园区2020年政务公开工作年度报告",
    "XX县财政局2022年信息公开年报",
    "2008年政府信息公开工作报告",
    "关于2021年度政府信息公开年度报告",
    "某某局二〇二一年政府信息公开工作年度报告",
    "平潭综合实验区 2016年度 政府信息公开工作年度报告",
]

LOOKALIKE_TITLES = [
    ("赛罕区2024年政府信息公开工作要点", "工作要点"),
    ("关于2023年政府信息公开工作要点落实情况的函", "工作要点"),
    ("关于2022年度政府信息公开工作年度报告整改落实情况的函", "落实情况"),
    ("2024年赛罕区政府工作报告", "政府工作报告"),
    ("赛罕区2023年部门预算公开", "预算"),
    ("2022年度部门决算公开说明", "决算"),
    ("关于开展2023年度企业年报公示工作的通知", "企业年报"),
    ("2023年统计年报编报工作会议召开", "统计年报"),
    ("图解：2023年政府信息公开工作年度报告", "解读"),
]

# Real department titles: not named like a report, so fetched and left to the indexer's content rules.
POSSIBLE_REPORT_TITLES = [
    "平潭县卫生局2013年度政府信息公开情况总结",
    "平潭县卫生局2011年度政府信息公开",
    "平潭县海洋与渔业局2011年工作公开年度报告",
    "平潭县人防办2011年度政府信息工作公开年度报告",
]

NEW_LOOKALIKE_TITLES = [
    ("平潭县卫生局2013年度政府信息公开工作自查报告", "自查报告"),
    ("平潭县卫生局2013年政府信息公开工作总结暨2014年工作思路", "工作总结暨工作思路"),
    ("平潭县卫生局2014年政府信息公开工作计划", "工作计划"),
]

NOT_REPORTS = [
    ("政府信息公开工作年度报告", "no year"),
    ("2023年政府信息公开指南", "年度报告"),
    ("2023年度工作总结", "政府信息公开"),
    ("", "empty"),
]


@pytest.mark.parametrize("title", REPORT_TITLES)
def test_report_titles_are_recognised(title):
    ok, reason = looks_like_report_title(title)
    assert ok, reason
    assert reason.startswith("report title")


@pytest.mark.parametrize(("title", "why"), LOOKALIKE_TITLES)
def test_lookalikes_are_rejected_with_their_kind(title, why):
    ok, reason = looks_like_report_title(title)
    assert not ok
    assert reason.startswith("look-alike") and why in reason


@pytest.mark.parametrize("title", POSSIBLE_REPORT_TITLES)
def test_possible_report_titles_are_fetched_for_the_content_to_decide(title):
    ok, reason = looks_like_report_title(title)
    assert ok, reason
    assert reason.startswith("possible report title") and "content must confirm" in reason


@pytest.mark.parametrize(("title", "why"), NEW_LOOKALIKE_TITLES)
def test_work_summaries_plans_and_self_checks_are_rejected(title, why):
    ok, reason = looks_like_report_title(title)
    assert not ok
    assert reason.startswith("look-alike") and why in reason


@pytest.mark.parametrize(("title", "why"), NOT_REPORTS)
def test_other_titles_are_rejected_with_reason(title, why):
    ok, reason = looks_like_report_title(title)
    assert not ok
    assert why in reason


@pytest.mark.parametrize(
    ("url", "content_type", "expected"),
    [
        ("http://x.gov.cn/a/t20240308_1.htm", "text/html; charset=GBK", "html"),
        ("http://x.gov.cn/a/P020240308.pdf", "application/octet-stream", "pdf"),
        ("http://x.gov.cn/a/report.docx", None, "docx"),
        ("http://x.gov.cn/a/download.jsp?id=3", "application/msword", "doc"),
        ("http://x.gov.cn/a/file.wps", "", "wps"),
    ],
)
def test_source_format(url, content_type, expected):
    assert guess_source_format(url, content_type) == expected


def test_page_problems():
    assert page_problem(b"  \n", "html", "") == "empty body"
    assert page_problem(b"%PDF-1.4 ...", "pdf", None) is None
    assert "not a text page" in page_problem(b"\x00\x01", "html", None)
    assert "undecodable" in page_problem(b"x" * 100, "html", "\ufffd" * 80 + "abc")
    assert page_problem("<p>报告</p>".encode(), "html", "<p>报告</p>") is None


def test_redirect_to_folder_is_a_problem():
    report = "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/202302/t20230220_80629.htm"
    assert "redirected" in redirect_problem(report, "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/")
    assert redirect_problem(report, report) is None
    assert redirect_problem("http://a.gov.cn/x.htm", "https://a.gov.cn/x.htm") is None
