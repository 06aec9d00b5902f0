"""No password in what the Elasticsearch commands print or log (the cluster unreachable, credentials given)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from pydantic import SecretStr

from indexer.config import StorageSettings
from indexer.logs import redact
from indexer.storage import open_backend
from sample_files import ROOT

PASSWORD = "pw"
SECRET = "hunter2-secret"
UNREACHABLE = f"http://user:{PASSWORD}@127.0.0.1:9/"


@pytest.fixture
def sqlite_index(tmp_path):
    """A small SQLite index to copy."""
    path = tmp_path / "reports.sqlite"
    backend = open_backend(path)
    backend.write([{"id": "a", "title": "福建省2021年政府信息公开工作年度报告", "text": "行政复议"}])
    backend.record_failure({"url": "http://127.0.0.1/x", "kind": "fetch_failed", "reason": "timeout"})
    backend.close()
    return path


@pytest.mark.parametrize("command", ["copy-to-es", "send-to-es", "reindex"])
def test_es_commands_print_no_password(sqlite_index, tmp_path, command):
    source = ["--db", str(sqlite_index)] if command == "copy-to-es" else [str(sqlite_index)]
    if command == "reindex":
        source = ["--backend", "elasticsearch", "--source", str(sqlite_index)]
    done = subprocess.run(
        [sys.executable, "-m", "indexer", command, *source, "--es-url", UNREACHABLE]
        + ["--error-report", str(tmp_path / "errors.jsonl"), "--max-retries", "0"],
        cwd=ROOT,
        env={**os.environ, "ES_API_KEY": SECRET, "PYTHONWARNINGS": "default"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0 and "error:" in done.stderr
    for text in (done.stdout, done.stderr):
        assert f":{PASSWORD}@" not in text and SECRET not in text
    if command == "copy-to-es":
        assert "at http://user:***@127.0.0.1:9/" in done.stdout


def test_storage_settings_register_the_es_secrets():
    settings = StorageSettings(
        search_backend="elasticsearch",
        es_url="http://127.0.0.1:9200",
        es_username="elastic",
        es_password=SecretStr("s3cret-password"),
    )
    assert settings.es_options().password == "s3cret-password"
    assert redact("login elastic / s3cret-password failed") == "login elastic / *** failed"
    StorageSettings(es_api_key=SecretStr("an-api-key-value"))
    assert redact("ApiKey an-api-key-value") == "ApiKey ***"
