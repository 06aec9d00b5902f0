"""Versions end to end: crawl the sample portal, move it to its next state (POST /_admin/evolve), recrawl into the
same index, and over the API: exactly one new version with the right diff, one withdrawal of each kind, the new
report, no spurious version, the byte-identical copy on the same record, and each version's served bytes replayed
from the web archive; then delete the index, rebuild it from the archive alone with `reports-reprocess`, and get
the same records and versions back. What must happen is the portal's truth (/_truth.json `evolution`)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

import httpx
import pytest

from test_end_to_end import ROOT, all_hits, crawl_into, serving_api, serving_portal

REPROCESS = Path(sys.executable).with_name("reports-reprocess")  # the console script, as users run it
REPROCESS_TIMEOUT_SECONDS = 600
SQLITE_SIDE_FILES = ("-wal", "-shm")
EXPECTED_SIGNALS = {"edited": ["revised"], "deleted": ["withdrawn"], "moved": ["withdrawn"], "added": []}


@dataclass
class Served:
    """What the portal served in one state: its truth and the body at each URL its evolution names."""

    truth: dict
    pages: dict[str, bytes]  # URLs answering 200 only


@dataclass
class Crawled:
    """The index after a crawl of state 1 and a recrawl of state 2, its archive, and what the portal served."""

    db: Path
    archive: Path
    before: Served
    after: Served
    evolved_at: datetime  # when the portal moved to state 2, to the second (after the first crawl ended)


def named_urls(evolution: dict) -> list[str]:
    """Every URL the evolution plan names."""
    urls = [value["url"] for value in evolution.values() if isinstance(value, dict) and "url" in value]
    return urls + evolution["second_url"]["urls"]


def read_portal(portal: str) -> Served:
    """The portal's truth and the body of every URL its evolution names that it serves now."""
    truth = httpx.get(f"{portal}/_truth.json").json()
    answers = {url: httpx.get(url) for url in named_urls(truth["evolution"])}
    return Served(truth, {url: answer.content for url, answer in answers.items() if answer.status_code == 200})


@pytest.fixture(scope="module")
def portal() -> Iterator[str]:
    with serving_portal() as base_url:
        yield base_url


@pytest.fixture(scope="module")
def crawled(portal: str, tmp_path_factory: pytest.TempPathFactory) -> Crawled:
    """Crawl state 1, evolve the portal over HTTP, recrawl state 2 into the same index and archive."""
    folder = tmp_path_factory.mktemp("versions-e2e")
    db, archive = folder / "reports.sqlite", folder / "archive"
    crawl_into(db, portal, archive)
    before = read_portal(portal)
    assert before.truth["evolution"]["state"] == 1
    time.sleep(1)  # the index keeps times to the second: every fetch of the first crawl is in an earlier second
    evolved_at = datetime.now(UTC).replace(microsecond=0)
    assert httpx.post(f"{portal}/_admin/evolve").json() == {"state": 2}
    crawl_into(db, portal, archive)
    return Crawled(db, archive, before, read_portal(portal), evolved_at)


@pytest.fixture(scope="module")
def evolution(crawled: Crawled) -> dict:
    """What moving to state 2 changed (/_truth.json `evolution`, state 2)."""
    return crawled.after.truth["evolution"]


@pytest.fixture(scope="module")
def api(crawled: Crawled) -> Iterator[httpx.Client]:
    with serving_api(crawled.db, crawled.archive) as client:
        yield client


@pytest.fixture(scope="module")
def hits(api: httpx.Client) -> dict[str, dict]:
    """Every stored report's search hit, by URL."""
    return {hit["url"]: hit for hit in all_hits(api)}


def record_at(api: httpx.Client, hits: dict[str, dict], url: str) -> dict:
    """The stored record whose URL is `url`."""
    answer = api.get(f"/reports/{hits[url]['id']}")
    assert answer.status_code == 200, answer.text
    return answer.json()


def moment(iso: str) -> datetime:
    """A time the index states (ISO 8601, with its offset or Z)."""
    return datetime.fromisoformat(iso)


def urls_of(hits: list[dict]) -> set[str]:
    """The URLs of some hits."""
    return {hit["url"] for hit in hits}


def test_index_holds_what_the_portal_serves_and_what_it_withdrew(
    hits: dict[str, dict], crawled: Crawled, evolution: dict
) -> None:
    served = {r["url"] for r in crawled.after.truth["reports"]}
    assert set(hits) == served | {evolution["deleted"]["url"], evolution["moved"]["url"]}


def test_exactly_one_report_has_a_new_version_the_edited_one(
    api: httpx.Client, hits: dict[str, dict], crawled: Crawled, evolution: dict
) -> None:
    edited = evolution["edited"]["url"]
    assert {url: hit["version"] for url, hit in hits.items() if hit["version"] != 1} == {
        edited: evolution["edited"]["version_after"]
    }
    assert urls_of(all_hits(api, revised="true")) == urls_of(all_hits(api, version="2")) == {edited}
    assert urls_of(all_hits(api, revised="false")) == set(hits) - {edited}
    facets = api.get("/search", params={"facets": ["revised"], "size": 1}).json()["facets"]["revised"]
    assert {f["value"]: f["count"] for f in facets} == {"true": 1, "false": len(hits) - 1}
    assert api.get("/search", params={"sort": "-version", "size": 1}).json()["data"][0]["url"] == edited
    record = record_at(api, hits, edited)
    assert moment(record["first_seen"]) < crawled.evolved_at <= moment(record["changed_at"])
    assert record["stats"] == next(r for r in crawled.after.truth["reports"] if r["url"] == edited)["stats"]


