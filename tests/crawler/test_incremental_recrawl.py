"""A second crawl with REPORTS_INCREMENTAL=1 revalidates pages with conditional GETs (304s)."""

from __future__ import annotations

import ast
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from sample_portal.server import start_server

ROOT = Path(__file__).resolve().parents[2]
STATS_RE = re.compile(r"Dumping Scrapy stats:\s*(\{.*?\})\s*\n\d{4}-\d{2}-\d{2} ", re.S)


@pytest.fixture(scope="module")
def portal_server():
    server, base_url = start_server("127.0.0.1", 0)
    yield server, base_url
    server.shutdown()
    server.server_close()


def crawl(portal: str, db: Path, cache: Path) -> dict:
    """Run one crawl of the sample portal with the HTTP cache on; return Scrapy's final stats."""
    env = dict(
        os.environ,
        SCRAPY_SETTINGS_MODULE="crawler.settings_local",
        REPORTS_DB=str(db),
        REPORTS_INCREMENTAL="1",
        REPORTS_HTTPCACHE_DIR=str(cache),
    )
    cmd = [
        sys.executable,
        "-m",
        "scrapy",
        "crawl",
        "reports",
        "-a",
        "seeds=seeds/sample_portal.yaml",
        "-a",
        f"portal={portal}",
        "-L",
        "INFO",
    ]
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    match = STATS_RE.search(done.stderr)
    assert match, done.stderr[-2000:]
    return ast.literal_eval(re.sub(r"datetime\.datetime\([^)]*\)", "None", match.group(1)))


def test_second_crawl_revalidates_instead_of_downloading(portal_server, tmp_path):
    server, portal = portal_server
    truth = httpx.get(f"{portal}/_truth.json").json()
    db, cache = tmp_path / "reports.sqlite", tmp_path / "httpcache"
    first = crawl(portal, db, cache)
    assert "httpcache/revalidate" not in first
    served_before = server.served.copy()
    second = crawl(portal, db, cache)
    served = server.served - served_before
    report_count = len(truth["reports"])
    assert second["httpcache/revalidate"] >= report_count
    assert served[304] >= report_count  # unchanged pages came back as 304, without a body
    assert served[200] < served[304]
    rows = (
        sqlite3.connect(db)
        .execute("select count(*), max(json_extract(record, '$.version')) from report_records")
        .fetchone()
    )
    assert rows == (report_count, 1)  # same reports, and none counted as a new revision
