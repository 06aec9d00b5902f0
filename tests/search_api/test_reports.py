"""GET /reports/{id} and GET /health."""

from __future__ import annotations


def test_full_record(client, texts):
    body = client.get("/reports/lvyuan-minzheng-2020").json()
    assert body["text"] == texts["lvyuan-minzheng-2020"]
    assert body["url"] == body["urls"][0] == "http://www.lvyuan.gov.cn/art/2021/1/14/art_3301_2001.html"
    assert (body["province"], body["city"], body["county"]) == ("吉林省", "长春市", "绿园区")
    assert body["published"] == "2021-01-14" and body["format"] == "2019"
    assert body["stats"]["applications"]


def test_unknown_report_is_404_with_message(client):
    response = client.get("/reports/no-such-report")
    assert response.status_code == 404
    assert "no-such-report" in response.json()["detail"]


def test_health_counts_reports(client, all_records):
    assert client.get("/health").json() == {
        "status": "ok",
        "backend": "sqlite",
        "reports": len(all_records),
        "detail": None,
        "latest_run": None,  # no crawl run in this index (tests/search_api/test_runs_route.py has some)
    }


def test_full_record_has_stats_and_checks(client, all_records):
    for record in all_records:
        body = client.get(f"/reports/{record['id']}").json()
        assert body["stats"] == record["stats"] and body["checks"] == record["checks"]
    body = client.get("/reports/syn-gd-1").json()
    assert body["stats"]["applications"]["denied_law_prohibited"]["total"] == 3
    assert {c["rule"] for c in body["checks"] if not c["ok"]} == {"suits_totals", "unparsed"}
    assert all(set(c) == {"rule", "ok", "detail"} for c in body["checks"])


def test_text_a_page_at_a_time(client, texts):
    text = texts["lvyuan-minzheng-2020"]
    first = client.get("/reports/lvyuan-minzheng-2020", params={"text_limit": 100}).json()
    assert first["text"] == text[:100]
    assert (first["text_length"], first["text_offset"], first["text_more"]) == (len(text), 0, True)
    rest = client.get("/reports/lvyuan-minzheng-2020", params={"text_offset": 100}).json()
    assert rest["text"] == text[100:] and rest["text_more"] is False
    assert first["stats"] == rest["stats"]  # every other field whole on every page
