"""Read-only connections of the SQLite backend: a small pool, one connection checked out per use.

A server answers each request on whichever worker thread is free, and replaces idle worker threads;
a connection per thread would outlive its thread (two file descriptors and a page cache each, never
closed). Here at most `size` connections exist at once, whatever the threads: a caller checks one
out for one read (a search, a get, a count) and gives it back; idle ones are kept for the next caller
(their page cache stays warm). A caller that finds every connection busy waits up to `wait` seconds,
then gets QueryTimeout (503 in the API).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from indexer.errors import QueryTimeout
from indexer.storage.sqlite.schema import BUSY_TIMEOUT_MS

READERS = 8  # read-only connections open at most per backend (the ranking threads have their own two)
READER_CACHE_KIB = 65_536  # page cache per reader (64 MB)
READER_MMAP_BYTES = 1 << 30


def open_reader(path: Path) -> sqlite3.Connection:
    """A read-only connection to `path`, usable from any thread (one thread at a time)."""
    uri = f"{path.resolve().as_uri()}?mode=ro"
    conn = sqlite3.connect(uri, uri=True, check_same_thread=False, isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute(f"PRAGMA cache_size = -{READER_CACHE_KIB}")
    conn.execute(f"PRAGMA mmap_size = {READER_MMAP_BYTES}")
    return conn


class ReaderPool:
    """At most `size` read-only connections to one file, checked out with `connection()`."""

    def __init__(self, path: Path, *, size: int = READERS, wait: float = 2.0):
        self.path = path
        self.size = size
        self.wait = wait
        self._slots = threading.BoundedSemaphore(size)
        self._lock = threading.Lock()
        self._idle: list[sqlite3.Connection] = []
        self._closed = False

    @contextmanager
    def connection(self) -> Iterator[sqlite3.Connection]:
        """Check out a connection (opened if none is idle) for the duration of the block."""
        if not self._slots.acquire(timeout=self.wait):
            raise QueryTimeout(f"all {self.size} index readers stayed busy for {self.wait:g} s")
        try:
            conn = self._take()
            try:
                yield conn
            finally:
                self._give_back(conn)
        finally:
            self._slots.release()

    def _take(self) -> sqlite3.Connection:
        """The most recently used idle connection (warmest cache), else a new one."""
        with self._lock:
            if self._idle:
                return self._idle.pop()
        return open_reader(self.path)

    def _give_back(self, conn: sqlite3.Connection) -> None:
        """Keep the connection for the next caller (its read transaction ended), or close it once the pool is closed."""
        try:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
        except sqlite3.Error:  # a damaged file: open afresh next time
            conn.close()
            return
        with self._lock:
            if not self._closed:
                self._idle.append(conn)
                return
        conn.close()

    def close(self) -> None:
        """Close the idle connections; those checked out close when given back."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()
