"""The three hand-checked samples on their sites, and the real Pingtan pages, against their gold."""

from __future__ import annotations

import json
import re

import lxml.html
import pytest
from portal_helpers import fetch, numeric_cells, table_grid

from sample_files import PINGTAN, SAMPLES

SAMPLE_OF_SITE = {"saihan": "saihan-minzheng-2019", "lvyuan": "lvyuan-minzheng-2020", "lingwu": "lingwu-minzheng-2024"}
TITLES = {
    "saihan": "赛罕区民政局2019年政府信息公开工作年度报告",
    "lvyuan": "长春市绿园区民政局2020年政府信息公开工作年度报告",
    "lingwu": "灵武市民政局2024年政府信息公开工作年度报告",
}
BODY = {"saihan": "//div[@class='TRS_Editor']", "lingwu": "//div[@class='TRS_Editor']", "lvyuan": "//div[@id='zoom']"}
PROACTIVE_ORDER = {
    "2019": [
        ("regulations", ("new_made", "new_published", "total_published")),
        ("normative_documents", ("new_made", "new_published", "total_published")),
        ("licensing", ("prev_items", "change", "decisions")),
        ("other_services", ("prev_items", "change", "decisions")),
        ("penalties", ("prev_items", "change", "decisions")),
        ("enforcement", ("prev_items", "change", "decisions")),
        ("fees", ("prev_items", "change")),
        ("procurement", ("items", "amount_10k_yuan")),
    ],
    "2021": [
        ("regulations", ("issued", "repealed", "in_force")),
        ("normative_documents", ("issued", "repealed", "in_force")),
        ("licensing", ("decisions",)),
        ("penalties", ("decisions",)),
        ("enforcement", ("decisions",)),
        ("fees", ("amount_10k_yuan",)),
    ],
}
COLUMNS = ("natural_person", "commercial", "research", "social_welfare", "legal_services", "other_org", "total")
SUITS = [
    (g, c)
    for g in ("review", "litigation_direct", "litigation_after_review")
    for c in ("upheld", "corrected", "other", "pending", "total")
]


def printed(value: int | float) -> str:
    """A number as a table cell prints it."""
    return str(int(value)) if float(value).is_integer() else str(value)


def gold(site: str) -> dict:
    """The sample's gold file, read from the repository's samples."""
    return json.loads((SAMPLES / f"{SAMPLE_OF_SITE[site]}.gold.json").read_text(encoding="utf-8"))


def sample_text_lines(site: str) -> list[str]:
    """Prose lines of the sample .txt (one copy; sentences, headings, the lvyuan count line)."""
    lines = (SAMPLES / f"{SAMPLE_OF_SITE[site]}.txt").read_text(encoding="utf-8").splitlines()
    repeat = [i for i, line in enumerate(lines) if line == lines[0]]
    lines = lines[: repeat[1]] if len(repeat) > 1 else lines
    keep = [
        line.replace("[bookmark: _GoBack]", "").strip()
        for line in lines
        if "发布总数量" in line or (("。" in line or re.match(r"(一|二|三|四|五|六|\d)、", line)) and "|" not in line)
    ]
    return [line for line in keep if "ICP" not in line]


@pytest.fixture(scope="module")
def pages(portal, truth) -> dict[str, tuple[dict, object, str]]:
    """Truth entry, decoded tree and decoded HTML of each sample page."""
    found = {}
    for site, title in TITLES.items():
        entry = next(r for r in truth["reports"] if r["title"] == title)
        answer = fetch(entry["url"])
        html = answer.body.decode("gbk" if site == "lvyuan" else "utf-8")
        found[site] = (entry, lxml.html.fromstring(html), html)
    return found


@pytest.mark.parametrize("site", list(SAMPLE_OF_SITE))
def test_truth_matches_gold(pages, site):
    entry, _, _ = pages[site]
    expected = gold(site)
    for field in ("agency", "province", "city", "county", "report_year", "published", "format", "stats"):
        assert entry[field] == expected[field], field
    assert entry["agency_type"] == "民政局"


@pytest.mark.parametrize("site", list(SAMPLE_OF_SITE))
def test_every_prose_line_survives(pages, site):
    _, tree, _ = pages[site]
    body = tree.xpath(BODY[site])[0].text_content()
    lines = sample_text_lines(site)
    assert len(lines) > 8
    for line in lines:
        assert line in body, line


