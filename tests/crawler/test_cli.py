"""`reports-crawl`, the console script, run as a subprocess against the sample portal."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from crawl_helpers import ROOT

from crawler.cli import build_parser, crawl_settings

REPORTS_CRAWL = Path(sys.executable).with_name("reports-crawl")
SAMPLE_SEEDS = ROOT / "seeds" / "sample_portal.yaml"


@dataclass
class Run:
    """What a finished command left: its exit code and error stream."""

    returncode: int
    stderr: str


def reports_crawl(*args: str, cwd: Path) -> Run:
    """Run reports-crawl in `cwd` without the environment variables that would choose settings for it."""
    env = {k: v for k, v in os.environ.items() if k not in ("SCRAPY_SETTINGS_MODULE", "REPORTS_DB")}
    done = subprocess.run([str(REPORTS_CRAWL), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    return Run(done.returncode, done.stderr)


@pytest.fixture(scope="module")
def crawled(portal: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[Run, Path]:
    """Crawl the sample portal from a folder without scrapy.cfg, into --db, with a feed in that folder."""
    folder = tmp_path_factory.mktemp("cli")
    args = [str(SAMPLE_SEEDS), "--portal", portal, "--local", "--db", "index/reports.sqlite", "-o", "records.jsonl"]
    return reports_crawl(*args, "--log-level", "warning", cwd=folder), folder


def test_crawls_from_any_directory_into_the_given_db(crawled, portal):
    run, folder = crawled
    assert run.returncode == 0, run.stderr[-3000:]
    truth = httpx.get(f"{portal}/_truth.json").json()
    with sqlite3.connect(folder / "index" / "reports.sqlite") as conn:
        urls = {url for (url,) in conn.execute("select url from reports")}
        failed = {url for (url,) in conn.execute("select url from failures")}
    assert urls == {report["url"] for report in truth["reports"]}
    assert set(truth["missing"]) <= failed
    assert not (folder / "data").exists()  # the default REPORTS_DB was not used


def test_output_feed_has_every_record_and_failure(crawled):
    run, folder = crawled
    lines = [json.loads(line) for line in (folder / "records.jsonl").read_text(encoding="utf-8").splitlines()]
    with sqlite3.connect(folder / "index" / "reports.sqlite") as conn:
        reports, failures = (conn.execute(f"select count(*) from {t}").fetchone()[0] for t in ("reports", "failures"))
    assert len([line for line in lines if "id" in line]) == reports
    assert len([line for line in lines if "failed_at" in line]) == failures
    assert len(lines) == reports + failures


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.yaml"], "reports-crawl: error: missing.yaml: seed file not found"),
        ([str(SAMPLE_SEEDS)], "start_url uses {portal}; pass -a portal=BASE_URL (reports-crawl: --portal)"),
        ([str(SAMPLE_SEEDS), "--portal", "http://127.0.0.1:9", "-o", "x.unknown"], "Unrecognized output format"),
    ],
)
def test_bad_input_is_one_line_and_exit_code_2(tmp_path, args, message):
    run = reports_crawl(*args, cwd=tmp_path)
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and message in run.stderr
    assert run.stderr.startswith("reports-crawl: error: ")


def test_a_crawl_that_cannot_start_exits_1(tmp_path):
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    run = reports_crawl(str(SAMPLE_SEEDS), "--portal", "http://127.0.0.1:9", "--db", "a-file/x.sqlite", cwd=tmp_path)
    assert run.returncode == 1, run.stderr[-3000:]
    assert "[Errno" in run.stderr and "'a-file'" in run.stderr  # the storage folder could not be made
    assert run.stderr.count("\n") == 1 and run.stderr.startswith("reports-crawl: error: cannot open the index")


def test_an_unreachable_index_is_one_line_without_the_password(tmp_path):
    target = "http://indexer:s3cretpw@127.0.0.1:9/?alias=reports"
    run = reports_crawl(str(SAMPLE_SEEDS), "--portal", "http://127.0.0.1:9", "--db", target, cwd=tmp_path)
    assert run.returncode == 1
    assert run.stderr.count("\n") == 1 and "cannot reach Elasticsearch" in run.stderr
    assert "s3cretpw" not in run.stderr and "indexer:***@" in run.stderr


def test_command_line_goes_on_top_of_the_chosen_settings_module():
    args = build_parser().parse_args(
        ["seeds.yaml", "--local", "--db", "x.sqlite", "-o", "out.jsonl", "--log-level", "debug"]
        + ["-s", "REPORTS_MAX_HUB_DEPTH=1", "-s", "DOWNLOAD_DELAY=3"]
    )
    settings = crawl_settings(args)
    assert settings["REPORTS_DB"] == "x.sqlite" and settings["LOG_LEVEL"] == "DEBUG"
    assert settings.getint("REPORTS_MAX_HUB_DEPTH") == 1 and settings.getfloat("DOWNLOAD_DELAY") == 3
    assert settings["FEEDS"] == {"out.jsonl": {"format": "jsonl"}}
    assert not settings.getbool("AUTOTHROTTLE_ENABLED")  # crawler.settings_local
    assert settings.getdict("ITEM_PIPELINES")  # the project's pipelines, whatever the working directory


def test_real_portal_settings_without_local():
    settings = crawl_settings(build_parser().parse_args(["seeds.yaml"]))
    assert settings.getbool("AUTOTHROTTLE_ENABLED") and settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 2
