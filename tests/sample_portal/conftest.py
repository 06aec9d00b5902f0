"""A real sample portal server on a free port, shared by the module's tests."""

from __future__ import annotations

import json

import pytest
from portal_helpers import fetch

from sample_portal.server import start_server


@pytest.fixture(scope="session")
def portal() -> str:
    """Start the portal in a background thread and yield its base URL."""
    server, base_url = start_server("127.0.0.1", 0)
    yield base_url
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def truth(portal: str) -> dict:
    """The portal's /_truth.json."""
    return json.loads(fetch(f"{portal}/_truth.json").text)
