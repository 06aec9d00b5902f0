"""The portal's agencies and their truth: every signal exercised, dates and kinds by the law, one body per report."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date

import lxml.html
import pytest
from portal_helpers import fetch

from indexer.record import build_record
from sample_portal.agency_truth import due_date, last_due_year
from sample_portal.model import KIND_REPORT, Document, Hosts
from sample_portal.portal import build_portal
from sample_portal.series import SERIES, Series, SeriesYear, series_documents
from sample_portal.sites.common import SAIHAN
from sample_portal.truth import portal_truth

SEED_HINTS = {
    "saihan": {"province": "内蒙古自治区", "city": "呼和浩特市", "county": "赛罕区"},
    "lvyuan": {"province": "吉林省", "city": "长春市", "county": "绿园区"},
    "lingwu": {"province": "宁夏回族自治区", "city": "银川市", "county": "灵武市"},
}
EXERCISED = {"missing", "late", "cross_year", "copied", "blank_cells", "text_table_mismatch"}
SENTENCE_END = re.compile(r"[。！？；]")
NUMBER = re.compile(r"\d+(?:\.\d+)?|[〇零一二三四五六七八九十百千万两]+(?=[年月日件个项条次人%余])")
NOT_WORD = re.compile(r"[^\w#]|_")
TODAY = date(2026, 12, 6)
COPIED_SHARE, COPIED_MIN, TEMPLATE_BODIES, SHORT = 0.5, 10, 3, 12  # docs/AGENCIES.md, the `copied` measure


@pytest.fixture(scope="module")
def as_of(portal: str) -> dict:
    """The truth as of TODAY (the served truth follows the calendar)."""
    return portal_truth(build_portal(), Hosts(portal, portal), today=TODAY)


def agency(truth: dict, name: str, region_code: str) -> dict:
    """The truth entry of one agency."""
    return next(a for a in truth["agencies"] if a["name"] == name and a["region_code"] == region_code)


def report(truth: dict, url: str) -> dict:
    """The truth entry of one report."""
    return next(r for r in truth["reports"] if r["url"] == url)


def test_every_report_belongs_to_exactly_one_agency(truth: dict) -> None:
    listed = [url for a in truth["agencies"] for url in a["years"].values() if url]
    assert sorted(listed) == sorted(r["url"] for r in truth["reports"])


def test_timelines_run_from_the_first_report_to_the_last_year_due(truth: dict) -> None:
    today = date.fromisoformat(truth["today"])
    for a in truth["agencies"]:
        years = [int(y) for y in a["years"]]
        first = min(int(y) for y, url in a["years"].items() if url)
        assert years == list(range(first, max(years) + 1))
        assert max(years) == max(last_due_year(a["kind"], today), *(int(y) for y, u in a["years"].items() if u))
        assert set(a["dates"]) == set(a["signals"]) == set(a["years"])
        assert a["name"] in a["names"] and re.fullmatch(r"\d{6}", a["region_code"]) and a["kind"] in ("政府", "部门")
        for year, url in a["years"].items():
            assert ("missing" in a["signals"][year]) == (url is None)
            assert a["dates"][year]["deadline"] == due_date(int(year), a["kind"]).isoformat()


def test_every_signal_is_exercised(truth: dict) -> None:
    found = {s for a in truth["agencies"] for names in a["signals"].values() for s in names}
    assert found == EXERCISED  # failed_checks: no report of the portal fails a check (tests/indexer/test_tables.py)


@pytest.mark.parametrize(
    ("name", "code", "year", "published", "deadline", "late", "days_late"),
    [
        ("赛罕区应急管理局", "150105", "2018", "2019-03-29", "2019-03-31", False, 0),  # a department, 2008 条例
        ("赛罕区应急管理局", "150105", "2019", "2020-02-03", "2020-01-31", True, 3),  # a department, 2019 条例
        ("赛罕区应急管理局", "150105", "2020", "2021-01-31", "2021-01-31", False, 0),  # on its deadline
        ("赛罕区应急管理局", "150105", "2022", None, "2023-01-31", None, None),  # missing
        (
            "灵武市宁东镇人民政府",
            "640181",
            "2021",
            "2022-03-31",
            "2022-03-31",
            False,
            0,
        ),  # a government on its deadline
        ("灵武市宁东镇人民政府", "640181", "2022", "2023-04-18", "2023-03-31", True, 18),
        ("平潭综合实验区", "350000", "2011", "2012-04-11", "2012-03-31", True, 11),
        ("赛罕区民政局", "150105", "2019", None, "2020-01-31", None, None),  # a report without a date: no verdict
    ],
)
def test_dates_and_deadlines(
    truth: dict,
    name: str,
    code: str,
    year: str,
    published: str | None,
    deadline: str,
    late: bool | None,
    days_late: int | None,
) -> None:
    dates = agency(truth, name, code)["dates"][year]
    assert (dates["published"], dates["deadline"], dates["late"], dates["days_late"]) == (
        published,
        deadline,
        late,
        days_late,
    )
    assert ("late" in agency(truth, name, code)["signals"][year]) is bool(late)


def test_late_ones_are_departments_a_government_and_pingtan(truth: dict) -> None:
    late = {(a["name"], a["kind"], y) for a in truth["agencies"] for y, d in a["dates"].items() if d["late"]}
    assert late == {
        ("赛罕区应急管理局", "部门", "2019"),
        ("灵武市宁东镇人民政府", "政府", "2022"),
        ("平潭综合实验区", "政府", "2011"),
        ("平潭县财政局", "部门", "2009"),  # ptgov: late under the 2008 条例 (31 March), like the real ones
        ("平潭县财政局", "部门", "2011"),
        ("平潭县财政局", "部门", "2012"),
        ("平潭县教育局", "部门", "2023"),  # ptgov: 2 February, after a department's 31 January
    }


@pytest.mark.parametrize(
    ("name", "code", "signals"),
    [
        ("长春市绿园区人力资源和社会保障局", "220106", {"2022": ["copied"]}),
        ("灵武市水务局", "640181", {"2022": ["cross_year"], "2023": ["cross_year"]}),
        ("赛罕区住房和城乡建设局", "150105", {"2022": ["blank_cells"]}),
        ("灵武市医疗保障局", "640181", {"2023": ["text_table_mismatch"]}),
        ("赛罕区应急管理局", "150105", {"2019": ["late"], "2022": ["missing"], "2024": ["missing"]}),
    ],
)
def test_crafted_signals(as_of: dict, name: str, code: str, signals: dict[str, list[str]]) -> None:
    """As of TODAY every body also owes its 2025 report (and these 2024's)."""
    found = {y: s for y, s in agency(as_of, name, code)["signals"].items() if s}
    assert found == {"2024": ["missing"], **signals, "2025": ["missing"]}


def in_force_adds_up(before: dict, now: dict) -> bool:
    """Last year's 行政规范性文件 现行有效 + this year's 制发 − 废止 = this year's 现行有效."""
    prior, this = before["proactive"]["normative_documents"], now["proactive"]["normative_documents"]
    return prior["in_force"] + this["issued"] - this["repealed"] == this["in_force"]


def test_cross_year_of_both_kinds(truth: dict) -> None:
    """灵武市水务局: 2022 opens with other figures than 2021 closed with; 2023 miscounts 行政规范性文件 in force."""
    years = agency(truth, "灵武市水务局", "640181")["years"]
    s21, s22, s23 = (report(truth, years[y])["stats"] for y in ("2021", "2022", "2023"))
    assert s21["applications"]["carried_forward"] != s22["applications"]["carried_over"]
    assert in_force_adds_up(s21, s22)
    assert s22["applications"]["carried_forward"] == s23["applications"]["carried_over"]
    assert not in_force_adds_up(s22, s23)


def test_renamed_agency_and_same_named_agencies(truth: dict) -> None:
    renamed = agency(truth, "长春市绿园区民政局", "220106")
    assert renamed["names"] == ["绿园区民政局", "长春市绿园区民政局"]
    assert {y for y, url in renamed["years"].items() if url} == {"2017", "2019", "2020", "2021", "2022"}
    chaoyang = [a for a in truth["agencies"] if a["name"] == "朝阳区民政局"]
    assert {(a["region_code"], a["province"], a["city"], a["county"]) for a in chaoyang} == {
        ("110105", "北京市", "北京市", "朝阳区"),
        ("220104", "吉林省", "长春市", "朝阳区"),
    }


def page_body(url: str, site: str) -> lxml.html.HtmlElement:
    """The report body of a detail page."""
    raw = fetch(url).body
    tree = lxml.html.fromstring(raw.decode("gbk" if site == "lvyuan" else "utf-8"))
    return next(div for div in tree.iter("div") if div.get("class") == "TRS_Editor" or div.get("id") == "zoom")


def test_blank_cells_are_printed_empty_in_their_row_and_read_as_null(truth: dict) -> None:
    url = agency(truth, "赛罕区住房和城乡建设局", "150105")["years"]["2022"]
    applications = report(truth, url)["stats"]["applications"]
    blank = {(row, c) for row, cells in applications.items() for c, v in cells.items() if v is None}
    assert len(blank) == 6 and {c for _, c in blank} == {"research", "social_welfare"}
    applications_table = page_body(url, "saihan").findall(".//table")[1]
    row = next(tr for tr in applications_table.iter("tr") if "属于国家秘密" in tr.text_content())
    assert [td.text_content() for td in row.findall("td")][-7:] == ["0", "0", "", "", "0", "0", "0"]
    record = build_record(fetch(url).body, url=url, hints=SEED_HINTS["saihan"])
    assert record["stats"] is not None and record["stats"]["applications"] == applications
    assert all(check["ok"] for check in record["checks"])  # the rows stay readable: no `unparsed`


def test_prose_contradicts_the_table(truth: dict) -> None:
    url = agency(truth, "灵武市医疗保障局", "640181")["years"]["2023"]
    assert "全年共收到政府信息公开申请26件" in page_body(url, "lingwu").text_content()
    assert report(truth, url)["stats"]["applications"]["new_received"]["total"] == 28


@pytest.mark.parametrize(("site", "code"), [("saihan", "110105"), ("lvyuan", "220104")])
def test_same_named_agencies_resolve_to_their_regions(truth: dict, site: str, code: str) -> None:
    """The region comes from the page: its text (北京市…) on saihan, the site's hints and footer on lvyuan."""
    for url in filter(None, agency(truth, "朝阳区民政局", code)["years"].values()):
        record = build_record(fetch(url).body, url=url, hints=SEED_HINTS[site])
        assert (record["agency"], record["region_code"]) == ("朝阳区民政局", code)


def test_truth_follows_the_day_it_is_asked(portal: str) -> None:
    """On 1 February 2024 departments owed 2023 already, governments not yet (31 March)."""
    truth = portal_truth(build_portal(), Hosts(portal, portal), today=date(2024, 2, 1))
    assert truth["today"] == "2024-02-01"
    assert max(agency(truth, "赛罕区应急管理局", "150105")["years"]) == "2023"
    assert max(agency(truth, "长春市绿园区人民政府", "220106")["years"]) == "2022"
    assert agency(truth, "长春市绿园区人民政府", "220106")["signals"]["2022"] == ["missing"]


def test_a_series_may_not_give_a_body_a_second_report_for_a_year() -> None:
    column = [d for d in build_portal().documents if d.site == "saihan"]
    twice = Series("saihan", "赛罕区民政局", "民政局", (SeriesYear(2019, "2019", date(2020, 1, 20)),))
    with pytest.raises(ValueError, match="second report for 2019"):
        series_documents((twice,), SAIHAN.region, True, lambda day, n: f"/x/{n}.html", 1, column)


def test_series_keep_every_other_pair_carried_over(truth: dict) -> None:
    """Only the years meant to break it differ from the year before (上年结转, 现行有效)."""
    titles = {(s.site, f"{s.agency}{y.year}年政府信息公开工作年度报告") for s in SERIES for y in s.years}
    urls = {r["url"] for r in truth["reports"] if (r["site"], r["title"]) in titles}
    assert len(urls) == sum(len(s.years) for s in SERIES)
    flagged = {
        (a["name"], int(y))
        for a in truth["agencies"]
        for y, found in a["signals"].items()
        if a["years"][y] in urls
        if "cross_year" in found
    }
    assert flagged == {(s.agency, y.year) for s in SERIES for y in s.years if y.break_carried or y.break_in_force}


# --- `copied`: only the report made from last year's is over the threshold ----------------------
def sentences(doc: Document) -> set[str]:
    """The report's prose sentences, numbers as '#', punctuation and spaces dropped, long enough to count."""
    prose = "\n".join(b.text for b in doc.blocks if b.kind != "html")
    normalised = (NOT_WORD.sub("", NUMBER.sub("#", s)) for line in prose.splitlines() for s in SENTENCE_END.split(line))
    return {s for s in normalised if len(s) >= SHORT}


def test_only_the_copied_report_repeats_most_of_last_years_sentences() -> None:
    portal = build_portal()
    bodies: dict[tuple, dict[int, set[str]]] = defaultdict(dict)
    for doc in portal.documents:
        if doc.kind == KIND_REPORT and doc.facts:
            bodies[doc.facts.body_of(portal.regions[doc.site])][doc.facts.report_year] = sentences(doc)
    seen_in = defaultdict(set)
    for body, years in bodies.items():
        for found in years.values():
            for s in found:
                seen_in[s].add(body)
    template = {s for s, where in seen_in.items() if len(where) >= TEMPLATE_BODIES}
    over = {}
    for body, years in bodies.items():
        for year, found in years.items():
            own, before = found - template, years.get(year - 1)
            if before is not None and len(own) >= COPIED_MIN and len(own & before) / len(own) >= COPIED_SHARE:
                over[(body, year)] = len(own & before) / len(own)
    copied = {
        (d.facts.body_of(portal.regions[d.site]), d.facts.report_year)
        for d in portal.documents
        if d.facts and d.facts.copied
    }
    assert set(over) == copied and len(copied) == 1
    assert min(over.values()) > 0.8
