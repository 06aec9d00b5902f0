"""Reports of one agency across years, built by the indexer's own `build_record`: what agency tests index.

长春市绿园区民政局's real 2020 report (sample_portal/data/samples) again as its 2021 report (published
late for a department, repeating the 2020 text with only the years changed) and as its 2022 report under
its short name 绿园区民政局, opening with 3 applications carried over where 2021 closed with none; and the
six real Pingtan reports (2011 late, years missing between them).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from indexer.agencies.build import rebuild_agencies
from indexer.record import build_record
from indexer.storage import open_backend
from sample_files import PINGTAN, SAMPLES, sample_files

TODAY = date(2026, 12, 6)  # the registry's "today": reports on 2025 are due
LVYUAN = "长春市绿园区民政局"
LVYUAN_2020_URL = "http://www.lvyuan.gov.cn/art/2021/1/14/art_3301_2001.html"


def lvyuan_later_years() -> list[dict]:
    """The 2021 and 2022 reports of 长春市绿园区民政局 made from its 2020 report."""
    text = (SAMPLES / "lvyuan-minzheng-2020.txt").read_text(encoding="utf-8")
    records = []
    for year, name, published in ((2021, LVYUAN, "2022-02-15"), (2022, "绿园区民政局", "2023-01-20")):
        page = text.replace("2020", str(year)).replace(LVYUAN, name)
        url = f"http://www.lvyuan.gov.cn/art/{year + 1}/1/20/art_3301_{year}.html"
        record = build_record(page.encode("utf-8"), url=url, source_format="txt")
        records.append({**record, "published": published})  # the registry build judges lateness again
    opening = records[1]["stats"]["applications"]["carried_over"]
    opening["natural_person"], opening["total"] = 3, 3
    return records


def lvyuan_records() -> list[dict]:
    """The three reports of 长春市绿园区民政局 (2020, 2021, 2022)."""
    first = build_record((SAMPLES / "lvyuan-minzheng-2020.txt").read_bytes(), url=LVYUAN_2020_URL, source_format="txt")
    return [first, *lvyuan_later_years()]


def pingtan_records() -> list[dict]:
    """The six real Pingtan report pages."""
    return [build_record(p.read_bytes()) for p in sample_files(PINGTAN, "8*.html", at_least=6)]


def registry_index(path: Path, records: list[dict]) -> Path:
    """A SQLite index at `path` holding `records` and their agency registry (as of TODAY)."""
    backend = open_backend(path)
    backend.write(records)
    rebuild_agencies(backend, TODAY)
    backend.close()
    return path


def agency_id(api: object, name: str) -> str:
    """The id of the agency named `name`, asked of the API (a TestClient or an httpx client)."""
    answer = api.get("/agencies", params={"q": name}).json()  # type: ignore[attr-defined]
    (found,) = [a["id"] for a in answer["data"] if a["name"] == name]
    return found
