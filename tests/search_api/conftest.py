"""A real SQLite index in tmp_path, built with the backend's own write(), served through TestClient."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from indexer.storage import open_backend
from indexer.tables.schema import CHECK_RULES
from sample_files import SAMPLES
from search_api.config import Settings
from search_api.main import create_app

SAMPLE_URLS = {
    "saihan-minzheng-2019": "http://www.saihan.gov.cn/zwgk/zfxxgknb/202001/t20200115_1001.html",
    "lvyuan-minzheng-2020": "http://www.lvyuan.gov.cn/art/2021/1/14/art_3301_2001.html",
    "lingwu-minzheng-2024": "http://www.lingwu.gov.cn/zwgk/zfxxgknb/202501/t20250120_3001.shtml",
}
SYNTHETIC = [
    # id, province, city, county, agency, agency_type, level, year, published, format, text
    (
        "syn-fj-1",
        "福建省",
        "福州市",
        None,
        "福州市信访局",
        "信访局",
        "city",
        2021,
        "2022-01-20",
        "2021",
        "福州市信访局2021年政府信息公开工作。全年未收到政府信息公开申请。本年度未发生行政诉讼案件。",
    ),
    (
        "syn-fj-2",
        "福建省",
        "福州市",
        "鼓楼区",
        "鼓楼区税务局",
        "税务局",
        "county",
        2022,
        "2023-01-18",
        "2021",
        "鼓楼区税务局坚持主动公开,全年主动公开信息120条。本年度未收取信息处理费。",
    ),
    (
        "syn-fj-3",
        "福建省",
        None,
        None,
        "福建省人民政府",
        "人民政府",
        "province",
        2022,
        "2023-03-30",
        "2021",
        "福建省人民政府加强政策解读,发布政策解读稿件56篇。依申请公开办理规范,行政复议案件2件均维持。",
    ),
    (
        "syn-gd-1",
        "广东省",
        "广州市",
        "天河区",
        "天河区卫生健康局",
        "卫生健康局",
        "county",
        2020,
        "2021-01-25",
        "2019",
        "天河区卫生健康局做好疫情防控信息公开。不予公开3件,部分公开1件。",
    ),
    (
        "syn-gd-2",
        "广东省",
        "广州市",
        None,
        "广州市人民政府",
        "人民政府",
        "city",
        2018,
        None,
        "legacy",
        "广州市人民政府2018年政府信息公开工作年度报告。因政府信息公开申请行政复议、提起行政诉讼的情况:无。",
    ),
]

# Table numbers and failing rules of some synthetic reports (the others have no stats and no checks).
SYNTHETIC_STATS = {
    "syn-fj-1": (
        {
            "applications": {
                "new_received": {"total": 0},
                "carried_over": {"total": 0},
                "total_processed": {"total": 0},
                "carried_forward": {"total": 0},
            },
            "review": {"upheld": 0, "corrected": 0, "other": 0, "pending": 0, "total": 0},
        },
        [],
    ),
    "syn-fj-3": (
        {
            "applications": {
                "new_received": {"natural_person": 140, "commercial": 10, "total": 150},
                "carried_over": {"total": 5},
                "granted": {"total": 100},
                "partly_granted": {"total": 20},
                "denied_state_secret": {"total": 2},
                "denied_third_party": {"total": 3},
                "unavailable_not_held": {"total": 10},
                "not_processed_duplicate": {"total": 4},
                "other_other": {"total": 6},
                "total_processed": {"total": 145},
                "carried_forward": {"total": 12},
            },
            "review": {"upheld": 1, "corrected": 1, "other": 0, "pending": 0, "total": 2},
            "litigation_direct": {"upheld": 0, "corrected": 0, "other": 0, "pending": 1, "total": 1},
            "proactive": {"fees": {"amount_10k_yuan": 7539.443252}},
        },
        ["applications_balance"],
    ),
    "syn-gd-1": (
        {
            "applications": {
                "new_received": {"total": 12},
                "granted": {"total": 5},
                "partly_granted": {"total": 1},
                "denied_law_prohibited": {"total": 3},
            },
            "litigation_direct": {"upheld": 1, "corrected": 0, "other": 0, "pending": 0, "total": 2},
        },
        ["suits_totals", "unparsed"],
    ),
}


def checks_list(failed: list[str] | None) -> list[dict]:
    """Every rule evaluated, the named ones failing; no checks at all for None."""
    if failed is None:
        return []
    return [
        {"rule": rule, "ok": rule not in failed, "detail": "总计" if rule in failed else ""} for rule in CHECK_RULES
    ]


def sample_records() -> list[dict]:
    """Records for the three sample reports: their real text and the gold fields."""
    records = []
    for stem, url in SAMPLE_URLS.items():
        gold = json.loads((SAMPLES / f"{stem}.gold.json").read_text(encoding="utf-8"))
        records.append(
            {
                "id": stem,
                "url": url,
                "urls": [url],
                "title": f"{gold['agency']}{gold['report_year']}年政府信息公开工作年度报告",
                "agency": gold["agency"],
                "agency_type": "民政局",
                "level": "county",
                "province": gold["province"],
                "city": gold["city"],
                "county": gold["county"],
                "report_year": gold["report_year"],
                "published": gold["published"],
                "format": gold["format"],
                "text": (SAMPLES / f"{stem}.txt").read_text(encoding="utf-8"),
                "stats": gold.get("stats"),
                "checks": checks_list(gold.get("failed_checks")),
                "source_format": "html",
                "fetched_at": "2025-03-01T08:00:00+00:00",
                "content_hash": None,
                "version": 1,
            }
        )
    return records


def synthetic_records() -> list[dict]:
    """A few short reports from other provinces, agencies and formats."""
    records = []
    for rid, prov, city, county, agency, atype, level, year, published, fmt, text in SYNTHETIC:
        url = f"https://example.gov.cn/{rid}.html"
        stats, failed = SYNTHETIC_STATS.get(rid, (None, None))
        records.append(
            {
                "id": rid,
                "url": url,
                "urls": [url],
                "title": f"{agency}{year}年政府信息公开工作年度报告",
                "agency": agency,
                "agency_type": atype,
                "level": level,
                "province": prov,
                "city": city,
                "county": county,
                "report_year": year,
                "published": published,
                "format": fmt,
                "text": text,
                "stats": stats,
                "checks": checks_list(failed),
                "source_format": "html",
                "fetched_at": None,
                "content_hash": None,
                "version": 1,
            }
        )
    return records


@pytest.fixture(scope="session")
def all_records() -> list[dict]:
    """Every record in the test index."""
    return sample_records() + synthetic_records()


@pytest.fixture(scope="session")
def db_path(tmp_path_factory, all_records) -> Path:
    """The SQLite index, written through the backend."""
    path = tmp_path_factory.mktemp("api") / "reports.sqlite"
    backend = open_backend(path)
    backend.write(all_records)
    backend.close()
    return path


@pytest.fixture(scope="session")
def client(db_path) -> TestClient:
    """The API over that index."""
    with TestClient(create_app(Settings(reports_db=db_path))) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def texts(all_records) -> dict[str, str]:
    """Original text by record id."""
    return {r["id"]: r["text"] for r in all_records}
