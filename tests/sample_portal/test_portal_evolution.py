"""The portal's next state (POST /_admin/evolve, --state 2): what changes, what does not, and its truth."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.parse
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import lxml.html
import pytest
from portal_helpers import Fetched, fetch, fetch_once, numeric_cells

from sample_portal import build_portal, portal_truth
from sample_portal.model import Hosts, Request, Response
from sample_portal.server import PortalServer, start_server
from sample_portal.sites.trs import VIEWS_BEFORE, counted_page, saihan

ROOT = Path(__file__).resolve().parents[2]
COLUMN = "/saihan/zwgk/zfxxgknb/index.html"
TRS_PAGER = re.compile(r'createPageHTML\((\d+), (\d+), "index", "html"\)')
VIEWS = re.compile(r"浏览次数：(\d+)")
TODAY = re.compile(r"今天是：(\d{4})年(\d{1,2})月(\d{1,2})日 星期[一二三四五六日]")
BODY = "//div[@class='TRS_Editor']"
NOT_ON_LOOPBACK_ONE = "127.0.0.2"  # a loopback address the server sees as another peer


@dataclass
class State:
    """What the portal served in one state: its truth, the page at each URL of interest, its column's entries."""

    truth: dict
    pages: dict[str, Fetched]
    listed: set[str]


def listed_urls(portal: str) -> set[str]:
    """Every URL the saihan column's list pages link, following its createPageHTML pager."""
    first = portal + COLUMN
    count = int(found(TRS_PAGER, fetch(first).text)[1])
    seen: set[str] = set()
    for page in range(count):
        url = first if page == 0 else first.replace("index.html", f"index_{page}.html")
        tree = lxml.html.fromstring(fetch(url).body)
        seen |= {urllib.parse.urljoin(url, href) for href in strings(tree, "//ul[@class='list']/li/a/@href")}
    return seen


def urls_of_interest(truth: dict) -> set[str]:
    """Every report and look-alike of the truth, and every URL its evolution names."""
    evolution = truth["evolution"]
    urls = {r["url"] for r in truth["reports"]} | {l["url"] for l in truth["lookalikes"]}
    named = [v["url"] for v in evolution.values() if isinstance(v, dict) and "url" in v]
    return urls | set(named) | set(evolution["second_url"]["urls"])


def snapshot(portal: str, urls: set[str]) -> State:
    """Read the truth, every URL (no redirect followed) and the column's entries."""
    truth = json.loads(fetch(f"{portal}/_truth.json").text)
    return State(truth, {url: fetch_once(url) for url in sorted(urls)}, listed_urls(portal))


@pytest.fixture(scope="module")
def evolving() -> Iterator[PortalServer]:
    """A portal of this module's own (evolving the session's portal would change every other test's truth)."""
    server, _ = start_server("127.0.0.1", 0)
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def states(evolving: PortalServer) -> tuple[State, State]:
    """The portal read in state 1, then evolved over HTTP and read again."""
    portal = evolving.base_url
    truth = json.loads(fetch(f"{portal}/_truth.json").text)
    urls = urls_of_interest(truth)
    first = snapshot(portal, urls)
    assert fetch_once(f"{portal}/_admin/evolve", method="POST").status == 200
    return first, snapshot(portal, urls)


@pytest.fixture(scope="module")
def evolution(states: tuple[State, State]) -> dict:
    """The evolution plan (the same in both states but for `state`)."""
    return states[1].truth["evolution"]


def found(pattern: re.Pattern[str], text: str) -> re.Match[str]:
    """The first match of a pattern that must match."""
    match = pattern.search(text)
    assert match, pattern.pattern
    return match


def elements(tree: lxml.html.HtmlElement, xpath: str) -> list[lxml.html.HtmlElement]:
    """The elements an XPath selects."""
    return [e for e in tree.xpath(xpath) if isinstance(e, lxml.html.HtmlElement)]


def strings(tree: lxml.html.HtmlElement, xpath: str) -> list[str]:
    """The attribute values (or texts) an XPath selects."""
    return [str(s) for s in tree.xpath(xpath) if isinstance(s, str)]


def fixed(moment: datetime) -> Callable[[], datetime]:
    """A clock stopped at a moment."""
    return lambda: moment


def report(truth: dict, url: str) -> dict:
    """The truth entry of one report."""
    return next(r for r in truth["reports"] if r["url"] == url)


def cells(stats: dict, key: str = "") -> dict[str, object]:
    """Every cell of a stats object by dotted key."""
    if not isinstance(stats, dict):
        return {key: stats}
    return {k: v for name, child in stats.items() for k, v in cells(child, f"{key}.{name}" if key else name).items()}


def body_text(page: Fetched) -> str:
    """The report body of a saihan page (its first body container)."""
    return elements(lxml.html.fromstring(page.body), BODY)[0].text_content()


