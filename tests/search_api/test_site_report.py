"""GET /report/{id} and /report/{id}/diff: the facts, tables (official labels, blanks blank), text sections, signals,
failed checks, links and versions of real reports, over the API tests' index and the versioned, archived one."""

from __future__ import annotations

import lxml.html
import pytest
from archived_reports import EDITED, GONE, NEW_SENTENCE, NO_CAPTURE, OLD_SENTENCE, ArchivedIndex, build_archived_index
from fastapi.testclient import TestClient

from indexer.load import CELL_SEPARATOR
from search_api.config import Settings
from search_api.main import create_app


def page_of(response) -> lxml.html.HtmlElement:
    """The parsed HTML of a page that answered 200."""
    assert response.status_code == 200, response.text[:500]
    return lxml.html.fromstring(response.text)


def cell_text(doc: lxml.html.HtmlElement, table: str, key: str) -> lxml.html.HtmlElement:
    """The one cell of table 二/三/四 with the given stats key."""
    (cell,) = doc.cssselect(f'table.stats-table[data-table="{table}"] td[data-key="{key}"]')
    return cell


@pytest.fixture(scope="module")
def archived(tmp_path_factory) -> ArchivedIndex:
    """The index with version history and its web archive."""
    return build_archived_index(tmp_path_factory.mktemp("site-versions"))


@pytest.fixture(scope="module")
def versioned(archived) -> TestClient:
    """The site over that index."""
    settings = Settings(reports_db=archived.db, reports_archive_dir=archived.archive)
    with TestClient(create_app(settings)) as client:
        yield client


def test_report_facts_and_links(client):
    doc = page_of(client.get("/report/syn-fj-3"))
    assert doc.cssselect("#report-title")[0].text_content() == "福建省人民政府2022年政府信息公开工作年度报告"
    facts = doc.cssselect("dl.facts")[0].text_content()
    assert "福建省" in facts and "2022" in facts and "2023-03-30" in facts and "2021年版表格" in facts
    (original,) = doc.cssselect("#original-links a.original")
    assert original.get("href") == "https://example.gov.cn/syn-fj-3.html"


def test_tables_show_values_with_official_labels_and_blanks_as_blank(client):
    doc = page_of(client.get("/report/syn-fj-3"))
    assert [t.get("data-table") for t in doc.cssselect("table.stats-table")] == ["二", "三", "四"]
    assert cell_text(doc, "三", "applications.new_received.natural_person").text_content() == "140"
    assert cell_text(doc, "二", "proactive.fees.amount_10k_yuan").text_content() == "7539.443252"
    assert cell_text(doc, "四", "review.corrected").text_content() == "1"
    blank = cell_text(doc, "三", "applications.new_received.research")
    assert blank.get("class") == "blank" and blank.text_content() == "—"
    assert "blank" in cell_text(doc, "四", "litigation_after_review.total").get("class")
    applications = doc.cssselect('table.stats-table[data-table="三"]')[0].text_content()
    assert (
        "本年新收政府信息公开申请数量" in applications and "其他处理·其他" in applications and "自然人" in applications
    )
    assert "其他处理·申请人无正当理由逾期不补正" in applications  # the 2021 format's rows


def test_failed_checks_and_passing_checks_are_explained_in_chinese(client):
    doc = page_of(client.get("/report/syn-fj-3"))
    (failed,) = doc.cssselect(".failed-checks li")
    assert failed.get("data-rule") == "applications_balance"
    assert "申请收支平衡" in failed.text_content() and "本年新收＋上年结转" in failed.text_content()
    passing = page_of(client.get("/report/lvyuan-minzheng-2020"))
    assert not passing.cssselect(".failed-checks") and "校验都通过" in passing.text_content()


def test_text_keeps_its_sections_and_leaves_table_rows_to_the_tables(client):
    doc = page_of(client.get("/report/lvyuan-minzheng-2020"))
    headings = [h.text_content() for h in doc.cssselect("#text h3.section-heading")]
    assert "二、主动公开政府信息情况" in headings and "三、收到和处理政府信息公开申请情况" in headings
    assert "存在的主要问题及改进情况" in "".join(headings)
    paragraphs = [p.text_content() for p in doc.cssselect("#text p")]
    assert not [p for p in paragraphs if p.startswith("一、本年新收") or p == "0" or p == "予以公开"]
    assert [a.get("href") for a in doc.cssselect("#text .table-pointer a")] == ["#table-二", "#table-三", "#table-四"]
    assert cell_text(doc, "二", "proactive.licensing.prev_items").text_content() == "30"


