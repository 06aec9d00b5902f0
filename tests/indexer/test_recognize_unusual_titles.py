"""Unusual but genuine report titles: accepted when the content confirms a report, look-alikes still rejected."""

import pytest

from indexer.errors import NotAReport
from indexer.fields.recognize import recognize_report
from indexer.record import build_record
from sample_files import PINGTAN
from sample_portal.lookalikes import lookalikes

REPORT_2011 = PINGTAN / "80678.html"
REPORT_2011_TITLE = "平潭综合实验区2011年政府信息公开工作年度报告"

# Real titles of department reports (平潭县 department columns), each an annual report by content.
UNUSUAL_TITLES = [
    "平潭县卫生局2013年度政府信息公开情况总结",
    "平潭县卫生局2011年度政府信息公开",
    "平潭县海洋与渔业局2011年工作公开年度报告",
    "平潭县人防办2011年度政府信息工作公开年度报告",
]

LOOKALIKE_TITLES = [
    ("关于平潭县2012年政府信息公开工作要点落实情况的函", "落实情况"),
    ("平潭县卫生局2013年度政府信息公开工作自查报告", "自查报告"),
    ("平潭县卫生局2013年政府信息公开工作总结暨2014年工作思路", "工作总结暨工作思路"),
    ("平潭县卫生局2014年政府信息公开工作计划", "工作计划"),
    ("平潭县2014年政务公开工作要点", "工作要点"),
]


def report_page_titled(title: str) -> str:
    """The real 2011 Pingtan report page, published under another title."""
    return REPORT_2011.read_text(encoding="utf-8").replace(REPORT_2011_TITLE, title)


def lookalike_page_titled(title: str) -> str:
    """A real-looking page whose body is the sample portal's 落实情况的函 (mentions 主动公开 and 申请)."""
    letter = next(item for item in lookalikes("平潭县人民政府", "平潭县") if "落实情况" in item.title)
    body = "".join(f"<p>{block.text}</p>" for block in letter.blocks)
    return (
        f'<html><head><meta name="ArticleTitle" content="{title}"><title>{title}</title></head>'
        f'<body><h1>{title}</h1><div class="TRS_Editor">{body}</div></body></html>'
    )


@pytest.mark.parametrize("title", UNUSUAL_TITLES)
def test_unusual_title_over_a_report_body_is_accepted(title):
    record = build_record(report_page_titled(title))
    assert record["title"] == title
    assert str(record["report_year"]) in title


@pytest.mark.parametrize("title", UNUSUAL_TITLES)
def test_unusual_title_as_list_title_over_a_report_body_is_accepted(title):
    ok, reason = recognize_report(None, build_record(report_page_titled(title))["text"], list_title=title)
    assert ok, reason


@pytest.mark.parametrize("title", UNUSUAL_TITLES)
def test_unusual_title_over_a_lookalike_body_is_rejected(title):
    with pytest.raises(NotAReport) as caught:
        build_record(lookalike_page_titled(title))
    assert "content must confirm" in caught.value.reason


@pytest.mark.parametrize(("title", "why"), LOOKALIKE_TITLES)
def test_lookalike_titles_are_rejected_even_over_a_report_body(title, why):
    with pytest.raises(NotAReport) as caught:
        build_record(report_page_titled(title))
    assert caught.value.reason.startswith("look-alike") and why.split("暨")[0] in caught.value.reason
