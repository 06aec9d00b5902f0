"""A JSONL file as a record source: one record per line, or the lines of a bulk error report."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import cast

from indexer.errors import StorageUnavailable
from indexer.model import Failure, Record, Run

JSONL_SUFFIXES = (".jsonl", ".json", ".ndjson")


class JsonlSource:
    """Records read from a JSONL file (a `RecordSource`); an error-report line gives its `record`."""

    def __init__(self, path: Path):
        if not path.is_file():
            raise StorageUnavailable(f"no JSONL file at {path}")
        self.path = path

    def records(self) -> Iterator[Record]:
        """Yield each line's record (an error-report line {"id", "error", "record"} yields its record).

        Lines are not checked here: the load checks each record and reports a bad one without stopping.
        """
        with open(self.path, encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    item = json.loads(line)
                    is_report_line = isinstance(item, dict) and "record" in item and "error" in item
                    yield cast(Record, item["record"] if is_report_line else item)

    def all_failures(self) -> Iterator[Failure]:
        """A JSONL file holds no crawl failures."""
        yield from ()

    def all_runs(self) -> Iterator[Run]:
        """A JSONL file holds no crawl runs."""
        yield from ()

    def close(self) -> None:
        """Nothing stays open between reads."""
