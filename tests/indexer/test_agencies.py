"""Agencies across years (indexer/agencies): matching rules, deadlines, signals, timelines on real reports."""

from __future__ import annotations

from datetime import date

import pytest
import yaml

from indexer.agencies.deadlines import deadline, last_due_year
from indexer.agencies.identity import agency_key, agency_kind, parse_aliases
from indexer.agencies.registry import build_agencies, report_facts, report_signals
from indexer.agencies.sentences import normalise, sentence_fingerprints
from indexer.agencies.signals import (
    COPIED_MIN_SENTENCES,
    blank_cells_signal,
    copied_measure,
    cross_year_signal,
    history_signals,
    revised_signal,
    text_table_mismatch_signal,
    withdrawn_signal,
)
from indexer.record import build_record
from sample_files import PINGTAN, SAMPLES, sample_files

TODAY = date(2026, 12, 6)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (("平潭综合实验区", "350000"), ("平潭综合实验区管委会", "350000")),
        (("平潭综合实验区", "350000"), ("平潭综合实验区管理委员会", "350000")),
        (("长春市绿园区民政局", "220106"), ("绿园区民政局", "220106")),
        (("呼和浩特市赛罕区人民政府", "150105"), ("赛罕区", "150105")),
        (("内蒙古自治区呼和浩特市赛罕区民政局", "150105"), ("赛罕区民政局", "150105")),
    ],
)
def test_name_variants_of_one_body_are_one_agency(a, b):
    assert agency_key(*a) == agency_key(*b)
    assert agency_key(*a).id == agency_key(*b).id


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (("朝阳区民政局", "110105"), ("朝阳区民政局", "220104")),  # same name, 北京市 and 长春市
        (("平潭县人民政府", "350128"), ("平潭综合实验区", "350000")),  # predecessor and successor
        (("长春市民政局", "220100"), ("长春市绿园区民政局", "220106")),  # city and district bodies
        (("长春市绿园区人民政府", "220106"), ("长春市绿园区人民政府办公室", "220106")),
    ],
)
def test_different_bodies_stay_apart(a, b):
    assert agency_key(*a) != agency_key(*b)


def test_ids_are_stable_and_no_name_is_no_agency():
    assert agency_key("绿园区民政局", "220106").id == "ag62f35278e5ad65c4"
    assert agency_key(None, "220106") is None and agency_key("  ", None) is None


def test_aliases_fold_variants_and_keep_names_apart():
    aliases = parse_aliases(
        yaml.safe_load("""
same:
  - {region: 长春市绿园区, name: 长春市绿园区卫生健康局, variants: [绿园区卫健局]}
apart:
  - {region: "220106", name: 长春市绿园区民政局}
""")
    )
    assert agency_key("绿园区卫健局", "220106", aliases) == agency_key("卫生健康局", "220106", aliases)
    assert agency_key("长春市绿园区民政局", "220106", aliases) != agency_key("绿园区民政局", "220106", aliases)
    with pytest.raises(ValueError, match="same entry 1"):
        parse_aliases({"same": [{"name": "x"}]})


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("人民政府", "政府"),
        ("平潭综合实验区管理委员会", "政府"),
        ("某某街道办事处", "政府"),
        ("民政局", "部门"),
        ("人民政府办公室", "部门"),
        ("国家税务总局税务局", "部门"),
    ],
)
def test_kind(name, kind):
    assert agency_kind(name) == kind


def test_deadlines_follow_the_two_regulations():
    assert deadline(2011, "部门").due == date(2012, 3, 31)  # 2008 条例: every body by 31 March
    assert deadline(2018, "政府").due == date(2019, 3, 31)
    assert deadline(2019, "部门").due == date(2020, 1, 31)  # 2019 条例: departments by 31 January
    assert deadline(2019, "政府").due == date(2020, 3, 31)
    assert last_due_year("部门", date(2026, 1, 31)) == 2024  # due that day: not yet passed
    assert last_due_year("部门", date(2026, 2, 1)) == 2025
    assert last_due_year("政府", date(2026, 2, 1)) == 2024


