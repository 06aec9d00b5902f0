"""A real sample portal server on a free port, shared by the module's tests."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from portal_helpers import fetch

from sample_portal.server import PortalServer, start_server


@pytest.fixture(scope="session")
def portal_server() -> Iterator[PortalServer]:
    """Start the portal (and its robots-down second port) in background threads."""
    server, _ = start_server("127.0.0.1", 0)
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def portal(portal_server: PortalServer) -> str:
    """The portal's base URL."""
    return portal_server.base_url


@pytest.fixture(scope="session")
def truth(portal: str) -> dict:
    """The portal's /_truth.json."""
    return json.loads(fetch(f"{portal}/_truth.json").text)
