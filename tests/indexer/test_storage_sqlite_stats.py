"""The SQLite backend's numbers and checks: where conditions, numeric sorts, check and bucket facets, export."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from indexer.errors import QueryError, StorageUnavailable
from indexer.storage import SearchQuery, StorageOptions, open_backend
from indexer.storage.facets import failed_checks
from indexer.storage.plan import parse_condition
from indexer.storage.sqlite.schema import DERIVED_COLUMNS
from indexer.tables.numbers import NUMBER_NAMES, compute_numbers
from indexer.tables.schema import CHECK_RULES
from reference import holds
from sample_files import PINGTAN, SAMPLES

SAMPLE_STEMS = ("saihan-minzheng-2019", "lvyuan-minzheng-2020", "lingwu-minzheng-2024")
PINGTAN_IDS = ("80576", "80613", "87885")
NEW = "applications.new_received.total"


def checks(failed: list[str] | None) -> list[dict]:
    """A checks list: every rule evaluated, the named ones failing (None: no check could be evaluated)."""
    if failed is None:
        return []
    return [{"rule": r, "ok": r not in failed, "detail": "总计列" if r in failed else ""} for r in CHECK_RULES]


def gold_record(path: Path, rid: str, text: str, province: str | None = None) -> dict:
    """A record from a gold file's fields and stats, its checks as the gold says."""
    gold = json.loads(path.read_text(encoding="utf-8"))
    return {
        "id": rid,
        "url": gold.get("url") or f"http://www.example.gov.cn/{rid}.html",
        "urls": [],
        "title": f"{gold['agency']}{gold['report_year']}年政府信息公开工作年度报告",
        "agency": gold["agency"],
        "agency_type": "人民政府",
        "level": "county",
        "province": province or gold["province"],
        "city": gold.get("city"),
        "county": gold.get("county"),
        "report_year": gold["report_year"],
        "published": gold["published"],
        "format": gold["format"],
        "text": text,
        "stats": gold["stats"],
        "checks": checks(gold.get("failed_checks", [])),
    }


def synthetic(rid: str, province: str, year: int, stats: dict | None, failed: list[str] | None) -> dict:
    """A short synthetic record with the given stats and failing rules."""
    return {
        "id": rid,
        "url": f"https://example.gov.cn/{rid}",
        "urls": [],
        "agency": f"{province}人民政府",
        "title": f"{province}{year}年政府信息公开工作年度报告",
        "agency_type": "人民政府",
        "level": "province",
        "province": province,
        "city": None,
        "county": None,
        "report_year": year,
        "published": f"{year + 1}-02-01",
        "format": "2021" if stats else "legacy",
        "text": f"{province}{year}年政府信息公开工作。行政复议。",
        "stats": stats,
        "checks": checks(failed),
    }


def suits(total: int, corrected: int = 0) -> dict:
    """One 复议/诉讼 group whose outcomes add up."""
    return {"upheld": total - corrected, "corrected": corrected, "other": 0, "pending": 0, "total": total}


@pytest.fixture
def records() -> list[dict]:
    samples = [
        gold_record(SAMPLES / f"{s}.gold.json", s, (SAMPLES / f"{s}.txt").read_text(encoding="utf-8"))
        for s in SAMPLE_STEMS
    ]
    pingtan = [
        gold_record(PINGTAN / f"{n}.gold.json", f"pt-{n}", "平潭政府信息公开工作年度报告。行政复议。")
        for n in PINGTAN_IDS
    ]
    return (
        samples
        + pingtan
        + [
            synthetic(
                "s-big",
                "福建省",
                2022,
                {
                    "applications": {
                        "new_received": {"total": 1500},
                        "granted": {"total": 1200},
                        "denied_third_party": {"total": 7},
                    },
                    "review": suits(4, 2),
                },
                ["applications_balance"],
            ),
            synthetic(
                "s-suits",
                "广东省",
                2022,
                {
                    "applications": {"new_received": {"total": 40}},
                    "review": {"upheld": 1, "corrected": 1, "other": 0, "pending": 0, "total": 3},
                    "litigation_direct": suits(2, 1),
                },
                ["suits_totals", "unparsed"],
            ),
            synthetic("s-legacy", "广东省", 2015, None, None),
            synthetic("s-no-apps", "福建省", 2021, {"review": suits(0), "litigation_after_review": suits(1)}, []),
            synthetic("s-tie", "福建省", 2022, {"applications": {"new_received": {"total": 23}}}, []),
        ]
    )


@pytest.fixture
def backend(tmp_path, records):
    be = open_backend(tmp_path / "reports.sqlite")
    be.write(records)
    yield be
    be.close()


def ids(result) -> list[str]:
    return [h.id for h in result.hits]


