"""`reports-seeds check`: probes and discovery per seed, against the local sample portal only (never a real site)."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from crawler.seedcheck import COLUMNS, Hosts, main
from sample_portal.server import PortalServer, running_portal

SEEDS_YAML = """\
seeds:
  - name: saihan
    start_url: "{{portal}}/saihan/index.html"
    allowed_domains: [127.0.0.1]
    site_code: 1501050001
  - name: ptmap
    start_url: "{{portal}}/ptmap/index.html"
    allowed_domains: [127.0.0.1]
  - name: nowhere
    start_url: "http://www.seedcheck.invalid/index.html"
    allowed_domains: [seedcheck.invalid]
  - name: closed
    start_url: "http://127.0.0.1:{closed_port}/index.html"
    allowed_domains: [127.0.0.1]
  - name: private
    start_url: "{{portal}}/private/index.html"
    allowed_domains: [127.0.0.1]
  - name: robots_down
    start_url: "{robots_down}/saihan/index.html"
    allowed_domains: [localhost]
"""


@dataclass
class Checked:
    """One finished `reports-seeds check`: its exit code, stderr, JSON lines by seed name and CSV file."""

    returncode: int
    stderr: str
    rows: dict[str, dict]
    csv_path: Path
    server: PortalServer


def closed_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def sample_server() -> Iterator[tuple[PortalServer, str]]:
    """A sample portal of this module's own, so its access log holds only this check's requests."""
    with running_portal() as server:
        yield server, server.base_url


@pytest.fixture(scope="module")
def checked(sample_server, tmp_path_factory: pytest.TempPathFactory) -> Checked:
    """Run the check once, as a subprocess (Scrapy's reactor starts once per process), with --out and --json."""
    server, portal = sample_server
    folder = tmp_path_factory.mktemp("seedcheck")
    robots_down = httpx.get(f"{portal}/_truth.json").json()["robots_unreachable"]
    seeds = folder / "seeds.yaml"
    seeds.write_text(SEEDS_YAML.format(closed_port=closed_port(), robots_down=robots_down), encoding="utf-8")
    server.access_log.clear()
    out = folder / "report.csv"
    args = ["check", str(seeds), "--portal", portal, "--local", "--out", str(out), "--json", "--timeout", "5"]
    done = subprocess.run(
        [sys.executable, "-m", "crawler.seedcheck", *args], capture_output=True, text=True, timeout=300, cwd=folder
    )
    rows = {row["name"]: row for row in map(json.loads, done.stdout.splitlines())}
    return Checked(done.returncode, done.stderr, rows, out, server)


def test_exits_0_with_a_summary_although_seeds_fail(checked):
    assert checked.returncode == 0, checked.stderr[-3000:]
    assert "checked 6 seeds" in checked.stderr
    assert "5 resolve" in checked.stderr  # all but the .invalid host
    assert "2 with a 年报 column" in checked.stderr


def test_seed_with_a_column_has_its_route(checked, sample_server):
    _, portal = sample_server
    row = checked.rows["saihan"]
    assert (row["dns"], row["robots"], row["home_status"], row["error"]) == ("ok", "allowed", 200, None)
    assert row["final_url"] == f"{portal}/saihan/index.html"
    assert row["site_code"] == "1501050001"
    assert row["column_found"] is True
    assert row["columns"] == [
        {
            "column": f"{portal}/saihan/zwgk/zfxxgknb/index.html",
            "route": "home › 政府信息公开 › 政府信息公开年报",
            "via": "link",
        }
    ]
    assert checked.rows["ptmap"]["columns"][0]["via"] == "sitemap"  # the spider's fallbacks run too


def test_discovery_requests_no_report_page_and_one_list_page_per_column(checked, sample_server):
    _, portal = sample_server
    truth = httpx.get(f"{portal}/_truth.json").json()
    requested = {portal + access.path for access in checked.server.access_log}
    assert f"{portal}/saihan/zwgk/zfxxgknb/index.html" in requested
    assert not requested & {report["url"] for report in truth["reports"]}
    assert not any("/saihan/zwgk/zfxxgknb/index_" in url for url in requested)  # no next list page


def test_host_that_does_not_resolve(checked):
    row = checked.rows["nowhere"]
    assert row["dns"] == "failed"
    assert "www.seedcheck.invalid" in row["error"]
    assert (row["robots"], row["home_status"], row["column_found"]) == ("", None, None)


def test_closed_port_gives_no_answer_and_no_discovery(checked):
    row = checked.rows["closed"]
    assert row["dns"] == "ok"
    assert row["robots"] == "unreachable"  # RFC 9309: no answer means stay away, so the home page is not asked
    assert row["home_status"] is None and row["column_found"] is None
    assert "robots.txt unreachable" in row["error"]


def test_start_url_disallowed_by_robots_txt_is_not_fetched(checked, sample_server):
    row = checked.rows["private"]
    assert row["robots"] == "disallowed"
    assert "disallowed by robots.txt" in row["error"]
    assert row["home_status"] is None
    assert not any(access.path.startswith("/private/") for access in checked.server.access_log)


def test_robots_txt_answering_503_disallows_all(checked):
    row = checked.rows["robots_down"]
    assert row["robots"] == "unreachable"
    assert "HTTP 503" in row["error"]
    assert row["home_status"] is None


def test_csv_report_is_utf8_with_bom_and_bilingual_headers(checked):
    raw = checked.csv_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert table[0][:3] == ["name 名称", "start_url 起始网址", "site_code 网站标识码"]
    assert len(table[0]) == len(COLUMNS)
    assert [row[0] for row in table[1:]] == ["saihan", "ptmap", "nowhere", "closed", "private", "robots_down"]
    saihan = dict(zip([key for key, _ in COLUMNS], table[1]))
    assert saihan["column_found"] == "true" and saihan["home_status"] == "200"
    assert saihan["columns"].endswith("→ " + checked.rows["saihan"]["columns"][0]["column"])
    assert dict(zip([key for key, _ in COLUMNS], table[3]))["column_found"] == ""  # not checked


def test_json_lines_have_every_key_in_order(checked):
    assert all(list(row) == [key for key, _ in COLUMNS] for row in checked.rows.values())


def test_bad_seed_file_exits_2(tmp_path, capsys):
    seeds = tmp_path / "bad.yaml"
    seeds.write_text("- {name: a, start_url: 'http://a.invalid/', allowed_domains: [a.invalid], site_code: 12345}\n")
    with pytest.raises(SystemExit) as exited:
        main(["check", str(seeds)])
    assert exited.value.code == 2
    assert "网站标识码" in capsys.readouterr().err


def test_robots_txt_is_fetched_once_per_host(sample_server):
    server, portal = sample_server
    before = sum(access.path == "/robots.txt" for access in server.access_log)

    async def two_verdicts() -> list[tuple[str, str | None]]:
        async with httpx.AsyncClient() as client:
            hosts = Hosts(client)
            answers = [await hosts.robots(f"{portal}/saihan/index.html"), await hosts.robots(f"{portal}/private/a")]
            return [
                answers[0].verdict(f"{portal}/saihan/index.html", "bot"),
                answers[1].verdict(f"{portal}/private/a", "bot"),
            ]

    assert asyncio.run(two_verdicts()) == [
        ("allowed", None),
        ("disallowed", f"start URL disallowed by robots.txt ({portal}/robots.txt)"),
    ]
    assert sum(access.path == "/robots.txt" for access in server.access_log) == before + 1
