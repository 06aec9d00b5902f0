"""Crawl the hostile site over real HTTP (seeds/hostile_portal.yaml, local profile, a subprocess) and check it.

Every genuine report is indexed, every hostile URL is recorded with its kind and reason, nothing
outside the seed's scope or robots.txt is fetched (the portal's access log says what was), traps
stop at their budget, memory stays bounded, and no log line carries a page body.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx
import pytest

from crawl_process import Crawl, failures, run_crawl, stored_report_urls
from crawler import settings_local
from sample_portal.misbehaviour import FILLER_PARAGRAPH
from sample_portal.server import PortalServer, running_portal

SEEDS = "seeds/hostile_portal.yaml"
PEAK_RSS_LIMIT_MB = 400
LONGEST_LOG_LINE = 6000  # a long URL (2200 characters) and its refusal fit; a page body does not


@pytest.fixture(scope="module")
def portal_server():
    with running_portal() as server:
        yield server


@pytest.fixture(scope="module")
def truth(portal_server: PortalServer) -> dict:
    return httpx.get(f"{portal_server.base_url}/_truth.json").json()


@pytest.fixture(scope="module")
def crawl(portal_server, truth, tmp_path_factory) -> tuple[Crawl, object]:
    db = tmp_path_factory.mktemp("hostile") / "reports.sqlite"
    done = run_crawl(SEEDS, truth["hostile_portal"], db, log_level="DEBUG")
    assert done.returncode == 0, done.log[-3000:]
    print(f"hostile crawl: {done.seconds:.1f} s, peak RSS {done.peak_rss_mb:.0f} MB")
    return done, db


def neighbour_reports(truth: dict) -> set[str]:
    """The saihan reports, at the host the neighbour seed crawls them (localhost)."""
    base, hostile = truth["hostile_portal"], truth["hostile_portal"].replace("localhost", "127.0.0.1")
    return {r["url"].replace(hostile, base) for r in truth["reports"] if r["site"] == "saihan"}


def test_every_genuine_report_is_indexed(crawl, truth):
    _, db = crawl
    stored = set(stored_report_urls(db))
    genuine = {c["url"] for c in truth["hostile"] if c["expect"] == "report"}
    assert genuine - stored == set()
    assert stored == genuine | neighbour_reports(truth), "only the reports, each once"


def test_every_hostile_url_is_recorded_with_its_kind_and_reason(crawl, truth):
    _, db = crawl
    rows = failures(db)
    wrong = []
    for case in (c for c in truth["hostile"] if c["expect"] != "report"):
        prefix = case.get("url_prefix")
        mine = [r for r in rows if (r[0].startswith(prefix) if prefix else r[0] == case.get("url"))]
        if not any(kind == case["expect"] and case["reason_contains"] in reason for _, kind, reason in mine):
            wrong.append((case.get("url", prefix)[:120], case["expect"], case["reason_contains"], mine[:3]))
    assert wrong == []


def test_no_failure_is_recorded_twice(crawl):
    _, db = crawl
    keys = [(url, kind) for url, kind, _ in failures(db)]
    assert len(keys) == len(set(keys))


def test_nothing_fetched_outside_scope_or_robots(portal_server, crawl, truth):
    robots_down = urlsplit(truth["robots_unreachable"]).netloc
    fetched = [(a.host, a.path) for a in portal_server.access_log if a.path != "/_truth.json"]
    assert fetched, "the access log is empty"
    assert [f for f in fetched if not f[0].startswith("localhost:")] == [], "another seed's host or domain"
    assert [f for f in fetched if f[0] == robots_down and f[1] != "/robots.txt"] == []
    assert [f for f in fetched if f[1].startswith("/private/")] == []
    assert [f for f in fetched if len(f[1]) > settings_local.URLLENGTH_LIMIT] == []


def test_traps_stop_at_their_budget(portal_server, crawl):
    paths = [a.path for a in portal_server.access_log]
    calendar = [p for p in paths if p.startswith("/hostile/cal/")]
    pager = [p for p in paths if p.startswith("/hostile/trap/")]
    assert 1 < len(calendar) <= settings_local.REPORTS_MAX_TRAP_DEPTH + 1
    assert 1 < len(pager) <= settings_local.REPORTS_MAX_LIST_PAGES


def test_exhausted_budgets_and_found_columns_are_in_the_stats(crawl):
    done, _ = crawl
    stats = done.stats
    assert stats.get("run/hostile/budget/list_pages") == 1
    assert stats.get("run/hostile/column_found") == 1
    assert stats.get("run/neighbour/column_found") == 1


def test_peak_memory_stays_bounded(crawl):
    done, _ = crawl
    assert done.peak_rss_mb < PEAK_RSS_LIMIT_MB


def test_no_log_line_holds_a_page_body(crawl):
    done, _ = crawl
    lines = done.log.splitlines()
    assert max(len(line) for line in lines) < LONGEST_LOG_LINE
    assert FILLER_PARAGRAPH.strip()[3:40] not in done.log
    assert "主动公开政府信息情况" not in done.log  # a heading of every report body
