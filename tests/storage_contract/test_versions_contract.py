"""The history part of the storage contract, run against every backend: versions, withdrawals, the captures
index, report URLs by host, forget, and the version/revised/withdrawn filters, facets, sorts and signals.

Records are the contract records (read by the project's own `build_record`); an edit changes a sentence
of the text and one cell of table 三 as a site editing its report would. The Elasticsearch cases need a
live node (ES_URL) and are skipped otherwise.
"""

from __future__ import annotations

import copy
import json

import jsonschema
import pytest

from indexer.agencies.build import rebuild_agencies
from indexer.errors import InvalidRecord, QueryError
from indexer.storage.base import SearchQuery
from indexer.storage.revisions import reconcile
from sample_files import RECORD_SCHEMA

T1, T2, T3, T4, T5 = (f"2026-0{m}-01T05:00:00+00:00" for m in range(1, 6))
MIRROR = "https://www.example.gov.cn/zfxxgk/bm/mirror.html"
NATURAL = ("applications", "new_received", "natural_person")


def with_stats(records: list[dict]) -> list[dict]:
    """The contract records with a table 三, deep-copied."""
    return [copy.deepcopy(r) for r in records if (r.get("stats") or {}).get("applications")]


def at(record: dict, fetched_at: str, capture: dict | None = None) -> dict:
    """The record as a fetch at `fetched_at` read it (with the capture it was archived as)."""
    return {**record, "fetched_at": fetched_at, **({"capture": capture} if capture else {})}


def edited(record: dict, fetched_at: str, new_value: int = 28) -> dict:
    """The report after its site edited one sentence and the 本年新收·自然人 cell."""
    stats = copy.deepcopy(record["stats"])
    stats["applications"].setdefault("new_received", {})["natural_person"] = new_value
    text = record["text"] + f"\n本年度共收到自然人申请{new_value}件。"
    return {**record, "text": text, "stats": stats, "content_hash": f"edited-{new_value}", "fetched_at": fetched_at}


def capture(url: str, captured_at: str, offset: int, status: int = 200) -> dict:
    """A capture in the web archive."""
    return {
        "warc_file": "reports-20260101050000-00001.warc.gz",
        "offset": offset,
        "length": 1200,
        "url": url,
        "captured_at": captured_at,
        "status": status,
    }


def ids(result) -> list[str]:
    """Hit ids in order."""
    return [h.id for h in result.hits]


# --------------------------------------------------------------------------- versions
def test_a_new_report_is_version_1_with_its_history_fields(fresh, contract_records):
    report = contract_records[0]
    fresh.write([report])
    stored = fresh.get(report["id"])
    assert stored == reconcile(report, None, None).record  # revisions.py, whatever the backend
    assert (stored["version"], stored["first_seen"], stored["last_seen"]) == (
        1,
        report["fetched_at"],
        report["fetched_at"],
    )
    (only,) = fresh.versions(report["id"])
    assert (only["version"], only["first_seen"], only["change_summary"], only["record"]) == (
        1,
        report["fetched_at"],
        None,
        stored,
    )
    assert fresh.versions("no-such-report") is None


def test_unchanged_content_keeps_the_version_and_a_change_makes_a_new_one(fresh, contract_records):
    report = with_stats(contract_records)[0]
    first = capture(report["url"], T1, 0)
    fresh.write([at(report, T1, first)])
    fresh.write([at(report, T2, capture(report["url"], T2, 5000))])  # a recrawl, same content
    assert [v["last_seen"] for v in fresh.versions(report["id"])] == [T2]
    assert fresh.versions(report["id"])[0]["capture"] == first  # the capture that first served it stays
    second = capture(report["url"], T3, 9000)
    fresh.write([{**edited(report, T3), "capture": second}])
    stored = fresh.get(report["id"])
    assert (stored["version"], stored["first_seen"], stored["changed_at"], stored["last_seen"]) == (2, T1, T3, T3)
    assert "表三 本年新收政府信息公开申请数量·自然人" in stored["change_summary"] and "→ 28" in stored["change_summary"]
    assert "正文新增1句" in stored["change_summary"]
    old, new = fresh.versions(report["id"])
    assert (old["version"], old["first_seen"], old["last_seen"], old["capture"]) == (1, T1, T2, first)
    assert old["record"]["text"] == report["text"] and old["record"]["stats"] == report["stats"]  # kept whole
    assert (new["version"], new["first_seen"], new["last_seen"], new["capture"]) == (2, T3, T3, second)
    assert new["change_summary"] == stored["change_summary"] and new["record"] == stored
    assert fresh.count() == 1