@pytest.mark.parametrize("site", list(SAMPLE_OF_SITE))
def test_tables_are_real_tables_with_gold_numbers(pages, site):
    _, tree, _ = pages[site]
    expected = gold(site)
    stats, fmt = expected["stats"], expected["format"]
    proactive, applications, suits = tree.xpath(BODY[site])[0].xpath(".//table")
    assert numeric_cells(proactive) == [
        printed(stats["proactive"][row][col]) for row, cols in PROACTIVE_ORDER[fmt] for col in cols
    ]
    rows = list(stats["applications"].values())
    want = [
        printed(v) for row in rows for v in ([row["total"]] if set(row) == {"total"} else [row[c] for c in COLUMNS])
    ]
    assert numeric_cells(applications) == want
    grid = table_grid(applications)
    assert len({len(r) for r in grid}) == 1 and len(grid[0]) == 10
    assert [r[-7:] for r in grid[3:]] == [[printed(row.get(c, row["total"])) for c in COLUMNS] for row in rows]
    assert numeric_cells(suits) == [printed(stats[g][c]) for g, c in SUITS]


def test_saihan_applications_rows_are_single_merged_cells(pages):
    _, tree, _ = pages["saihan"]
    applications = tree.xpath(BODY["saihan"])[0].xpath(".//table")[1]
    merged = [td for td in applications.xpath(".//td[@colspan='7']") if td.text_content() != "申请人情况"]
    assert len(merged) == 23 and {td.text_content() for td in merged} == {"0"}


def test_2021_table_has_three_other_rows(pages):
    _, tree, _ = pages["lingwu"]
    text = tree.xpath(BODY["lingwu"])[0].xpath(".//table")[1].text_content()
    assert "1.申请人无正当理由逾期不补正" in text and "3.其他" in text
    assert "本年制发件数" in tree.xpath(BODY["lingwu"])[0].xpath(".//table")[0].text_content()


@pytest.mark.parametrize("site", ["saihan", "lingwu"])
def test_no_date_shown_when_gold_has_none(pages, site):
    _, tree, html = pages[site]
    assert not tree.xpath("//meta[@name='PubDate']")
    assert "发布时间" not in html and "发布日期" not in html
    assert tree.xpath("//meta[@name='ArticleTitle']/@content") == [TITLES[site]]


def test_saihan_body_printed_twice_with_footer(pages):
    _, tree, html = pages["saihan"]
    assert len(tree.xpath(BODY["saihan"])) == 2
    assert html.count("全年共公开28份") == 2
    for boilerplate in (
        "蒙ICP备10000440号",
        "蒙公网安备 15010502000249号",
        "政府网站标识码：1501050001",
        "字号",
        "打印本页",
        "关闭窗口",
        "返回顶部",
        "扫一扫在手机上查看当前页面",
        "相关链接",
        "技术支持",
    ):
        assert boilerplate in html


def test_lingwu_keeps_contact_and_has_qr_inside_body(pages):
    _, tree, html = pages["lingwu"]
    body = tree.xpath(BODY["lingwu"])[0].text_content()
    assert "nxlwmzj@163.com" in body and "扫一扫在手机上查看当前页面" in body
    assert "宁ICP备" in html and "宁公网安备 640181" in html


def test_lvyuan_is_gbk_with_meta_charset_and_no_header_charset(portal, pages):
    entry, tree, html = pages["lvyuan"]
    answer = fetch(entry["url"])
    assert answer.headers["Content-Type"] == "text/html"
    with pytest.raises(UnicodeDecodeError):
        answer.body.decode("utf-8")
    assert re.search(rb'<meta http-equiv="Content-Type" content="text/html; charset=gbk"', answer.body[:400])
    assert "<span>发布日期：2021-01-14</span>" in html
    assert tree.xpath("//meta[@name='PubDate']/@content")[0].startswith("2021-01-14")
    assert "吉ICP备" in html and "吉公网安备 220106" in html


PINGTAN_FILES = ["80678", "80445", "80529", "80576", "80613", "87885"]


@pytest.mark.parametrize("page_id", PINGTAN_FILES)
def test_pingtan_pages_served_byte_for_byte(portal, truth, page_id):
    gold_url = json.loads((PINGTAN / f"{page_id}.gold.json").read_text(encoding="utf-8"))["url"]
    url = portal + "/pingtan" + gold_url.split("pingtan.gov.cn", 1)[1]
    answer = fetch(url)
    assert answer.headers["Content-Type"] == "text/html; charset=utf-8"
    assert answer.body == (PINGTAN / f"{page_id}.html").read_bytes()
    entry = next(r for r in truth["reports"] if r["url"] == url)
    assert (entry["province"], entry["city"], entry["county"], entry["agency"]) == (
        "福建省",
        None,
        None,
        "平潭综合实验区",
    )


def test_pingtan_list_page_served_byte_for_byte(portal):
    answer = fetch(f"{portal}/pingtan/zwgk/zfxxgk/zfxxgknb/index.htm")
    assert answer.body == (PINGTAN / "list-index.html").read_bytes()
