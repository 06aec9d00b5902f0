"""What every backend accepts as a record, a failure sighting or a run, checked in one place so backends agree.

A record needs a non-empty string `id`. The other fields of indexer.model.Record may be missing
(they are stored as null), but a field that is present must have its type: text fields a string
or null, `report_year`, `version` and `text_truncated_from` an integer (not a boolean) or null,
`text` a string, `urls` a list of strings, `stats` an object or null, `checks` a list.

A failure sighting needs a `url` and a `kind` of indexer.model.FailureKind; a run an `id`, a
`started_at`, `seeds`, a `status` of RunStatus and a list of `portals`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import cast, get_args

from typing_extensions import TypedDict

from indexer.errors import InvalidRecord, QueryError
from indexer.model import FailureKind, Record, Run, RunStatus
from indexer.storage.base import MAX_FAILURES_WINDOW

FAILURE_KINDS: tuple[str, ...] = get_args(FailureKind)
RUN_STATUSES: tuple[str, ...] = get_args(RunStatus)

STRING_FIELDS = (
    "url",
    "title",
    "agency",
    "agency_type",
    "level",
    "province",
    "city",
    "county",
    "region_code",
    "published",
    "format",
    "source_format",
    "fetched_at",
    "content_hash",
)
INTEGER_FIELDS = ("report_year", "version", "text_truncated_from")


def valid_record(record: object) -> Record:
    """Return `record` if a backend can store it; InvalidRecord naming the first wrong field otherwise."""
    if not isinstance(record, dict) or not isinstance(record.get("id"), str) or not record["id"]:
        raise InvalidRecord("every record needs a non-empty string `id`")
    problem = _field_problem(record)
    if problem is not None:
        raise InvalidRecord(f"record {record['id']}: {problem}")
    return cast(Record, record)


def _field_problem(record: dict[str, object]) -> str | None:
    """What is wrong with the record's fields, or None."""
    for name in STRING_FIELDS:
        if record.get(name) is not None and not isinstance(record[name], str):
            return f"`{name}` must be a string or null"
    for name in INTEGER_FIELDS:
        value = record.get(name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            return f"`{name}` must be an integer or null"
    if not isinstance(record.get("text", ""), str):
        return "`text` must be a string"
    urls = record.get("urls", [])
    if not isinstance(urls, list) or not all(isinstance(u, str) for u in urls):
        return "`urls` must be a list of strings"
    if record.get("stats") is not None and not isinstance(record["stats"], dict):
        return "`stats` must be an object or null"
    if not isinstance(record.get("checks", []), list):
        return "`checks` must be a list"
    return None


class Sighting(TypedDict):
    """One meeting of a failure, as a backend upserts it into the (url, kind) row."""

    url: str
    kind: FailureKind
    reason: str
    portal: str | None
    status: int | None
    at: str  # ISO time of this sighting
    run_id: str | None


def sighting(failure: Mapping[str, object]) -> Sighting:
    """The sighting a backend stores for a failure (keys other than Sighting's ignored); InvalidRecord when unusable."""
    if not isinstance(failure, Mapping):
        raise InvalidRecord("a failure must be an object")
    kind = failure.get("kind")
    if not isinstance(kind, str) or kind not in FAILURE_KINDS:
        raise InvalidRecord(f"failure kind must be one of {', '.join(FAILURE_KINDS)}, not {kind!r}")
    if not failure.get("url"):
        raise InvalidRecord("a failure needs a `url`")
    reason, portal, status, at, run_id = (failure.get(k) for k in ("reason", "portal", "status", "at", "run_id"))
    return {
        "url": str(failure["url"]),
        "kind": cast(FailureKind, kind),
        "reason": "" if reason is None else str(reason),
        "portal": None if portal is None else str(portal),
        "status": status if isinstance(status, int) and not isinstance(status, bool) else None,
        "at": str(at) if at else datetime.now(UTC).isoformat(timespec="seconds"),
        "run_id": None if run_id is None else str(run_id),
    }


def valid_run(run: object) -> Run:
    """Return `run` if a backend can store it; InvalidRecord naming what is wrong otherwise."""
    if not isinstance(run, dict) or not isinstance(run.get("id"), str) or not run["id"]:
        raise InvalidRecord("every run needs a non-empty string `id`")
    if not isinstance(run.get("started_at"), str) or not run["started_at"]:
        raise InvalidRecord(f"run {run['id']}: `started_at` must be an ISO time")
    if not isinstance(run.get("seeds"), str):
        raise InvalidRecord(f"run {run['id']}: `seeds` must be a string (the seed file)")
    if run.get("status") not in RUN_STATUSES:
        raise InvalidRecord(f"run {run['id']}: `status` must be one of {', '.join(RUN_STATUSES)}")
    if not isinstance(run.get("portals"), list) or not all(isinstance(p, dict) for p in run["portals"]):
        raise InvalidRecord(f"run {run['id']}: `portals` must be a list of objects")
    return cast(Run, run)


def check_failure_page(limit: int, offset: int) -> None:
    """QueryError unless 0 <= offset, 0 <= limit and offset + limit <= MAX_FAILURES_WINDOW."""
    if limit < 0 or offset < 0 or offset + limit > MAX_FAILURES_WINDOW:
        raise QueryError(f"failures pages reach {MAX_FAILURES_WINDOW:,} rows at most (offset {offset}, limit {limit})")