def test_evolve_answers_only_a_client_on_127_0_0_1() -> None:
    server, portal = start_server("127.0.0.1", 0)
    try:
        refused = fetch_once(f"{portal}/_admin/evolve", method="POST", source=NOT_ON_LOOPBACK_ONE)
        assert refused.status == 403 and b"127.0.0.1" in refused.body
        assert json.loads(fetch(f"{portal}/_truth.json").text)["evolution"]["state"] == 1
        assert fetch_once(f"{portal}/_admin/evolve").status == 405  # GET does not evolve
        answers = [fetch_once(f"{portal}/_admin/evolve", method="POST") for _ in range(2)]
        assert [(a.status, json.loads(a.body)) for a in answers] == [(200, {"state": 2})] * 2  # idempotent
        robots_down = server.hosts.robots_down_url
        assert json.loads(fetch(f"{robots_down}/_truth.json").text)["evolution"]["state"] == 2  # both ports
    finally:
        server.shutdown()
        server.server_close()


def test_truth_in_each_state_is_the_built_portals(evolving: PortalServer, states: tuple[State, State]) -> None:
    first, second = states
    hosts = evolving.hosts
    assert first.truth == portal_truth(build_portal(1), hosts)
    assert second.truth == portal_truth(build_portal(2), hosts)
    assert (first.truth["evolution"]["state"], second.truth["evolution"]["state"]) == (1, 2)
    assert {**first.truth["evolution"], "state": 2} == second.truth["evolution"]
    with pytest.raises(ValueError, match="states 1–2"):
        build_portal(3)


def test_reports_of_state_2_are_state_1s_without_the_withdrawn_plus_the_added(
    states: tuple[State, State], evolution: dict
) -> None:
    first, second = states
    before = {r["url"] for r in first.truth["reports"]}
    gone = {evolution["deleted"]["url"], evolution["moved"]["url"]}
    assert gone <= before and evolution["added"]["url"] not in before
    assert {r["url"] for r in second.truth["reports"]} == (before - gone) | {evolution["added"]["url"]}
    edited = evolution["edited"]["url"]
    for entry in second.truth["reports"]:
        if entry["url"] in before and entry["url"] != edited:
            assert entry == report(first.truth, entry["url"])
    assert (evolution["deleted"]["how"], evolution["moved"]["how"]) == ("http_404", "redirect_parent")


def test_edited_report_changes_its_cells_and_one_sentence_and_still_adds_up(
    states: tuple[State, State], evolution: dict
) -> None:
    first, second = states
    edited = evolution["edited"]
    old, new = (cells(report(s.truth, edited["url"])["stats"]) for s in states)
    changed = [{"key": k, "old": v, "new": new[k]} for k, v in old.items() if new[k] != v]
    assert changed == edited["changed_cells"] and edited["version_after"] == 2
    natural = next(c for c in changed if c["key"] == "applications.new_received.natural_person")
    assert int(str(natural["new"])) - int(str(natural["old"])) == 2
    apps = report(second.truth, edited["url"])["stats"]["applications"]
    results = [row for row in apps if row not in ("new_received", "carried_over", "total_processed", "carried_forward")]
    for column in apps["new_received"]:
        assert apps["new_received"][column] + apps["carried_over"][column] == (
            apps["total_processed"][column] + apps["carried_forward"][column]
        )
        assert apps["total_processed"][column] == sum(apps[row][column] for row in results)
    sentence = edited["changed_sentence"]
    old_text, new_text = (body_text(s.pages[edited["url"]]) for s in states)
    assert sentence["old"] in old_text and sentence["old"] not in new_text and sentence["new"] in new_text
    assert str(report(second.truth, edited["url"])["stats"]["applications"]["new_received"]["total"]) in sentence["new"]
    assert new_text.replace(sentence["new"], sentence["old"]) != old_text  # the table changed too
    tables = [elements(lxml.html.fromstring(s.pages[edited["url"]].body), f"({BODY})[1]//table")[1] for s in states]
    old_cells, new_cells = (numeric_cells(t) for t in tables)
    printed = Counter((a, b) for a, b in zip(old_cells, new_cells, strict=True) if a != b)
    assert printed == Counter((str(c["old"]), str(c["new"])) for c in changed)


def test_deleted_answers_404_and_moved_redirects_to_its_parent_folder(
    states: tuple[State, State], evolution: dict
) -> None:
    first, second = states
    deleted, moved = evolution["deleted"]["url"], evolution["moved"]["url"]
    assert first.pages[deleted].status == first.pages[moved].status == 200
    assert second.pages[deleted].status == 404
    answer = second.pages[moved]
    folder = urllib.parse.urlsplit(moved).path.rsplit("/", 1)[0] + "/"
    assert answer.status == 301 and answer.headers["Location"] == folder
    landing = fetch(urllib.parse.urljoin(moved, folder))
    assert landing.status == 200 and "年度报告" not in landing.text


def test_lists_link_the_added_report_and_the_department_copy_not_the_withdrawn_or_unlisted(
    states: tuple[State, State], evolution: dict
) -> None:
    first, second = states
    original, department = evolution["second_url"]["urls"]
    dropped = {evolution["deleted"]["url"], evolution["moved"]["url"], evolution["unlisted_live"]["url"], original}
    assert dropped <= first.listed and department not in first.listed
    assert second.listed == (first.listed - dropped) | {evolution["added"]["url"], department}


