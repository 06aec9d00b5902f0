"""The typed record (indexer.model.Record) and docs/record.schema.json state the same contract."""

from __future__ import annotations

import json

import pytest
from pydantic import TypeAdapter

from indexer.model import Record
from indexer.tables.schema import APPLICANT_COLUMNS, APPLICATION_ROWS, PROACTIVE_LAYOUT, SUIT_OUTCOMES
from sample_files import RECORD_SCHEMA, sample_file

SCHEMA = json.loads(sample_file(RECORD_SCHEMA).read_text(encoding="utf-8"))
TYPED = TypeAdapter(Record).json_schema()


def resolve(node: dict) -> dict:
    """Follow a $ref of the pydantic schema and drop an anyOf null wrapper."""
    if "$ref" in node:
        return resolve(TYPED["$defs"][node["$ref"].rsplit("/", 1)[-1]])
    options = [o for o in node.get("anyOf", []) if o.get("type") != "null"]
    return resolve(options[0]) if len(options) == 1 else node


def nullable(node: dict) -> bool:
    """Whether a schema node admits null (either dialect)."""
    kinds = node.get("type")
    return (
        (isinstance(kinds, list) and "null" in kinds)
        or None in node.get("enum", [])
        or any(o.get("type") == "null" for o in node.get("anyOf", []))
    )


def test_same_fields_and_required_fields():
    assert set(TYPED["properties"]) == set(SCHEMA["properties"])
    assert set(SCHEMA["required"]) <= set(TYPED["required"])


@pytest.mark.parametrize("field", sorted(SCHEMA["properties"]))
def test_same_nullability(field):
    assert nullable(TYPED["properties"][field]) == nullable(SCHEMA["properties"][field]), field


@pytest.mark.parametrize(
    "table", ["proactive", "applications", "review", "litigation_direct", "litigation_after_review"]
)
def test_same_keys_in_every_table(table):
    stats = resolve(TYPED["properties"]["stats"])
    typed, documented = resolve(stats["properties"][table]), SCHEMA["properties"]["stats"]["properties"][table]
    assert set(typed["properties"]) == set(documented["properties"])
    for key, node in documented["properties"].items():
        if "properties" in node:  # a row: its cells (the typed row lists the union of a row's columns)
            assert set(node["properties"]) <= set(resolve(typed["properties"][key])["properties"]), key


def test_typed_keys_are_the_table_schema():
    stats = resolve(TYPED["properties"]["stats"])
    applications = resolve(stats["properties"]["applications"])
    assert set(applications["properties"]) == set(APPLICATION_ROWS["2019"]) | set(APPLICATION_ROWS["2021"])
    assert set(resolve(applications["properties"]["granted"])["properties"]) == set(APPLICANT_COLUMNS)
    proactive = resolve(stats["properties"]["proactive"])
    assert set(proactive["properties"]) == set(PROACTIVE_LAYOUT["2019"]) | set(PROACTIVE_LAYOUT["2021"])
    assert set(resolve(stats["properties"]["review"])["properties"]) == set(SUIT_OUTCOMES)
