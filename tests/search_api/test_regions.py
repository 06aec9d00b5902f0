"""Region filters in short or full form (search_api.regions), on every route that filters reports by region."""

from __future__ import annotations

import json

import pytest

from search_api.regions import resolve_regions

REPORT_ROUTES = ("/search", "/search.csv", "/search.jsonl", "/search.atom")


@pytest.mark.parametrize(
    ("field", "value", "full"),
    [
        ("province", "吉林", ["吉林省"]),
        ("province", "吉林省", ["吉林省"]),
        ("province", "内蒙古", ["内蒙古自治区"]),
        ("province", "宁夏", ["宁夏回族自治区"]),
        ("province", "北京", ["北京市"]),
        ("province", " 广西 ", ["广西壮族自治区"]),
        ("city", "长春", ["长春市"]),
        ("city", "吉林", ["吉林市"]),  # the city, not the province: each field has its own names
        ("city", "北京", ["北京市"]),  # a municipality is its own city
        ("city", "延边", ["延边朝鲜族自治州"]),
        ("city", "伊犁", ["伊犁哈萨克自治州"]),
        ("county", "绿园", ["绿园区"]),
        ("county", "灵武", ["灵武市"]),
        ("county", "赛罕区", ["赛罕区"]),
        ("county", "长白", ["长白朝鲜族自治县"]),
    ],
)
def test_short_and_full_forms_resolve_to_the_full_name(field, value, full):
    assert resolve_regions({field: [value]}) == ({field: full}, [])


def test_a_short_form_of_several_places_resolves_to_all_of_them():
    resolved, errors = resolve_regions({"county": ["朝阳"]})
    assert not errors and {"朝阳区", "朝阳县"} <= set(resolved["county"])
    assert len(resolved["county"]) == len(set(resolved["county"]))  # 朝阳区 of 北京 and of 长春: one name


def test_only_the_fields_given_are_resolved_and_values_merge():
    resolved, errors = resolve_regions({"province": ["吉林", "吉林省", "  "], "q": ["吉林"]})
    assert (resolved, errors) == ({"province": ["吉林省"]}, [])
    assert resolve_regions({}) == ({}, [])


def test_unknown_values_come_with_suggestions_and_the_field_that_knows_them():
    _, errors = resolve_regions({"province": ["吉林x", "长春"], "county": ["绿圆"]})
    by_value = {e.value: e for e in errors}
    assert by_value["吉林x"].suggestions[0] == "吉林省" and "吉林省" in by_value["吉林x"].message
    assert by_value["长春"].elsewhere == {"city": ["长春市"]} and "city=长春市" in by_value["长春"].message
    assert "绿园区" in by_value["绿圆"].suggestions and by_value["绿圆"].field == "county"


@pytest.mark.parametrize("path", REPORT_ROUTES)
@pytest.mark.parametrize(
    ("short", "full"),
    [({"province": "内蒙古"}, {"province": "内蒙古自治区"}), ({"county": "绿园"}, {"county": "绿园区"})],
)
def test_every_report_route_finds_the_same_reports_by_short_and_full_name(client, path, short, full):
    by_short, by_full = client.get(path, params=short), client.get(path, params=full)
    assert by_short.status_code == by_full.status_code == 200
    assert by_short.headers.get("x-total-count") == by_full.headers.get("x-total-count")
    if path == "/search":
        assert by_short.json()["data"] and by_short.json()["data"] == by_full.json()["data"]
    elif path == "/search.jsonl":
        assert [json.loads(line)["id"] for line in by_short.text.splitlines()] == [
            json.loads(line)["id"] for line in by_full.text.splitlines()
        ]
    elif path == "/search.atom":
        assert by_short.text.count("<entry>") == by_full.text.count("<entry>") == 1
    else:
        assert by_short.text == by_full.text


def test_search_says_what_the_regions_resolved_to(client):
    body = client.get("/search", params=[("province", "吉林"), ("province", "宁夏"), ("city", "长春")]).json()
    assert body["resolved"] == {"province": ["吉林省", "宁夏回族自治区"], "city": ["长春市"]}
    assert {hit["id"] for hit in body["data"]} == {"lvyuan-minzheng-2020"}
    assert client.get("/search").json()["resolved"] == {}


@pytest.mark.parametrize("path", (*REPORT_ROUTES, "/agencies"))
def test_an_unknown_region_is_a_422_with_suggestions(client, path):
    response = client.get(path, params={"province": "吉林x", "county": "绿园"})
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"] == ["query", "province"] and error["input"] == "吉林x" and error["type"] == "unknown_region"
    assert error["suggestions"][0] == "吉林省" and "吉林省" in error["msg"]