def test_legacy_report_has_no_tables_and_all_its_text(client, texts):
    doc = page_of(client.get("/report/syn-gd-2"))
    assert not doc.cssselect("table.stats-table")
    assert texts["syn-gd-2"] in doc.cssselect("#text")[0].text_content()
    assert "没有可校验的统计表" in doc.text_content()


def test_report_signals_are_listed_in_chinese(versioned, archived):
    doc = page_of(versioned.get(f"/report/{archived.ids[GONE]}"))
    signals = {li.get("data-signal"): li.text_content() for li in doc.cssselect(".signals li")}
    assert "已被撤下" in signals["withdrawn"]
    assert "已被撤下" in doc.cssselect(".notice.withdrawn")[0].text_content() or "撤下" in doc.text_content()
    assert "（已失效）" in doc.cssselect("#original-links")[0].text_content()


def test_pipe_rows_of_html_reports_stay_out_of_the_prose(versioned, archived):
    doc = page_of(versioned.get(f"/report/{archived.ids[EDITED]}"))
    assert doc.cssselect('table.stats-table[data-table="三"]')
    assert not [p for p in doc.cssselect("#text p") if CELL_SEPARATOR in p.text_content()]
    assert cell_text(doc, "三", "applications.new_received.natural_person").text_content() == "82"


def test_versions_list_links_each_diff_and_archived_copy(versioned, archived):
    report_id = archived.ids[EDITED]
    doc = page_of(versioned.get(f"/report/{report_id}"))
    versions = doc.cssselect("#versions li")
    assert [li.get("data-version") for li in versions] == ["1", "2"]
    (diff,) = versions[1].cssselect("a.diff-link")
    assert diff.get("href") == f"/report/{report_id}/diff?from=1&to=2"
    assert doc.cssselect("#archived-link")[0].get("href") == f"/reports/{report_id}/source"
    assert versioned.get(doc.cssselect("#archived-link")[0].get("href")).status_code == 200
    changes = page_of(versioned.get(diff.get("href")))
    (cell,) = changes.cssselect('.cell-change[data-key="applications.new_received.natural_person"]')
    assert [td.text_content() for td in cell.cssselect("td")] == ["80", "82"]
    sentences = changes.cssselect(".sentence-change")
    assert sentences and any(s.cssselect("ins") for s in sentences)
    text = changes.cssselect("#diff")[0].text_content()
    assert "季度通报" in text and OLD_SENTENCE != NEW_SENTENCE


def test_report_without_archive_has_no_archived_link(versioned, archived):
    doc = page_of(versioned.get(f"/report/{archived.ids[NO_CAPTURE]}"))
    assert not doc.cssselect("#archived-link")


@pytest.mark.parametrize(
    "query, words",
    [
        ("from=2&to=1", ["早于"]),
        ("to=7", ["没有版本 7"]),
        ("from=x", ["from", "应为整数"]),
    ],
)
def test_bad_diff_versions_give_a_chinese_422(versioned, archived, query, words):
    response = versioned.get(f"/report/{archived.ids[EDITED]}/diff?{query}")
    assert response.status_code == 422
    assert all(word in response.text for word in words)


def test_single_version_has_no_diff(versioned, archived):
    response = versioned.get(f"/report/{archived.ids[NO_CAPTURE]}/diff")
    assert response.status_code == 422 and "只有一个版本" in response.text


@pytest.mark.parametrize("path", ["/report/no-such-report", "/report/no-such-report/diff", "/report/" + "x" * 300])
def test_unknown_report_is_a_chinese_404(client, path):
    response = client.get(path)
    assert response.status_code == 404 and response.headers["content-type"].startswith("text/html")
    doc = lxml.html.fromstring(response.text)
    assert doc.cssselect("h1")[0].text_content() == "找不到页面" and "没有找到这份报告" in doc.text_content()
