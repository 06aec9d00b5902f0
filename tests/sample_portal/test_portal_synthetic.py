"""Synthetic reports and look-alikes: counts, formats, dates, consistent numbers, varied wording."""

from __future__ import annotations

import collections
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import lxml.html
import pytest
from portal_helpers import fetch

ROOT = Path(__file__).resolve().parents[2]
SYNTHETIC_SITES = ("saihan", "lvyuan", "lingwu")
APPLICANTS = ("natural_person", "commercial", "research", "social_welfare", "legal_services", "other_org")
BALANCE_ROWS_EXCLUDED = ("new_received", "carried_over", "total_processed", "carried_forward")
BODY = "//div[@class='TRS_Editor'] | //div[@id='zoom']"


def page_text(url: str) -> str:
    """Body text of a saihan/lvyuan/lingwu detail page (first body container)."""
    raw = fetch(url).body
    html = raw.decode("gbk") if "/lvyuan/" in url else raw.decode("utf-8")
    return lxml.html.fromstring(html).xpath(BODY)[0].text_content()


@pytest.fixture(scope="module")
def texts(truth) -> dict[str, str]:
    """Body text of every report of the generated sites."""
    return {r["url"]: page_text(r["url"]) for r in html_reports(truth)}


def html_reports(truth: dict) -> list[dict]:
    """Reports of the generated sites published as HTML pages (not the DOCX/PDF-only ones)."""
    return [r for r in truth["reports"] if r["site"] in SYNTHETIC_SITES and r["source_format"] == "html"]


@pytest.mark.parametrize("site", SYNTHETIC_SITES)
def test_site_has_enough_reports_of_every_format(truth, site):
    reports = [r for r in truth["reports"] if r["site"] == site]
    assert 15 <= len(reports) <= 40
    assert {r["format"] for r in reports} == {"legacy", "2019", "2021"}
    assert len({r["agency"] for r in reports}) >= 5
    assert {r["report_year"] for r in reports} <= set(range(2015, 2025))
    assert len([l for l in truth["lookalikes"] if l["site"] == site]) >= 5


def test_format_follows_template_not_year(truth):
    for r in truth["reports"]:
        if r["site"] in SYNTHETIC_SITES and r["report_year"] < 2019:
            assert r["format"] == "legacy" and r["stats"] is None
    late_old = [r for r in truth["reports"] if r["report_year"] >= 2021 and r["format"] == "2019"]
    assert late_old, "some later reports keep the 2019 template"


def test_published_dates_in_first_quarter_after_the_year_unless_late(truth):
    late = {a["years"][y] for a in truth["agencies"] for y, d in a["dates"].items() if d["late"]}
    for r in truth["reports"]:
        if r["site"] in SYNTHETIC_SITES and r["published"]:
            day = date.fromisoformat(r["published"])
            assert day.year == r["report_year"] + 1 and (day.month <= 3 or r["url"] in late), r["title"]


def test_region_values(truth):
    """Each report has its site's region, except the two 朝阳区民政局 series listed on other districts' columns."""
    regions = {(r["site"], r["province"], r["city"], r["county"]) for r in truth["reports"]}
    assert regions == {
        ("saihan", "内蒙古自治区", "呼和浩特市", "赛罕区"),
        ("saihan", "北京市", "北京市", "朝阳区"),
        ("lvyuan", "吉林省", "长春市", "绿园区"),
        ("lvyuan", "吉林省", "长春市", "朝阳区"),
        ("lingwu", "宁夏回族自治区", "银川市", "灵武市"),
        ("pingtan", "福建省", None, None),
        ("ptgov", "福建省", "福州市", "平潭县"),
        ("ptmap", "福建省", "福州市", "闽侯县"),
        ("ptsearch", "福建省", "福州市", "连江县"),
    }
    elsewhere = {r["agency"] for r in truth["reports"] if r["county"] == "朝阳区"}
    assert elsewhere == {"朝阳区民政局"}


def test_synthetic_numbers_are_consistent(truth):
    """Every sum holds (a cell printed blank, None, stands for the 0 nobody wrote)."""
    for r in truth["reports"]:
        if r["site"] not in SYNTHETIC_SITES or r["stats"] is None:
            continue
        apps = {row: {c: v or 0 for c, v in cells.items()} for row, cells in r["stats"]["applications"].items()}
        if set(apps["new_received"]) == {"total"}:
            continue  # the saihan sample prints only merged totals
        results = [k for k in apps if k not in BALANCE_ROWS_EXCLUDED]
        for c in APPLICANTS + ("total",):
            assert (
                apps["new_received"][c] + apps["carried_over"][c]
                == apps["total_processed"][c] + apps["carried_forward"][c]
            )
            assert apps["total_processed"][c] == sum(apps[k][c] for k in results)
        for row in apps.values():
            assert row["total"] == sum(row[c] for c in APPLICANTS)
        for group in ("review", "litigation_direct", "litigation_after_review"):
            g = r["stats"][group]
            assert g["total"] == g["upheld"] + g["corrected"] + g["other"] + g["pending"]
        other_rows = {"other"} if r["format"] == "2019" else {"other_no_correction", "other_no_fee", "other_other"}
        assert other_rows <= set(apps)


@pytest.mark.parametrize("term", ["行政复议", "依申请公开", "政策解读"])
def test_search_terms_hit_only_some_reports(texts, term):
    hits = [url for url, text in texts.items() if term in text]
    assert 0 < len(hits) < len(texts), term


def test_every_report_page_shows_its_title_and_year(truth):
    for r in html_reports(truth):
        if r["site"] in SYNTHETIC_SITES:
            raw = fetch(r["url"]).body
            html = raw.decode("gbk") if r["site"] == "lvyuan" else raw.decode("utf-8")
            tree = lxml.html.fromstring(html)
            assert tree.xpath("//meta[@name='ArticleTitle']/@content") == [r["title"]]
            assert str(r["report_year"]) in r["title"]
            assert bool(tree.xpath("//meta[@name='PubDate']")) == bool(r["published"])


def test_lookalikes_look_like_detail_pages(truth):
    kinds = collections.Counter()
    for l in truth["lookalikes"]:
        raw = fetch(l["url"]).body
        html = raw.decode("gbk") if l["site"] == "lvyuan" else raw.decode("utf-8")
        assert "ICP备" in html and "打印本页" in html and lxml.html.fromstring(html).xpath(BODY)
        for word in (
            "工作要点落实情况的函",
            "工作要点",
            "政府工作报告",
            "预算公开",
            "决算公开",
            "企业年报",
            "统计年报",
        ):
            kinds[word] += word in l["title"]
    assert all(kinds[w] >= 3 for w in kinds), kinds


def test_generation_is_deterministic_across_processes(truth):
    code = (
        "import json; from sample_portal import build_portal, portal_truth; from sample_portal.model import Hosts; "
        "print(json.dumps(portal_truth(build_portal(), Hosts('http://h:1', 'http://h:2')), ensure_ascii=False))"
    )
    runs = [
        subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
            env=dict(os.environ, PYTHONHASHSEED=seed),
        ).stdout
        for seed in ("1", "2")
    ]
    assert runs[0] == runs[1]
    assert len(json.loads(runs[0])["reports"]) == len(truth["reports"])
