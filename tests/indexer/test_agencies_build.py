"""Rebuilding the agency registry from a backend (indexer/agencies/build.py), and what a build reads of the stored
reports: their own signals as indexing stored them (`late` judged again), their text only for a `copied` verdict."""

from __future__ import annotations

from collections import Counter

from indexer.agencies.build import rebuild_agencies
from indexer.agencies.registry import build_agencies, report_facts
from indexer.agencies.sentences import sentence_fingerprints
from indexer.storage import open_backend
from registry_records import TODAY, lvyuan_records, pingtan_records

REVISED = {"signal": "revised", "detail": "发布后修改过", "evidence": {"versions": 2}}


def build_of(records: list[dict], read: list[str]):
    """The registry of `records`, noting in `read` each report whose text the build asked for."""
    texts = {r["id"]: r["text"] for r in records}

    def sentences_of(report_id: str) -> dict[int, str]:
        read.append(report_id)
        return sentence_fingerprints(texts[report_id])

    return build_agencies((report_facts(r) for r in records), today=TODAY, sentences_of=sentences_of)


def test_text_is_read_again_only_for_a_copied_verdict():
    records = pingtan_records() + lvyuan_records()
    read: list[str] = []
    build = build_of(records, read)
    copied = sorted(r for r, signals in build.report_signals.items() if any(s["signal"] == "copied" for s in signals))
    assert copied and sorted(read) == copied  # Pingtan's real consecutive reports are not read again


def test_own_signals_come_from_the_stored_record_with_late_judged_again():
    first, *later = lvyuan_records()
    kept = {**first, "signals": [REVISED], "published": "2021-02-02"}  # stored by a later issue; now published late
    build = build_of([kept, *later], [])
    signals = [s["signal"] for s in build.report_signals[first["id"]]]
    assert signals == ["late", "revised"]  # late for a department (31 January), the stored one kept
    blanked = {**first, "stats": {**first["stats"], "review": {**first["stats"]["review"], "upheld": None}}}
    assert build_of([blanked], []).report_signals[first["id"]] == []  # the stored signals stand, tables not re-read
    unstored = {k: v for k, v in blanked.items() if k != "signals"}  # a record stored before signals existed
    assert [s["signal"] for s in build_of([unstored], []).report_signals[first["id"]]] == ["blank_cells"]
    edited = {**unstored, "version": 2, "changed_at": "2026-03-02T05:00:00+00:00", "change_summary": "正文改动1句"}
    signals = [s["signal"] for s in build_of([edited], []).report_signals[first["id"]]]
    assert signals == ["blank_cells", "revised"]  # its history fields say it was revised


def test_rebuild_saves_the_registry_and_sums_it_up(tmp_path):
    backend = open_backend(tmp_path / "reports.sqlite")
    try:
        backend.write(lvyuan_records())
        summary = rebuild_agencies(backend, TODAY)
        assert (summary.agencies, summary.reports) == (1, 3)
        assert summary.signals == Counter({"missing": 3, "copied": 2, "late": 1, "cross_year": 1})
        assert summary.seconds > 0
        assert summary.line().startswith(
            "1 agencies from 3 reports; signals: copied 2, cross_year 1, late 1, missing 3;"
        )
        assert backend.get(lvyuan_records()[2]["id"])["signals"][0]["signal"] == "cross_year"
    finally:
        backend.close()


def test_every_report_gets_its_agency_and_signals_when_written_back_in_batches(tmp_path, monkeypatch):
    from indexer.storage.sqlite import agencies

    monkeypatch.setattr(agencies, "STATES_IN_ONE_QUERY", 2)  # 9 reports: five batches
    records = pingtan_records() + lvyuan_records()
    backend = open_backend(tmp_path / "reports.sqlite")
    try:
        backend.write(records)
        rebuild_agencies(backend, TODAY)
        stored = [backend.get(r["id"]) for r in records]
        assert all(r["agency_id"] for r in stored) and len({r["agency_id"] for r in stored}) == 2
        assert backend.get(lvyuan_records()[2]["id"])["signals"][0]["signal"] == "cross_year"
    finally:
        backend.close()
