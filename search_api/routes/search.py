"""GET /search: full-text search with filters, facets, sorting and pages."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from ..deps import BackendDep
from ..labels import facet_values
from ..regions import apply_regions
from ..schemas import ErrorMessage, HTTPValidationErrors, ReportHit, SearchParams, SearchResponse

router = APIRouter(prefix="/search", tags=["search"])


@router.get(
    "",
    response_model=SearchResponse,
    responses={400: {"model": ErrorMessage}, 422: {"model": HTTPValidationErrors}, 503: {"model": ErrorMessage}},
)
def search_reports(params: Annotated[SearchParams, Query()], backend: BackendDep) -> SearchResponse:
    """Search the reports; facet counts for each field apply every *other* active filter.

    Each hit carries `figures`: the headline numbers and every number the query filters or sorts by.
    Region filters take short or full names (吉林 or 吉林省): `resolved` says which full names were searched, and an
    unknown name is a 422 with suggestions. `size=0` returns the total and the facets only.
    """
    params, resolved = apply_regions(params)
    result = backend.search(params.to_query())
    data = [ReportHit(**hit.record, score=hit.score, snippet=hit.snippet, figures=hit.figures) for hit in result.hits]
    return SearchResponse(
        data=data,
        total=result.total,
        facets=facet_values(result.facets, result.labels),
        page=params.page,
        size=params.size,
        resolved=resolved,
    )
