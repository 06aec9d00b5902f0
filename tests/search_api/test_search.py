"""GET /search against a real SQLite index built from the sample reports."""

from __future__ import annotations

import html
import re

import pytest

MARK_RE = re.compile(r"<mark>(.*?)</mark>")


def ids(body: dict) -> set[str]:
    """The ids of the hits in a response."""
    return {hit["id"] for hit in body["data"]}


def facet(body: dict, name: str) -> dict[str, int]:
    """One facet as {value: count}."""
    return {f["value"]: f["count"] for f in body["facets"][name]}


@pytest.mark.parametrize("term", ["行政复议", "依申请公开"])
def test_chinese_term_finds_exactly_the_reports_containing_it(client, texts, term):
    body = client.get("/search", params={"q": term, "size": 100}).json()
    assert ids(body) == {rid for rid, text in texts.items() if term in text}
    assert body["total"] == len(body["data"])


@pytest.mark.parametrize("term", ["行政复议", "依申请公开"])
def test_snippets_are_cut_from_the_original_text_with_marks(client, texts, term):
    body = client.get("/search", params={"q": term}).json()
    for hit in body["data"]:
        assert f"<mark>{term}</mark>" in hit["snippet"]
        plain = html.unescape(MARK_RE.sub(r"\1", hit["snippet"])).strip("…")
        original = re.sub(r"\s+", " ", texts[hit["id"]])
        assert plain.strip() in original  # unsegmented: no spaces between Chinese words
        assert "text" not in hit


def test_sample_phrase_keeps_its_original_form(client):
    hit = client.get("/search", params={"q": "依申请公开", "county": "灵武市"}).json()["data"][0]
    assert "不断加强和规范<mark>依申请公开</mark>工作" in hit["snippet"]


def test_hits_carry_record_fields_score_and_snippet(client):
    hit = client.get("/search", params={"q": "赛罕区民政局"}).json()["data"][0]
    assert hit["id"] == "saihan-minzheng-2019"
    assert hit["agency"] == "赛罕区民政局" and hit["province"] == "内蒙古自治区"
    assert hit["report_year"] == 2019 and hit["url"].startswith("http://www.saihan.gov.cn/")
    assert hit["score"] > 0


def test_title_match_ranks_first(client):
    body = client.get("/search", params={"q": "灵武市民政局"}).json()
    assert body["data"][0]["id"] == "lingwu-minzheng-2024"


def test_empty_query_lists_everything_newest_first(client, all_records):
    body = client.get("/search", params={"size": 100}).json()
    assert body["total"] == len(all_records)
    published = [h["published"] for h in body["data"] if h["published"]]
    assert published == sorted(published, reverse=True)
    assert all(h["score"] is None for h in body["data"])


def test_envelope(client):
    body = client.get("/search", params={"q": "行政复议", "page": 1, "size": 2}).json()
    assert set(body) == {"data", "total", "facets", "page", "size", "resolved"}
    assert body["page"] == 1 and body["size"] == 2 and len(body["data"]) == 2


def test_facet_counts(client, all_records):
    body = client.get("/search").json()
    assert facet(body, "province") == {"福建省": 3, "广东省": 2, "内蒙古自治区": 1, "吉林省": 1, "宁夏回族自治区": 1}
    assert facet(body, "report_year")["2022"] == 2
    assert facet(body, "agency_type")["民政局"] == 3
    assert sum(facet(body, "level").values()) == len(all_records)


def test_facet_counts_apply_the_other_filters_only(client):
    body = client.get("/search", params={"province": "福建省", "level": "county"}).json()
    assert ids(body) == {"syn-fj-2"}
    # province counts ignore the province filter but keep level=county
    assert facet(body, "province") == {"福建省": 1, "广东省": 1, "内蒙古自治区": 1, "吉林省": 1, "宁夏回族自治区": 1}
    # level counts ignore the level filter but keep province=福建省
    assert facet(body, "level") == {"city": 1, "county": 1, "province": 1}
    assert facet(body, "format") == {"2021": 1}


def test_repeated_filter_values_are_or(client):
    body = client.get("/search", params=[("province", "吉林省"), ("province", "广东省")]).json()
    assert ids(body) == {"lvyuan-minzheng-2020", "syn-gd-1", "syn-gd-2"}


