"""GET /search.atom: the newest matching reports as a valid Atom feed (parsed with lxml), stable ids, at most 50."""

from __future__ import annotations

from datetime import datetime

import pytest
from fastapi.testclient import TestClient
from lxml import etree

from indexer.storage import open_backend
from search_api.config import Settings
from search_api.main import create_app
from search_api.routes.feeds import FEED_SIZE

ATOM = "{http://www.w3.org/2005/Atom}"


def parse_feed(text: str) -> etree._Element:
    """The feed's root, after checking what RFC 4287 requires of a feed and of each entry."""
    root = etree.fromstring(text.encode("utf-8"))
    assert root.tag == f"{ATOM}feed"
    for element in (root, *root.iterfind(f"{ATOM}entry")):
        for name in ("id", "title", "updated"):
            (found,) = element.findall(f"{ATOM}{name}")
            assert found.text and found.text.strip()
        datetime.fromisoformat(element.findtext(f"{ATOM}updated"))  # an RFC 3339 time
    assert root.findtext(f"{ATOM}author/{ATOM}name")  # entries without an author of their own inherit it
    for entry in root.iterfind(f"{ATOM}entry"):
        alternates = [link for link in entry.iterfind(f"{ATOM}link") if link.get("rel", "alternate") == "alternate"]
        assert len(alternates) == 1  # at most one alternate per type, and one needed without content
    return root


def entries(root: etree._Element) -> list[etree._Element]:
    """The feed's entries in order."""
    return list(root.iterfind(f"{ATOM}entry"))


def links(entry: etree._Element) -> dict[str, str]:
    """An entry's links by rel."""
    return {link.get("rel"): link.get("href") for link in entry.iterfind(f"{ATOM}link")}


def test_search_feed_is_valid_atom_newest_first_with_site_and_original_links(client, all_records):
    params = {"province": "福建", "q": "公开"}
    response = client.get("/search.atom", params=params)
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/atom+xml")
    root = parse_feed(response.text)
    searched = client.get("/search", params={**params, "sort": "-published"}).json()["data"]
    assert [links(e)["alternate"] for e in entries(root)] == [f"http://testserver/report/{h['id']}" for h in searched]
    by_id = {r["id"]: r for r in all_records}
    for entry, hit in zip(entries(root), searched, strict=True):
        assert entry.findtext(f"{ATOM}title") == hit["title"]
        assert links(entry)["related"] == by_id[hit["id"]]["url"]
        assert entry.findtext(f"{ATOM}published").startswith(hit["published"])
        assert entry.findtext(f"{ATOM}author/{ATOM}name") == hit["agency"]
    published = [e.findtext(f"{ATOM}published") for e in entries(root)]
    assert published == sorted(published, reverse=True)
    assert "福建省" in root.findtext(f"{ATOM}title") and "公开" in root.findtext(f"{ATOM}title")
    feed_links = {link.get("rel"): link.get("href") for link in root.iterfind(f"{ATOM}link")}
    assert feed_links["self"] == str(response.url)
    assert feed_links["alternate"].startswith("http://testserver/?")  # the same query on the site's search page


def test_feed_ids_are_stable_across_requests(client):
    first, second = (parse_feed(client.get("/search.atom", params={"q": "公开"}).text) for _ in range(2))
    ids = [e.findtext(f"{ATOM}id") for e in entries(first)]
    assert len(ids) > 1 and len(set(ids)) == len(ids)
    assert ids == [e.findtext(f"{ATOM}id") for e in entries(second)]
    assert first.findtext(f"{ATOM}id") == second.findtext(f"{ATOM}id")


def test_entry_updated_is_when_the_report_was_first_seen(client):
    (entry,) = entries(parse_feed(client.get("/search.atom", params={"county": "赛罕"}).text))
    assert entry.findtext(f"{ATOM}updated").startswith("2025-03-01T08:00:00")  # first fetched


def test_an_empty_feed_is_still_valid(client):
    assert entries(parse_feed(client.get("/search.atom", params={"q": "没有这样的词语组合"}).text)) == []


@pytest.mark.parametrize("params", [{"sort": "-published"}, {"page": 2}, {"report_year": "x"}, {"where": "x>1"}])
def test_feed_rejects_bad_parameters_with_a_message(client, params):
    response = client.get("/search.atom", params=params)
    assert response.status_code == 422 and response.json()["detail"][0]["msg"]


def test_a_feed_carries_the_newest_50_entries_at_most(tmp_path, all_records):
    template = next(r for r in all_records if r["id"] == "syn-fj-2")
    records = [
        {**template, "id": f"many-{n:03d}", "url": f"https://example.gov.cn/many-{n:03d}.html", "published": day}
        for n, day in enumerate(f"2024-{month:02d}-{day:02d}" for month in range(1, 4) for day in range(1, 21))
    ]
    path = tmp_path / "reports.sqlite"
    backend = open_backend(path)
    backend.write(records)
    backend.close()
    with TestClient(create_app(Settings(reports_db=path))) as many:
        root = parse_feed(many.get("/search.atom").text)
    got = [links(e)["alternate"].rsplit("/", 1)[1] for e in entries(root)]
    assert len(records) > FEED_SIZE and got == [f"many-{n:03d}" for n in range(59, 59 - FEED_SIZE, -1)]


def test_control_characters_of_a_report_do_not_break_the_feed(tmp_path, all_records):
    template = next(r for r in all_records if r["id"] == "syn-fj-2")
    record = {**template, "id": "ctl", "title": "鼓楼区\x08税务局年报\x00", "agency": "鼓楼区\x1b税务局"}
    record["text"] = "控制字符\x0b\x0c也在正文里，公开"
    path = tmp_path / "reports.sqlite"
    backend = open_backend(path)
    backend.write([record])
    backend.close()
    with TestClient(create_app(Settings(reports_db=path))) as one:
        (entry,) = entries(parse_feed(one.get("/search.atom", params={"q": "公开\x07"}).text))
    assert entry.findtext(f"{ATOM}title") == "鼓楼区税务局年报"
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "鼓楼区税务局"