def test_diff_shows_the_changed_sentence_and_cells(api: httpx.Client, hits: dict[str, dict], evolution: dict) -> None:
    edited = evolution["edited"]
    report_id = hits[edited["url"]]["id"]
    diff = api.get(f"/reports/{report_id}/diff", params={"from": 1, "to": 2}).json()
    assert api.get(f"/reports/{report_id}/diff").json() == diff  # default: the latest against the one before
    sentence = edited["changed_sentence"]
    assert [(s["change"], s["old"], s["new"]) for s in diff["sentences"]] == [
        ("changed", sentence["old"], sentence["new"])
    ]
    assert [(c["cell"], c["old"], c["new"]) for c in diff["cells"]] == [
        (c["key"], c["old"], c["new"]) for c in edited["changed_cells"]
    ]
    natural = next(c for c in edited["changed_cells"] if c["key"] == "applications.new_received.natural_person")
    assert f"{natural['old']} → {natural['new']}" in diff["summary"]
    assert api.get(f"/reports/{report_id}/diff", params={"from": 2, "to": 2}).status_code == 422
    assert api.get(f"/reports/{report_id}/diff", params={"to": 3}).status_code == 422


def test_versions_and_the_revised_signal_say_when_and_what_changed(
    api: httpx.Client, hits: dict[str, dict], crawled: Crawled, evolution: dict
) -> None:
    record = record_at(api, hits, evolution["edited"]["url"])
    versions = api.get(f"/reports/{record['id']}/versions").json()["versions"]
    assert [v["version"] for v in versions] == [1, 2]
    assert versions[0]["change_summary"] is None and versions[1]["change_summary"] == record["change_summary"]
    assert versions[0]["first_seen"] == record["first_seen"] and versions[1]["first_seen"] == record["changed_at"]
    assert moment(versions[0]["last_seen"]) < crawled.evolved_at <= moment(versions[1]["first_seen"])
    assert versions[0]["content_hash"] != versions[1]["content_hash"]
    revised = [s for s in record["signals"] if s["signal"] == "revised"]
    assert len(revised) == 1 and "第2版" in revised[0]["detail"] and record["change_summary"] in revised[0]["detail"]


@pytest.mark.parametrize("case", ["deleted", "moved"])
def test_deleted_and_moved_reports_are_withdrawn_and_kept(
    api: httpx.Client, hits: dict[str, dict], crawled: Crawled, evolution: dict, case: str
) -> None:
    url, how = evolution[case]["url"], evolution[case]["how"]
    record = record_at(api, hits, url)
    assert moment(record["withdrawn"]) >= crawled.evolved_at
    assert [(w["how"], w["url"], w["returned"]) for w in record["withdrawals"]] == [(how, url, None)]
    assert record["withdrawals"][0]["missed"] == record["withdrawn"]
    assert record["gone_urls"] == [url] and record["version"] == 1
    withdrawn = [s for s in record["signals"] if s["signal"] == "withdrawn"]
    assert len(withdrawn) == 1 and url in withdrawn[0]["detail"]
    assert url in urls_of(all_hits(api, withdrawn="true"))


def test_only_the_deleted_and_moved_are_withdrawn(api: httpx.Client, hits: dict[str, dict], evolution: dict) -> None:
    gone = {evolution["deleted"]["url"], evolution["moved"]["url"]}
    assert urls_of(all_hits(api, withdrawn="true")) == gone
    assert urls_of(all_hits(api, withdrawn="false")) == set(hits) - gone
    facets = api.get("/search", params={"facets": ["withdrawn"], "size": 1}).json()["facets"]["withdrawn"]
    assert {f["value"]: f["count"] for f in facets} == {"true": 2, "false": len(hits) - 2}
    assert {h["url"] for h in hits.values() if h["withdrawn"]} == gone


def test_added_report_is_new(api: httpx.Client, hits: dict[str, dict], crawled: Crawled, evolution: dict) -> None:
    url = evolution["added"]["url"]
    record = record_at(api, hits, url)
    assert record["version"] == 1 and moment(record["first_seen"]) >= crawled.evolved_at and not record["changed_at"]
    assert record["stats"] == next(r for r in crawled.after.truth["reports"] if r["url"] == url)["stats"]


@pytest.mark.parametrize("case", ["unchanged_chrome", "unlisted_live"])
def test_chrome_and_unlisted_pages_were_seen_again_unchanged(
    api: httpx.Client, hits: dict[str, dict], crawled: Crawled, evolution: dict, case: str
) -> None:
    record = record_at(api, hits, evolution[case]["url"])
    assert record["version"] == 1 and record["changed_at"] is None and record["withdrawn"] is None
    assert moment(record["first_seen"]) < crawled.evolved_at <= moment(record["last_seen"])
    assert not {s["signal"] for s in record["signals"]} & {"revised", "withdrawn"}
    versions = api.get(f"/reports/{record['id']}/versions").json()["versions"]
    assert len(versions) == 1 and versions[0]["last_seen"] == record["last_seen"]