def test_every_distinct_version_is_kept(fresh, contract_records):
    report = with_stats(contract_records)[0]
    fresh.write([at(report, T1)])
    fresh.write([edited(report, T2, 28)])
    fresh.write([edited(report, T3, 30)])
    fresh.write([at(report, T4)])  # the first text back: a fourth version, not a return to the first
    versions = fresh.versions(report["id"])
    assert [v["version"] for v in versions] == [1, 2, 3, 4]
    assert [v["first_seen"] for v in versions] == [T1, T2, T3, T4]
    assert [v["record"]["stats"]["applications"]["new_received"].get("natural_person") for v in versions[1:3]] == [
        28,
        30,
    ]
    assert versions[3]["content_hash"] == versions[0]["content_hash"]


def test_the_revised_signal_follows_the_version(fresh, contract_records):
    report = with_stats(contract_records)[0]
    fresh.write([at(report, T1)])
    assert "revised" not in {s["signal"] for s in fresh.get(report["id"])["signals"]}
    fresh.write([edited(report, T2)])
    signals = {s["signal"]: s for s in fresh.get(report["id"])["signals"]}
    assert signals["revised"]["detail"].startswith("于2026-02-01修改（第2版）：表三")
    assert signals["revised"]["evidence"]["versions"] == 2
    assert ids(fresh.search(SearchQuery(filters={"signal": ["revised"]}))) == [report["id"]]


def test_a_second_url_with_the_same_content_joins_the_record(fresh, contract_records):
    report = contract_records[0]
    fresh.write([at(report, T1)])
    mirror = {**at(report, T2, capture(MIRROR, T2, 700)), "id": "mirror-of-first", "url": MIRROR, "urls": [MIRROR]}
    fresh.write([mirror])
    assert fresh.count() == 1 and fresh.get("mirror-of-first") is None
    stored = fresh.get(report["id"])
    assert stored["urls"] == [report["url"], MIRROR] and (stored["version"], stored["last_seen"]) == (1, T2)
    (row,) = fresh.captures(url=MIRROR)
    assert row["report_id"] == report["id"]  # registered under the id it is stored as


# --------------------------------------------------------------------------- withdrawals
def test_a_report_is_withdrawn_only_when_every_url_is_gone(fresh, contract_records):
    report = contract_records[0]
    fresh.write([at(report, T1), {**at(report, T1), "id": "mirror", "url": MIRROR, "urls": [MIRROR]}])
    assert fresh.mark_gone(MIRROR, T2, "redirect_parent") is None  # the first URL still serves it
    stored = fresh.get(report["id"])
    assert stored["gone_urls"] == [MIRROR] and stored["withdrawn"] is None
    assert fresh.mark_gone(MIRROR, T3, "http_404") is None  # idempotent
    assert fresh.get(report["id"]) == stored
    gone = capture(report["url"], T3, 4000, status=404)
    assert fresh.mark_gone(report["url"], T3, "http_404", gone) == report["id"]
    assert fresh.mark_gone(report["url"], T4, "http_404") is None  # already withdrawn
    stored = fresh.get(report["id"])
    assert stored["withdrawn"] == T3 and stored["gone_urls"] == [MIRROR, report["url"]]
    assert stored["withdrawals"] == [{"missed": T3, "returned": None, "how": "http_404", "url": report["url"]}]
    signal = next(s for s in stored["signals"] if s["signal"] == "withdrawn")
    assert signal["detail"] == f"自2026-03-01起无法访问（HTTP 404 页面不存在：{report['url']}）"
    assert stored["text"] == report["text"]  # its last copy stays searchable
    assert ids(fresh.search(SearchQuery(filters={"withdrawn": ["true"]}))) == [report["id"]]
    (row,) = fresh.captures(url=report["url"])
    assert (row["status"], row["report_id"]) == (404, report["id"])
    assert fresh.mark_gone("https://www.example.gov.cn/never-stored.html", T3, "http_410") is None
    assert fresh.versions(report["id"])[-1]["version"] == 1  # a withdrawal is no version


def test_stored_history_follows_the_record_schema(fresh, contract_records):
    report = with_stats(contract_records)[0]
    fresh.write([at(report, T1, capture(report["url"], T1, 0))])
    fresh.write([edited(report, T2)])
    fresh.mark_gone(report["url"], T3, "redirect_parent")
    validator = jsonschema.Draft202012Validator(json.loads(RECORD_SCHEMA.read_text(encoding="utf-8")))
    for record in [fresh.get(report["id"]), *(v["record"] for v in fresh.versions(report["id"]))]:
        assert [e.message for e in validator.iter_errors(record)] == []


