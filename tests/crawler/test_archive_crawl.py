"""Crawls of the sample portal over HTTP keep what it served in WARC files, and recrawls find what went away.

A portal of our own (state 1) is crawled, moved to its next state (POST /_admin/evolve: one report edited,
one deleted, one moved to its folder, one added, one no longer listed, one listed at a second URL), crawled
again, then served in state 1 again on the same port and crawled a third time (the gone reports come back).
Real `reports-crawl` subprocesses, real SQLite, real WARC files read back with warcio's own reader.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from run_helpers import REPORTS_CRAWL, run_command, stored_runs
from warcio.archiveiterator import ArchiveIterator

from indexer.model import Run
from indexer.storage import StorageOptions, open_backend
from sample_portal.portal import build_portal
from sample_portal.server import PortalServer, start_server

SAIHAN = {"province": "内蒙古自治区", "city": "呼和浩特市", "county": "赛罕区"}


@dataclass
class Crawls:
    """Three crawls of one index: state 1, state 2, state 1 again, on one port."""

    base_url: str
    db: Path
    archive: Path
    evolution: dict  # /_truth.json `evolution` in state 2
    requested: list[Counter[str]]  # paths the portal answered during each crawl, with how often
    runs: list[Run]  # oldest first


def seeds(folder: Path) -> Path:
    """A seed file of the saihan site, with its region."""
    path = folder / "seeds.yaml"
    region = ", ".join(f"{k}: {v}" for k, v in SAIHAN.items())
    path.write_text(
        "seeds:\n  - name: saihan\n    start_url: '{portal}/saihan/index.html'\n"
        f"    allowed_domains: [127.0.0.1]\n    region: {{{region}}}\n",
        encoding="utf-8",
    )
    return path


def crawl(server: PortalServer, seed_file: Path, db: Path, *settings: str) -> Counter[str]:
    """Crawl the site into `db`; return the paths the portal answered meanwhile."""
    before = len(server.access_log)
    done = run_command(
        [str(REPORTS_CRAWL), str(seed_file), "--portal", server.base_url, "--local", "--db", str(db), *settings],
        seed_file.parent,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    return Counter(access.path for access in list(server.access_log)[before:])


def stop(server: PortalServer) -> None:
    """Stop a portal server and free its port."""
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def crawls(tmp_path_factory) -> Iterator[Crawls]:
    """Crawl state 1, evolve, recrawl; then state 1 again on the same port, and crawl once more."""
    folder = tmp_path_factory.mktemp("archive-crawl")
    seed_file, db = seeds(folder), folder / "data" / "reports.sqlite"
    server, base_url = start_server("127.0.0.1", 0)
    try:
        requested = [crawl(server, seed_file, db)]
        assert httpx.post(f"{base_url}/_admin/evolve").json() == {"state": 2}
        requested.append(crawl(server, seed_file, db))
        evolution = httpx.get(f"{base_url}/_truth.json").json()["evolution"]
    finally:
        stop(server)
    server, _ = start_server("127.0.0.1", urlsplit(base_url).port or 0)
    try:
        requested.append(crawl(server, seed_file, db))
    finally:
        stop(server)
    yield Crawls(base_url, db, folder / "data" / "archive", evolution, requested, stored_runs(db)[::-1])


def warc_responses(archive: Path) -> dict[tuple[str, int], tuple]:
    """Every response and revisit record by (file, offset), with its body, read with warcio's ArchiveIterator alone.

    A revisit's body is the one of the response record its WARC-Refers-To-Target-URI and -Date name, as
    common WARC tools resolve it.
    """
    found, by_capture = {}, {}
    for path in sorted(archive.glob("*.warc.gz")):
        with open(path, "rb") as handle:
            records = ArchiveIterator(handle)
            for record in records:
                if record.rec_type not in ("response", "revisit"):
                    continue
                headers = record.rec_headers
                body = record.content_stream().read()
                if record.rec_type == "revisit":
                    body = by_capture[
                        headers.get_header("WARC-Refers-To-Target-URI"), headers.get_header("WARC-Refers-To-Date")
                    ]
                else:
                    by_capture[headers.get_header("WARC-Target-URI"), headers.get_header("WARC-Date")] = body
                found[(path.name, records.get_record_offset())] = (record, body)
    return found


def stored(db: Path) -> dict[str, dict]:
    """Every stored record by id."""
    backend = open_backend(db, StorageOptions(read_only=True))
    try:
        return {record["id"]: record for record in backend.records()}
    finally:
        backend.close()


def report_with(records: dict[str, dict], url: str) -> dict:
    """The stored record listing a URL."""
    (record,) = [r for r in records.values() if url in r["urls"]]
    return record


def test_every_capture_is_in_the_archive_as_served_with_what_rebuilds_its_record(crawls):
    backend = open_backend(crawls.db, StorageOptions(read_only=True))
    try:
        rows = backend.captures()
    finally:
        backend.close()
    responses = warc_responses(crawls.archive)
    assert len(rows) == len(responses) > 30  # every archived response is indexed, and nothing else
    state_one = build_portal(1).routes
    file_formats = {f.path: f.source_format for state in (1, 2) for d in build_portal(state).documents for f in d.files}
    compared, declared = 0, set()
    for row in rows:
        record, body = responses[(row["warc_file"], row["offset"])]
        assert record.rec_headers.get_header("WARC-Target-URI") == row["url"]
        assert int(record.http_headers.get_statuscode()) == row["status"]
        meta = json.loads(record.rec_headers.get_header("WARC-X-Reports-Meta"))
        assert meta["portal"] == "saihan" and meta["role"] in ("report", "file")
        path = urlsplit(row["url"]).path
        if row["status"] == 200:  # a served page: with the seed's region hints (a gone URL's answer needs none)
            assert {k: meta[k] for k in SAIHAN} == SAIHAN
            assert meta["source_format"] == file_formats.get(path, "html"), row["url"]  # as the portal serves it
            declared.add(meta["source_format"])
        if row["captured_at"] <= crawls.runs[0]["finished_at"] and path in state_one:  # the first crawl's
            assert body == state_one[path].body
            compared += 1
    assert compared > 25
    assert declared == {"html", "docx", "doc", "wps"}  # saihan's pages and its attached DOCX, .doc and .wps


def test_a_recrawl_archives_unchanged_bodies_as_revisits(crawls):
    records = warc_responses(crawls.archive)
    second = [
        record
        for record, _ in records.values()
        if crawls.runs[1]["started_at"] <= record.rec_headers.get_header("WARC-Date") <= crawls.runs[1]["finished_at"]
    ]
    kinds = Counter(record.rec_type for record in second)
    assert kinds["revisit"] > 25 and kinds["response"] <= 6  # the edited, added, moved (301), deleted (404) …
    for record in second:
        if record.rec_type == "revisit":
            assert record.rec_headers.get_header("WARC-Refers-To-Date") <= crawls.runs[0]["finished_at"]
    backend = open_backend(crawls.db, StorageOptions(read_only=True))
    try:
        rows = backend.captures()
    finally:
        backend.close()
    sizes = [
        sum(r["length"] for r in rows if run["started_at"] <= r["captured_at"] <= run["finished_at"])
        for run in crawls.runs
    ]
    assert sizes[1] < sizes[0] / 3  # bytes of records: the recrawl adds little


def test_list_pages_are_not_archived_by_default(crawls):
    for record, _ in warc_responses(crawls.archive).values():
        assert json.loads(record.rec_headers.get_header("WARC-X-Reports-Meta"))["role"] != "list"


def test_a_recrawl_rechecks_only_the_stored_urls_no_list_reached(crawls):
    second = crawls.requested[1]
    assert max(second.values()) == 1  # nothing requested twice, rechecks included
    evolution = crawls.evolution
    for url in (evolution["deleted"]["url"], evolution["moved"]["url"], evolution["unlisted_live"]["url"]):
        assert second[urlsplit(url).path] == 1
    moved_folder = urlsplit(evolution["moved"]["url"]).path.rsplit("/", 1)[0] + "/"
    assert moved_folder not in second  # a report's redirect to its folder is not followed


def test_gone_urls_withdraw_their_reports_and_are_no_failures(crawls):
    records = stored(crawls.db)
    with closing(sqlite3.connect(crawls.db)) as conn:
        failed = {url for (url,) in conn.execute("select url from failures")}
    backend = open_backend(crawls.db, StorageOptions(read_only=True))
    try:
        for kind in ("deleted", "moved"):
            url, how = crawls.evolution[kind]["url"], crawls.evolution[kind]["how"]
            record = report_with(records, url)
            assert url not in failed
            (withdrawal,) = record["withdrawals"]
            assert (withdrawal["how"], withdrawal["url"]) == (how, url)
            assert crawls.runs[1]["started_at"] <= withdrawal["missed"] <= crawls.runs[1]["finished_at"]
            statuses = [row["status"] for row in backend.captures(report_id=record["id"])]
            assert statuses[1] == {"http_404": 404, "redirect_parent": 301}[how]  # the answer is archived
    finally:
        backend.close()
    assert [run["portals"][0]["reports_withdrawn"] for run in crawls.runs] == [0, 2, 1]  # 3rd: the added one


def test_a_redirect_to_its_folder_is_archived_as_the_301(crawls):
    moved = crawls.evolution["moved"]["url"]
    redirects = [
        record for record, _ in warc_responses(crawls.archive).values() if record.http_headers.get_statuscode() == "301"
    ]
    (record,) = redirects
    assert record.rec_headers.get_header("WARC-Target-URI") == moved
    assert record.http_headers.get_header("Location") == urlsplit(moved).path.rsplit("/", 1)[0] + "/"


def test_the_recrawl_keeps_one_record_per_report_and_only_the_edit_is_a_version(crawls):
    records = stored(crawls.db)
    evolution = crawls.evolution
    second = report_with(records, evolution["second_url"]["urls"][0])
    assert second["urls"] == evolution["second_url"]["urls"]
    assert report_with(records, evolution["unlisted_live"]["url"])["withdrawals"] == []
    assert report_with(records, evolution["unchanged_chrome"]["url"])["version"] == 1  # its view counter moved
    revised = {r["url"] for r in records.values() if r["version"] > 1}
    assert revised == {evolution["edited"]["url"]}
    portal = crawls.runs[1]["portals"][0]
    assert (portal["reports_new"], portal["reports_changed"], portal["reports_returned"]) == (1, 1, 0)


def test_reports_served_again_are_returned_and_the_one_state_2_added_is_gone(crawls):
    records = stored(crawls.db)
    added = report_with(records, crawls.evolution["added"]["url"])
    assert added["withdrawals"][0]["how"] == "http_404" and added["withdrawn"] is not None
    second = report_with(records, crawls.evolution["second_url"]["urls"][0])
    assert second["gone_urls"] == crawls.evolution["second_url"]["urls"][1:] and second["withdrawn"] is None
    for kind in ("deleted", "moved"):
        record = report_with(records, crawls.evolution[kind]["url"])
        assert record["withdrawn"] is None and record["gone_urls"] == []
        assert crawls.runs[2]["started_at"] <= record["withdrawals"][-1]["returned"] <= crawls.runs[2]["finished_at"]
    assert crawls.runs[2]["portals"][0]["reports_returned"] == 2


def test_list_pages_are_archived_when_asked_in_files_rotated_by_size(portal, tmp_path):
    db, archive = tmp_path / "reports.sqlite", tmp_path / "warc"
    max_bytes = 40000
    settings = ["-s", "REPORTS_ARCHIVE_LIST_PAGES=1", "-s", f"REPORTS_ARCHIVE_MAX_BYTES={max_bytes}"]
    seed_file = tmp_path / "seeds.yaml"
    seed_file.write_text(
        "seeds:\n  - name: lingwu\n    start_url: '{portal}/lingwu/index.html'\n    allowed_domains: [127.0.0.1]\n",
        encoding="utf-8",
    )
    done = run_command(
        [str(REPORTS_CRAWL), str(seed_file), "--portal", portal, "--local", "--db", str(db), *settings],
        tmp_path,
        REPORTS_ARCHIVE_DIR=str(archive),
    )
    assert done.returncode == 0, done.stderr[-3000:]
    files = sorted(archive.glob("*.warc.gz"))  # named by creation time, then number: in the order written
    assert len(files) > 2
    roles = Counter()
    for number, path in enumerate(files, 1):
        with open(path, "rb") as handle:
            records = ArchiveIterator(handle)
            kinds, requests_at = [], []
            for record in records:
                kinds.append(record.rec_type)
                if record.rec_type == "request":
                    requests_at.append(records.get_record_offset())
        pairs = list(zip(kinds[1::2], kinds[2::2]))  # each request with its response, in one file
        assert kinds[0] == "warcinfo" and len(kinds) == 1 + 2 * len(pairs)
        assert all(asked == "request" and answer in ("response", "revisit") for asked, answer in pairs)
        assert requests_at[-1] < max_bytes  # a request and its response are only written in a file not yet full
        if number < len(files):
            assert path.stat().st_size >= max_bytes, path.name  # a new file starts only once the last one is full
    for record, _ in warc_responses(archive).values():
        roles[json.loads(record.rec_headers.get_header("WARC-X-Reports-Meta"))["role"]] += 1
    assert roles["list"] > 0 and roles["report"] > 0