def test_second_url_serving_the_same_bytes_joins_the_same_record(
    api: httpx.Client, hits: dict[str, dict], crawled: Crawled, evolution: dict
) -> None:
    first, second = evolution["second_url"]["urls"]
    assert crawled.after.pages[first] == crawled.after.pages[second]
    record = record_at(api, hits, first)
    assert record["urls"] == [first, second] and record["version"] == 1 and second not in hits
    assert not record.get("gone_urls") and record["withdrawn"] is None


def test_source_replays_the_bytes_each_version_was_served_with(
    api: httpx.Client, hits: dict[str, dict], crawled: Crawled, evolution: dict
) -> None:
    edited = evolution["edited"]["url"]
    report_id = hits[edited]["id"]
    for version, served in ((1, crawled.before), (2, crawled.after)):
        answer = api.get(f"/reports/{report_id}/source", params={"version": version})
        assert answer.status_code == 200, answer.text
        assert answer.content == served.pages[edited], version
        assert answer.headers["content-type"].startswith("text/html")
        assert answer.headers["x-archive-url"] == edited and f'<{edited}>; rel="original"' in answer.headers["link"]
        captured = parsedate_to_datetime(answer.headers["memento-datetime"])
        assert (captured >= crawled.evolved_at) == (version == 2), version
    assert api.get(f"/reports/{report_id}/source").content == crawled.after.pages[edited]  # default: the latest
    assert api.get(f"/reports/{report_id}/source", params={"version": 3}).status_code == 422
    for case in ("deleted", "moved"):  # a withdrawn report keeps its last copy
        url = evolution[case]["url"]
        assert api.get(f"/reports/{hits[url]['id']}/source").content == crawled.before.pages[url]


def test_recrawl_run_counts_the_change_and_the_withdrawals(api: httpx.Client) -> None:
    latest = api.get("/runs", params={"size": 1}).json()["data"][0]
    portals = api.get(f"/runs/{latest['id']}").json()["portals"]
    assert sum(p["reports_changed"] for p in portals) == 1
    assert sum(p["reports_withdrawn"] for p in portals) == 2
    assert sum(p["reports_returned"] for p in portals) == 0


def test_agency_years_of_the_changed_reports_carry_the_truths_signals(
    api: httpx.Client, hits: dict[str, dict], crawled: Crawled, evolution: dict
) -> None:
    agencies = crawled.after.truth["agencies"]
    for case, signals in EXPECTED_SIGNALS.items():
        url = evolution[case]["url"]
        expected = next((a, y) for a in agencies for y, u in a["years"].items() if u == url)
        assert expected[0]["signals"][expected[1]] == signals, case
        timeline = api.get(f"/agencies/{hits[url]['agency_id']}/timeline").json()
        year = next(y for y in timeline["years"] if str(y["report_year"]) == expected[1])
        assert year["report_id"] == hits[url]["id"], case
        assert sorted(s["signal"] for s in year["signals"]) == signals, case


def stored(api: httpx.Client) -> dict[str, tuple[dict, list[dict]]]:
    """Every stored record (signals in a fixed order) and its versions, by id."""
    found = {}
    for hit in all_hits(api):
        record = api.get(f"/reports/{hit['id']}").json()
        record["signals"] = sorted(record["signals"], key=lambda s: json.dumps(s, sort_keys=True))
        found[hit["id"]] = (record, api.get(f"/reports/{hit['id']}/versions").json()["versions"])
    return found


def delete_index(db: Path) -> None:
    """Delete a SQLite index file and its side files."""
    for path in (db, *(db.with_name(db.name + suffix) for suffix in SQLITE_SIDE_FILES)):
        path.unlink(missing_ok=True)
    assert not db.exists()


def test_reprocess_rebuilds_the_same_records_and_versions_from_the_archive_alone(
    api: httpx.Client, crawled: Crawled, tmp_path: Path, evolution: dict
) -> None:
    """Last in this module: it deletes the index the other tests read."""
    first = stored(api)
    delete_index(crawled.db)
    db = tmp_path / "reprocessed.sqlite"
    command = [str(REPROCESS), "--db", str(db), "--archive", str(crawled.archive)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=REPROCESS_TIMEOUT_SECONDS)
    assert done.returncode == 0, done.stderr[-3000:]
    with serving_api(db, crawled.archive) as again:
        second = stored(again)
        edited = next(hit for hit in all_hits(again, revised="true"))
        source = again.get(f"/reports/{edited['id']}/source", params={"version": 1})
    assert sorted(second) == sorted(first)
    for report_id, (record, versions) in first.items():
        assert second[report_id][0] == record, record["url"]
        assert second[report_id][1] == versions, record["url"]
    assert edited["url"] == evolution["edited"]["url"]
    assert source.content == crawled.before.pages[edited["url"]]
