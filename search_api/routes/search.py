"""GET /search: full-text search with filters, facets, sorting and pages."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from ..deps import BackendDep
from ..schemas import ErrorMessage, FacetValue, ReportHit, SearchParams, SearchResponse

router = APIRouter(prefix="/search", tags=["search"])


@router.get("", response_model=SearchResponse, responses={400: {"model": ErrorMessage}, 503: {"model": ErrorMessage}})
def search_reports(params: Annotated[SearchParams, Query()], backend: BackendDep) -> SearchResponse:
    """Search the reports; facet counts for each field apply every *other* active filter."""
    result = backend.search(params.to_query())
    data = [ReportHit(**hit.record, score=hit.score, snippet=hit.snippet) for hit in result.hits]
    facets = {name: [FacetValue(value=v, count=c) for v, c in values] for name, values in result.facets.items()}
    return SearchResponse(data=data, total=result.total, facets=facets, page=params.page, size=params.size)
