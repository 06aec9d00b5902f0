"""GET /search with number conditions (where), numeric sorts, check filters and facets."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.storage.facets import failed_checks
from indexer.storage.plan import parse_condition
from indexer.tables.numbers import NUMBER_NAMES, compute_numbers
from reference import holds

NEW = "applications.new_received.total"


def ids(body: dict) -> set[str]:
    """The ids of the hits in a response."""
    return {hit["id"] for hit in body["data"]}


def facet(body: dict, name: str) -> dict[str, int]:
    """One facet as {value: count}."""
    return {f["value"]: f["count"] for f in body["facets"][name]}


def expected_ids(records: list[dict], where: list[str]) -> set[str]:
    """The records satisfying every condition, computed in Python."""
    conditions = [parse_condition(w) for w in where]
    return {r["id"] for r in records if all(holds(compute_numbers(r["stats"])[c.name], c) for c in conditions)}


@pytest.mark.parametrize(
    "where",
    [
        [f"{NEW}>=10"],
        [f"{NEW}>=1"],
        [f"{NEW}=0"],
        [f"{NEW}!=0"],
        [f"{NEW} < 100"],
        ["applications.denied.total>=3"],
        ["litigation.total>0"],
        ["review.corrected>=1"],
        [f"{NEW}>=1", "applications.denied.total<5"],
    ],
)
def test_where_filters_like_python(client, all_records, where):
    body = client.get("/search", params={"where": where, "size": 100}).json()
    assert ids(body) == expected_ids(all_records, where) and body["total"] == len(ids(body))


def test_where_with_text_and_filters(client, all_records):
    params = {"q": "公开", "province": "福建省", "where": f"{NEW}>=0", "size": 100}
    body = client.get("/search", params=params).json()
    assert ids(body) == {"syn-fj-1", "syn-fj-3"}


@pytest.mark.parametrize("descending", [False, True])
def test_numeric_sort_nulls_last_ties_by_id(client, all_records, descending):
    sort = ("-" if descending else "") + NEW
    got = [h["id"] for h in client.get("/search", params={"sort": sort, "size": 100}).json()["data"]]
    value = {r["id"]: compute_numbers(r["stats"])[NEW] for r in all_records}
    present = sorted((rid for rid, v in value.items() if v is not None))
    present.sort(key=lambda rid: value[rid], reverse=descending)
    assert got == present + sorted(rid for rid, v in value.items() if v is None)
    assert got[0] == ("syn-fj-3" if descending else present[0])


def test_failed_check_filters_and_facets(client, all_records):
    failing = {r["id"] for r in all_records if failed_checks(r["checks"])}
    body = client.get("/search", params={"has_failed_checks": "true"}).json()
    assert ids(body) == failing == {"syn-fj-3", "syn-gd-1"}
    passing = client.get("/search", params={"has_failed_checks": "false", "size": 100}).json()
    assert ids(passing) == {r["id"] for r in all_records if failed_checks(r["checks"]) == []}
    one = client.get("/search", params={"failed_check": "unparsed"}).json()
    assert ids(one) == {"syn-gd-1"}
    either = client.get("/search", params=[("failed_check", "unparsed"), ("failed_check", "applications_balance")])
    assert ids(either.json()) == failing
    everything = client.get("/search").json()
    assert facet(everything, "has_failed_checks") == {"false": 4, "true": 2}
    assert facet(everything, "failed_check") == {"applications_balance": 1, "suits_totals": 1, "unparsed": 1}
    guangdong = client.get("/search", params={"province": "广东省", "failed_check": "suits_totals"}).json()
    assert facet(guangdong, "failed_check") == {"suits_totals": 1, "unparsed": 1}  # own filter ignored
    assert facet(guangdong, "province") == {"广东省": 1}  # other filter kept


def test_numeric_bucket_facets(client):
    body = client.get("/search", params={"facets": [NEW, "review.total"]}).json()
    assert set(body["facets"]) == {NEW, "review.total"}
    assert facet(body, NEW) == {"0": 3, "1-9": 1, "10-99": 1, "100-999": 1, "1000+": 0}
    assert [f["value"] for f in body["facets"][NEW]] == ["0", "1-9", "10-99", "100-999", "1000+"]
    fujian = client.get("/search", params={"facets": NEW, "province": "福建省", "where": f"{NEW}>=100"}).json()
    assert ids(fujian) == {"syn-fj-3"}
    assert facet(fujian, NEW) == {"0": 1, "1-9": 0, "10-99": 0, "100-999": 1, "1000+": 0}  # its own where ignored


@pytest.mark.parametrize(
    "where, fragment",
    [
        ("applications.total>=1", "unknown number"),
        ("title>=1", "unknown number"),
        ("applications.new_received.total", "cannot read"),
        ("applications.new_received.total>=ten", "cannot read"),
        ("applications.new_received.total=>1", "cannot read"),
        ("applications.new_received.total>=1;DROP TABLE reports", "cannot read"),
        ("", "cannot read"),
    ],
)
def test_bad_where_is_422_listing_the_numbers(client, where, fragment):
    response = client.get("/search", params={"where": where})
    assert response.status_code == 422
    err = response.json()["detail"][0]
    assert "where" in err["loc"] and fragment in err["msg"]
    assert all(name in err["msg"] for name in NUMBER_NAMES)
    assert client.get("/search.csv", params={"where": where}).status_code == 422


@pytest.mark.parametrize(
    "params, field",
    [
        ({"sort": "applications.total"}, "sort"),
        ({"sort": "--review.total"}, "sort"),
        ({"facets": "applications.total"}, "facets"),
        ({"has_failed_checks": "maybe"}, "has_failed_checks"),
        ({"failed_check": "no_such_rule"}, "failed_check"),
        ({"where": ["review.total>=1"] * 21}, "where"),
        ({"where": "review.total>=" + "1" * 300}, "where"),
    ],
)
def test_bad_number_parameters_are_422(client, params, field):
    response = client.get("/search", params=params)
    assert response.status_code == 422
    assert any(field in err["loc"] for err in response.json()["detail"])
    assert len(response.text) < 3000


HOSTILE_WHERE = [
    "'",
    '"',
    "review.total>='1'",
    "review.total>=1 OR 1=1",
    "review.total>=1--",
    "review.total>=NULL",
    "review.total>=1e400",
    "review.total>=-0",
    "review.total>=99999999999999999999",
    "review.total>=0x10",
    "🙂>=1",
    "review.total>=１",
    "review.total\x00>=1",
    "review.total>=1\n",
    "n_review_total>=1",
    "reports.docid>=1",
    "review.total>=inf",
    "review.total>=nan",
    "%",
    "=" * 50,
]


@pytest.mark.parametrize("where", HOSTILE_WHERE)
def test_hostile_where_never_500(client, where):
    for path in ("/search", "/search.csv"):
        response = client.get(path, params={"where": where, "q": "行政复议"})
        assert response.status_code in (200, 422), response.text


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    where=st.one_of(
        st.text(max_size=80),
        st.builds(
            lambda n, op, v: f"{n}{op}{v}",
            st.sampled_from(NUMBER_NAMES),
            st.sampled_from([">=", "<=", ">", "<", "=", "!=", "==", "<>"]),
            st.one_of(st.integers(-(10**20), 10**20), st.floats(allow_nan=True), st.text(max_size=5)),
        ),
    ),
    sort=st.sampled_from(["relevance", NEW, f"-{NEW}", "-litigation.total"]),
)
def test_any_where_never_500(client, where, sort):
    response = client.get("/search", params={"where": where, "sort": sort, "facets": [NEW, "failed_check"]})
    assert response.status_code in (200, 422), response.text
