"""Agencies end to end: crawl the sample portal over HTTP into SQLite (the crawl rebuilds the agency registry at
its end), serve the API, and every agency, timeline and signal must equal the portal's truth (/_truth.json
`agencies`), the real Pingtan pages included."""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterator

import httpx
import pytest

from test_end_to_end import all_hits, crawl_into, serving_api, serving_portal

REPORT_SIGNALS = ("late", "failed_checks", "blank_cells", "text_table_mismatch", "cross_year", "copied")
DATES = ("published", "deadline", "late", "days_late")


@pytest.fixture(scope="module")
def portal() -> Iterator[str]:
    with serving_portal() as base_url:
        yield base_url


@pytest.fixture(scope="module")
def truth(portal: str) -> dict:
    return httpx.get(f"{portal}/_truth.json").json()


@pytest.fixture(scope="module")
def api(portal: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    """The API over a fresh crawl of the portal (the crawl rebuilds the registry at its end)."""
    db = tmp_path_factory.mktemp("agencies-e2e") / "reports.sqlite"
    crawl_into(db, portal)
    with serving_api(db) as client:
        yield client


@pytest.fixture(scope="module")
def hits(api: httpx.Client) -> dict[str, dict]:
    """Every stored report's search hit, by URL."""
    return {hit["url"]: hit for hit in all_hits(api)}


@pytest.fixture(scope="module")
def matched(truth: dict, hits: dict[str, dict]) -> list[tuple[dict, str]]:
    """Each truth agency with the id of the agency its reports were put in (each must be put in exactly one)."""
    pairs = []
    for expected in truth["agencies"]:
        ids = {hits[url]["agency_id"] for url in expected["years"].values() if url}
        assert len(ids) == 1, (expected["name"], expected["region_code"], ids)
        pairs.append((expected, ids.pop()))
    return pairs


@pytest.fixture(scope="module")
def timelines(api: httpx.Client, matched: list[tuple[dict, str]]) -> dict[str, dict]:
    """GET /agencies/{id}/timeline of every agency, by id."""
    return {agency_id: api.get(f"/agencies/{agency_id}/timeline").json() for _, agency_id in matched}


def all_agencies(api: httpx.Client, **params: str) -> list[dict]:
    """Page through /agencies and return every agency."""
    found, page = [], 1
    while True:
        body = api.get("/agencies", params={**params, "page": page, "size": 100}).json()
        found += body["data"]
        if len(found) >= body["total"] or not body["data"]:
            return found
        page += 1


def signal_urls(truth: dict, signal: str) -> set[str]:
    """The truth's reports carrying a signal."""
    return {a["years"][y] for a in truth["agencies"] for y, found in a["signals"].items() if signal in found}


def test_every_agency_of_the_truth_is_one_agency(
    api: httpx.Client, truth: dict, matched: list[tuple[dict, str]]
) -> None:
    assert len({agency_id for _, agency_id in matched}) == len(truth["agencies"]) == len(all_agencies(api))
    for expected, agency_id in matched:
        got = api.get(f"/agencies/{agency_id}").json()
        assert (got["name"], sorted(got["names"])) == (expected["name"], expected["names"])
        region = ("region_code", "province", "city", "county", "kind")
        assert {k: got[k] for k in region} == {k: expected[k] for k in region}, expected["name"]


def test_timelines_equal_the_truth(
    matched: list[tuple[dict, str]], timelines: dict[str, dict], hits: dict[str, dict]
) -> None:
    for expected, agency_id in matched:
        body = timelines[agency_id]
        assert body["agency"]["id"] == agency_id
        assert [str(y["report_year"]) for y in body["years"]] == list(expected["years"]), expected["name"]
        for year in body["years"]:
            key = str(year["report_year"])
            url = expected["years"][key]
            assert year["report_id"] == (hits[url]["id"] if url else None), (expected["name"], key)
            assert {k: year[k] for k in DATES} == expected["dates"][key], (expected["name"], key)


def test_signals_equal_the_truth_per_agency_year(matched: list[tuple[dict, str]], timelines: dict[str, dict]) -> None:
    for expected, agency_id in matched:
        for year in timelines[agency_id]["years"]:
            key = str(year["report_year"])
            got = sorted(s["signal"] for s in year["signals"])
            assert got == sorted(expected["signals"][key]), (
                expected["name"],
                key,
                [s["detail"] for s in year["signals"]],
            )
            assert all(s["detail"] for s in year["signals"])


@pytest.mark.parametrize("signal", REPORT_SIGNALS)
def test_search_and_agencies_filtered_by_a_signal_are_the_truths(
    api: httpx.Client, truth: dict, matched: list[tuple[dict, str]], signal: str
) -> None:
    assert {hit["url"] for hit in all_hits(api, signal=signal)} == signal_urls(truth, signal)
    flagged = {agency_id for expected, agency_id in matched if any(signal in s for s in expected["signals"].values())}
    assert {a["id"] for a in all_agencies(api, signal=signal)} == flagged


def test_agencies_missing_one_year_are_the_truths(
    api: httpx.Client, truth: dict, matched: list[tuple[dict, str]]
) -> None:
    for year in ("2022", "2025"):
        want = {i for a, i in matched if "missing" in a["signals"].get(year, [])}
        got = {a["id"] for a in all_agencies(api, signal="missing", signal_year=year)}
        assert want and got == want, year


def test_late_ones_are_the_truths_and_the_signal_facet_counts_them(api: httpx.Client, truth: dict) -> None:
    late = signal_urls(truth, "late")
    assert late and {hit["url"] for hit in all_hits(api, signal="late")} == late
    facets = api.get("/search", params={"facets": ["signal"], "size": 1}).json()["facets"]["signal"]
    counted = Counter(s for a in truth["agencies"] for y, found in a["signals"].items() if a["years"][y] for s in found)
    assert {f["value"]: f["count"] for f in facets} == dict(counted)


def test_search_by_agency_returns_its_reports(api: httpx.Client, matched: list[tuple[dict, str]]) -> None:
    for expected, agency_id in matched:
        urls = {hit["url"] for hit in all_hits(api, agency_id=agency_id)}
        assert urls == {url for url in expected["years"].values() if url}, expected["name"]


def test_timeline_csv_has_one_row_per_year(api: httpx.Client, matched: list[tuple[dict, str]]) -> None:
    for expected, agency_id in matched:
        answer = api.get(f"/agencies/{agency_id}/timeline.csv")
        assert answer.status_code == 200 and answer.text.startswith("\ufeff")
        rows = list(csv.reader(io.StringIO(answer.text.lstrip("\ufeff"))))
        assert [row[0] for row in rows[1:]] == list(expected["years"]), expected["name"]


def test_pingtan_is_one_agency_late_in_2011_with_the_years_between_missing(
    matched: list[tuple[dict, str]], timelines: dict[str, dict]
) -> None:
    expected, agency_id = next((a, i) for a, i in matched if a["region_code"] == "350000")
    years = {y["report_year"]: y for y in timelines[agency_id]["years"]}
    assert sorted(y for y, t in years.items() if t["report_id"]) == [2011, 2015, 2018, 2019, 2021, 2023]
    first = years[2011]
    assert {k: first[k] for k in DATES} == {
        "published": "2012-04-11",
        "deadline": "2012-03-31",
        "late": True,
        "days_late": 11,
    }
    assert [s["signal"] for s in first["signals"]] == ["late"] and "2012-03-31" in first["signals"][0]["detail"]
    missing = {y for y, t in years.items() if t["report_id"] is None}
    assert missing >= {2012, 2013, 2014, 2016, 2017, 2020, 2022}
    assert all([s["signal"] for s in years[y]["signals"]] == ["missing"] for y in missing)