def numbers(records: list[dict]) -> dict[str, dict]:
    """Registry numbers by record id, computed in Python."""
    return {r["id"]: compute_numbers(r["stats"]) for r in records}


@pytest.mark.parametrize(
    "where",
    [
        [f"{NEW}>=20"],
        [f"{NEW}>20"],
        [f"{NEW}<=2"],
        [f"{NEW}<2"],
        [f"{NEW}=23"],
        [f"{NEW}!=0"],
        ["applications.denied.total>0"],
        ["litigation.total>=1"],
        ["review.corrected=0"],
        [f"{NEW}>=1", f"{NEW}<100"],
        [f"{NEW}>=1", "review.total>=1"],
        ["litigation_after_review.total>0"],
    ],
)
def test_where_conditions_match_python(backend, records, where):
    conditions = [parse_condition(w) for w in where]
    expected = {rid for rid, nums in numbers(records).items() if all(holds(nums[c.name], c) for c in conditions)}
    result = backend.search(SearchQuery(where=where, limit=100))
    assert set(ids(result)) == expected and result.total == len(expected)
    ranked = backend.search(SearchQuery(q="政府信息公开", where=where, limit=100))  # BM25 path: same rows
    assert set(ids(ranked)) == expected & set(ids(backend.search(SearchQuery(q="政府信息公开", limit=100))))


def test_null_numbers_never_match_not_even_not_equal(backend):
    assert "s-legacy" not in ids(backend.search(SearchQuery(where=[f"{NEW}!=5"], limit=100)))
    assert "s-no-apps" not in ids(backend.search(SearchQuery(where=["applications.denied.total<=0"], limit=100)))


@pytest.mark.parametrize("name", [NEW, "applications.denied.total", "review.total", "litigation.total"])
@pytest.mark.parametrize("descending", [False, True])
def test_numeric_sort_nulls_last_ties_by_id(backend, records, name, descending):
    values = {rid: nums[name] for rid, nums in numbers(records).items()}
    present = sorted((rid for rid, v in values.items() if v is not None), key=lambda rid: rid)
    present.sort(key=lambda rid: values[rid], reverse=descending)  # stable: ties stay in id order
    expected = present + sorted(rid for rid, v in values.items() if v is None)
    sort = ("-" if descending else "") + name
    assert ids(backend.search(SearchQuery(sort=sort, limit=100))) == expected
    pages = [ids(backend.search(SearchQuery(sort=sort, offset=o, limit=3))) for o in range(0, 15, 3)]
    assert sum(pages, []) == expected  # the partial sort agrees page by page


def test_numeric_sort_with_where_and_filters(backend):
    result = backend.search(SearchQuery(where=[f"{NEW}>=1"], filters={"province": ["福建省"]}, sort=f"-{NEW}"))
    assert ids(result) == ["s-big", "pt-87885", "pt-80613", "pt-80576", "s-tie"]


def test_failed_check_filters(backend, records):
    failing = {r["id"] for r in records if failed_checks(r["checks"])}
    passing = {r["id"] for r in records if failed_checks(r["checks"]) == []}
    assert failing == {"s-big", "s-suits"}
    assert set(ids(backend.search(SearchQuery(filters={"has_failed_checks": ["true"]})))) == failing
    assert set(ids(backend.search(SearchQuery(filters={"has_failed_checks": ["false"]}, limit=100)))) == passing
    assert ids(backend.search(SearchQuery(filters={"failed_check": ["suits_totals"]}))) == ["s-suits"]
    either = backend.search(SearchQuery(filters={"failed_check": ["unparsed", "applications_balance"]}))
    assert set(ids(either)) == {"s-big", "s-suits"}  # repeated values: any of them
    assert backend.search(SearchQuery(filters={"failed_check": ["applications_row_totals"]})).total == 0
    ranked = backend.search(SearchQuery(q="行政复议", filters={"failed_check": ["applications_balance"]}))
    assert ids(ranked) == ["s-big"]


def test_check_facets_count_with_the_other_filters(backend):
    result = backend.search(SearchQuery(facets=("has_failed_checks", "failed_check")))
    assert dict(result.facets["has_failed_checks"]) == {"false": 8, "true": 2}  # s-legacy: no checks
    assert result.facets["failed_check"] == [("applications_balance", 1), ("suits_totals", 1), ("unparsed", 1)]
    narrowed = backend.search(
        SearchQuery(
            filters={"province": ["广东省"], "has_failed_checks": ["true"]},
            facets=("has_failed_checks", "failed_check", "province"),
        )
    )
    assert ids(narrowed) == ["s-suits"]
    assert dict(narrowed.facets["has_failed_checks"]) == {"true": 1}  # its own filter ignored, province kept
    assert dict(narrowed.facets["failed_check"]) == {"suits_totals": 1, "unparsed": 1}
    assert dict(narrowed.facets["province"]) == {"福建省": 1, "广东省": 1}
    selected = backend.search(
        SearchQuery(filters={"failed_check": ["applications_row_totals"]}, facets=("failed_check",))
    )
    assert ("applications_row_totals", 0) in selected.facets["failed_check"]  # a selected value is always listed


