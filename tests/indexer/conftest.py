"""Shared fixtures for the extraction tests."""

import json

import jsonschema
import pytest

from sample_files import RECORD_SCHEMA


@pytest.fixture(scope="session")
def record_validator() -> jsonschema.Draft202012Validator:
    """A validator for the record contract (JSON Schema 2020-12, formats checked)."""
    schema = json.loads(RECORD_SCHEMA.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
