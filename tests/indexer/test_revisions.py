"""Recrawls keep one record per report, with its history: URL merging, versions, withdrawals (pure rules)."""

from indexer.storage.revisions import gone, history, on_hosts, reconcile, url_host, version_of

URL = "http://gov.cn/x/1.htm"
MIRROR = "http://other.gov.cn/y.htm"
T1, T2, T3, T4 = (f"2026-0{m}-01T05:00:00+00:00" for m in (1, 2, 3, 4))
CAPTURE = {"warc_file": "reports-1.warc.gz", "offset": 0, "length": 900, "url": URL, "captured_at": T1, "status": 200}
OLD = {
    "id": "a",
    "url": URL,
    "urls": [URL],
    "content_hash": "h1",
    "version": 1,
    "title": "某局2023年政府信息公开工作年度报告",
    "text": "本年新收政府信息公开申请26件。\n全年工作平稳。",
    "stats": {"applications": {"new_received": {"natural_person": 26, "total": 26}}},
    "fetched_at": T1,
    "signals": [],
}
EDITED = {
    **OLD,
    "content_hash": "h2",
    "text": "本年新收政府信息公开申请28件。\n全年工作平稳。",
    "stats": {"applications": {"new_received": {"natural_person": 28, "total": 28}}},
    "fetched_at": T2,
}


def first(record: dict) -> dict:
    """What storing a report for the first time keeps."""
    return reconcile(record, None, None).record


def test_a_new_report_is_version_1_first_and_last_seen_at_its_fetch():
    stored = first({**OLD, "capture": CAPTURE})
    assert {k: stored[k] for k in OLD} == OLD  # the record as it came
    assert (stored["version"], stored["first_seen"], stored["last_seen"], stored["changed_at"]) == (1, T1, T1, None)
    assert (stored["withdrawn"], stored["withdrawals"], stored["gone_urls"]) == (None, [], [])
    assert stored["capture"] == CAPTURE and reconcile(OLD, None, None).superseded is None


def test_a_copied_record_keeps_its_history():
    copied = reconcile(EDITED, first(OLD), None).record  # version 2, read from another index
    assert first(copied) == copied


def test_recrawl_with_same_content_updates_in_place_and_keeps_the_version():
    stored = first({**OLD, "capture": CAPTURE})
    later = {**CAPTURE, "offset": 5000, "captured_at": T2}
    again = reconcile({**OLD, "title": "重新抽取的标题", "fetched_at": T2, "capture": later}, stored, None)
    assert again.superseded is None
    record = again.record
    assert record["title"] == "重新抽取的标题" and record["fetched_at"] == T2  # fields re-extracted
    assert (record["version"], record["first_seen"], record["last_seen"], record["changed_at"]) == (1, T1, T2, None)
    assert record["capture"] == CAPTURE  # the capture that first served this version stays


def test_an_older_fetch_does_not_move_last_seen_back():
    stored = reconcile({**OLD, "fetched_at": T3}, first(OLD), None).record
    assert reconcile({**OLD, "fetched_at": T2}, stored, None).record["last_seen"] == T3


def test_changed_content_is_a_new_version_with_a_summary_and_the_old_one_kept():
    stored = first({**OLD, "capture": CAPTURE})
    new_capture = {**CAPTURE, "offset": 7000, "captured_at": T2}
    result = reconcile({**EDITED, "capture": new_capture}, stored, None)
    record = result.record
    assert (record["version"], record["first_seen"], record["changed_at"], record["last_seen"]) == (2, T1, T2, T2)
    assert (
        record["change_summary"]
        == "表三 本年新收政府信息公开申请数量·自然人 26 → 28；表三 本年新收政府信息公开申请数量·总计 26 → 28；正文改动1句"
    )
    assert record["capture"] == new_capture
    assert result.superseded == version_of(stored)
    assert result.superseded["record"] == stored and result.superseded["capture"] == CAPTURE
    (revised,) = record["signals"]
    assert revised["signal"] == "revised"
    assert revised["detail"].startswith("于2026-02-01修改（第2版）：表三 本年新收")
    assert revised["evidence"] == {"versions": 2, "changed_at": T2, "summary": record["change_summary"]}


def test_version_numbers_continue_from_the_stored_one():
    assert reconcile(EDITED, {**first(OLD), "version": 3}, None).record["version"] == 4


