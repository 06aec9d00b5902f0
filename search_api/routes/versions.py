"""GET /reports/{id}/versions, /diff and /source: every version of a report, what changed, the bytes the site served."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response

from indexer.model import Version
from indexer.storage import Backend
from indexer.versions.diff import cell_diff, change_summary, text_diff

from ..deps import BackendDep, SettingsDep
from ..replay import NotArchived, read_archived, replay_headers
from ..schemas import VERSION_OMITS, DiffParams, DiffResponse, ErrorMessage, SourceParams, VersionsResponse
from .reports import ReportId

router = APIRouter(prefix="/reports", tags=["versions"])
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": ErrorMessage}}
SOURCE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {"*/*": {}},
        "description": "the archived body as the site served it, with its original Content-Type; "
        "X-Archive-Captured-At, X-Archive-URL, X-Archive-File, X-Archive-Offset, Link rel=original and "
        "Memento-Datetime name the capture",
    },
    404: {"model": ErrorMessage, "description": "no such report, no archived copy, or its WARC file is missing"},
}


@router.get("/{report_id}/versions", response_model=VersionsResponse, responses=NOT_FOUND)
def read_versions(report_id: ReportId, backend: BackendDep) -> dict[str, Any]:
    """Every distinct version of the report, oldest first, without texts: its content hash, when it was first and
    last served, what it changed from the version before, its archived copy, and its title and date."""
    versions = _versions(backend, report_id)
    return {"report_id": report_id, "versions": [version_summary(v) for v in versions.values()]}


@router.get("/{report_id}/diff", response_model=DiffResponse, responses=NOT_FOUND)
def read_diff(report_id: ReportId, params: Annotated[DiffParams, Query()], backend: BackendDep) -> DiffResponse:
    """What changed from version `from` to version `to`: sentences added, removed or changed (character by character,
    as Chinese needs), the table cells whose value changed (old → new) and a one-line summary.

    Default: the latest version against the one before. 422 for a version the report does not have, or from ≥ to.
    """
    versions = _versions(backend, report_id)
    old, new = _pair(versions, params, report_id)
    sentences = text_diff(old["record"]["text"], new["record"]["text"])
    cells = cell_diff(old["record"]["stats"], new["record"]["stats"])
    return DiffResponse.model_validate(
        {
            "report_id": report_id,
            "from": old["version"],
            "to": new["version"],
            "sentences": sentences,
            "cells": cells,
            "summary": change_summary(sentences, cells),
        }
    )


@router.get("/{report_id}/source", response_class=Response, responses=SOURCE_RESPONSES)
def read_source(
    report_id: ReportId, params: Annotated[SourceParams, Query()], backend: BackendDep, settings: SettingsDep
) -> Response:
    """Replay the response the site served for one version (default: the latest), byte for byte, from the web
    archive, with its original Content-Type and headers naming the capture (cite it with its URL and
    Memento-Datetime). 404 when the version has no archived copy or its WARC file is missing."""
    versions = _versions(backend, report_id)
    number = params.version if params.version is not None else _latest(versions, report_id)
    capture = _version(versions, number, "version", report_id)["capture"]
    if capture is None:
        raise HTTPException(
            status_code=404,
            detail=f"version {number} of report {report_id!r} has no archived copy (it was indexed without the web archive)",
        )
    try:
        archived = read_archived(settings.archive_dir(), capture)
    except NotArchived as exc:
        raise HTTPException(status_code=404, detail=f"version {number} of report {report_id!r}: {exc}") from exc
    return Response(content=archived.body, headers=replay_headers(capture, archived))


def version_summary(version: Version) -> dict[str, Any]:
    """A version without its record, with the title and publication date that version had."""
    record = version["record"]
    summary: dict[str, Any] = {k: v for k, v in version.items() if k not in VERSION_OMITS}
    return {**summary, "title": record["title"], "published": record.get("published")}


def _versions(backend: Backend, report_id: str) -> dict[int, Version]:
    """The report's versions by number, oldest first, or 404 for an unknown report."""
    versions = backend.versions(report_id)
    if versions is None:
        raise HTTPException(status_code=404, detail=f"no report with id {report_id!r}")
    return {v["version"]: v for v in versions}


def _latest(versions: dict[int, Version], report_id: str) -> int:
    """The number of the latest version, or 404 for a report stored before versions were kept."""
    if not versions:
        raise HTTPException(status_code=404, detail=f"report {report_id!r} has no recorded versions")
    return max(versions)


def _version(versions: dict[int, Version], number: int, parameter: str, report_id: str) -> Version:
    """Version `number`, or a 422 on `parameter` saying which versions the report has."""
    if number not in versions:
        known = ", ".join(map(str, versions))
        raise bad_parameter(parameter, f"report {report_id!r} has no version {number} (its versions: {known})", number)
    return versions[number]


def _pair(versions: dict[int, Version], params: DiffParams, report_id: str) -> tuple[Version, Version]:
    """The two versions to compare: `from` (default: the one before `to`) and `to` (default: the latest)."""
    newer = params.to if params.to is not None else _latest(versions, report_id)
    new = _version(versions, newer, "to", report_id)
    older = params.from_ if params.from_ is not None else newer - 1
    if older >= newer:
        raise bad_parameter("from", f"from ({older}) must be an earlier version than to ({newer})", older)
    if params.from_ is None and older not in versions:
        raise bad_parameter("to", f"version {newer} is the first version of report {report_id!r}: no diff", newer)
    return _version(versions, older, "from", report_id), new


def bad_parameter(name: str, message: str, value: int) -> RequestValidationError:
    """A 422 on query parameter `name`, shaped as every other 422 (detail: [{loc, msg, type, input}])."""
    return RequestValidationError([{"loc": ("query", name), "msg": message, "type": "value_error", "input": value}])