def test_query_and_filters_together(client):
    body = client.get("/search", params={"q": "行政复议", "report_year": [2019, 2020]}).json()
    assert ids(body) == {"saihan-minzheng-2019", "lvyuan-minzheng-2020"}


def test_published_range(client):
    body = client.get("/search", params={"published_from": "2022-01-01", "published_to": "2023-01-31"}).json()
    assert ids(body) == {"syn-fj-1", "syn-fj-2"}


@pytest.mark.parametrize(
    "sort, key, descending",
    [
        ("published", "published", False),
        ("-published", "published", True),
        ("report_year", "report_year", False),
        ("-report_year", "report_year", True),
    ],
)
def test_sorting_nulls_last_ties_by_id(client, all_records, sort, key, descending):
    got = [h["id"] for h in client.get("/search", params={"sort": sort, "size": 100}).json()["data"]]
    present = [r for r in all_records if r[key] is not None]
    present.sort(key=lambda r: r["id"])
    present.sort(key=lambda r: r[key], reverse=descending)  # stable: ties stay in id order
    missing = sorted(r["id"] for r in all_records if r[key] is None)
    assert got == [r["id"] for r in present] + missing


def test_pages_partition_the_results(client, all_records):
    seen = []
    for page in range(1, 5):
        seen += [
            h["id"] for h in client.get("/search", params={"sort": "published", "size": 3, "page": page}).json()["data"]
        ]
    assert sorted(seen) == sorted(r["id"] for r in all_records)


def test_page_beyond_the_end_is_empty(client):
    body = client.get("/search", params={"q": "行政复议", "page": 500}).json()
    assert body["data"] == [] and body["total"] > 0


def test_selected_facets_only(client):
    body = client.get("/search", params={"facets": ["province", "format"]}).json()
    assert set(body["facets"]) == {"province", "format"}


@pytest.mark.parametrize(
    "params, field",
    [
        ({"size": -1}, "size"),
        ({"size": 101}, "size"),
        ({"page": 0}, "page"),
        ({"sort": "title"}, "sort"),
        ({"report_year": "twenty"}, "report_year"),
        ({"published_from": "2020-13-01"}, "published_from"),
        ({"facets": "agency_id"}, "facets"),  # the filter; its facet is `agency`
        ({"agency_id": "平潭综合实验区"}, "agency_id"),  # an id, not a name
        ({"signal": "slow"}, "signal"),
        ({"level": "village"}, "level"),
        ({"format": "2020"}, "format"),
        ({"q": "x" * 10_000}, "q"),
        ({"color": "red"}, "color"),
    ],
)
def test_bad_parameters_get_422_with_a_message(client, params, field):
    response = client.get("/search", params=params)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert any(field in err["loc"] for err in detail) and all(err["msg"] for err in detail)
    assert len(response.text) < 2000  # a huge input is not echoed back


def test_reversed_date_range_is_422(client):
    response = client.get("/search", params={"published_from": "2023-01-01", "published_to": "2022-01-01"})
    assert response.status_code == 422
    assert "published_from" in response.json()["detail"][0]["msg"]


def test_size_0_is_the_total_and_the_facets_only(client):
    params = {"q": "公开", "facets": ["province", "signal", "failed_check"]}
    counted, listed = (
        client.get("/search", params={**params, "size": 0}).json(),
        client.get("/search", params=params).json(),
    )
    assert counted["data"] == [] and counted["size"] == 0 and listed["data"]
    assert (counted["total"], counted["facets"]) == (listed["total"], listed["facets"])


def test_check_facets_are_labelled_in_chinese(client):
    facets = client.get("/search", params={"facets": ["failed_check", "has_failed_checks"]}).json()["facets"]
    labels = {(name, v["value"]): v["label"] for name, values in facets.items() for v in values}
    assert labels[("failed_check", "applications_balance")] == "申请收支平衡"
    assert labels[("failed_check", "unparsed")] == "无法读取的单元格"
    assert labels[("has_failed_checks", "true")] == "有校验未通过"
    assert labels[("has_failed_checks", "false")] == "校验全部通过"
