"""The SQLite backend's readers: a bounded pool, whatever threads come and go (they used to leak one each)."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from indexer.errors import QueryTimeout
from indexer.storage import SearchQuery, StorageOptions, open_backend
from indexer.storage.sqlite.backend import SqliteBackend
from indexer.storage.sqlite.readers import READERS

ROUNDS = 5
THREADS = 24  # new threads each round, as a server replaces idle worker threads


def open_descriptors() -> int:
    """How many file descriptors this process has open."""
    return len(os.listdir("/proc/self/fd"))


@pytest.fixture
def reader(tmp_path):
    """A read-only backend over a small index."""
    path = tmp_path / "reports.sqlite"
    writer = open_backend(path)
    writer.write(
        [{"id": f"r{n}", "title": "福建省2021年政府信息公开工作年度报告", "text": "行政复议。"} for n in range(5)]
    )
    writer.close()
    backend = open_backend(path, StorageOptions(read_only=True))
    yield backend
    backend.close()


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="reads descriptors from /proc")
def test_threads_that_come_and_go_share_a_bounded_pool(reader):
    reader.search(SearchQuery(q="行政复议"))
    before = open_descriptors()
    errors: list[BaseException] = []

    def search() -> None:
        try:
            assert reader.search(SearchQuery(q="行政复议")).total == 5
            assert reader.get("r1") is not None and reader.count() == 5
        except BaseException as exc:  # collected: an assertion in a thread would be lost
            errors.append(exc)

    for _ in range(ROUNDS):
        threads = [threading.Thread(target=search) for _ in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    assert open_descriptors() - before <= 2 * READERS  # db + WAL per pooled reader; before: 2 per thread ever seen


def test_a_caller_waits_for_a_free_reader_then_times_out(tmp_path):
    path = tmp_path / "reports.sqlite"
    open_backend(path).close()
    backend = SqliteBackend(path, read_only=True, time_limit=0.2, readers=1)
    try:
        held = threading.Event()
        release = threading.Event()

        def hold() -> None:
            with backend.readers.connection():
                held.set()
                release.wait(5)

        holder = threading.Thread(target=hold)
        holder.start()
        held.wait(5)
        try:
            with pytest.raises(QueryTimeout, match="readers stayed busy"):
                backend.count()
        finally:
            release.set()
            holder.join()
        assert backend.count() == 0  # free again
    finally:
        backend.close()