def bucket(value: float | None) -> str | None:
    """The range bucket label of a value, computed by hand."""
    if value is None:
        return None
    return (
        "0"
        if value < 1
        else "1-9"
        if value < 10
        else "10-99"
        if value < 100
        else "100-999"
        if value < 1000
        else "1000+"
    )


@pytest.mark.parametrize(
    "query_filters, where",
    [
        ({}, []),
        ({"province": ["福建省"]}, []),
        ({"format": ["2021"]}, ["review.total>=1"]),
        ({"has_failed_checks": ["false"]}, [f"{NEW}>=10"]),
    ],
)
def test_bucket_facets_respect_the_other_filters(backend, records, query_filters, where):
    query = SearchQuery(filters=query_filters, where=where, facets=(NEW, "review.total"), limit=100)
    result = backend.search(query)
    conditions = [parse_condition(w) for w in where]
    nums = numbers(records)
    for name in (NEW, "review.total"):
        kept = [w for w, c in zip(where, conditions) if c.name != name]
        others = SearchQuery(filters=query_filters, where=kept, limit=100)
        pool = ids(backend.search(others))
        expected = dict.fromkeys(("0", "1-9", "10-99", "100-999", "1000+"), 0)
        for rid in pool:
            if (label := bucket(nums[rid][name])) is not None:
                expected[label] += 1
        assert result.facets[name] == list(expected.items())  # every bucket, in order


@pytest.mark.parametrize(
    "query, message",
    [
        (SearchQuery(where=["applications.total>=1"]), "unknown number"),
        (SearchQuery(where=["review.total>>1"]), "cannot read"),
        (SearchQuery(filters={"has_failed_checks": ["yes"]}), "has_failed_checks"),
        (SearchQuery(filters={"failed_check": ["a b"]}), "failed_check"),
        (SearchQuery(facets=("applications.total",)), "unknown facet"),
        (SearchQuery(sort="-applications.total"), "sort"),
    ],
)
def test_bad_number_queries_raise_query_error(backend, query, message):
    with pytest.raises(QueryError, match=message):
        backend.search(query)


def test_stats_and_checks_are_stored_whole(backend, records):
    for record in records:
        stored = backend.get(record["id"])
        assert stored["stats"] == record["stats"] and stored["checks"] == record["checks"]


def test_export_follows_the_search_order_without_text(backend, records):
    query = SearchQuery(where=[f"{NEW}>=1"], sort=f"-{NEW}", offset=5, limit=1, facets=("province",))
    export = backend.export(query, max_rows=100)
    rows = list(export.records)
    assert export.total == 7
    assert [r["id"] for r in rows] == ids(backend.search(SearchQuery(where=[f"{NEW}>=1"], sort=f"-{NEW}", limit=100)))
    by_id = {r["id"]: r for r in records}
    assert all("text" not in r and r["stats"] == by_id[r["id"]]["stats"] for r in rows)
    capped = backend.export(SearchQuery(q="行政复议"), max_rows=2)
    assert capped.total > 2 and len(list(capped.records)) == 2
    with pytest.raises(QueryError):
        backend.export(SearchQuery(), max_rows=10**6)


def test_old_file_gets_the_columns_when_opened_for_writing(backend, records, tmp_path):
    backend.close()
    path = tmp_path / "reports.sqlite"
    conn = sqlite3.connect(path)
    for column in DERIVED_COLUMNS:  # what a file written before issue #3 looks like
        conn.execute(f"ALTER TABLE reports DROP COLUMN {column}")
    conn.commit()
    conn.close()
    with pytest.raises(StorageUnavailable, match="open it once for writing"):
        open_backend(path, StorageOptions(read_only=True))
    open_backend(path).close()  # the writer adds and fills the columns
    reader = open_backend(path, StorageOptions(read_only=True))
    try:
        assert ids(reader.search(SearchQuery(sort=f"-{NEW}", limit=2))) == ["s-big", "pt-87885"]
        assert reader.search(SearchQuery(filters={"failed_check": ["unparsed"]})).total == 1
    finally:
        reader.close()


def test_every_number_can_sort_and_facet(backend):
    for name in NUMBER_NAMES:
        result = backend.search(SearchQuery(sort=f"-{name}", facets=(name,), limit=1))
        assert result.total == 11 and len(result.facets[name]) == 5
