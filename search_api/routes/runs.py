"""GET /runs: the crawl runs, newest first, a page at a time (summed over portals); GET /runs/{id}: one in full."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query

from indexer.model import Run as CrawlRun
from indexer.runs import summarize

from ..deps import BackendDep
from ..schemas import MAX_RUNS, ErrorMessage, Run, RunsParams, RunsResponse

router = APIRouter(prefix="/runs", tags=["runs"])
RunId = Annotated[
    str,
    Path(
        min_length=1,
        max_length=100,
        description="the run's id (GET /runs; a failure's `run`)",
        examples=["20250301T030000Z-1a2b"],
    ),
]


@router.get("", response_model=RunsResponse)
def read_runs(params: Annotated[RunsParams, Query()], backend: BackendDep) -> RunsResponse:
    """The runs of one page, each with its portals' counts summed (GET /runs/{id} has the portals)."""
    start = (params.page - 1) * params.size
    runs = backend.runs(limit=start + params.size + 1)[start:]  # one more: are there older runs?
    shown = runs[: params.size]
    return RunsResponse(
        data=[summarize(run) for run in shown], page=params.page, size=params.size, more=len(runs) > len(shown)
    )


@router.get("/{run_id}", response_model=Run, responses={404: {"model": ErrorMessage}})
def read_run(run_id: RunId, backend: BackendDep) -> CrawlRun:
    """One run with its per-portal counts, or 404."""
    for run in backend.runs(limit=MAX_RUNS):
        if run["id"] == run_id:
            return run
    raise HTTPException(status_code=404, detail=f"no run with id {run_id!r} among the latest {MAX_RUNS}")
