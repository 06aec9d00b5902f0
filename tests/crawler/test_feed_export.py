"""`scrapy crawl reports -o FILE.jsonl`: one line per stored report (its record) and per failed fetch."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from crawl_helpers import ROOT
from scrapy.extensions.feedexport import ItemFilter

from crawler.items import FetchFailure, IndexedReport


def feed_lines(path: Path) -> list[dict]:
    """Return the JSON objects of a JSON-lines feed."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def stored(db: Path) -> tuple[dict[str, dict], list[str]]:
    """Return the stored records by id and the URLs of the stored failures."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute("select r.id, rr.record from reports r join report_records rr using (docid)")
        records = {report_id: json.loads(record) for report_id, record in rows}
        failures = [url for (url,) in conn.execute("select url from failures order by id")]
    return records, failures


@pytest.fixture(scope="module")
def feed(portal: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[list[dict], Path]:
    """Crawl the sample portal with `scrapy crawl ... -o records.jsonl`; return the feed's lines and the DB."""
    folder = tmp_path_factory.mktemp("feed")
    db, output = folder / "reports.sqlite", folder / "records.jsonl"
    env = dict(os.environ, SCRAPY_SETTINGS_MODULE="crawler.settings_local", REPORTS_DB=str(db))
    cmd = [sys.executable, "-m", "scrapy", "crawl", "reports", "-a", "seeds=seeds/sample_portal.yaml"]
    cmd += ["-a", f"portal={portal}", "-o", str(output), "-L", "WARNING"]
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    return feed_lines(output), db


def test_one_line_per_stored_report_and_per_failure(feed):
    lines, db = feed
    records, failures = stored(db)
    reports = [line for line in lines if "id" in line]
    failed = [line for line in lines if "failed_at" in line]
    assert len(reports) + len(failed) == len(lines)
    assert len(reports) == len(records) > 0
    assert sorted(line["url"] for line in failed) == sorted(failures) and failures


def test_report_lines_are_the_stored_records(feed):
    lines, db = feed
    records, _ = stored(db)
    reports = {line["id"]: line for line in lines if "id" in line}
    # a line is the record as indexed; the agency registry built at the end of the crawl adds the signals
    # that compare a report with last year's (cross_year, copied) to the stored one
    assert {i: {**r, "signals": None} for i, r in reports.items()} == {
        i: {**r, "signals": None} for i, r in records.items()
    }
    assert all(s in records[i]["signals"] for i, r in reports.items() for s in r["signals"])
    some = next(iter(reports.values()))
    assert {"url", "title", "report_year", "stats", "text"} <= some.keys() and "body" not in some


def test_failure_lines_say_what_failed(feed):
    lines, _ = feed
    failure = next(line for line in lines if "failed_at" in line)
    assert failure.keys() == {"url", "reason", "portal", "failed_at", "status", "referer", "kind"}
    assert failure["reason"] == "HTTP 404" and failure["status"] == 404 and failure["kind"] == "fetch_failed"


def test_a_feed_can_keep_only_the_records():
    only_records = ItemFilter({"item_classes": ["crawler.items.IndexedReport"]})
    failure = FetchFailure(url="http://x.gov.cn/1", reason="HTTP 404", portal="x", failed_at="2026-11-22T14:30:00Z")
    assert only_records.accepts(IndexedReport({"id": "1", "url": "http://x.gov.cn/2"}))
    assert not only_records.accepts(failure)
