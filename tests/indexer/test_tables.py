"""Statistics tables: every gold cell from the saved samples (text and HTML), the portal's reports,
hand-read Pingtan cells, and (tiny table, expected) edge cases."""

import json
from pathlib import Path

import httpx
import pytest

from indexer.clean.page import CleanText
from indexer.load.html import load_page
from indexer.record import build_record, prepare
from indexer.tables.reader import detect_format, read_tables
from sample_files import PINGTAN, SAMPLES, sample_files
from sample_portal.server import start_server

TEXT_SAMPLES = [p.stem for p in sample_files(SAMPLES, "*.txt", at_least=3)]
PINGTAN_PAGES = [p.stem for p in sample_files(PINGTAN, "8*.html", at_least=6)]


def gold(path: Path) -> dict:
    """Load a gold file."""
    return json.loads(path.read_text(encoding="utf-8"))


def failed_rules(checks: list[dict]) -> set[str]:
    """Return the rule names that came out ok: false."""
    return {check["rule"] for check in checks if not check["ok"]}


def text_tables(text: str):
    """Read the tables of a plain text."""
    return read_tables(CleanText(text, None, "text"))


def html_tables(html: str):
    """Read the tables of an HTML fragment (the body element is the page's <body>)."""
    page = load_page(f"<html><body>{html}</body></html>", "html")
    return read_tables(CleanText("", page.tree.find("body"), "test"))


@pytest.fixture(scope="module")
def portal_reports() -> list[tuple[dict, bytes]]:
    """Every report the sample portal serves, with its truth entry."""
    server, base = start_server("127.0.0.1", 0)
    try:
        truth = httpx.get(f"{base}/_truth.json").json()
        yield [(entry, httpx.get(entry["url"]).content) for entry in truth["reports"]]
    finally:
        server.shutdown()
        server.server_close()


# --- saved samples --------------------------------------------------------------------------
@pytest.mark.parametrize("name", TEXT_SAMPLES)
def test_text_sample_stats_equal_gold(name, record_validator):
    expected = gold(SAMPLES / f"{name}.gold.json")
    record = build_record((SAMPLES / f"{name}.txt").read_bytes(), source_format="txt")
    record_validator.validate(record)
    assert record["format"] == expected["format"]
    assert record["stats"] == expected["stats"]
    assert failed_rules(record["checks"]) == set(expected["failed_checks"])


@pytest.mark.parametrize("name", PINGTAN_PAGES)
def test_pingtan_page_stats_equal_gold(name, record_validator):
    expected = gold(PINGTAN / f"{name}.gold.json")
    record = build_record((PINGTAN / f"{name}.html").read_bytes(), url=expected["url"])
    record_validator.validate(record)
    assert record["format"] == expected["format"]
    assert record["stats"] == expected.get("stats")
    assert failed_rules(record["checks"]) == set(expected.get("failed_checks", []))


def _pingtan_stats(name: str) -> dict:
    """Stats read from a saved Pingtan page."""
    _, cleaned = prepare((PINGTAN / f"{name}.html").read_bytes())
    return read_tables(cleaned).stats


def test_pingtan_80576_cells_read_by_hand():
    """2019 template: procurement printed as 75394432.52元, converted to 万元."""
    stats = _pingtan_stats("80576")
    assert stats["proactive"]["normative_documents"] == {"new_made": 89, "new_published": 89, "total_published": 89}
    assert stats["proactive"]["penalties"] == {"prev_items": 2648, "change": 0, "decisions": 430}
    assert stats["proactive"]["other_services"]["decisions"] == 153
    assert stats["proactive"]["procurement"] == {"items": 135, "amount_10k_yuan": 7539.443252}
    assert stats["applications"]["new_received"]["natural_person"] == 23
    assert stats["applications"]["unavailable_unclear"]["total"] == 5
    assert stats["applications"]["not_processed_duplicate"]["natural_person"] == 3
    assert "other_other" not in stats["applications"] and stats["applications"]["other"]["total"] == 0