def test_added_unlisted_and_second_url_are_served(states: tuple[State, State], evolution: dict) -> None:
    first, second = states
    added = evolution["added"]["url"]
    assert first.pages[added].status == 404 and second.pages[added].status == 200
    title = strings(lxml.html.fromstring(second.pages[added].body), "//meta[@name='ArticleTitle']/@content")
    assert title == [report(second.truth, added)["title"]]
    unlisted = evolution["unlisted_live"]["url"]
    assert second.pages[unlisted].status == 200 and second.pages[unlisted].body == first.pages[unlisted].body
    original, department = evolution["second_url"]["urls"]
    assert first.pages[department].status == 404
    assert second.pages[department].status == 200 and second.pages[department].body == second.pages[original].body
    assert second.pages[original].body == first.pages[original].body


def test_added_report_fills_its_bodys_missing_year_and_withdrawn_reports_stay_in_agencies(
    states: tuple[State, State], evolution: dict
) -> None:
    first, second = states
    before = {(a["region_code"], a["name"]): a for a in first.truth["agencies"]}
    changed = {}
    for agency in second.truth["agencies"]:
        old = before[(agency["region_code"], agency["name"])]
        for year, signals in agency["signals"].items():
            if (signals, agency["years"][year]) != (old["signals"][year], old["years"][year]):
                changed[agency["years"][year]] = (old["signals"][year], old["years"][year], signals)
    added = evolution["added"]["url"]
    assert changed == {
        added: (["missing"], None, []),
        evolution["edited"]["url"]: ([], evolution["edited"]["url"], ["revised"]),
        evolution["deleted"]["url"]: ([], evolution["deleted"]["url"], ["withdrawn"]),
        evolution["moved"]["url"]: ([], evolution["moved"]["url"], ["withdrawn"]),
    }


def test_every_other_page_is_byte_for_byte_the_same(states: tuple[State, State], evolution: dict) -> None:
    first, second = states
    changing = {evolution[k]["url"] for k in ("edited", "deleted", "moved", "added", "unchanged_chrome")}
    changing |= set(evolution["second_url"]["urls"][1:])
    same = [url for url in first.pages if url not in changing]
    assert len(same) > 80
    for url in same:
        assert (second.pages[url].status, second.pages[url].body) == (first.pages[url].status, first.pages[url].body)


@pytest.mark.parametrize("state", [1, 2])
def test_counted_page_changes_its_counter_on_every_request_and_nothing_else(state: int) -> None:
    server, portal = start_server("127.0.0.1", 0, state=state)
    try:
        truth = json.loads(fetch(f"{portal}/_truth.json").text)
        url = truth["evolution"]["unchanged_chrome"]["url"]
        answers = [fetch(url) for _ in range(3)]
    finally:
        server.shutdown()
        server.server_close()
    assert url in {r["url"] for r in truth["reports"]}
    assert [int(found(VIEWS, a.text)[1]) for a in answers] == [VIEWS_BEFORE + n for n in (1, 2, 3)]
    assert all(TODAY.search(a.text) and "Last-Modified" in a.headers for a in answers)
    assert len({a.body for a in answers}) == 3
    assert len({TODAY.sub("", VIEWS.sub("", a.text)) for a in answers}) == 1  # nothing else differs
    assert "浏览次数" not in body_text(answers[0]) and "今天是" not in body_text(answers[0])


def test_counted_page_shows_the_day_of_the_request_in_china() -> None:
    site = saihan()
    doc = next(d for d in build_portal().documents if d.title == site.counted)
    hosts = Hosts("http://h:1", "http://h:2")
    moments = (datetime(2026, 3, 1, 15, 59, tzinfo=UTC), datetime(2026, 3, 1, 16, 1, tzinfo=UTC))  # 23:59, 00:01
    pages = []
    for previous, moment in enumerate(moments):
        page = counted_page(site, doc, [doc], clock=fixed(moment))(Request("GET", doc.path, {}, {}, hosts, previous))
        assert isinstance(page, Response) and page.last_modified == moment
        pages.append(page.body.decode())
    assert [found(TODAY, t).groups() for t in pages] == [("2026", "3", "1"), ("2026", "3", "2")]
    assert "今天是：2026年3月2日 星期一" in pages[1]
    assert [int(found(VIEWS, t)[1]) for t in pages] == [VIEWS_BEFORE + 1, VIEWS_BEFORE + 2]


def test_cli_starts_in_state_2_and_refuses_a_state_it_lacks(tmp_path: Path) -> None:
    port_file = tmp_path / "portal.url"
    command = [sys.executable, "-m", "sample_portal", "--port", "0", "--port-file", str(port_file)]
    refused = subprocess.run([*command, "--state", "3"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert refused.returncode == 2 and "--state" in refused.stderr
    proc = subprocess.Popen([*command, "--state", "2"], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        base = proc.stdout.readline().strip()
        truth = json.loads(fetch(f"{base}/_truth.json").text)
        assert truth["evolution"]["state"] == 2
        assert fetch_once(truth["evolution"]["deleted"]["url"]).status == 404
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stdout:
            proc.stdout.close()
