"""Lock files of a storage target (indexer/locks.py): where they are, and who can hold them at once."""

from __future__ import annotations

import tempfile
from pathlib import Path

from indexer.locks import lock_path, open_lock_file, share_lock, try_lock


def test_a_sqlite_index_has_its_locks_beside_it():
    assert lock_path("data/reports.sqlite", "-crawl.lock") == Path("data/reports.sqlite-crawl.lock")
    assert lock_path("sqlite:///data/x.sqlite", "-recrawl.lock") == Path("data/x.sqlite-recrawl.lock")


def test_an_elasticsearch_url_has_its_lock_in_the_temp_folder_without_the_password():
    one = lock_path("https://indexer:s3cret@es.example.org:9200/?alias=reports", "-crawl.lock")
    other = lock_path("https://indexer:changed@es.example.org:9200/?alias=reports", "-crawl.lock")
    assert one == other and one.parent == Path(tempfile.gettempdir()) and one.name.endswith("-crawl.lock")
    assert one != lock_path("https://es.example.org:9200/?alias=other", "-crawl.lock")


def test_shared_holders_coexist_and_exclude_an_exclusive_one(tmp_path):
    path = tmp_path / "sub" / "reports.sqlite-crawl.lock"
    with open_lock_file(path) as first, open_lock_file(path) as second, open_lock_file(path) as third:
        assert try_lock(first, exclusive=True)
        assert not try_lock(second, exclusive=False)
        share_lock(first)  # the exclusive hold becomes shared
        assert try_lock(second, exclusive=False)
        assert not try_lock(third, exclusive=True)
    with open_lock_file(path) as again:
        assert try_lock(again, exclusive=True)  # closing released every hold