def test_pingtan_80613_cells_read_by_hand():
    """2021 template whose header puts an empty cell under 自然人 and 商业企业 over two columns."""
    stats = _pingtan_stats("80613")
    assert stats["proactive"]["normative_documents"] == {"issued": 69, "repealed": 3, "in_force": 665}
    assert stats["proactive"]["fees"] == {"amount_10k_yuan": 24252.311082}
    assert stats["applications"]["new_received"] == {
        "natural_person": 64,
        "commercial": 0,
        "research": 0,
        "social_welfare": 2,
        "legal_services": 0,
        "other_org": 4,
        "total": 70,
    }
    assert stats["applications"]["carried_forward"]["natural_person"] == 1
    assert stats["applications"]["other_other"]["total"] == 1
    assert stats["review"] == {"upheld": 1, "corrected": 0, "other": 2, "pending": 0, "total": 3}


def test_pingtan_87885_cells_read_by_hand():
    """2021 template, 2023 report."""
    stats = _pingtan_stats("87885")
    assert stats["proactive"]["normative_documents"] == {"issued": 77, "repealed": 132, "in_force": 470}
    assert stats["proactive"]["licensing"] == {"decisions": 2629}
    assert stats["proactive"]["fees"] == {"amount_10k_yuan": 5949.088667}
    assert stats["applications"]["partly_granted"]["commercial"] == 1
    assert stats["applications"]["other_no_correction"]["natural_person"] == 1
    assert stats["litigation_direct"] == {"upheld": 4, "corrected": 0, "other": 0, "pending": 1, "total": 5}
    assert stats["litigation_after_review"]["other"] == 1


@pytest.mark.parametrize("name", ["80445", "80529", "80678"])
def test_pingtan_legacy_pages_have_no_stats(name):
    _, cleaned = prepare((PINGTAN / f"{name}.html").read_bytes())
    result = read_tables(cleaned)
    assert (result.format, result.stats, result.unparsed) == ("legacy", None, [])


# --- the sample portal ----------------------------------------------------------------------
def test_portal_reports_stats_equal_truth(portal_reports, record_validator):
    """Synthetic and sample-derived pages, both templates, half- and full-width brackets."""
    for entry, body in portal_reports:
        record = build_record(body, url=entry["url"])
        record_validator.validate(record)
        assert (record["format"], record["stats"]) == (entry["format"], entry["stats"]), entry["url"]


def test_portal_keeps_old_template_in_late_years(portal_reports):
    """Format comes from the tables: 2021+ reports in the 2019 template are read as 2019."""
    late_old = [(e, b) for e, b in portal_reports if e["format"] == "2019" and e["report_year"] >= 2021]
    assert late_old
    for entry, body in late_old:
        assert build_record(body, url=entry["url"])["format"] == "2019"


def test_portal_sample_pages_match_gold_checks(portal_reports):
    """The HTML pages rendered from the three text samples: same stats and failed checks as gold."""
    golds = [gold(SAMPLES / f"{name}.gold.json") for name in TEXT_SAMPLES]
    matched = 0
    for entry, body in portal_reports:
        for expected in golds:
            if (entry["agency"], entry["report_year"]) == (expected["agency"], expected["report_year"]):
                record = build_record(body, url=entry["url"])
                assert record["stats"] == expected["stats"]
                assert failed_rules(record["checks"]) == set(expected["failed_checks"])
                matched += 1
    assert matched >= len(golds)


def test_portal_synthetic_reports_pass_every_check(portal_reports):
    """Synthetic reports are generated consistent: no check may fail."""
    for entry, body in portal_reports:
        record = build_record(body, url=entry["url"])
        assert failed_rules(record["checks"]) == set(), (entry["url"], record["checks"])