def test_normalised_sentences_ignore_years_and_numbers():
    assert normalise("2019年共收到政府信息公开申请26件。") == normalise("2020年共收到政府信息公开申请 28 件。")
    assert normalise("二〇一九年，本机关公开信息十二条") == normalise("二〇二〇年，本机关公开信息十五条")
    assert sentence_fingerprints("短句。\n一 | 二 | 三") == {}


@pytest.fixture(scope="module")
def pingtan():
    """The six real Pingtan reports, built by the indexer."""
    records = [build_record(p.read_bytes()) for p in sample_files(PINGTAN, "8*.html", at_least=6)]
    return {r["id"]: r for r in records}


def test_real_pingtan_reports_are_one_agency_with_a_timeline(pingtan):
    build = build_agencies(
        (report_facts(r) for r in pingtan.values()),
        today=TODAY,
        sentences_of=lambda i: sentence_fingerprints(pingtan[i]["text"]),
    )
    assert len(build.agencies) == 1
    agency = build.agencies[0]
    assert (agency["kind"], agency["first_year"], agency["last_year"], agency["reports"]) == ("政府", 2011, 2025, 6)
    years = {t["report_year"]: t for t in build.timelines[agency["id"]]}
    assert sorted(y for y, t in years.items() if t["report_id"]) == [2011, 2015, 2018, 2019, 2021, 2023]
    missing = sorted(y for y, t in years.items() if any(s["signal"] == "missing" for s in t["signals"]))
    assert missing == [2012, 2013, 2014, 2016, 2017, 2020, 2022, 2024, 2025]
    first = years[2011]
    assert (first["published"], first["deadline"], first["late"], first["days_late"]) == (
        "2012-04-11",
        "2012-03-31",
        True,
        11,
    )
    assert [s["signal"] for s in first["signals"]] == ["late"] and "2012-03-31" in first["signals"][0]["detail"]
    assert years[2023]["late"] is False and years[2023]["deadline"] == "2024-03-31"
    assert years[2021]["figures"]["applications.new_received.total"] == 70
    assert years[2023]["change"]["applications.new_received.total"] is None  # 2022 is missing


def test_real_consecutive_reports_are_not_copied(pingtan):
    facts = sorted((report_facts(r) for r in pingtan.values()), key=lambda f: f.report_year or 0)
    for before, after in zip(facts, facts[1:]):
        assert copied_measure(after.fingerprint_set(), before.fingerprint_set(), frozenset()).share < 0.25


def test_a_report_repeating_last_years_is_copied(pingtan):
    report = next(r for r in pingtan.values() if r["report_year"] == 2021)
    rewritten = report["text"].replace("2021", "2022").replace("70", "75")
    this, previous = sentence_fingerprints(rewritten), set(sentence_fingerprints(report["text"]))
    assert len(this) >= COPIED_MIN_SENTENCES
    measure = copied_measure(set(this), previous, frozenset())
    assert measure.share > 0.9


def test_own_signals_of_a_sample_report():
    record = build_record((SAMPLES / "lingwu-minzheng-2024.txt").read_bytes())
    assert record["published"] is None and report_signals(record, "部门") == []  # no date: no verdict on lateness
    failing = {"rule": "suits_totals", "ok": False, "detail": "review: 1 + 0 + 0 + 0 != 2"}
    late = {**record, "published": "2025-02-03", "checks": [*record["checks"], failing]}
    signals = {s["signal"]: s for s in report_signals(late, "部门")}
    assert set(signals) == {"late", "failed_checks"}
    assert signals["late"]["evidence"]["days_late"] == 3 and "2025-01-31" in signals["late"]["detail"]
    assert "复议诉讼表" in signals["failed_checks"]["detail"] and "review: 1 + 0" in signals["failed_checks"]["detail"]
    assert report_signals(late, "政府") == [signals["failed_checks"]]  # a government had until 31 March


