"""GET /agencies, /agencies/{id}, /agencies/{id}/timeline(.csv) and /search by agency and signal, over a real SQLite
index: reports built by build_record, the registry built by rebuild_agencies, served through TestClient."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient
from lxml import etree

from indexer.model import SignalName
from indexer.tables.numbers import HEADLINE_NUMBERS, NUMBER_FIELDS, NUMBER_NAMES, NUMBERS
from registry_records import LVYUAN, agency_id, lvyuan_records, pingtan_records, registry_index
from search_api.config import Settings
from search_api.labels import SIGNAL_LABELS
from search_api.main import create_app

PINGTAN = "平潭综合实验区"
ATOM = "{http://www.w3.org/2005/Atom}"
YEAR_KEYS = {"report_year", "report_id", "published", "deadline", "late", "days_late", "figures", "change", "signals"}


@pytest.fixture(scope="module")
def records() -> list[dict]:
    """The reports of the index: Pingtan's six real ones and 长春市绿园区民政局's three."""
    return pingtan_records() + lvyuan_records()


@pytest.fixture(scope="module")
def api(tmp_path_factory, records) -> TestClient:
    """The API over an index of those reports and their agency registry."""
    path = tmp_path_factory.mktemp("agencies") / "reports.sqlite"
    registry_index(path, records)
    with TestClient(create_app(Settings(reports_db=path))) as client:
        yield client


def facet(body: dict, name: str) -> dict[str, tuple[int, str | None]]:
    """One facet as {value: (count, label)}."""
    return {f["value"]: (f["count"], f["label"]) for f in body["facets"][name]}


# --------------------------------------------------------------------------- GET /agencies
def test_agencies_list_by_name_with_facets(api):
    body = api.get("/agencies").json()
    assert set(body) == {"data", "total", "facets", "page", "size", "resolved"}
    assert [a["name"] for a in body["data"]] == [PINGTAN, LVYUAN] and body["total"] == 2
    lvyuan = body["data"][1]
    assert lvyuan["names"] == [LVYUAN, "绿园区民政局"] and (lvyuan["kind"], lvyuan["reports"]) == ("部门", 3)
    assert facet(body, "kind") == {"政府": (1, None), "部门": (1, None)}
    signals = facet(body, "signal")
    assert signals["missing"] == (2, "未发布年报") and signals["late"] == (2, "逾期发布")
    assert signals["copied"] == (1, "照搬上年报告") and signals["cross_year"] == (1, "与上年数据不衔接")


@pytest.mark.parametrize(
    "params, names",
    [
        ({"q": "绿园区"}, [LVYUAN]),
        ({"q": "吉林省 民政"}, [LVYUAN]),  # a region name and a name part
        ({"q": "平潭 绿园区"}, []),  # every word must match
        ({"kind": "政府"}, [PINGTAN]),
        ({"signal": ["copied", "cross_year"]}, [LVYUAN]),  # any of them
        ({"signal": ["late", "missing"]}, [PINGTAN, LVYUAN]),
        ({"province": "福建省", "signal": "copied"}, []),
        ({"level": "county", "agency_type": "民政局"}, [LVYUAN]),
    ],
)
def test_agencies_words_and_filters(api, params, names):
    body = api.get("/agencies", params=params).json()
    assert [a["name"] for a in body["data"]] == names and body["total"] == len(names)


@pytest.mark.parametrize(
    "params, resolved",
    [
        ({"province": "吉林"}, {"province": ["吉林省"]}),
        ({"city": "长春", "county": "绿园"}, {"city": ["长春市"], "county": ["绿园区"]}),
        ({"province": "吉林省"}, {"province": ["吉林省"]}),
    ],
)
def test_agencies_region_filters_take_short_names_and_say_what_they_searched(api, params, resolved):
    body = api.get("/agencies", params=params).json()
    assert [a["name"] for a in body["data"]] == [LVYUAN] and body["resolved"] == resolved


def test_agencies_size_0_is_counts_and_facets_only(api):
    counted, listed = api.get("/agencies", params={"size": 0}).json(), api.get("/agencies").json()
    assert counted["data"] == [] and counted["size"] == 0
    assert (counted["total"], counted["facets"]) == (listed["total"], listed["facets"]) and listed["data"]


def test_agencies_pages_and_facets_ignore_their_own_filter(api):
    second = api.get("/agencies", params={"page": 2, "size": 1, "kind": "部门", "facets": "kind"}).json()
    assert second["data"] == [] and second["total"] == 1 and set(second["facets"]) == {"kind"}
    assert facet(second, "kind") == {"政府": (1, None), "部门": (1, None)}
    first = api.get("/agencies", params={"size": 1}).json()
    assert [a["name"] for a in first["data"]] == [PINGTAN] and first["total"] == 2


@pytest.mark.parametrize(
    "params, field",
    [
        ({"kind": "县"}, "kind"),
        ({"signal": "slow"}, "signal"),
        ({"facets": "agency"}, "facets"),
        ({"level": "village"}, "level"),
        ({"size": -1}, "size"),
        ({"size": 101}, "size"),
        ({"page": 0}, "page"),
        ({"colour": "red"}, "colour"),
        ({"q": "x" * 600}, "q"),
        ({"signal_year": "1900"}, "signal_year"),
        ({"signal_year": "去年"}, "signal_year"),
    ],
)
def test_bad_agency_parameters_are_422_with_a_message(api, params, field):
    response = api.get("/agencies", params=params)
    assert response.status_code == 422
    assert any(field in err["loc"] and err["msg"] for err in response.json()["detail"])


def test_an_overlong_word_is_400_with_a_message(api):
    response = api.get("/agencies", params={"q": "长" * 51})
    assert response.status_code == 400 and "50 characters" in response.json()["detail"]


# --------------------------------------------------------------------------- GET /agencies/{id}
def test_one_agency(api):
    listed = api.get("/agencies", params={"q": PINGTAN}).json()["data"][0]
    assert api.get(f"/agencies/{listed['id']}").json() == listed
    assert (listed["first_year"], listed["last_year"], listed["region_code"]) == (2011, 2025, "350000")


@pytest.mark.parametrize("path", ["/agencies/{}", "/agencies/{}/timeline", "/agencies/{}/timeline.csv"])
def test_unknown_and_malformed_ids(api, path):
    unknown = api.get(path.format("ag0000000000000000"))
    assert unknown.status_code == 404 and "ag0000000000000000" in unknown.json()["detail"]
    assert api.get(path.format("平潭")).status_code == 422


def test_agency_feed_has_its_reports_newest_first(api):
    lvyuan = agency_id(api, LVYUAN)
    response = api.get(f"/agencies/{lvyuan}/reports.atom")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/atom+xml")
    root = etree.fromstring(response.content)
    assert LVYUAN in root.findtext(f"{ATOM}title")
    searched = api.get("/search", params={"agency_id": lvyuan, "sort": "-published"}).json()["data"]
    got = [entry.findtext(f"{ATOM}id") for entry in root.iterfind(f"{ATOM}entry")]
    assert len(searched) == 3 and got == [f"http://testserver/report/{hit['id']}" for hit in searched]


def test_agency_feed_of_an_unknown_agency_is_404(api):
    assert api.get("/agencies/ag0000000000000000/reports.atom").status_code == 404
    assert api.get("/agencies/平潭/reports.atom").status_code == 422


# --------------------------------------------------------------------------- timelines
def test_timeline_has_the_agency_and_one_entry_per_year(api):
    pingtan = agency_id(api, PINGTAN)
    body = api.get(f"/agencies/{pingtan}/timeline").json()
    assert set(body) == {"agency", "years"} and body["agency"]["id"] == pingtan
    years = {y["report_year"]: y for y in body["years"]}
    assert list(years) == list(range(2011, 2026)) and all(set(y) == YEAR_KEYS for y in body["years"])
    first = years[2011]
    assert (first["published"], first["deadline"], first["late"], first["days_late"]) == (
        "2012-04-11",
        "2012-03-31",
        True,
        11,
    )
    assert [s["signal"] for s in first["signals"]] == ["late"] and first["signals"][0]["evidence"]["days_late"] == 11
    missing = [y for y, entry in years.items() if entry["report_id"] is None]
    assert missing == [2012, 2013, 2014, 2016, 2017, 2020, 2022, 2024, 2025]
    assert all([s["signal"] for s in years[y]["signals"]] == ["missing"] for y in missing)
    assert set(years[2021]["figures"]) == set(NUMBER_NAMES) == set(years[2021]["change"])
    assert years[2021]["figures"]["applications.new_received.total"] == 70


def test_timeline_change_from_the_year_before(api):
    years = api.get(f"/agencies/{agency_id(api, LVYUAN)}/timeline").json()["years"]
    by_year = {y["report_year"]: y for y in years}
    carried = "applications.carried_over.total"
    assert (by_year[2021]["figures"][carried], by_year[2022]["figures"][carried]) == (0, 3)
    assert by_year[2022]["change"][carried] == 3 and by_year[2020]["change"][carried] is None
    assert {s["signal"] for s in by_year[2022]["signals"]} == {"cross_year", "copied"}
    assert by_year[2021]["deadline"] == "2022-01-31" and by_year[2021]["days_late"] == 15  # a department


def test_timeline_csv_one_row_per_year_in_chinese(api):
    pingtan = agency_id(api, PINGTAN)
    response = api.get(f"/agencies/{pingtan}/timeline.csv")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith("\ufeff".encode())  # UTF-8 with a BOM
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    assert header[:6] == [
        "报告年度 (report_year)",
        "报告编号 (report_id)",
        "发布日期 (published)",
        "法定期限 (deadline)",
        "是否逾期 (late)",
        "逾期天数 (days_late)",
    ]
    new = NUMBERS["applications.new_received.total"]
    assert f"{new.label} ({new.name})" in header and f"较上年变化·{new.label} (change.{new.name})" in header
    assert len(header) == 6 + 2 * len(NUMBER_FIELDS) + 2
    assert [row[0] for row in body] == [str(y) for y in range(2011, 2026)]
    by_year = {row[0]: dict(zip(header, row)) for row in body}
    assert by_year["2011"]["是否逾期 (late)"] == "是" and by_year["2011"]["逾期天数 (days_late)"] == "11"
    assert by_year["2011"]["信号 (signals)"] == "逾期发布"
    assert by_year["2011"]["信号说明 (signals.detail)"].startswith("逾期发布：发布于2012-04-11")
    assert by_year["2012"]["信号 (signals)"] == "未发布年报" and by_year["2012"]["报告编号 (report_id)"] == ""
    assert by_year["2021"][f"{new.label} ({new.name})"] == "70" and by_year["2023"]["是否逾期 (late)"] == "否"


def test_every_signal_has_a_chinese_label():
    from typing import get_args

    assert set(SIGNAL_LABELS) == set(get_args(SignalName)) and all(SIGNAL_LABELS.values())


# --------------------------------------------------------------------------- /search by agency and signal
def test_search_by_agency_id_finds_every_name_variant(api, records):
    lvyuan = agency_id(api, LVYUAN)
    body = api.get("/search", params={"agency_id": lvyuan, "size": 100}).json()
    assert body["total"] == 3 and {h["agency"] for h in body["data"]} == {LVYUAN, "绿园区民政局"}
    assert all(h["agency_id"] == lvyuan for h in body["data"])
    ranked = api.get("/search", params={"q": "民政", "agency_id": lvyuan}).json()
    assert ranked["total"] == 3


def test_search_by_signal_with_agency_and_signal_facets(api):
    body = api.get("/search", params={"signal": ["late", "copied"], "facets": ["agency", "signal"]}).json()
    assert body["total"] == 3  # Pingtan 2011 (late), 绿园区 2021 (late, copied) and 2022 (copied)
    assert all({"late", "copied"} & {s["signal"] for s in h["signals"]} for h in body["data"])
    agencies = facet(body, "agency")
    assert agencies == {agency_id(api, PINGTAN): (1, PINGTAN), agency_id(api, LVYUAN): (2, LVYUAN)}
    signals = facet(body, "signal")  # ignores its own filter
    assert signals["late"] == (2, "逾期发布") and signals["cross_year"] == (1, "与上年数据不衔接")


def test_hits_carry_headline_figures_and_the_numbers_asked_about(api, records):
    numbers = {r["id"]: r["stats"] for r in records}
    params = {"where": "applications.total_processed.total>=0", "sort": "-litigation_direct.total", "size": 50}
    body = api.get("/search", params=params).json()
    assert body["data"]
    for hit in body["data"]:
        assert list(hit["figures"]) == [
            *HEADLINE_NUMBERS,
            "applications.total_processed.total",
            "litigation_direct.total",
        ]
        assert hit["figures"] == {n: NUMBERS[n].compute(numbers[hit["id"]]) for n in hit["figures"]}
    plain = api.get("/search", params={"q": "行政复议"}).json()["data"][0]
    assert list(plain["figures"]) == list(HEADLINE_NUMBERS)


# --------------------------------------------------------------------------- OpenAPI
def test_openapi_describes_every_agency_parameter_with_examples(api):
    spec = api.get("/openapi.json").json()
    listing = spec["paths"]["/agencies"]["get"]["parameters"]
    assert {p["name"] for p in listing} == {
        "q",
        "province",
        "city",
        "county",
        "level",
        "agency_type",
        "kind",
        "signal",
        "signal_year",
        "facets",
        "page",
        "size",
    }
    for path in ("/agencies", "/agencies/{agency_id}", "/agencies/{agency_id}/timeline", "/search"):
        for parameter in spec["paths"][path]["get"]["parameters"]:
            if path != "/search" or parameter["name"] in ("agency_id", "signal", "facets"):
                assert parameter.get("description") or parameter["schema"].get("description"), parameter["name"]
                assert parameter.get("examples") or parameter["schema"].get("examples"), parameter["name"]
    components = spec["components"]["schemas"]
    assert set(components["Agency"]["properties"]) == set(api.get("/agencies").json()["data"][0])
    assert set(components["TimelineYear"]["properties"]) == YEAR_KEYS
    assert set(components["Signal"]["properties"]) == {"signal", "detail", "evidence"}
    timeline = spec["paths"]["/agencies/{agency_id}/timeline"]["get"]["responses"]["200"]
    assert timeline["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/TimelineResponse"}
