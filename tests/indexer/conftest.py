"""Shared fixtures for the extraction tests."""

import json
from pathlib import Path

import jsonschema
import pytest

SCHEMA_PATH = Path(__file__).resolve().parents[2].parent / "shared" / "domain" / "record.schema.json"


@pytest.fixture(scope="session")
def record_validator() -> jsonschema.Draft202012Validator:
    """A validator for the record contract (JSON Schema 2020-12, formats checked)."""
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