def test_same_content_at_another_url_joins_the_existing_record():
    stored = first(OLD)
    mirror = {**OLD, "id": "b", "url": MIRROR, "urls": [MIRROR], "fetched_at": T2}
    result = reconcile(mirror, None, stored)
    assert result.superseded is None
    record = result.record
    assert record["id"] == "a" and record["url"] == URL and record["urls"] == [URL, MIRROR]
    assert (record["version"], record["first_seen"], record["last_seen"]) == (1, T1, T2)


def test_urls_seen_before_are_kept_on_recrawl():
    merged = {**first(OLD), "urls": [URL, MIRROR]}
    assert reconcile({**OLD, "fetched_at": T2}, merged, None).record["urls"] == [URL, MIRROR]


def test_a_url_that_dies_while_another_serves_the_report_is_no_withdrawal():
    stored = {**first(OLD), "urls": [URL, MIRROR]}
    change = gone(stored, URL, T2, "http_404")
    assert change is not None and not change.withdrawn
    assert change.record["gone_urls"] == [URL] and change.record["withdrawn"] is None
    assert gone(change.record, URL, T3, "http_404") is None  # idempotent


def test_every_url_gone_withdraws_once_and_a_served_fetch_brings_it_back():
    stored = {**first(OLD), "urls": [URL, MIRROR]}
    half = gone(stored, MIRROR, T2, "redirect_parent").record
    change = gone(half, URL, T3, "http_410")
    assert change.withdrawn
    record = change.record
    assert record["withdrawn"] == T3 and record["gone_urls"] == [MIRROR, URL]
    assert record["withdrawals"] == [{"missed": T3, "returned": None, "how": "http_410", "url": URL}]
    (signal,) = record["signals"]
    assert signal["signal"] == "withdrawn"
    assert signal["detail"] == f"自2026-03-01起无法访问（HTTP 410 页面已删除：{URL}）"
    assert gone(record, URL, T4, "http_404") is None  # already withdrawn: nothing changes
    back = reconcile({**OLD, "fetched_at": T4}, record, None).record
    assert back["withdrawn"] is None and back["gone_urls"] == [MIRROR]  # only the URL fetched serves it
    assert back["withdrawals"] == [{"missed": T3, "returned": T4, "how": "http_410", "url": URL}]
    assert back["signals"] == [] and back["version"] == 1  # the same content came back: no version


def test_a_mirror_that_serves_it_again_ends_the_withdrawal():
    stored = {**first(OLD), "urls": [URL, MIRROR], "gone_urls": [URL, MIRROR], "withdrawn": T2}
    stored["withdrawals"] = [{"missed": T2, "returned": None, "how": "http_404", "url": URL}]
    mirror = {**OLD, "id": "b", "url": MIRROR, "urls": [MIRROR], "fetched_at": T3}
    back = reconcile(mirror, None, stored).record
    assert back["withdrawn"] is None and back["gone_urls"] == [URL] and back["withdrawals"][0]["returned"] == T3


def test_other_signals_stay_when_history_signals_change():
    late = {"signal": "late", "detail": "晚了", "evidence": {}}
    stored = first({**OLD, "signals": [late]})
    record = reconcile({**EDITED, "signals": [late]}, stored, None).record
    assert [s["signal"] for s in record["signals"]] == ["late", "revised"]
    assert "signals" not in first({k: v for k, v in OLD.items() if k != "signals"})  # not invented


def test_history_lists_the_superseded_versions_then_the_current_one():
    v1 = first(OLD)
    v2 = reconcile(EDITED, v1, None)
    v3 = reconcile({**OLD, "fetched_at": T3}, v2.record, None)  # the old text back: a third version
    versions = history([v3.superseded, v2.superseded], v3.record)
    assert [v["version"] for v in versions] == [1, 2, 3]
    assert [v["first_seen"] for v in versions] == [T1, T2, T3]
    assert [v["content_hash"] for v in versions] == ["h1", "h2", "h1"]
    assert versions[0]["change_summary"] is None and versions[2]["record"] == v3.record
    stale = {**version_of(v3.record), "version": 3}  # a superseded copy of the current one (an interrupted write)
    listed = history([v2.superseded, stale], v3.record)
    assert [v["version"] for v in listed] == [1, 3] and listed[-1]["record"] == v3.record  # listed once


def test_hosts_of_urls():
    assert url_host("https://WWW.Example.gov.cn:8443/a") == "www.example.gov.cn"
    assert url_host("not a url") == ""
    assert on_hosts("http://127.0.0.1:8001/a", {"127.0.0.1"})  # a host name matches any port
    assert on_hosts("http://127.0.0.1:8001/a", {"127.0.0.1:8001"})
    assert not on_hosts("http://127.0.0.1:8002/a", {"127.0.0.1:8001"})
