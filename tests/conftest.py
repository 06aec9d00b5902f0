"""Suite-wide hooks: live-service markers skip with a visible reason when their service is not configured."""

from __future__ import annotations

import os

import pytest

ES_URL_ENV = "ES_URL"
ES_SKIP_REASON = "ES_URL not set: live Elasticsearch cases skipped"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip tests marked `elasticsearch` unless ES_URL names a node to run them against."""
    if os.environ.get(ES_URL_ENV):
        return
    skip = pytest.mark.skip(reason=ES_SKIP_REASON)
    for item in items:
        if "elasticsearch" in item.keywords:
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say in every run's summary, not only with -rs, why the live Elasticsearch cases did not run."""
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if ES_SKIP_REASON in str(r.longrepr)]
    if skipped:
        terminalreporter.write_line(
            f"{len(skipped)} Elasticsearch cases skipped: {ES_SKIP_REASON} "
            f"(ES_URL=http://127.0.0.1:9200 make test runs them)",
            yellow=True,
        )
