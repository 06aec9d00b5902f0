"""Maintenance sub-commands of `reports-index` for the embedded SQLite index file.

reports-index upgrade data/reports.sqlite    add what a file written by an older version lacks
reports-index optimize data/reports.sqlite   merge the full-text index after a large load
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from indexer.storage.sqlite.backend import SqliteBackend
from indexer.storage.sqlite.schema import missing_derived_columns

EXIT_NO_INDEX = 2


def add_maintenance_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `upgrade` and `optimize` to the indexer's sub-commands."""
    upgrade = commands.add_parser("upgrade", help="add the columns an index file from an older version lacks")
    upgrade.add_argument("db", type=Path, metavar="DB", help="the SQLite index file, e.g. data/reports.sqlite")
    upgrade.set_defaults(handler=run_upgrade)
    optimize = commands.add_parser("optimize", help="merge the full-text index into one segment (after a large load)")
    optimize.add_argument("db", type=Path, metavar="DB", help="the SQLite index file, e.g. data/reports.sqlite")
    optimize.set_defaults(handler=run_optimize)


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