def test_a_report_that_comes_back_is_unwithdrawn_and_the_gap_kept(fresh, contract_records):
    report = contract_records[0]
    fresh.write([at(report, T1)])
    fresh.mark_gone(report["url"], T2, "redirect_home")
    fresh.write([at(report, T3)])
    stored = fresh.get(report["id"])
    assert (stored["withdrawn"], stored["gone_urls"], stored["version"]) == (None, [], 1)
    assert stored["withdrawals"] == [{"missed": T2, "returned": T3, "how": "redirect_home", "url": report["url"]}]
    assert "withdrawn" not in {s["signal"] for s in stored["signals"]}
    assert fresh.search(SearchQuery(filters={"withdrawn": ["true"]})).total == 0
    fresh.mark_gone(report["url"], T4, "http_410")  # gone again: a second withdrawal
    assert [w["missed"] for w in fresh.get(report["id"])["withdrawals"]] == [T2, T4]


def test_mark_gone_refuses_what_it_cannot_store(fresh):
    with pytest.raises(InvalidRecord, match="http_404"):
        fresh.mark_gone("https://example.gov.cn/a", T1, "deleted")
    with pytest.raises(InvalidRecord, match="ISO time"):
        fresh.mark_gone("https://example.gov.cn/a", "yesterday", "http_404")


# --------------------------------------------------------------------------- captures, URLs, forget
def test_the_captures_index(fresh, contract_records):
    report = contract_records[0]
    redirected = "http://www.example.gov.cn/old-path.html"
    first = capture(report["url"], T1, 0)
    fresh.save_capture(first, None, redirected, {"portal": "pingtan", "list_title": "2021年报告"})
    fresh.write([at(report, T1, first)])  # names the report; keeps what the crawler saved
    later = capture(report["url"], T2, 3000)
    fresh.save_capture(later, report["id"], report["url"], {"portal": "pingtan"})
    stray = capture("http://www.example.gov.cn/list.html", T3, 8000)
    fresh.save_capture(stray, None, stray["url"], {})
    by_report = fresh.captures(report_id=report["id"])
    assert [r["offset"] for r in by_report] == [3000, 0]  # newest first
    assert by_report[1] == {
        **first,
        "report_id": report["id"],
        "requested_url": redirected,
        "meta": {"list_title": "2021年报告", "portal": "pingtan"},
    }
    assert [r["offset"] for r in fresh.captures(url=redirected)] == [0]  # by the URL requested, too
    assert [r["offset"] for r in fresh.captures(url=report["url"])] == [3000, 0]
    assert [r["offset"] for r in fresh.captures()] == [8000, 3000, 0]
    assert fresh.captures(url=redirected, report_id="another") == []
    fresh.save_capture(later, None, report["url"], {"portal": "renamed"})  # saved again: the report id stays
    again = fresh.captures(report_id=report["id"])[0]
    assert (again["report_id"], again["meta"]) == (report["id"], {"portal": "renamed"})
    with pytest.raises(InvalidRecord, match="offset"):
        fresh.save_capture({**first, "offset": "0"}, None, redirected, {})


def test_report_urls_by_host(fresh, contract_records):
    report = contract_records[0]
    other = "http://127.0.0.1:8001/zfxxgk/2021.html"
    fresh.write([at(report, T1), {**at(report, T1), "id": "mirror", "url": other, "urls": [other]}])
    fresh.mark_gone(other, T2, "http_404")  # gone URLs included
    host = report["url"].split("/")[2]
    assert list(fresh.report_urls([host])) == [report["url"]]
    assert list(fresh.report_urls(["127.0.0.1"])) == [other]
    assert sorted(fresh.report_urls(["127.0.0.1:8001", host.upper()])) == sorted([report["url"], other])  # any order
    assert list(fresh.report_urls(["127.0.0.1:8002"])) == [] and list(fresh.report_urls([])) == []


def test_report_urls_of_a_domain_include_its_subdomains(fresh, contract_records):
    report = contract_records[0]
    urls = ["https://www.fj.gov.cn/zwgk/nb/2021.html", "https://mzt.fj.gov.cn/nb/2021.html", "https://xfj.gov.cn/1"]
    fresh.write([{**at(report, T1), "id": f"r{i}", "url": url, "urls": [url]} for i, url in enumerate(urls)])
    assert sorted(fresh.report_urls(["fj.gov.cn"])) == sorted(urls[:2])  # as a seed's domains allow
    assert list(fresh.report_urls(["mzt.fj.gov.cn"])) == [urls[1]]


