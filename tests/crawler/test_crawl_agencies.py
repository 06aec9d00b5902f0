"""The end of every crawl rebuilds the agency registry: after the last report is stored, before the run is saved.

A real `reports-crawl` of two sample-portal sites into a real SQLite file.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from run_helpers import REPORTS_CRAWL, run_command, seed_file, stored_runs

from indexer.storage import StorageOptions, open_backend
from indexer.storage.base import AgencyQuery

SITES = {"saihan": "/saihan/index.html", "lingwu": "/lingwu/index.html"}


@pytest.fixture(scope="module")
def crawled(portal, tmp_path_factory):
    """One crawl of two sites: what it printed and the index."""
    folder = tmp_path_factory.mktemp("agencies")
    db = folder / "reports.sqlite"
    args = [str(REPORTS_CRAWL), str(seed_file(folder, **SITES)), "--portal", portal, "--local", "--db", str(db)]
    done = run_command(args, folder)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stderr, db


def test_the_crawl_ends_by_rebuilding_the_registry_then_saving_the_run(crawled):
    log, db = crawled
    (run,) = stored_runs(db)
    rebuilt = log.index("Agency registry rebuilt: ")
    assert rebuilt < log.index(f"Run {run['id']} finished")
    line = log[rebuilt:].splitlines()[0]
    assert " agencies from " in line and line.endswith(" s")  # how many, and how long it took


def test_every_stored_report_has_its_agency_and_every_agency_is_listed(crawled: tuple[str, Path]):
    _, db = crawled
    backend = open_backend(db, StorageOptions(read_only=True))
    try:
        records = list(backend.records())
        agencies = backend.agencies(AgencyQuery(limit=1000))
    finally:
        backend.close()
    assert records and all(r["agency_id"] and isinstance(r["signals"], list) for r in records)
    assert {a["id"] for a in agencies.agencies} == {r["agency_id"] for r in records if r["report_year"]}
    assert sum(a["reports"] for a in agencies.agencies) == sum(1 for r in records if r["report_year"])
