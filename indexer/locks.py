"""OS file locks (fcntl.flock) kept beside the index: which crawls are alive, one scheduled crawl at a time.

A lock belongs to a storage target: beside a SQLite file (`data/reports.sqlite-crawl.lock`), or in
the temporary folder for an Elasticsearch URL (named by a hash of the URL, password masked). The OS
releases a lock when its process ends, however it ends (SIGKILL included), so a lock that can be
taken means nobody holding it is alive.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import tempfile
from pathlib import Path
from typing import IO

from indexer.logs import redact
from indexer.storage.options import SQLITE_SCHEME

CRAWL_LOCK_SUFFIX = "-crawl.lock"  # held shared by every crawl writing to the target (crawler/run.py)
RECRAWL_LOCK_SUFFIX = "-recrawl.lock"  # held exclusively by reports-recrawl (crawler/schedule.py)


def lock_path(target: str, suffix: str) -> Path:
    """The lock file of a storage target: beside a SQLite file, in the temporary folder for a URL."""
    text = target.removeprefix(SQLITE_SCHEME)
    if "://" in text:
        digest = hashlib.sha256(redact(text).encode("utf-8")).hexdigest()[:16]
        return Path(tempfile.gettempdir()) / f"reports-{digest}{suffix}"
    path = Path(text)
    return path.with_name(path.name + suffix)


def open_lock_file(path: Path) -> IO[str]:
    """Open (creating it and its folder) a lock file without truncating what it says."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.open("a+", encoding="utf-8")


def try_lock(handle: IO[str], *, exclusive: bool) -> bool:
    """Take the lock without waiting; False when another process holds it in a conflicting way."""
    try:
        fcntl.flock(handle, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def note_holder(handle: IO[str], text: str) -> None:
    """Write who holds the lock (read by whoever is refused it) in place of the last holder's note."""
    handle.seek(0)
    handle.truncate()
    handle.write(text)
    handle.flush()
    os.fsync(handle.fileno())


def holder_note(handle: IO[str]) -> str:
    """What the holder wrote in the lock file ("" if nothing)."""
    handle.seek(0)
    return handle.read().strip()


def share_lock(handle: IO[str]) -> None:
    """Hold the lock shared (waiting while someone holds it exclusively; an exclusive hold of ours is converted)."""
    fcntl.flock(handle, fcntl.LOCK_SH)