def test_history_signals_say_when_and_what_changed_and_since_when_it_is_gone():
    record = build_record((SAMPLES / "lingwu-minzheng-2024.txt").read_bytes())
    assert history_signals(record) == []  # version 1, served
    summary = "表三 本年新收政府信息公开申请数量·自然人 26 → 28；正文改动1句"
    revised = revised_signal(
        {**record, "version": 2, "changed_at": "2026-03-02T05:00:00+00:00", "change_summary": summary}
    )
    assert revised == {
        "signal": "revised",
        "detail": f"于2026-03-02修改（第2版）：{summary}",
        "evidence": {"versions": 2, "changed_at": "2026-03-02T05:00:00+00:00", "summary": summary},
    }
    url = "http://www.example.gov.cn/a.html"
    gone = {
        **record,
        "withdrawn": "2026-03-05T05:00:00+00:00",
        "withdrawals": [
            {"missed": "2026-03-05T05:00:00+00:00", "returned": None, "how": "redirect_parent", "url": url}
        ],
    }
    assert withdrawn_signal(gone)["detail"] == f"自2026-03-05起无法访问（跳转到上级栏目：{url}）"
    assert withdrawn_signal(gone)["evidence"] == {
        "missed": "2026-03-05T05:00:00+00:00",
        "how": "redirect_parent",
        "url": url,
    }
    assert [s["signal"] for s in history_signals({**gone, "version": 3})] == ["revised", "withdrawn"]


def test_blank_cells_count_printed_blanks_but_not_merged_or_unreadable_rows():
    stats = {
        "applications": {
            "new_received": {
                "natural_person": 1,
                "commercial": None,
                "research": 0,
                "social_welfare": 0,
                "legal_services": 0,
                "other_org": 0,
                "total": 1,
            },
            "granted": {"total": 0},
            "denied_inquiry": dict.fromkeys(
                ("natural_person", "commercial", "research", "social_welfare", "legal_services", "other_org", "total")
            ),
        }
    }
    checks = [{"rule": "unparsed", "ok": False, "detail": "applications.denied_inquiry: cells '1 | 2'"}]
    signal = blank_cells_signal(stats, "2021", checks)
    assert signal and signal["evidence"]["cells"] == ["applications.new_received.commercial"]
    assert "商业企业" in signal["detail"]


def test_text_table_mismatch_names_the_sentence_and_both_values():
    stats = {"applications": {"new_received": {"total": 28}, "carried_over": {"total": 2}}, "review": {"total": 1}}
    text = "本年度共收到政府信息公开申请26件。\n发生行政复议1件。\n三 | 本年新收 | 28"
    signal = text_table_mismatch_signal(text, stats)
    assert signal and [m["stated"] for m in signal["evidence"]["mismatches"]] == [26]
    assert "26件" in signal["detail"] and "28" in signal["detail"]
    assert text_table_mismatch_signal("共受理政府信息公开申请30件（含上年结转2件）。", stats) is None


def test_cross_year_compares_closing_and_opening_figures():
    last = {
        "applications": {"carried_forward": {"natural_person": 3, "total": 3}},
        "proactive": {"regulations": {"in_force": 10}},
    }
    this = {
        "applications": {"carried_over": {"natural_person": 2, "total": 2}},
        "proactive": {"regulations": {"issued": 2, "repealed": 1, "in_force": 12}},
    }
    signal = cross_year_signal(last, "2021", this, "2021", 2022)
    assert signal is not None
    cells = [tuple(d["cells"][:1]) for d in signal["evidence"]["differences"]]
    assert ("applications.carried_forward.natural_person",) in cells and ("proactive.regulations.in_force",) in cells
    assert "2022年报告" in signal["detail"]
    assert (
        cross_year_signal(last, "2021", {"applications": {"carried_over": {"natural_person": 3}}}, "2021", 2022) is None
    )