# --- edge cases: (tiny table, expected) -----------------------------------------------------
SUITS_HTML = (
    "<table><tr><td colspan=5>行政复议</td><td colspan=10>行政诉讼</td></tr>"
    "<tr><td rowspan=2>结果维持</td><td rowspan=2>结果纠正</td><td rowspan=2>其他结果</td>"
    "<td rowspan=2>尚未审结</td><td rowspan=2>总计</td><td colspan=5>未经复议直接起诉</td>"
    "<td colspan=5>复议后起诉</td></tr>"
    "<tr>" + "".join(f"<td>{h}</td>" for h in ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计") * 2) + "</tr>"
    "<tr>" + "".join(f"<td>{v}</td>" for v in (1, 0, 2, 0, 3, 4, 0, 0, 1, 5, 0, 0, 0, 0, 0)) + "</tr></table>"
)


def test_html_suits_by_headers():
    stats = html_tables(SUITS_HTML).stats
    assert stats["review"] == {"upheld": 1, "corrected": 0, "other": 2, "pending": 0, "total": 3}
    assert stats["litigation_direct"] == {"upheld": 4, "corrected": 0, "other": 0, "pending": 1, "total": 5}


def test_html_suits_without_total_headers_read_by_position():
    """Some pages omit the 总计 headers but still print 15 values."""
    html = SUITS_HTML.replace("<td rowspan=2>总计</td>", "").replace("<td>总计</td>", "")
    stats = html_tables(html).stats
    assert stats["review"]["total"] == 3 and stats["litigation_direct"]["total"] == 5


@pytest.mark.parametrize(
    ("text", "row", "expected"),
    [
        # spaces inside labels, full-width brackets, a dash meaning null, a negative change
        (
            "信息内容 | 本年新制作数量 | 本年新公开数量 | 对外公开总数量\n规    章 | 0 | — | 0",
            "regulations",
            {"new_made": 0, "new_published": None, "total_published": 0},
        ),
        (
            "信息内容 | 上一年项目数量 | 本年增/减 | 处理决定数量\n行政许可 | 12 | -25 | 3",
            "licensing",
            {"prev_items": 12, "change": -25, "decisions": 3},
        ),
        # 本年增/减 split over two cells, 本年新 / 制作数量 split headers
        (
            "信息内容 | 上一年项目数量 | 本年增 | /减 | 处理决定数量\n行政处罚 | 7 | －2 | 无",
            "penalties",
            {"prev_items": 7, "change": -2, "decisions": None},
        ),
        (
            "信息内容\n本年新\n制作数量\n本年新\n公开数量\n对外公开总数量\n规范性文件\n3\n3\n9",
            "normative_documents",
            {"new_made": 3, "new_published": 3, "total_published": 9},
        ),
        # amounts: unit printed in the cell, or in the header; 万元 untouched
        (
            "信息内容 | 采购项目数量 | 采购总金额\n政府集中采购 | 135 | 75394432.52元",
            "procurement",
            {"items": 135, "amount_10k_yuan": 7539.443252},
        ),
        (
            "信息内容 | 采购项目数量 | 采购总金额（单位：元）\n政府集中采购 | 2 | 21962400",
            "procurement",
            {"items": 2, "amount_10k_yuan": 2196.24},
        ),
        ("信息内容 | 本年收费金额（单位：万元）\n行政事业性收费 | 2196.24", "fees", {"amount_10k_yuan": 2196.24}),
        (
            "信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数\n行政规范性文件 | 1 | 2 | 3",
            "normative_documents",
            {"issued": 1, "repealed": 2, "in_force": 3},
        ),
    ],
)
def test_proactive_rows(text, row, expected):
    assert text_tables(text).stats["proactive"][row] == expected


def test_glued_cells_are_null_and_reported():
    result = text_tables("信息内容 | 本年新制作数量 | 本年新公开数量 | 对外公开总数量\n规范性文件7777166")
    assert result.stats["proactive"]["normative_documents"] == dict.fromkeys(
        ("new_made", "new_published", "total_published")
    )
    assert result.unparsed == ["proactive.normative_documents: cells '7777166'"]
    record_checks = [
        c
        for c in build_record(
            (SAMPLES / "lingwu-minzheng-2024.txt")
            .read_text(encoding="utf-8")
            .replace("行政规范性文件 | 0 | 0 | 0", "行政规范性文件0000"),
            source_format="txt",
        )["checks"]
        if not c["ok"]
    ]
    assert [c["rule"] for c in record_checks] == ["unparsed"]
    assert "normative_documents" in record_checks[0]["detail"]


def test_merged_application_row_gives_only_total():
    html = (
        "<table><tr><td>申请人情况</td></tr><tr><td colspan=3>一、本年新收政府信息公开申请数量</td>"
        "<td colspan=7>0</td></tr><tr><td colspan=3>二、上年结转政府信息公开申请数量</td>"
        + "".join(f"<td>{v}</td>" for v in (1, 0, 0, 0, 0, 0, 1))
        + "</tr></table>"
        "<table><tr><td>信息内容</td><td>本年新制作数量</td></tr></table>"
    )
    stats = html_tables(html).stats
    assert stats["applications"]["new_received"] == {"total": 0}
    assert stats["applications"]["carried_over"]["natural_person"] == 1


def test_application_row_with_missing_cells_is_unparsed():
    result = text_tables("本年新制作数量\n申请人情况\n一、本年新收政府信息公开申请数量 | 1 | 2 | 3")
    assert result.stats["applications"]["new_received"] == dict.fromkeys(
        ("natural_person", "commercial", "research", "social_welfare", "legal_services", "other_org", "total")
    )
    assert result.unparsed and "new_received" in result.unparsed[0]


def test_2021_other_rows_need_their_group():
    text = (
        "本年制发件数\n申请人情况 | 自然人 | 其他 | 总计\n(六)其他处理 | 1.申请人无正当理由逾期不补正 | 1 | 0 | 0 | 0 | 0 | 0 | 1\n"
        "2.申请人逾期未按收费通知要求缴纳费用 | 0 | 0 | 0 | 0 | 0 | 0 | 0\n3.其他 | 2 | 0 | 0 | 0 | 0 | 0 | 2\n"
        "(七)总计 | 3 | 0 | 0 | 0 | 0 | 0 | 3"
    )
    applications = text_tables(text).stats["applications"]
    assert list(applications) == ["other_no_correction", "other_no_fee", "other_other", "total_processed"]
    assert applications["other_other"]["total"] == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数", "2021"),
        ("信息内容\t上一年项目数量\t本年增/减\t处理决定数量", "2019"),
        ("行政规范性文件 | 0 | 0 | 0", "2021"),
        ("规范性文件 | 0 | 0 | 0\n其他对外管理服务事项 | 0 | 0 | 0", "2019"),
        ("（六）其他处理 | 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请 | 0", "2021"),
        ("信息内容 | 本年新制作数量 | 本年新公开数量 | 对外公开总数量", "2019"),
        ("\t上一年项目数量\n\t本年增/减", "2019"),
        ("政府集中采购 | 135 | 75394432.52元", "2019"),
        # Prose that mentions 政府集中采购 is not a table header.
        (
            "2018年，我区主动公开政府信息的主要类别有：财政预决算类信息35条，政府集中采购项目类信息55条，行政许可类信息13条。",
            "legacy",
        ),
        ("指标名称 | 计量单位 | 2015年度 | 历年累计", "legacy"),
    ],
)
def test_detect_format(text, expected):
    assert detect_format(text) == expected


def test_legacy_text_has_null_stats():
    result = text_tables("一、概述\n2015年我区主动公开信息1234条。\n指标名称 | 计量单位 | 2015年度 | 历年累计")
    assert (result.format, result.stats) == ("legacy", None)
