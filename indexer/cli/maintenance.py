"""Maintenance sub-commands of `reports-index` for the embedded SQLite index file.

reports-index upgrade data/reports.sqlite    add what a file written by an older version lacks
reports-index optimize data/reports.sqlite   merge the full-text index after a large load
reports-index backup data/reports.sqlite DEST copy the live index (while a crawl writes), then check the copy
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import time
from contextlib import closing
from pathlib import Path

from indexer.storage.sqlite.backend import SqliteBackend
from indexer.storage.sqlite.schema import missing_derived_columns

EXIT_NO_INDEX = 2
EXIT_BAD_COPY = 1
BUSY_TIMEOUT_MS = 10_000
PARTIAL_SUFFIX = ".partial"  # the copy being written, renamed to DEST once checked


class BackupError(Exception):
    """The copy was made but does not pass SQLite's integrity check."""


def add_maintenance_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `upgrade`, `optimize` and `backup` to the indexer's sub-commands."""
    upgrade = commands.add_parser("upgrade", help="add the columns an index file from an older version lacks")
    upgrade.add_argument("db", type=Path, metavar="DB", help="the SQLite index file, e.g. data/reports.sqlite")
    upgrade.set_defaults(handler=run_upgrade)
    optimize = commands.add_parser("optimize", help="merge the full-text index into one segment (after a large load)")
    optimize.add_argument("db", type=Path, metavar="DB", help="the SQLite index file, e.g. data/reports.sqlite")
    optimize.set_defaults(handler=run_optimize)
    backup = commands.add_parser(
        "backup", help="copy the live index with SQLite's online backup (safe while a crawl writes), then check it"
    )
    backup.add_argument("db", type=Path, metavar="DB", help="the SQLite index file, e.g. data/reports.sqlite")
    backup.add_argument("dest", type=Path, metavar="DEST", help="the copy to write (a file, or a folder to put it in)")
    backup.set_defaults(handler=run_backup)


def _existing(path: Path) -> bool:
    """Tell whether `path` is a file; say so on stderr when it is not (no empty index is created by mistake)."""
    if path.is_file():
        return True
    print(f"error: no SQLite index at {path}", file=sys.stderr)
    return False


def run_upgrade(args: argparse.Namespace) -> int:
    """Open the file for writing once, which adds and fills any missing derived column; say what changed."""
    if not _existing(args.db):
        return EXIT_NO_INDEX
    missing = missing_derived_columns(args.db)
    SqliteBackend(args.db).close()
    print(f"{args.db}: added {len(missing)} column(s)" if missing else f"{args.db}: already up to date")
    return 0


def run_optimize(args: argparse.Namespace) -> int:
    """Merge the FTS segments and refresh the planner statistics."""
    if not _existing(args.db):
        return EXIT_NO_INDEX
    backend = SqliteBackend(args.db)
    try:
        backend.optimize()
    finally:
        backend.close()
    print(f"{args.db}: optimized ({args.db.stat().st_size / 1e6:.1f} MB)")
    return 0


def run_backup(args: argparse.Namespace) -> int:
    """Copy the index to DEST (replacing it only once the copy is checked); say what was copied."""
    if not _existing(args.db):
        return EXIT_NO_INDEX
    dest = args.dest / args.db.name if args.dest.is_dir() else args.dest
    if dest.resolve() == args.db.resolve():
        print(f"error: {dest} is the index itself", file=sys.stderr)
        return EXIT_NO_INDEX
    started = time.monotonic()
    try:
        reports = backup_index(args.db, dest)
    except BackupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_COPY
    except sqlite3.DatabaseError as exc:
        print(f"error: cannot back up {args.db}: {exc}", file=sys.stderr)
        return EXIT_NO_INDEX
    seconds = time.monotonic() - started
    size = dest.stat().st_size / 1e6
    print(f"{args.db} -> {dest}: {reports} reports, {size:.1f} MB, integrity ok ({seconds:.1f} s)")
    return 0


def backup_index(source: Path, dest: Path) -> int:
    """Copy `source` to `dest` with the online backup API; return how many reports the copy holds.

    The whole file is copied in one step inside one read transaction, so the copy is the index as
    one committed state (the WAL included) while a writer goes on writing (WAL readers do not block
    it). The copy is switched to a rollback journal (one self-contained file), checked with
    `PRAGMA integrity_check`, and only then renamed to `dest`.
    """
    partial = dest.with_name(dest.name + PARTIAL_SUFFIX)
    partial.unlink(missing_ok=True)
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        with closing(_read_only(source)) as src, closing(sqlite3.connect(partial)) as copy:
            src.backup(copy)
            copy.execute("PRAGMA journal_mode = DELETE")
            problems = [row[0] for row in copy.execute("PRAGMA integrity_check")]
            if problems != ["ok"]:
                raise BackupError(f"the copy of {source} fails the integrity check: {'; '.join(problems[:5])}")
            reports: int = copy.execute("SELECT count(*) FROM reports").fetchone()[0]
        os.replace(partial, dest)
    finally:
        partial.unlink(missing_ok=True)
    return reports


def _read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection to the index that waits for a writer's lock instead of failing."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return conn
