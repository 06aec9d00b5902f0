"""`reports-reprocess` over the archive a real crawl wrote: offline, in place, filtered, dry, from nothing.

The sample portal (a server of our own) is crawled in state 1, evolved (one report edited, one deleted,
one moved, one added …) and crawled again by real `reports-crawl` subprocesses; the tests then replay
that archive into copies of the index, into new indexes, and into a damaged archive.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from indexer.archive import iter_captures
from indexer.cli.reprocess import EXIT_LOCKED, EXIT_USAGE, main
from indexer.locks import CRAWL_LOCK_SUFFIX, lock_path, open_lock_file, try_lock
from indexer.model import Record
from indexer.record import build_record
from indexer.storage import Backend, StorageOptions, open_backend
from sample_files import PINGTAN
from sample_portal.server import start_server

ROOT = Path(__file__).resolve().parents[2]
REPORTS_CRAWL = Path(sys.executable).with_name("reports-crawl")
REPORTS_REPROCESS = Path(sys.executable).with_name("reports-reprocess")
SEEDS = (
    "seeds:\n  - name: saihan\n    start_url: '{portal}/saihan/index.html'\n    allowed_domains: [127.0.0.1]\n"
    "    region: {province: 内蒙古自治区, city: 呼和浩特市, county: 赛罕区}\n"
)


@dataclass
class Crawled:
    """An index and its archive after a crawl, an evolution of the portal and a recrawl."""

    db: Path
    archive: Path


def run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run a console script to its end, keeping what it printed."""
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=300, check=False)


@pytest.fixture(scope="module")
def crawled(tmp_path_factory) -> Crawled:
    """Crawl saihan, evolve the portal, crawl it again."""
    folder = tmp_path_factory.mktemp("reprocess")
    (folder / "seeds.yaml").write_text(SEEDS, encoding="utf-8")
    db = folder / "data" / "reports.sqlite"
    server, base_url = start_server("127.0.0.1", 0)
    try:
        command = [str(REPORTS_CRAWL), str(folder / "seeds.yaml"), "--portal", base_url, "--local", "--db", str(db)]
        for step in ("crawl", "evolve", "recrawl"):
            if step == "evolve":
                httpx.post(f"{base_url}/_admin/evolve").raise_for_status()
                continue
            done = run(command, folder)
            assert done.returncode == 0, done.stderr[-3000:]
    finally:
        server.shutdown()
        server.server_close()
    return Crawled(db, folder / "data" / "archive")


def opened(db: Path, read_only: bool = True) -> Backend:
    """A backend on an index file."""
    return open_backend(db, StorageOptions(read_only=read_only))


def snapshot(db: Path) -> tuple[dict[str, Record], dict[str, list]]:
    """Every record (signals in a fixed order) and every report's versions."""
    backend = opened(db)
    try:
        records = {r["id"]: {**r, "signals": sorted(r.get("signals") or [], key=json.dumps)} for r in backend.records()}
        return records, {report_id: backend.versions(report_id) for report_id in records}
    finally:
        backend.close()


def copy_index(crawled: Crawled, folder: Path) -> Path:
    """A copy of the crawled index file."""
    copy = folder / "copy.sqlite"
    shutil.copy(crawled.db, copy)
    return copy


