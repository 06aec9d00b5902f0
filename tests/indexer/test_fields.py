"""Field extraction: sample reports against their gold files, then (input, expected) tables."""

import json
from pathlib import Path

import pytest

from indexer.fields.agency import (
    agency_from_title,
    extract_agency,
    extract_agency_type,
    extract_level,
)
from indexer.fields.dates import extract_published, extract_report_year
from indexer.fields.regions import page_clues, resolve_region
from indexer.fields.title import extract_title, title_from_text
from indexer.load.html import load_page
from indexer.record import build_record
from sample_files import PINGTAN, SAMPLES

TXT_SAMPLES = ("saihan-minzheng-2019", "lvyuan-minzheng-2020", "lingwu-minzheng-2024")
PINGTAN_PAGES = ("80678", "80445", "80529", "80576", "80613", "87885")
TXT_FIELDS = ("agency", "province", "city", "county", "report_year", "published", "format")
PINGTAN_FIELDS = ("report_year", "published", "format", "agency", "province")


def gold(path: Path) -> dict:
    """Load the gold file next to a sample."""
    return json.loads(path.with_suffix(".gold.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", TXT_SAMPLES)
@pytest.mark.parametrize("field", TXT_FIELDS)
def test_txt_samples_match_gold(name, field):
    path = SAMPLES / f"{name}.txt"
    assert build_record(path.read_bytes())[field] == gold(path)[field]


@pytest.mark.parametrize("page", PINGTAN_PAGES)
@pytest.mark.parametrize("field", PINGTAN_FIELDS)
def test_pingtan_pages_match_gold(page, field):
    path = PINGTAN / f"{page}.html"
    expected = gold(path)
    record = build_record(path.read_bytes(), url=expected["url"])
    assert record[field] == expected[field]


def test_pingtan_record_url_and_title():
    path = PINGTAN / "87885.html"
    record = build_record(path.read_bytes())
    assert record["url"] == gold(path)["url"]  # from <meta name="Url"> when no URL is passed
    assert record["title"] == "平潭综合实验区2023年度政府信息公开工作年度报告"
    assert (record["agency_type"], record["region_code"]) == ("管理委员会", "350000")


# --- title and agency ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("html", "expected"),
    [
        (
            '<meta name="ArticleTitle" content="灵武市民政局2024年政府信息公开工作年度报告">',
            "灵武市民政局2024年政府信息公开工作年度报告",
        ),
        (
            '<div class="article_title">\n 平潭综合实验区2018年度\n 政府信息公开工作年度报告 </div>',
            "平潭综合实验区2018年度政府信息公开工作年度报告",
        ),
        ("<h1>赛罕区民政局<br>2019年政府信息公开工作年度报告</h1>", "赛罕区民政局2019年政府信息公开工作年度报告"),
        (
            "<title>绿园区2020年政府信息公开工作年度报告_政府信息公开年报_长春市绿园区人民政府</title>",
            "绿园区2020年政府信息公开工作年度报告",
        ),
    ],
)
def test_title_from_html(html, expected):
    page = load_page(f"<html><head></head><body>{html}<p>正文</p></body></html>")
    assert extract_title(page, "") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("绿园区民政局2020年政府信息公开工作年度报告\n\n1、 总体情况", "绿园区民政局2020年政府信息公开工作年度报告"),
        (
            "根据《条例》要求,现发布《灵武市民政局2024年政府信息公开工作年度报告》,本报告…",
            "灵武市民政局2024年政府信息公开工作年度报告",
        ),
        ("一、总体情况\n2019年,赛罕区民政局在…", None),
    ],
)
def test_title_from_text(text, expected):
    assert title_from_text(text) == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("平潭综合实验区2023年度政府信息公开工作年度报告", "平潭综合实验区"),
        ("灵武市民政局2024年政府信息公开工作年度报告", "灵武市民政局"),
        ("2019年度赛罕区民政局政府信息公开工作年度报告", "赛罕区民政局"),
        ("2019年度政府信息公开工作年度报告", None),
        (None, None),
    ],
)
def test_agency_from_title(title, expected):
    assert agency_from_title(title) == expected


def test_signed_agency_wins_when_it_is_the_fuller_name():
    text = "六、其他需要报告的事项\n无\n长春市绿园区民政局\n2021年01月14日"
    assert extract_agency("绿园区民政局2020年政府信息公开工作年度报告", text) == "长春市绿园区民政局"
    assert extract_agency(None, "一、总体情况\n2019年,赛罕区民政局在领导小组的领导下…") == "赛罕区民政局"


