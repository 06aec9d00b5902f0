"""A path that exists nowhere: a browser gets the site's Chinese 404 page, an API client the JSON error."""

from __future__ import annotations

import lxml.html


def test_a_browser_gets_the_chinese_404_page(client):
    answer = client.get("/no/such/page", headers={"accept": "text/html,application/xhtml+xml"})
    assert answer.status_code == 404 and answer.headers["content-type"].startswith("text/html")
    page = lxml.html.fromstring(answer.text)
    assert page.cssselect("#error")[0].get("data-status") == "404" and "找不到页面" in answer.text


def test_an_api_client_keeps_json_errors(client):
    assert client.get("/no/such/page").json() == {"detail": "Not Found"}
    unknown = client.get("/agencies/ag0000000000000000", headers={"accept": "text/html"})
    assert unknown.status_code == 404 and unknown.json()["detail"].startswith("no agency")  # a route's own 404
