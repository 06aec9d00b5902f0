"""One set of records and a `backend` fixture over every storage backend (SQLite always, Elasticsearch with ES_URL).

Records: the three sample reports (.txt) and the six real Pingtan report pages, each read by the
project's own `build_record`, plus synthetic records with table numbers, failed checks, nulls and
a negative number. `registered` adds two later reports of 长春市绿园区民政局 (registry_records.py) and
builds the agency registry with the project's own `rebuild_agencies`. The Elasticsearch run uses a unique alias per test session and deletes it after.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from indexer.agencies.build import rebuild_agencies
from indexer.record import build_record
from indexer.storage import Backend, StorageOptions, open_backend
from indexer.tables.schema import CHECK_RULES
from registry_records import TODAY, lvyuan_later_years
from sample_files import PINGTAN, SAMPLES, sample_files

BACKENDS = ("sqlite", pytest.param("elasticsearch", marks=pytest.mark.elasticsearch))


def _checks(failed: list[str] | None) -> list[dict]:
    """Every rule evaluated, the named ones failing; no checks for None."""
    if failed is None:
        return []
    return [{"rule": r, "ok": r not in failed, "detail": "总计" if r in failed else ""} for r in CHECK_RULES]


def _sample_url(path: Path) -> str:
    """The page's real URL from its gold file, else a made-up one."""
    gold = path.with_suffix(".gold.json")
    if gold.exists():
        url = json.loads(gold.read_text(encoding="utf-8")).get("url")
        if url:
            return url
    return f"http://www.example.gov.cn/{path.stem}.html"


def sample_records() -> list[dict]:
    """The sample texts and Pingtan pages, read by build_record."""
    paths = sample_files(SAMPLES, "*.txt", at_least=3) + sample_files(PINGTAN, "[0-9]*.html", at_least=6)
    return [
        build_record(
            p.read_bytes(),
            url=_sample_url(p),
            fetched_at="2025-03-01T08:00:00+00:00",
            source_format="txt" if p.suffix == ".txt" else "html",
        )
        for p in paths
    ]


def _syn(
    rid: str,
    province: str,
    city: str | None,
    agency_type: str,
    year: int,
    published: str | None,
    fmt: str,
    text: str,
    stats: dict | None = None,
    failed: list[str] | None = None,
) -> dict:
    """A short synthetic record."""
    url = f"https://example.gov.cn/contract/{rid}.html"
    return {
        "id": rid,
        "url": url,
        "urls": [url],
        "title": f"{province}{agency_type}{year}年政府信息公开工作年度报告",
        "agency": f"{city or province}{agency_type}",
        "agency_type": agency_type,
        "level": "city" if city else "province",
        "province": province,
        "city": city,
        "county": None,
        "region_code": None,
        "report_year": year,
        "published": published,
        "format": fmt,
        "text": text,
        "stats": stats,
        "checks": _checks(failed),
        "source_format": "html",
        "fetched_at": None,
        "content_hash": None,
        "version": 1,
    }


def _apps(new: float | None, granted: float | None = None) -> dict:
    """A table-三 fragment."""
    rows = {}
    if new is not None:
        rows["new_received"] = {"total": new}
    if granted is not None:
        rows["granted"] = {"total": granted}
    return {"applications": rows}


def synthetic_records() -> list[dict]:
    """Records with numbers in every bucket, nulls, failures, a negative change and a missing date."""
    return [
        _syn(
            "syn-a",
            "广东省",
            "广州市",
            "信访局",
            2021,
            "2022-01-20",
            "2021",
            "广州市信访局全年收到政府信息公开申请1200件。行政复议案件5件。",
            {**_apps(1200, 900), "review": {"total": 5, "corrected": 1}},
            ["applications_balance"],
        ),
        _syn(
            "syn-b",
            "广东省",
            "深圳市",
            "税务局",
            2022,
            "2023-01-18",
            "2021",
            "深圳市税务局主动公开信息。依申请公开办理规范。",
            {**_apps(150, 100), "review": {"total": 0}},
            [],
        ),
        _syn(
            "syn-c",
            "广东省",
            None,
            "人民政府",
            2022,
            "2023-03-30",
            "2021",
            "广东省人民政府加强政策解读。行政复议案件2件均维持。",
            {**_apps(12), "litigation_direct": {"total": 2}},
            ["suits_totals", "unparsed"],
        ),
        _syn(
            "syn-d",
            "浙江省",
            "杭州市",
            "信访局",
            2020,
            None,
            "2019",
            "杭州市信访局2020年政府信息公开工作。全年未收到政府信息公开申请。",
            {**_apps(0), "proactive": {"regulations": {"change": -3}}},
            [],
        ),
        _syn(
            "syn-e",
            "浙江省",
            "宁波市",
            "民政局",
            2020,
            "2021-02-02",
            "2019",
            "宁波市民政局做好信息公开。不予公开3件,部分公开1件。",
            _apps(7, 3),
            ["applications_row_totals"],
        ),
        _syn(
            "syn-f",
            "浙江省",
            None,
            "人民政府",
            2018,
            "2019-03-01",
            "legacy",
            "浙江省人民政府2018年政府信息公开工作年度报告。因政府信息公开申请行政复议的情况:无。",
        ),
    ]


