"""The agency registry in the SQLite file: replaced as a whole, written back into the reports, queried in SQL.

Tables (schema.AGENCY_TABLES)
* ``agencies``        one row per agency: the filterable fields (indexed), ``words`` (its name variants and
                      region names, lower case: what ``q`` searches with ``instr``), the Agency as JSON and its
                      timeline as zlib-compressed JSON (one row read per timeline).
* ``agency_signals``  (signal, report year, agency id): the signal filter and facet for one year.
* ``agency_any_signals`` (signal, agency id), distinct: the signal filter and facet for any year (one row per
                      agency and signal, where agency_signals holds one per year: 739,000 rows at 54,000 agencies).

`replace_agencies` deletes and refills the three in the caller's transaction, then refreshes their planner
statistics (without them SQLite reads the wide rows by primary key instead of the covering index
``agencies_cover``, which holds every column a filter or facet reads). `write_back` compares each
report's stored agency id and signals with the registry's and rewrites only the reports that changed:
the JSON record (and its head) with ``json_set``, the ``agency_id``/``signals`` columns, and, when the
agency changed, the report's FTS tags from its stored tokens (the text is not segmented again).
Agency queries are small SQL statements: ``agencies`` holds one row per body, a few per hundred reports.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Iterable, Iterator

from indexer.model import Agency, TimelineYear
from indexer.storage import records
from indexer.storage.base import AgencyRegistry, AgencyResult
from indexer.storage.facets import SIGNAL, signal_names, top_values
from indexer.storage.plan import AgencyPlan
from indexer.storage.sqlite.schema import (
    SQL_DELETE_FTS,
    SQL_FILL_ANY_SIGNALS,
    SQL_INSERT_FTS,
    SQL_OLD_TOKENS,
    analyze_agencies,
    pack_tokens,
    replace_tag,
    unpack_tokens,
)

AGENCY_COLUMNS = (
    "id",
    "name",
    "province",
    "city",
    "county",
    "level",
    "agency_type",
    "kind",
    "words",
    "record",
    "timeline",
)
SQL_INSERT_AGENCY = (
    f"INSERT INTO agencies ({', '.join(AGENCY_COLUMNS)}) VALUES ({', '.join(':' + c for c in AGENCY_COLUMNS)})"
)
SQL_INSERT_AGENCY_SIGNAL = (
    "INSERT OR IGNORE INTO agency_signals(signal, report_year, agency_id) VALUES (:signal, :report_year, :agency_id)"
)
SQL_AGENCY = "SELECT record FROM agencies WHERE id = :id"
SQL_TIMELINE = "SELECT timeline FROM agencies WHERE id = :id"
SQL_AGENCY_NAMES = "SELECT id, name FROM agencies WHERE id IN ({marks})"
SQL_REPORT_STATE = (
    "SELECT r.docid, r.id, r.agency_id, json_extract(rr.record, '$.signals') "
    "FROM reports r JOIN report_records rr ON rr.docid = r.docid WHERE r.docid > :after ORDER BY r.docid LIMIT :limit"
)
SQL_SET_RECORD = (
    "UPDATE report_records SET record = json_set(record, '$.agency_id', :agency_id, '$.signals', json(:signals)) "
    "WHERE docid = :docid"
)
SQL_SET_HEAD = (
    "UPDATE report_heads SET record = json_set(record, '$.agency_id', :agency_id, '$.signals', json(:signals)) "
    "WHERE docid = :docid"
)
SQL_SET_COLUMNS = "UPDATE reports SET agency_id = :agency_id, signals = :names WHERE docid = :docid"
SQL_SET_TOKENS = "UPDATE report_records SET fts_tokens = :tokens WHERE docid = :docid"
NAMES_IN_ONE_QUERY = 500  # ids per lookup of agency names
STATES_IN_ONE_QUERY = 5000  # reports read per batch when writing a registry build back


# --------------------------------------------------------------------------- writing
def agency_row(agency: Agency, timeline: list[TimelineYear]) -> dict[str, object]:
    """The `agencies` row of one agency."""
    places = (agency["province"], agency["city"], agency["county"])
    words = "\n".join(w.lower() for w in (*agency["names"], agency["name"], *places) if w)
    return {
        **{c: agency.get(c) for c in AGENCY_COLUMNS[:8]},
        "words": words,
        "record": json.dumps(agency, ensure_ascii=False),
        "timeline": zlib.compress(json.dumps(timeline, ensure_ascii=False).encode("utf-8")),
    }


def replace_agencies(conn: sqlite3.Connection, registry: AgencyRegistry) -> None:
    """Replace every agency, its timeline and its signals (inside the caller's transaction)."""
    conn.execute("DELETE FROM agencies")
    conn.execute("DELETE FROM agency_signals")
    conn.execute("DELETE FROM agency_any_signals")
    conn.executemany(SQL_INSERT_AGENCY, (agency_row(a, registry.timelines.get(a["id"], [])) for a in registry.agencies))
    conn.executemany(
        SQL_INSERT_AGENCY_SIGNAL,
        (
            {"signal": s["signal"], "report_year": year["report_year"], "agency_id": agency_id}
            for agency_id, years in registry.timelines.items()
            for year in years
            for s in year["signals"]
        ),
    )
    conn.execute(SQL_FILL_ANY_SIGNALS)
    analyze_agencies(conn)


def write_back(conn: sqlite3.Connection, registry: AgencyRegistry) -> int:
    """Write each report's agency id and signals where the registry changed them; return how many reports changed."""
    changed = 0
    for docid, report_id, stored_agency, stored_signals in _report_states(conn):
        change = records.write_back(registry, report_id, stored_agency, json.loads(stored_signals or "null"))
        if change is None:
            continue
        params = {
            "docid": docid,
            "agency_id": change.agency_id,
            "signals": json.dumps(change.signals, ensure_ascii=False),
            "names": " ".join(signal_names(change.signals)),
        }
        conn.execute(SQL_SET_RECORD, params)
        conn.execute(SQL_SET_HEAD, params)
        conn.execute(SQL_SET_COLUMNS, params)
        if change.agency_id != stored_agency:
            _retag(conn, docid, change.agency_id)
        changed += 1
    return changed


def _report_states(conn: sqlite3.Connection) -> Iterator[tuple[int, str, str | None, str | None]]:
    """Every report's docid, id, agency id and stored signals, read a batch at a time (the caller updates them)."""
    after = 0
    while rows := conn.execute(SQL_REPORT_STATE, {"after": after, "limit": STATES_IN_ONE_QUERY}).fetchall():
        yield from rows
        after = rows[-1][0]


def _retag(conn: sqlite3.Connection, docid: int, agency_id: str | None) -> None:
    """Replace the agency tag of a report's FTS row, from its stored tokens (no segmentation)."""
    row = conn.execute(SQL_OLD_TOKENS, {"docid": docid}).fetchone()
    old = unpack_tokens(row[0])
    new = {**old, "tags": replace_tag(old["tags"], "agency_id", agency_id)}
    conn.execute(SQL_DELETE_FTS, {**old, "docid": docid})
    conn.execute(SQL_INSERT_FTS, {**new, "docid": docid})
    conn.execute(SQL_SET_TOKENS, {"docid": docid, "tokens": pack_tokens(new)})


# --------------------------------------------------------------------------- reading
def read_agency(conn: sqlite3.Connection, agency_id: str) -> Agency | None:
    """One agency, or None."""
    row = conn.execute(SQL_AGENCY, {"id": agency_id}).fetchone()
    agency: Agency | None = json.loads(row[0]) if row else None
    return agency


def read_timeline(conn: sqlite3.Connection, agency_id: str) -> list[TimelineYear] | None:
    """One agency's years, oldest first, or None."""
    row = conn.execute(SQL_TIMELINE, {"id": agency_id}).fetchone()
    timeline: list[TimelineYear] | None = json.loads(zlib.decompress(row[0]).decode("utf-8")) if row else None
    return timeline


def agency_names(conn: sqlite3.Connection, ids: Iterable[str]) -> dict[str, str]:
    """Agency id -> name, for the ids that are agencies."""
    wanted = list(dict.fromkeys(ids))
    names: dict[str, str] = {}
    for start in range(0, len(wanted), NAMES_IN_ONE_QUERY):
        batch = wanted[start : start + NAMES_IN_ONE_QUERY]
        sql = SQL_AGENCY_NAMES.format(marks=", ".join("?" for _ in batch))
        names.update(conn.execute(sql, batch).fetchall())
    return names


def find_agencies(conn: sqlite3.Connection, plan: AgencyPlan) -> AgencyResult:
    """The page of agencies matching the plan (by name, then id), the total and the facet counts."""
    where, params = _conditions(plan)
    total: int = conn.execute(f"SELECT count(*) FROM agencies a WHERE {where}", params).fetchone()[0]
    page = conn.execute(
        f"SELECT record FROM agencies a WHERE {where} ORDER BY a.name, a.id LIMIT :limit OFFSET :offset",
        {**params, "limit": plan.limit, "offset": plan.offset},
    ).fetchall()
    facets = {name: _facet(conn, plan, name) for name in plan.facets}
    return AgencyResult(total=total, agencies=[json.loads(r[0]) for r in page], facets=facets)


def _facet(conn: sqlite3.Connection, plan: AgencyPlan, name: str) -> list[tuple[str, int]]:
    """Counts of one agency facet under every filter but its own."""
    where, params = _conditions(plan, without=name)
    if name == SIGNAL and plan.signal_year is None:  # one row per agency and signal: no DISTINCT, no join when bare
        joined = "" if where == "1" else " JOIN agencies a ON a.id = s.agency_id"
        sql = f"SELECT s.signal, count(*) FROM agency_any_signals s{joined} WHERE {where} GROUP BY s.signal"
    elif name == SIGNAL:
        sql = (
            "SELECT s.signal, count(DISTINCT s.agency_id) FROM agency_signals s JOIN agencies a ON a.id = s.agency_id "
            f"WHERE {where} AND {_year_condition(plan, params)} GROUP BY s.signal"
        )
    else:
        sql = f"SELECT a.{name}, count(*) FROM agencies a WHERE {where} AND a.{name} IS NOT NULL GROUP BY a.{name}"
    counts = {str(value): n for value, n in conn.execute(sql, params).fetchall()}
    return top_values(counts, plan.facet_limit, plan.filters.get(name, ()))


def _conditions(plan: AgencyPlan, without: str | None = None) -> tuple[str, dict[str, object]]:
    """The WHERE clause over `agencies a` for the plan's words and filters (but `without`'s), with parameters."""
    clauses: list[str] = []
    params: dict[str, object] = {}
    for i, word in enumerate(plan.words):
        clauses.append(f"instr(a.words, :w{i}) > 0")
        params[f"w{i}"] = word.lower()
    for name, values in plan.filters.items():
        if name == without:
            continue
        marks = ", ".join(f":{name}{i}" for i in range(len(values)))
        params.update({f"{name}{i}": v for i, v in enumerate(values)})
        if name == SIGNAL and plan.signal_year is None:
            clauses.append(f"a.id IN (SELECT agency_id FROM agency_any_signals WHERE signal IN ({marks}))")
        elif name == SIGNAL:
            year = _year_condition(plan, params)
            clauses.append(f"a.id IN (SELECT agency_id FROM agency_signals s WHERE signal IN ({marks}) AND {year})")
        else:
            clauses.append(f"a.{name} IN ({marks})")  # a column: AgencyPlan accepts AGENCY_FACETS only
    return " AND ".join(clauses) or "1", params


def _year_condition(plan: AgencyPlan, params: dict[str, object]) -> str:
    """The condition over `agency_signals s` for the plan's signal year (any year when none), adding its parameter."""
    if plan.signal_year is None:
        return "1"
    params["signal_year"] = plan.signal_year
    return "s.report_year = :signal_year"
