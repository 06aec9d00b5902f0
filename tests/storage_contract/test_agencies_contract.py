"""The agency part of the storage contract, run against every backend with the same records and registry.

The expected registry is the pure build (indexer.agencies.registry.build_agencies) over the same
records; each backend must store it as it is, write every report's agency id and signals back,
answer agency queries and the report search's agency/signal filters and facets the same way, and
give the same answers as a SQLite index of the same records.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from indexer.agencies.build import rebuild_agencies
from indexer.agencies.registry import AgencyBuild, build_agencies, report_facts
from indexer.agencies.sentences import sentence_fingerprints
from indexer.errors import InvalidRecord, QueryError
from indexer.storage.base import AgencyQuery, SearchQuery
from indexer.storage.facets import AGENCY_FACETS, signal_names
from indexer.tables.numbers import HEADLINE_NUMBERS, compute_numbers

NEW = "applications.new_received.total"
EVERY = 1000
LVYUAN = "长春市绿园区民政局"  # three reports in the registry records, under two names


@pytest.fixture(scope="module")
def today(registry_today) -> date:
    """The day the registries are built as of."""
    return registry_today


@pytest.fixture(scope="module")
def expected(registry_records, today) -> AgencyBuild:
    """The registry the pure build makes of the same records."""
    texts = {r["id"]: r["text"] for r in registry_records}
    facts = (report_facts(r) for r in registry_records)
    return build_agencies(facts, today=today, sentences_of=lambda i: sentence_fingerprints(texts[i]))


def every_agency(backend, **kwargs):
    """One page of every matching agency."""
    return backend.agencies(AgencyQuery(limit=EVERY, **kwargs))


def agency_ids(result) -> list[str]:
    """Agency ids in order."""
    return [a["id"] for a in result.agencies]


def report_ids(backend, **kwargs) -> set[str]:
    """The ids of every report a search finds."""
    return {h.id for h in backend.search(SearchQuery(limit=EVERY, facets=(), **kwargs)).hits}


def lvyuan(expected: AgencyBuild) -> dict:
    """The agency of 长春市绿园区民政局."""
    return next(a for a in expected.agencies if a["name"] == LVYUAN)


# --------------------------------------------------------------------------- the registry as built
def test_agencies_timelines_and_reports_are_stored_as_built(registered, expected):
    result = every_agency(registered)
    assert result.total == len(expected.agencies)
    assert result.agencies == sorted(expected.agencies, key=lambda a: (a["name"], a["id"]))  # by name, then id
    for agency in expected.agencies:
        assert registered.agency(agency["id"]) == agency
        assert registered.timeline(agency["id"]) == expected.timelines[agency["id"]]
    for report_id, signals in expected.report_signals.items():
        stored = registered.get(report_id)
        assert stored["signals"] == signals
        assert stored["agency_id"] == expected.report_agency.get(report_id)


def test_the_registry_holds_every_kind_of_case(expected):
    agency = lvyuan(expected)
    assert agency["names"] == [LVYUAN, "绿园区民政局"] and agency["reports"] == 3 and agency["kind"] == "部门"
    assert {"late", "copied", "cross_year", "missing"} <= {
        s["signal"] for year in expected.timelines[agency["id"]] for s in year["signals"]
    }


def test_unknown_agencies_are_none(registered):
    assert registered.agency("ag0000000000000000") is None
    assert registered.timeline("ag0000000000000000") is None


def test_saving_replaces_the_registry(fresh, registry_records, expected, today):
    fresh.write(registry_records)
    rebuild_agencies(fresh, today)
    kept = lvyuan(expected)
    fresh.save_agencies(
        AgencyBuild(
            agencies=[kept],
            timelines={kept["id"]: expected.timelines[kept["id"]]},
            report_agency={},
            report_signals={},
        )
    )
    assert agency_ids(every_agency(fresh)) == [kept["id"]]
    assert all(fresh.agency(a["id"]) is None for a in expected.agencies if a is not kept)
    assert fresh.get("syn-a")["signals"] == expected.report_signals["syn-a"]  # reports not named keep theirs


def test_saving_rejects_signals_that_are_not_signals(fresh, registry_records):
    fresh.write(registry_records[:1])
    bad = AgencyBuild(report_signals={registry_records[0]["id"]: [{"signal": "slow", "detail": "", "evidence": {}}]})
    with pytest.raises(InvalidRecord, match="signal"):
        fresh.save_agencies(bad)


def test_a_changed_agency_is_found_by_words_and_filters(fresh, registry_records, expected, today):
    fresh.write(registry_records)
    rebuild_agencies(fresh, today)
    moved = "syn-a"
    target = lvyuan(expected)["id"]
    fresh.save_agencies(
        AgencyBuild(
            agencies=expected.agencies,
            timelines=expected.timelines,
            report_agency={**expected.report_agency, moved: target},
            report_signals=expected.report_signals,
        )
    )
    assert fresh.get(moved)["agency_id"] == target
    assert moved in report_ids(fresh, q="信访局", filters={"agency_id": [target]})  # ranked: the FTS tag moved
    assert moved in report_ids(fresh, filters={"agency_id": [target]})
    assert moved not in report_ids(fresh, q="信访局", filters={"agency_id": [expected.report_agency[moved]]})


def test_records_stored_without_agency_fields_get_them(fresh, registry_records, expected, today):
    old = [{k: v for k, v in r.items() if k not in ("agency_id", "signals")} for r in registry_records]
    fresh.write(old)
    assert fresh.get(old[0]["id"]).get("signals") is None
    rebuild_agencies(fresh, today)
    for record in old:
        stored = fresh.get(record["id"])
        assert stored["agency_id"] == expected.report_agency.get(record["id"])
        assert stored["signals"] == expected.report_signals[record["id"]]
    agency = lvyuan(expected)["id"]
    assert report_ids(fresh, q="民政", filters={"agency_id": [agency]}) == {
        r for r, a in expected.report_agency.items() if a == agency
    }


# --------------------------------------------------------------------------- report search
def test_agency_filter_any_of(registered, expected):
    two = [lvyuan(expected)["id"], expected.agencies[0]["id"]]
    assert report_ids(registered, filters={"agency_id": two}) == {
        r for r, a in expected.report_agency.items() if a in two
    }
    assert report_ids(registered, filters={"agency_id": ["ag0000000000000000"]}) == set()


@pytest.mark.parametrize("signals", [["late"], ["copied", "cross_year"], ["failed_checks", "blank_cells"]])
def test_signal_filter_any_of(registered, expected, signals):
    want = {r for r, s in expected.report_signals.items() if set(signal_names(s)) & set(signals)}
    assert want and report_ids(registered, filters={"signal": signals}) == want
    ranked = report_ids(registered, q="政府信息公开", filters={"signal": signals})
    assert ranked == want & report_ids(registered, q="政府信息公开")


def test_signal_and_agency_facets(registered, expected):
    result = registered.search(SearchQuery(facets=("agency", "signal"), filters={"signal": ["late"]}))
    late = {r for r, s in expected.report_signals.items() if "late" in signal_names(s)}
    assert result.total == len(late)
    agencies = dict(result.facets["agency"])  # applies the signal filter
    assert agencies == {a: sum(1 for r in late if expected.report_agency.get(r) == a) for a in agencies}
    names = {a["id"]: a["name"] for a in expected.agencies}
    assert result.labels["agency"] == {a: names[a] for a in agencies}
    counted = dict(result.facets["signal"])  # ignores its own filter
    assert counted == {
        name: n
        for name in {n for s in expected.report_signals.values() for n in signal_names(s)}
        if (n := sum(1 for s in expected.report_signals.values() if name in signal_names(s)))
    }
    assert "agency" not in registered.search(SearchQuery()).facets  # counted only when asked for


def test_hits_carry_headline_figures_and_the_numbers_asked_about(registered, registry_records):
    by_id = {r["id"]: r for r in registry_records}
    where = "applications.total_processed.total>=0"
    result = registered.search(SearchQuery(where=[where], sort="-litigation_direct.total", limit=5))
    assert result.hits
    for hit in result.hits:
        assert list(hit.figures) == [*HEADLINE_NUMBERS, "applications.total_processed.total", "litigation_direct.total"]
        numbers = compute_numbers(by_id[hit.id]["stats"])
        assert hit.figures == {name: numbers[name] for name in hit.figures}
    plain = registered.search(SearchQuery(q="行政复议", limit=1)).hits[0]
    assert list(plain.figures) == list(HEADLINE_NUMBERS)


@pytest.mark.parametrize(
    "query",
    [
        SearchQuery(filters={"signal": ["slow"]}),
        SearchQuery(filters={"agency": ["x"]}),  # the facet's filter is agency_id
        SearchQuery(facets=("agency_id",)),
    ],
)
def test_bad_agency_and_signal_queries_are_query_errors(registered, query):
    with pytest.raises(QueryError):
        registered.search(query)


# --------------------------------------------------------------------------- agency queries
def test_agency_words_match_names_variants_and_regions(registered, expected):
    target = lvyuan(expected)["id"]
    assert agency_ids(every_agency(registered, q="绿园区民政局")) == [target]
    assert target in agency_ids(every_agency(registered, q="吉林省 民政"))
    assert agency_ids(every_agency(registered, q="平潭 实验区")) == [
        a["id"] for a in expected.agencies if a["name"] == "平潭综合实验区"
    ]
    assert every_agency(registered, q="不存在的机关").total == 0


def test_agency_filters_and_facets(registered, expected):
    result = every_agency(registered, filters={"kind": ["部门"], "signal": ["late", "copied"]})
    want = [a for a in expected.agencies if a["kind"] == "部门" and {"late", "copied"} & set(a["signals"])]
    assert sorted(agency_ids(result)) == sorted(a["id"] for a in want) and result.total == len(want)
    kinds = dict(result.facets["kind"])  # ignores its own filter
    assert kinds == {
        k: n
        for k in ("政府", "部门")
        if (n := sum(1 for a in expected.agencies if a["kind"] == k and {"late", "copied"} & set(a["signals"])))
    }
    signals = dict(result.facets["signal"])  # ignores its own filter, applies kind
    assert signals["missing"] == sum(1 for a in expected.agencies if a["kind"] == "部门")
    assert set(result.facets) == set(AGENCY_FACETS)


def signals_in(expected: AgencyBuild, agency_id: str, year: int) -> set[str]:
    """The signals of one agency-year of the expected registry."""
    return {s["signal"] for y in expected.timelines[agency_id] if y["report_year"] == year for s in y["signals"]}


def test_a_signal_year_narrows_the_signal_filter_and_facet_to_that_year(registered, expected):
    counts = Counter(
        (s["signal"], y["report_year"]) for years in expected.timelines.values() for y in years for s in y["signals"]
    )
    anywhere = Counter(name for a in expected.agencies for name in a["signals"])
    (signal, year), _ = next(((s, y), n) for (s, y), n in counts.most_common() if n < anywhere[s])  # not every year
    result = every_agency(registered, filters={"signal": [signal]}, signal_year=year)
    want = {a["id"] for a in expected.agencies if signal in signals_in(expected, a["id"], year)}
    assert want and set(agency_ids(result)) == want and result.total == len(want)
    any_year = every_agency(registered, filters={"signal": [signal]})
    assert any_year.total > result.total  # other years' signals count without a signal year
    facet = dict(every_agency(registered, signal_year=year).facets["signal"])
    assert facet == {
        name: n
        for name in {name for name, y in counts if y == year}
        if (n := sum(1 for a in expected.agencies if name in signals_in(expected, a["id"], year)))
    }
    nothing = every_agency(registered, filters={"signal": [signal]}, signal_year=1990)
    assert nothing.total == 0 and dict(nothing.facets["signal"]) == {signal: 0}


def test_agency_pages(registered, expected):
    whole = agency_ids(every_agency(registered))
    pages = [agency_ids(registered.agencies(AgencyQuery(offset=o, limit=3, facets=()))) for o in range(0, 12, 3)]
    assert sum(pages, []) == whole
    assert registered.agencies(AgencyQuery(offset=50)).agencies == []


@pytest.mark.parametrize(
    "query",
    [
        AgencyQuery(filters={"colour": ["red"]}),
        AgencyQuery(facets=("agency_id",)),
        AgencyQuery(filters={"signal": ["slow"]}),
        AgencyQuery(limit=1001),
        AgencyQuery(offset=-1),
        AgencyQuery(q="长" * 51),
        AgencyQuery(signal_year=1900),
    ],
)
def test_bad_agency_queries_are_query_errors(registered, query):
    with pytest.raises(QueryError):
        registered.agencies(query)


# --------------------------------------------------------------------------- same answers as SQLite
COMPARED = [
    AgencyQuery(),
    AgencyQuery(q="民政", filters={"signal": ["missing"]}, facet_limit=2),
    AgencyQuery(filters={"province": ["福建省", "吉林省"], "level": ["city", "county"]}, offset=1, limit=1),
    AgencyQuery(filters={"signal": ["missing", "late"]}, signal_year=2021),
]


@pytest.mark.parametrize("query", COMPARED, ids=[f"a{i}" for i in range(len(COMPARED))])
def test_same_agencies_as_sqlite(registered, registered_reference, query):
    got, want = registered.agencies(query), registered_reference.agencies(query)
    assert (got.total, got.agencies, got.facets) == (want.total, want.agencies, want.facets)


SEARCHES = [
    SearchQuery(facets=("agency", "signal"), sort="report_year"),
    SearchQuery(q="政府信息公开", filters={"signal": ["copied", "late"]}, facets=("agency", "signal", "province")),
    SearchQuery(where=[f"{NEW}>=0"], sort=f"-{NEW}", filters={"agency_id": ["agdbac6aff91d5470f"]}),
]


@pytest.mark.parametrize("query", SEARCHES, ids=[f"s{i}" for i in range(len(SEARCHES))])
def test_same_searches_as_sqlite(registered, registered_reference, query):
    got, want = registered.search(query), registered_reference.search(query)
    assert (got.total, got.facets, got.labels) == (want.total, want.facets, want.labels)
    hits, reference = [(h.id, h.figures) for h in got.hits], [(h.id, h.figures) for h in want.hits]
    if query.q:  # scores differ between BM25 implementations
        hits, reference = sorted(hits), sorted(reference)
    assert hits == reference
