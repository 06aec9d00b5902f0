"""What every backend accepts as a record, checked in one place so SQLite and Elasticsearch agree.

A record needs a non-empty string `id`. The other fields of indexer.model.Record may be missing
(they are stored as null), but a field that is present must have its type: text fields a string
or null, `report_year` and `version` an integer (not a boolean) or null, `text` a string, `urls` a
list of strings, `stats` an object or null, `checks` a list.
"""

from __future__ import annotations

from typing import cast

from indexer.errors import InvalidRecord
from indexer.model import Record

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
INTEGER_FIELDS = ("report_year", "version")


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
