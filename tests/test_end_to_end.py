"""Crawl the sample portal over HTTP, index into SQLite, and query the running API over HTTP."""

from __future__ import annotations

import collections
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from sample_portal.server import running_portal

ROOT = Path(__file__).resolve().parents[1]
FACETS_IN_TRUTH = ("report_year", "province", "city", "county", "format", "agency_type")


def free_port() -> int:
    """Return a TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving_portal() -> Iterator[str]:
    """Run the sample portal on a free port; yield its base URL."""
    with running_portal() as server:
        yield server.base_url


def crawl_into(db: Path, portal: str, archive: Path | None = None) -> None:
    """Crawl the sample portal's seeds into the SQLite file `db` with `scrapy crawl reports` (archiving into
    `archive` when given, else the default folder beside `db`)."""
    env = dict(os.environ, SCRAPY_SETTINGS_MODULE="crawler.settings_local", REPORTS_DB=str(db))
    if archive is not None:
        env["REPORTS_ARCHIVE_DIR"] = str(archive)
    cmd = [sys.executable, "-m", "scrapy", "crawl", "reports", "-a", "seeds=seeds/sample_portal.yaml"]
    cmd += ["-a", f"portal={portal}", "-L", "WARNING"]
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]


@contextmanager
def serving_api(db: Path, archive: Path | None = None) -> Iterator[httpx.Client]:
    """Run the search API on `db` (and the web archive `archive`, default beside `db`) in its own process; yield a
    client of it."""
    port = free_port()
    command = [sys.executable, "-m", "search_api", "--host", "127.0.0.1", "--port", str(port), "--db", str(db)]
    proc = subprocess.Popen(
        command + (["--archive", str(archive)] if archive is not None else []),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    assert proc.stderr is not None
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            if httpx.get(f"{base}/health").status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.1)
    else:
        proc.kill()
        with proc.stderr:  # closed, so the failure is the only error reported
            said = proc.stderr.read().decode()[-2000:]
        proc.wait(timeout=10)
        pytest.fail("search API did not start: " + said)
    try:
        with httpx.Client(base_url=base, timeout=10) as client:
            yield client
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stderr.close()


@pytest.fixture(scope="module")
def portal() -> Iterator[str]:
    with serving_portal() as base_url:
        yield base_url


@pytest.fixture(scope="module")
def truth(portal: str) -> dict:
    return httpx.get(f"{portal}/_truth.json").json()


@pytest.fixture(scope="module")
def crawled_db(portal: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("e2e") / "reports.sqlite"
    crawl_into(db, portal)
    return db


@pytest.fixture(scope="module")
def api(crawled_db: Path) -> Iterator[httpx.Client]:
    with serving_api(crawled_db) as client:
        yield client


def all_hits(api: httpx.Client, **params: str) -> list[dict]:
    """Page through /search and return every hit."""
    hits, page = [], 1
    while True:
        body = api.get("/search", params={**params, "page": page, "size": 100}).json()
        hits += body["data"]
        if len(hits) >= body["total"] or not body["data"]:
            return hits
        page += 1


def test_reports_name_the_website_they_were_found_on_when_the_seed_gives_its_code(
    api: httpx.Client, truth: dict
) -> None:
    codes = {hit["url"]: hit["site_code"] for hit in all_hits(api)}
    sites = {r["url"]: r["site"] for r in truth["reports"]}
    assert {sites[url] for url, code in codes.items() if code == "1501050001"} == {"saihan"}
    assert {sites[url] for url, code in codes.items() if code == "3590000001"} == {"pingtan"}
    assert {code for url, code in codes.items() if sites[url] not in ("saihan", "pingtan")} == {None}


def test_every_report_found_and_no_lookalike(api: httpx.Client, truth: dict) -> None:
    stored = {hit["url"] for hit in all_hits(api)}
    expected = {r["url"] for r in truth["reports"]}
    assert expected - stored == set(), "reports missed by the crawl"
    assert stored - expected == set(), "pages indexed that are not reports"
    assert not stored & {l["url"] for l in truth["lookalikes"]}


def test_facet_counts_equal_ground_truth(api: httpx.Client, truth: dict) -> None:
    facets = api.get("/search", params={"facets": list(FACETS_IN_TRUTH), "size": 1}).json()["facets"]
    for name in FACETS_IN_TRUTH:
        expected = collections.Counter(str(r[name]) for r in truth["reports"] if r[name] is not None)
        got = {f["value"]: f["count"] for f in facets[name]}
        assert got == dict(expected), name


def test_facets_respect_other_filters(api: httpx.Client, truth: dict) -> None:
    body = api.get("/search", params={"province": "吉林省", "facets": ["province", "format"]}).json()
    jilin = [r for r in truth["reports"] if r["province"] == "吉林省"]
    assert body["total"] == len(jilin)
    assert {f["value"] for f in body["facets"]["province"]} >= {"吉林省", "福建省"}
    assert sum(f["count"] for f in body["facets"]["format"]) == len(jilin)


@pytest.mark.parametrize("term", ["行政复议", "依申请公开"])
def test_chinese_query_returns_highlighted_snippets_from_right_reports(api: httpx.Client, term: str) -> None:
    hits = all_hits(api, q=term)
    assert hits, term
    for hit in hits:
        assert f"<mark>{term}</mark>" in hit["snippet"]
        record = api.get(f"/reports/{hit['id']}").json()
        assert term in record["text"]
    everything = all_hits(api)
    containing = {h["id"] for h in everything if term in api.get(f"/reports/{h['id']}").json()["text"]}
    assert {h["id"] for h in hits} == containing


def test_sample_reports_fields_after_crawl(api: httpx.Client, truth: dict) -> None:
    url = next(r["url"] for r in truth["reports"] if r["title"].startswith("灵武市民政局2024年"))
    hit = next(h for h in all_hits(api, q="灵武市民政局") if h["url"] == url)
    record = api.get(f"/reports/{hit['id']}").json()
    assert (record["province"], record["city"], record["county"]) == ("宁夏回族自治区", "银川市", "灵武市")
    assert record["report_year"] == 2024 and record["format"] == "2021"
    assert "nxlwmzj@163.com" in record["text"]  # the report's own contact paragraph stays
    assert "ICP备" not in record["text"]


def test_failed_fetches_are_recorded(crawled_db: Path, truth: dict) -> None:
    import sqlite3

    rows = (
        sqlite3.connect(crawled_db).execute("select url, reason from failures where kind = 'fetch_failed'").fetchall()
    )
    failed = {url for url, _ in rows}
    assert set(truth["missing"]) <= failed
    assert all("404" in reason for url, reason in rows if url in truth["missing"])


def test_bad_parameters_get_4xx(api: httpx.Client) -> None:
    assert api.get("/search", params={"size": 1000}).status_code == 422
    assert api.get("/search", params={"sort": "nonsense"}).status_code == 422
    assert api.get("/search", params={"q": '"AND OR NEAR( * "'}).status_code == 200
    assert api.get("/reports/does-not-exist").status_code == 404


def test_stats_filters_and_csv_match_ground_truth(api: httpx.Client, truth: dict) -> None:
    def new_total(report: dict) -> int | None:
        stats = report["stats"] or {}
        return ((stats.get("applications") or {}).get("new_received") or {}).get("total")

    busy = {r["url"] for r in truth["reports"] if (new_total(r) or 0) >= 10}
    hits = all_hits(api, where="applications.new_received.total>=10")
    assert {h["url"] for h in hits} == busy
    ranked = all_hits(api, sort="-applications.new_received.total")
    firsts = [new_total(next(r for r in truth["reports"] if r["url"] == h["url"])) for h in ranked[:5]]
    totals = [total for total in map(new_total, truth["reports"]) if total is not None]
    assert firsts == sorted(totals, reverse=True)[:5]
    csv_text = api.get("/search.csv", params={"where": "applications.new_received.total>=10"}).text
    assert len(csv_text.lstrip("\ufeff").splitlines()) == len(busy) + 1