@pytest.mark.parametrize(
    ("agency", "expected"),
    [
        ("赛罕区民政局", "民政局"),
        ("北京市朝阳区人民政府", "人民政府"),
        ("长沙市卫生健康委员会", "卫生健康委员会"),
        ("呼和浩特市人民政府办公室", "办公室"),
        ("国家税务总局甘肃省税务局", "税务局"),
        ("灵武市市场监督管理局", "市场监督管理局"),
        ("平潭综合实验区", "管理委员会"),
        ("赛罕区", "人民政府"),
        (None, None),
    ],
)
def test_agency_type(agency, expected):
    assert extract_agency_type(agency) == expected


@pytest.mark.parametrize(
    ("agency", "expected"),
    [
        ("赛罕区民政局", "county"),
        ("呼和浩特市民政局", "city"),
        ("内蒙古自治区民政厅", "province"),
        ("北京市民政局", "province"),
        ("国家税务总局甘肃省税务局", "province"),
        ("国家税务总局", "central"),
        ("赛罕区大学路街道办事处", "township"),
        ("某某镇人民政府", "township"),
        ("平潭综合实验区", "city"),
        ("某某局", None),
    ],
)
def test_level(agency, expected):
    assert extract_level(agency) == expected


# --- regions -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("agency", "kwargs", "expected"),
    [
        ("赛罕区民政局", {}, ("内蒙古自治区", "呼和浩特市", "赛罕区", "150105")),
        ("长春市绿园区民政局", {}, ("吉林省", "长春市", "绿园区", "220106")),
        ("灵武市民政局", {}, ("宁夏回族自治区", "银川市", "灵武市", "640181")),
        ("平潭综合实验区", {}, ("福建省", None, None, "350000")),
        ("北京市朝阳区民政局", {}, ("北京市", "北京市", "朝阳区", "110105")),
        # 朝阳区 exists in Beijing and Changchun: unresolved unless something picks one.
        ("朝阳区民政局", {}, None),
        ("朝阳区民政局", {"hints": {"province": "北京市"}}, ("北京市", "北京市", "朝阳区", "110105")),
        (
            "朝阳区民政局",
            {"clues": page_clues("吉公网安备 22010402000001号")},
            ("吉林省", "长春市", "朝阳区", "220104"),
        ),
        ("某某局", {"hints": {"city": "呼和浩特市"}}, ("内蒙古自治区", "呼和浩特市", None, "150100")),
        ("某某局", {"clues": page_clues("闽ICP备09032658号")}, ("福建省", None, None, "350000")),
        ("某某局", {"text": "2019年,赛罕区民政局在…"}, ("内蒙古自治区", "呼和浩特市", "赛罕区", "150105")),
        ("某某局", {}, None),
    ],
)
def test_resolve_region(agency, kwargs, expected):
    region = resolve_region(agency, **kwargs)
    got = (region.province, region.city, region.county, region.code) if region else None
    assert got == expected


# --- years, dates, format ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("title", "text", "expected"),
    [
        ("平潭综合实验区2015年度政府信息公开工作年度报告", "", 2015),
        (None, "现发布《灵武市民政局2024年政府信息公开工作年度报告》,本报告统计数据从2024年1月1日至12月31日。", 2024),
        (None, "本报告中所列数据的统计期限自2023年1月1日起至2023年12月31日止。", 2023),
        (None, "一、总体情况\n2019年,赛罕区民政局在…", 2019),
        (None, "一、总体情况\n我局认真落实条例。", None),
    ],
)
def test_report_year(title, text, expected):
    assert extract_report_year(title, text) == expected


@pytest.mark.parametrize(
    ("html", "text", "year", "expected"),
    [
        ('<meta name="PubDate" content="2024-03-08 15:34">', "", 2023, "2024-03-08"),
        ('<span class="article_time">时间：2019-01-10 16:13</span>', "", 2018, "2019-01-10"),
        ("<p>发布日期：2021/2/3</p>", "", 2020, "2021-02-03"),
        ("", "正文\n长春市绿园区民政局\n2021年01月14日", 2020, "2021-01-14"),
        ("", "正文\n某某局\n二〇二一年一月十四日", 2020, "2021-01-14"),
        # A date inside the prose is not a publication date.
        ("", "2023年6月1日开通“跨省通办”后,共办理异地结婚登记7对。", 2022, None),
        ("", "本报告统计时间：2024年1月1日至12月31日。", 2024, None),
        # A date before the covered year cannot be the publication date.
        ('<meta name="PubDate" content="2010-01-01">', "", 2019, None),
    ],
)
def test_published(html, text, year, expected):
    page = load_page(f"<html><head>{html}</head><body>{html}<p>{text}</p></body></html>")
    assert extract_published(page, text, year) == expected