def test_forget_deletes_the_report_and_its_versions_not_its_captures(fresh, contract_records):
    report, kept = with_stats(contract_records)[:2]
    fresh.write([at(report, T1, capture(report["url"], T1, 0)), at(kept, T1)])
    fresh.write([edited(report, T2)])
    fresh.forget(report["id"])
    fresh.forget("no-such-report")
    assert fresh.get(report["id"]) is None and fresh.versions(report["id"]) is None and fresh.count() == 1
    assert ids(fresh.search(SearchQuery(limit=50, facets=()))) == [kept["id"]]  # its search rows are gone
    assert report["url"] not in fresh.report_urls([report["url"].split("/")[2]])
    assert [r["report_id"] for r in fresh.captures(url=report["url"])] == [report["id"]]
    fresh.write([at(report, T3)])  # replayed from scratch: version 1 again
    assert [v["version"] for v in fresh.versions(report["id"])] == [1]


# --------------------------------------------------------------------------- search
@pytest.fixture
def histories(fresh, contract_records):
    """The contract records, three of them revised at different times and one withdrawn."""
    fresh.write([at(r, T1) for r in contract_records])
    a, b, c, d = with_stats(contract_records)[:4]
    fresh.write([edited(a, T3), edited(b, T2)])
    fresh.write([edited(c, T4, 40)])
    fresh.mark_gone(d["url"], T5, "http_404")
    return fresh, {"a": a["id"], "b": b["id"], "c": c["id"], "d": d["id"]}, contract_records


def test_filters_on_version_revised_and_withdrawn(histories):
    backend, named, records = histories
    everything = {r["id"] for r in records}
    revised = {named["a"], named["b"], named["c"]}

    def found(**filters) -> set[str]:
        return set(ids(backend.search(SearchQuery(filters=filters, limit=1000, facets=()))))

    assert found(version=["2"]) == revised
    assert found(version=["1"]) == everything - revised
    assert found(version=["1", "2"]) == everything and found(version=["3"]) == set()
    assert found(revised=["true"]) == revised and found(revised=["false"]) == everything - revised
    assert found(withdrawn=["true"]) == {named["d"]}
    assert found(withdrawn=["false"], revised=["true"]) == revised
    assert found(revised=["true", "false"]) == everything
    words = backend.search(SearchQuery(q="政府信息公开", filters={"revised": ["true"]}, limit=1000, facets=()))
    assert set(ids(words)) <= revised and words.total == len(set(ids(words)))  # ranked path: same filter


def test_revised_and_withdrawn_facets(histories):
    backend, named, records = histories
    result = backend.search(SearchQuery(filters={"withdrawn": ["true"]}, facets=("revised", "withdrawn")))
    assert result.facets["withdrawn"] == [("false", len(records) - 1), ("true", 1)]  # its own filter ignored
    assert result.facets["revised"] == [("false", 1)]  # the withdrawn report is not revised
    assert backend.search(SearchQuery(limit=0)).facets["revised"] == [("false", len(records) - 3), ("true", 3)]


def test_sort_by_version_and_change_time(histories):
    backend, named, records = histories
    rest = sorted(r["id"] for r in records if r["id"] not in (named["a"], named["b"], named["c"]))

    def order(sort: str) -> list[str]:
        return ids(backend.search(SearchQuery(sort=sort, limit=1000, facets=())))

    revised_by_id = sorted([named["a"], named["b"], named["c"]])
    assert order("-version") == [*revised_by_id, *rest]
    assert order("version") == [*rest, *revised_by_id]
    # b changed at T2, a at T3, c at T4; the others never: last either way
    assert order("changed_at") == [named["b"], named["a"], named["c"], *rest]
    assert order("-changed_at") == [named["c"], named["a"], named["b"], *rest]
    assert order("-changed_at")[:1] == ids(backend.search(SearchQuery(sort="-changed_at", limit=1, facets=())))


@pytest.mark.parametrize(
    "filters, message",
    [({"version": ["two"]}, "version"), ({"version": ["0"]}, "version"), ({"revised": ["yes"]}, "revised")],
)
def test_bad_history_filters_are_refused(fresh, filters, message):
    with pytest.raises(QueryError, match=message):
        fresh.search(SearchQuery(filters=filters))


def test_a_registry_rebuild_keeps_the_history_signals(histories, registry_today):
    backend, named, _ = histories
    rebuild_agencies(backend, registry_today)
    assert "revised" in {s["signal"] for s in backend.get(named["a"])["signals"]}
    assert "withdrawn" in {s["signal"] for s in backend.get(named["d"])["signals"]}
    assert set(ids(backend.search(SearchQuery(filters={"signal": ["revised"]}, limit=100)))) == {
        named["a"],
        named["b"],
        named["c"],
    }