@pytest.fixture(scope="session")
def contract_records() -> list[dict]:
    """Every record the contract suite indexes."""
    return sample_records() + synthetic_records()


Dropped = Callable[[], None]  # closes a backend and removes what it stored


def _open_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Backend:
    """A fresh SQLite backend in a temporary directory (removed with it)."""
    return open_backend(tmp_path_factory.mktemp("contract") / "reports.sqlite")


def _open_elasticsearch() -> tuple[Backend, Dropped]:
    """A fresh Elasticsearch backend behind a unique alias (ES_* settings from the environment, indexer.config)."""
    from indexer.config import StorageSettings

    alias = f"contract-{uuid.uuid4().hex[:12]}"
    options = StorageSettings(search_backend="elasticsearch", es_index=alias).es_options()
    backend = open_backend(options.url, StorageOptions(elasticsearch=options))

    def drop() -> None:
        from indexer.storage.elasticsearch.admin import connect

        backend.close()
        client = connect(options)
        try:
            delete_all(client, alias)
        finally:
            client.close()

    return backend, drop


def delete_all(client, alias: str) -> None:
    """Delete every index behind `alias`, its template and the indexes beside it."""
    from elasticsearch import NotFoundError

    from indexer.storage.elasticsearch.admin import alias_indices
    from indexer.storage.elasticsearch.mapping import (
        agencies_index,
        captures_index,
        failures_index,
        runs_index,
        versions_index,
    )

    for index in alias_indices(client, alias):
        client.indices.delete(index=index, ignore_unavailable=True)
    sides = (failures_index, runs_index, agencies_index, versions_index, captures_index)
    for side in (name(alias) for name in sides):
        client.indices.delete(index=side, ignore_unavailable=True)
    try:
        client.indices.delete_index_template(name=alias)
    except NotFoundError:
        pass


def _make_backend(name: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[Backend, Dropped]:
    """A fresh backend of this kind and how to drop it (Elasticsearch cases are marked, skipped without ES_URL)."""
    if name == "elasticsearch":
        return _open_elasticsearch()
    backend = _open_sqlite(tmp_path_factory)
    return backend, backend.close


@pytest.fixture(scope="session", params=BACKENDS)
def loaded(request, tmp_path_factory, contract_records):
    """A backend of each kind holding the contract records (read-only tests share it)."""
    backend, drop = _make_backend(request.param, tmp_path_factory)
    backend.write(contract_records)
    yield backend
    drop()


@pytest.fixture(params=BACKENDS)
def fresh(request, tmp_path_factory):
    """An empty backend of each kind, for tests that write."""
    backend, drop = _make_backend(request.param, tmp_path_factory)
    yield backend
    drop()


@pytest.fixture(scope="session")
def reference(tmp_path_factory, contract_records):
    """A SQLite backend with the same records: the reference the other backends are compared with."""
    backend = _open_sqlite(tmp_path_factory)
    backend.write(contract_records)
    yield backend
    backend.close()


@pytest.fixture(scope="session")
def registry_today() -> date:
    """The day the registries are built as of."""
    return TODAY


@pytest.fixture(scope="session")
def registry_records(contract_records) -> list[dict]:
    """The records of the registered backends."""
    return contract_records + lvyuan_later_years()


@pytest.fixture(scope="session", params=BACKENDS)
def registered(request, tmp_path_factory, registry_records):
    """A backend of each kind holding the registry records and the agency registry built from them."""
    backend, drop = _make_backend(request.param, tmp_path_factory)
    backend.write(registry_records)
    rebuild_agencies(backend, TODAY)
    yield backend
    drop()


@pytest.fixture(scope="session")
def registered_reference(tmp_path_factory, registry_records):
    """A SQLite backend with the same records and registry: what the other backends are compared with."""
    backend = _open_sqlite(tmp_path_factory)
    backend.write(registry_records)
    rebuild_agencies(backend, TODAY)
    yield backend
    backend.close()
