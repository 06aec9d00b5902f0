"""The indexer's exceptions: rejected pages, rejected records and queries, and storage that cannot serve."""

from typing import Any


class NotAReport(Exception):
    """The page is readable but is not an annual report; `reason` says why."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class UnreadablePage(Exception):
    """The page could not be decoded or parsed at all; `reason` says why."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class NoTextLayer(UnreadablePage):
    """A PDF without a usable text layer (a scan): OCR may still read it."""


class InvalidRecord(ValueError):
    """A record or crawl failure a backend cannot store (no id, a field of the wrong type); the message says which."""


class QueryError(ValueError):
    """A search the query planner cannot accept (unknown facet, filter or sort, bad condition, dates or page)."""


class QueryTimeout(Exception):
    """The search ran past the backend's time limit."""


class StorageUnavailable(Exception):
    """The index cannot be opened or read: missing, unreachable, damaged, or written before a needed upgrade."""


class BulkWriteError(Exception):
    """Some documents of a bulk write failed (the others were written); `failures` holds each with its error."""

    def __init__(self, written: int, failures: list[dict[str, Any]]):
        first = failures[0] if failures else {}
        super().__init__(
            f"{len(failures)} document(s) not written (written: {written}); "
            f"first: {first.get('id')!r}: {first.get('error')}"
        )
        self.written = written
        self.failures = failures


class BulkAborted(Exception):
    """The cluster became unreachable during a bulk load; the in-flight documents were reported as failed."""

    def __init__(self, written: int, failed: int, cause: Exception):
        super().__init__(f"bulk load stopped after {written} written, {failed} failed: {cause}")
        self.written = written
        self.failed = failed
