"""GET /runs, GET /runs/{id} and the latest run in /health, over a real SQLite index holding crawl runs."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from indexer.model import PortalRun, Run
from indexer.runs import run_totals
from indexer.storage import open_backend
from search_api.config import Settings
from search_api.main import create_app

RUNS = 25
BEFORE_WITHDRAWALS = 5  # runs 0-4 were saved before withdrawals were counted (no reports_withdrawn/_returned)


def portal(name: str, n: int) -> PortalRun:
    """One portal's counts, different for every run (the oldest runs without the counts added since)."""
    counts = {
        "portal": name,
        "requests": 10 + n,
        "pages": 9 + n,
        "not_modified": n,
        "reports_new": 1,
        "reports_changed": 0,
        "reports_unchanged": n,
        "failures": {"fetch_failed": 1} if name == "saihan" else {},
        "column_found": name == "saihan",
        "budgets_exhausted": ["list_pages"] if name == "lvyuan" else [],
    }
    if n >= BEFORE_WITHDRAWALS:
        counts |= {"reports_withdrawn": n % 3, "reports_returned": n % 2}
    return counts  # type: ignore[return-value]  # the oldest lack the counts added since


def crawl_run(n: int) -> Run:
    """The n-th daily run (n = 0 is the oldest); the newest is still running."""
    day = f"2026-11-{n + 1:02d}"
    newest = n == RUNS - 1
    return {
        "id": f"{day.replace('-', '')}T030000Z-{n:04x}",
        "started_at": f"{day}T03:00:00Z",
        "finished_at": None if newest else f"{day}T03:40:00Z",
        "status": "running" if newest else "finished",
        "seeds": "seeds/real_portals.yaml",
        "portals": [portal("saihan", n), portal("lvyuan", n)],
    }


def client_for(db) -> TestClient:
    """The API over the index at `db`."""
    return TestClient(create_app(Settings(reports_db=db)))


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    db = tmp_path_factory.mktemp("runs") / "reports.sqlite"
    backend = open_backend(db)
    for n in (3, 0, 24, 1, *range(4, 24), 2):  # saved in any order
        backend.save_run(crawl_run(n))
    backend.close()
    with client_for(db) as test_client:
        yield test_client


def test_runs_newest_first_summed_over_portals(client):
    body = client.get("/runs", params={"size": 10}).json()
    assert (body["page"], body["size"], body["more"]) == (1, 10, True)
    assert [run["id"] for run in body["data"]] == [crawl_run(n)["id"] for n in range(24, 14, -1)]
    newest = body["data"][0]
    assert newest == {
        "id": crawl_run(24)["id"],
        "started_at": "2026-11-25T03:00:00Z",
        "finished_at": None,
        "status": "running",
        "seeds": "seeds/real_portals.yaml",
        "totals": run_totals(crawl_run(24)["portals"]),
        "columns": {},  # no seed of these runs recorded which route found its columns
    }
    assert newest["totals"]["portals"] == 2 and newest["totals"]["portals_without_column"] == 1


def test_runs_last_page_and_past_the_end(client):
    last = client.get("/runs", params={"size": 10, "page": 3}).json()
    assert [run["id"] for run in last["data"]] == [crawl_run(n)["id"] for n in range(4, -1, -1)]
    assert last["more"] is False
    assert client.get("/runs", params={"size": 10, "page": 4}).json()["data"] == []


def test_one_run_in_full_with_its_portals(client):
    run = crawl_run(7)
    served = client.get(f"/runs/{run['id']}").json()
    assert served == {**run, "portals": [{**p, "columns": []} for p in run["portals"]]}  # saved without routes


def test_a_run_shows_which_route_found_each_column(tmp_path):
    run = crawl_run(24)
    route = {
        "column": "https://www.pingtan.gov.cn/zwgk/zfxxgk/dfbmptlj/ptzhsyqbm/ptzhsyqczj/zfxxgknb/",
        "route": "home › 政府信息公开 › 地方部门平台链接 › 财政金融局 › 政府信息公开年报",
        "via": "binding",
    }
    run["portals"][0]["columns"] = [route]
    backend = open_backend(tmp_path / "reports.sqlite")
    backend.save_run(run)
    backend.close()
    with client_for(tmp_path / "reports.sqlite") as test_client:
        assert test_client.get(f"/runs/{run['id']}").json()["portals"][0]["columns"] == [route]
        assert test_client.get("/runs").json()["data"][0]["columns"] == {"saihan": [route]}


def test_a_run_saved_before_withdrawals_were_counted_shows_none(client):
    run = crawl_run(2)
    assert "reports_withdrawn" not in run["portals"][0]
    served = client.get(f"/runs/{run['id']}").json()
    assert served["portals"] == [
        {**p, "reports_withdrawn": 0, "reports_returned": 0, "columns": []} for p in run["portals"]
    ]


def test_unknown_run_is_404_with_message(client):
    response = client.get("/runs/20990101T000000Z-0000")
    assert response.status_code == 404
    assert "20990101T000000Z-0000" in response.json()["detail"]


@pytest.mark.parametrize(
    "params", [{"size": 0}, {"size": 101}, {"page": 0}, {"page": "x"}, {"page": 11, "size": 100}, {"sort": "id"}]
)
def test_bad_paging_is_422(client, params):
    assert client.get("/runs", params=params).status_code == 422


def test_health_shows_the_latest_run(client):
    body = client.get("/health").json()
    assert body["status"] == "ok"
    assert body["latest_run"]["id"] == crawl_run(24)["id"] and body["latest_run"]["status"] == "running"


def test_no_run_yet(tmp_path):
    open_backend(tmp_path / "reports.sqlite").close()
    with client_for(tmp_path / "reports.sqlite") as fresh:
        assert fresh.get("/health").json()["latest_run"] is None
        assert fresh.get("/runs").json() == {"data": [], "page": 1, "size": 20, "more": False}
