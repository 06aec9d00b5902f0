"""Recrawls keep one record per report: URL merging and revision numbers (pure rules)."""

from indexer.storage.revisions import reconcile

OLD = {
    "id": "a",
    "url": "http://gov.cn/x/1.htm",
    "urls": ["http://gov.cn/x/1.htm"],
    "content_hash": "h1",
    "version": 1,
    "title": "某局2023年政府信息公开工作年度报告",
}


def test_new_report_is_stored_as_it_came():
    assert reconcile(OLD, None, None) is OLD


def test_recrawl_with_same_text_keeps_version():
    again = {**OLD, "fetched_at": "2026-11-22T00:00:00Z"}
    stored = reconcile(again, OLD, None)
    assert stored["version"] == 1 and stored["fetched_at"] == "2026-11-22T00:00:00Z"


def test_changed_text_is_a_new_revision():
    edited = {**OLD, "content_hash": "h2", "version": 1}
    assert reconcile(edited, {**OLD, "version": 3}, None)["version"] == 4


def test_same_content_at_another_url_joins_the_existing_record():
    mirror = {**OLD, "id": "b", "url": "http://other.gov.cn/y.htm", "urls": ["http://other.gov.cn/y.htm"]}
    stored = reconcile(mirror, None, OLD)
    assert stored["id"] == "a" and stored["url"] == OLD["url"]
    assert stored["urls"] == ["http://gov.cn/x/1.htm", "http://other.gov.cn/y.htm"]


def test_urls_seen_before_are_kept_on_recrawl():
    merged = {**OLD, "urls": ["http://gov.cn/x/1.htm", "http://other.gov.cn/y.htm"]}
    again = {**OLD, "urls": ["http://gov.cn/x/1.htm"]}
    assert reconcile(again, merged, None)["urls"] == merged["urls"]