def test_on_an_empty_index_it_rebuilds_the_same_records_and_versions_from_the_archive(crawled, tmp_path):
    new = tmp_path / "new" / "reports.sqlite"
    done = run([str(REPORTS_REPROCESS), "--db", str(new), "--archive", str(crawled.archive)], tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    records, versions = snapshot(crawled.db)
    assert snapshot(new) == (records, versions)
    assert any(len(history) == 2 for history in versions.values())  # the edited report
    lines = done.stdout.splitlines()
    assert lines[0].startswith(f"{len(records)} reports re-read from ") and f"({len(records)} new," in lines[0]
    assert f"versions: 0 before, {sum(map(len, versions.values()))} after" in lines
    assert lines[-1].startswith("agency registry rebuilt: ")
    assert "reprocess: " in done.stderr and "captures (100%)" in done.stderr  # the progress line


def tamper(db: Path) -> Record:
    """Store one report as an older extractor might have read it (same text): another title, a cell, a check, and
    none of its signals."""
    backend = opened(db, read_only=False)
    try:
        record = next(
            r for r in backend.records() if r["version"] == 1 and r["stats"] and r["signals"] and not r["withdrawn"]
        )
        stats = json.loads(json.dumps(record["stats"]))
        stats["applications"]["new_received"]["natural_person"] += 1
        check = {**record["checks"][0], "ok": not record["checks"][0]["ok"]}
        checks = [check, *record["checks"][1:]]
        backend.write([{**record, "title": "旧的标题", "stats": stats, "checks": checks, "signals": []}])
        return record
    finally:
        backend.close()


def test_in_place_it_corrects_what_an_older_extractor_read_and_says_what_changed(crawled, tmp_path, capsys):
    copy = copy_index(crawled, tmp_path)
    original = tamper(copy)
    assert main(["--db", str(copy), "--archive", str(crawled.archive)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "fields changed: title 1" in out
    assert "table cells changed: 1" in out and "checks whose outcome changed: 1" in out
    gained = ", ".join(f"{name} 1" for name in sorted({s["signal"] for s in original["signals"]}))
    assert f"signals gained: {gained}; lost: none" in out
    records, versions = snapshot(crawled.db)
    assert f"versions: {sum(map(len, versions.values()))} before, {sum(map(len, versions.values()))} after" in out
    assert snapshot(copy) == (records, versions)
    assert records[original["id"]]["title"] == original["title"]


def test_a_dry_run_says_what_would_change_and_changes_nothing(crawled, tmp_path, capsys):
    copy = copy_index(crawled, tmp_path)
    tamper(copy)
    before = snapshot(copy)
    assert main(["--db", str(copy), "--archive", str(crawled.archive), "--dry-run"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "fields changed: title 1" in out and out[-1] == "dry run: the index was not changed"
    assert snapshot(copy) == before


def test_filters_choose_the_reports(crawled, tmp_path, capsys):
    copy = copy_index(crawled, tmp_path)
    records, _ = snapshot(copy)
    of_2022 = sum(r["report_year"] == 2022 for r in records.values())
    cases = {
        ("--portal", "lvyuan"): "0 reports re-read from 0 captures",
        ("--fetched-from", "2999-01-01"): "0 reports re-read from 0 captures",
        ("--portal", "saihan", "--year", "2022"): f"{of_2022} reports re-read from ",
        ("--fetched-to", "2999-01-01"): f"{len(records)} reports re-read from ",
    }
    for options, first_line in cases.items():
        assert main(["--db", str(copy), "--archive", str(crawled.archive), *options]) == 0
        assert capsys.readouterr().out.startswith(first_line), options
    assert snapshot(copy)[0] == records


def test_a_filtered_run_on_an_empty_index_registers_the_archive_and_builds_only_those(crawled, tmp_path, capsys):
    new = tmp_path / "reports.sqlite"
    assert main(["--db", str(new), "--archive", str(crawled.archive), "--year", "2022"]) == 0
    records, _ = snapshot(new)
    assert records and all(r["report_year"] == 2022 for r in records.values())
    original, _ = snapshot(crawled.db)
    assert {i: r for i, r in original.items() if r["report_year"] == 2022}.keys() == records.keys()
    backend = opened(new)
    try:
        assert len(backend.captures()) == sum(1 for _ in iter_captures(crawled.archive))
    finally:
        backend.close()


def test_an_archive_cut_off_mid_record_replays_everything_before_the_cut(crawled, tmp_path, capsys):
    archive = tmp_path / "archive"
    shutil.copytree(crawled.archive, archive)
    last = sorted(archive.glob("*.warc.gz"))[-1]
    *_, (location, _) = iter_captures(archive)
    last.write_bytes(last.read_bytes()[: location.offset + location.length // 2])
    new = tmp_path / "reports.sqlite"
    assert main(["--db", str(new), "--archive", str(archive)]) == 0
    captures = sum(1 for _ in iter_captures(crawled.archive))
    assert f"from {captures - 1} captures" in capsys.readouterr().out.splitlines()[0]
    assert len(snapshot(new)[0]) >= len(snapshot(crawled.db)[0]) - 1


def test_it_refuses_to_run_beside_a_crawl_and_without_an_archive(crawled, tmp_path, capsys):
    copy = copy_index(crawled, tmp_path)
    with open_lock_file(lock_path(str(copy), CRAWL_LOCK_SUFFIX)) as crawl_lock:
        assert try_lock(crawl_lock, exclusive=False)  # a crawl of this index is running
        assert main(["--db", str(copy), "--archive", str(crawled.archive)]) == EXIT_LOCKED
    assert "a crawl is writing" in capsys.readouterr().err
    assert main(["--db", str(copy), "--archive", str(tmp_path / "none")]) == EXIT_USAGE
    assert f"no WARC files in {tmp_path / 'none'}" in capsys.readouterr().err


def test_a_report_indexed_before_the_archive_existed_is_left_as_it_is(crawled, tmp_path, capsys):
    copy = copy_index(crawled, tmp_path)
    backend = opened(copy, read_only=False)
    try:
        url = "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/202403/t20240308_87885.htm"
        old = build_record((PINGTAN / "87885.html").read_bytes(), url=url, fetched_at="2024-03-09T00:00:00Z")
        backend.write([old])
        before = backend.get(old["id"])
    finally:
        backend.close()
    assert main(["--db", str(copy), "--archive", str(crawled.archive)]) == 0
    assert snapshot(copy)[0][old["id"]] == {**before, "signals": snapshot(copy)[0][old["id"]]["signals"]}
