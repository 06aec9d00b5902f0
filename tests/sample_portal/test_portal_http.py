"""The portal over real HTTP: every truth URL, HEAD, robots.txt, Last-Modified, the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.robotparser
from pathlib import Path

import lxml.html
from portal_helpers import fetch

from sample_portal import build_portal, portal_truth
from sample_portal.model import Hosts

ROOT = Path(__file__).resolve().parents[2]


CONTENT_TYPES = {
    "html": "text/html",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "doc": "application/msword",
    "wps": "application/vnd.ms-works",
}


def test_every_report_and_lookalike_answers_200_with_last_modified(portal, truth):
    formats = {r["url"]: r["source_format"] for r in truth["reports"]}
    formats.update((l["url"], "html") for l in truth["lookalikes"])
    assert len(formats) > 80
    for url, source_format in formats.items():
        answer = fetch(url)
        assert answer.status == 200, url
        assert answer.headers["Content-Type"].startswith(CONTENT_TYPES[source_format]), url
        assert "Last-Modified" in answer.headers, url


def test_missing_entries_answer_404(truth):
    assert len(truth["missing"]) >= 2
    assert any("/saihan/" in url for url in truth["missing"])
    assert any("t20260313_105587.htm" in url for url in truth["missing"])
    for url in truth["missing"]:
        assert fetch(url).status == 404, url


def test_truth_urls_use_the_running_base_url(portal, truth):
    assert all(r["url"].startswith(portal + "/") for r in truth["reports"])
    port = int(portal.rsplit(":", 1)[1])
    assert truth["hostile_portal"] == f"http://localhost:{port}"
    hosts = Hosts(portal, truth["robots_unreachable"].replace("localhost", "127.0.0.1"))
    assert truth == portal_truth(build_portal(), hosts)


def test_head_has_headers_and_no_body(portal):
    get = fetch(f"{portal}/saihan/zwgk/zfxxgknb/index.html")
    head = fetch(f"{portal}/saihan/zwgk/zfxxgknb/index.html", method="HEAD")
    assert head.status == 200 and head.body == b""
    assert head.headers["Content-Length"] == str(len(get.body))
    assert head.headers["Last-Modified"] == get.headers["Last-Modified"]


def test_if_modified_since_gets_304(portal):
    url = f"{portal}/lingwu/xxgk/c104223/zwgklist.shtml"
    modified = fetch(url).headers["Last-Modified"]
    assert fetch(url, headers={"If-Modified-Since": modified}).status == 304
    assert fetch(url, headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}).status == 200


def test_robots_txt_allows_sites_and_disallows_private(portal):
    parser = urllib.robotparser.RobotFileParser()
    parser.parse(fetch(f"{portal}/robots.txt").text.splitlines())
    assert parser.can_fetch("reports-bot", f"{portal}/saihan/index.html")
    assert parser.can_fetch("reports-bot", f"{portal}/pingtan/fjdzapp/search")
    assert not parser.can_fetch("reports-bot", f"{portal}/private/search?site=saihan")


def test_directory_page_links_each_site_home(portal):
    page = lxml.html.fromstring(fetch(f"{portal}/").body)
    homes = [a.get("href") for a in page.xpath("//li/a")]
    assert homes == [
        "/saihan/index.html",
        "/lvyuan/index.html",
        "/lingwu/index.html",
        "/pingtan/index.htm",
        "/hostile/index.html",
        "/ptgov/index.html",
        "/ptmap/index.html",
        "/ptsearch/index.html",
    ]
    for home in homes:
        assert fetch(portal + home).status == 200
    for prefix in ("/saihan/", "/lvyuan/", "/lingwu/", "/pingtan/", "/hostile/", "/ptgov/", "/ptmap/", "/ptsearch/"):
        assert fetch(portal + prefix).status == 200


def test_unknown_path_is_404_and_post_to_a_page_is_405(portal):
    assert fetch(f"{portal}/saihan/nope.html").status == 404
    assert fetch(f"{portal}/saihan/index.html", method="POST", form={"a": "1"}).status == 405


def test_cli_prints_base_url_and_writes_port_file(tmp_path):
    port_file = tmp_path / "portal.url"
    proc = subprocess.Popen(
        [sys.executable, "-m", "sample_portal", "--port", "0", "--port-file", str(port_file)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env=dict(os.environ),
    )
    try:
        first_line = proc.stdout.readline().strip()
        for _ in range(50):
            if port_file.exists():
                break
            time.sleep(0.1)
        base = port_file.read_text().strip()
        assert base == first_line and base.startswith("http://127.0.0.1:")
        assert fetch(f"{base}/saihan/index.html").status == 200
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stdout.close()
