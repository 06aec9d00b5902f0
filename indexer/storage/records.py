"""What every backend accepts as a record, a failure sighting or a run, checked in one place so backends agree.

A record needs a non-empty string `id`. The other fields of indexer.model.Record may be missing
(they are stored as null), but a field that is present must have its type: text fields a string
or null, `report_year`, `version` and `text_truncated_from` an integer (not a boolean) or null,
`text` a string, `urls` a list of strings, `stats` an object or null, `checks` a list, `agency_id` a
string or null, `signals` a list of objects each naming a SignalName; of the history fields,
`first_seen`, `last_seen`, `changed_at`, `change_summary` and `withdrawn` a string or null,
`gone_urls` a list of strings, `withdrawals` a list of objects, `capture` a Capture or null.

A capture (model.Capture) needs a `warc_file`, `url` and `captured_at` (strings) and an integer
`offset`, `length` and `status`; `mark_gone` a URL, an ISO time and a GoneHow.

A failure sighting needs a `url` and a `kind` of indexer.model.FailureKind; a run an `id`, a
`started_at`, `seeds`, a `status` of RunStatus and a list of `portals`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import cast, get_args

from typing_extensions import TypedDict

from indexer.errors import InvalidRecord, QueryError
from indexer.model import Capture, FailureKind, GoneHow, Record, Run, RunStatus, Signal
from indexer.storage.base import MAX_FAILURES_WINDOW, AgencyRegistry
from indexer.storage.facets import SIGNAL_NAMES
from indexer.storage.plan import iso_instant

FAILURE_KINDS: tuple[str, ...] = get_args(FailureKind)
GONE_HOWS: tuple[str, ...] = get_args(GoneHow)
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
    "agency_id",
    "first_seen",
    "changed_at",
    "last_seen",
    "change_summary",
    "withdrawn",
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
    for name in ("urls", "gone_urls"):
        urls = record.get(name, [])
        if not isinstance(urls, list) or not all(isinstance(u, str) for u in urls):
            return f"`{name}` must be a list of strings"
    withdrawals = record.get("withdrawals", [])
    if not isinstance(withdrawals, list) or not all(isinstance(w, dict) for w in withdrawals):
        return "`withdrawals` must be a list of objects"
    if record.get("capture") is not None and capture_problem(record["capture"]) is not None:
        return f"`capture`: {capture_problem(record['capture'])}"
    if record.get("stats") is not None and not isinstance(record["stats"], dict):
        return "`stats` must be an object or null"
    if not isinstance(record.get("checks", []), list):
        return "`checks` must be a list"
    return signals_problem(record.get("signals", []))


def capture_problem(capture: object) -> str | None:
    """What is wrong with a capture (model.Capture), or None."""
    if not isinstance(capture, dict):
        return "a capture must be an object"
    for name in ("warc_file", "url", "captured_at"):
        if not isinstance(capture.get(name), str) or not capture[name]:
            return f"a capture needs a string `{name}`"
    for name in ("offset", "length", "status"):
        value = capture.get(name)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            return f"a capture needs an integer `{name}` (>= 0)"
    return None


def valid_capture(capture: object) -> Capture:
    """Return `capture` if a backend can index it; InvalidRecord saying what is wrong otherwise."""
    problem = capture_problem(capture)
    if problem is not None:
        raise InvalidRecord(problem)
    return cast(Capture, capture)


def check_gone(url: object, at: object, how: object) -> None:
    """InvalidRecord unless `mark_gone` got a URL, an ISO time and a GoneHow."""
    if not isinstance(url, str) or not url:
        raise InvalidRecord("a gone URL must be a non-empty string")
    if not isinstance(at, str) or iso_instant(at) is None:
        raise InvalidRecord(f"the time a URL was found gone must be an ISO time, not {at!r}")
    if how not in GONE_HOWS:
        raise InvalidRecord(f"how a URL is gone is one of {', '.join(GONE_HOWS)}, not {how!r}")


def signals_problem(signals: object) -> str | None:
    """What is wrong with a report's `signals`, or None."""
    if not isinstance(signals, list) or not all(
        isinstance(s, dict) and s.get("signal") in SIGNAL_NAMES for s in signals
    ):
        return f"`signals` must be a list of objects whose `signal` is one of {', '.join(SIGNAL_NAMES)}"
    return None


def valid_signals(report_id: str, signals: object) -> list[Signal]:
    """Return a report's `signals` if a backend can store them; InvalidRecord naming the report otherwise."""
    problem = signals_problem(signals)
    if problem is not None:
        raise InvalidRecord(f"record {report_id}: {problem}")
    return cast(list[Signal], signals)


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


@dataclass(frozen=True)
class WriteBack:
    """A report's agency id and signals as a registry build has them, to be written into its stored record."""

    agency_id: str | None
    signals: list[Signal]  # as JSON reads them back (lists, not tuples), so they compare with stored ones


def write_back(
    registry: AgencyRegistry, report_id: str, stored_agency: str | None, stored_signals: object
) -> WriteBack | None:
    """What to write into a stored report after a registry build, or None when nothing changes.

    A report the registry does not name keeps what it has; signals are checked (InvalidRecord).
    """
    agency_id = registry.report_agency.get(report_id, stored_agency)
    new = registry.report_signals.get(report_id)
    if new is None:
        if agency_id == stored_agency:
            return None
        signals = stored_signals if isinstance(stored_signals, list) else []
    else:
        signals = json.loads(json.dumps(valid_signals(report_id, new), ensure_ascii=False))
    if agency_id == stored_agency and signals == stored_signals:
        return None
    return WriteBack(agency_id, cast(list[Signal], signals))
