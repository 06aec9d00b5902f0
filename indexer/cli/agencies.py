"""`reports-index agencies`: rebuild the agency registry of an index (what the end of every crawl does).

reports-index agencies                       the index REPORTS_DB / SEARCH_BACKEND names (indexer.config)
reports-index agencies --db data/reports.sqlite [--today 2026-12-06]
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from pydantic import ValidationError

from indexer.agencies.build import rebuild_agencies
from indexer.config import StorageSettings
from indexer.errors import StorageUnavailable
from indexer.logs import redact

EXIT_NO_INDEX = 2


def add_agencies_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `agencies` to the indexer's sub-commands."""
    agencies = commands.add_parser(
        "agencies", help="rebuild the agencies, their timelines and every report's signals from the stored reports"
    )
    agencies.add_argument(
        "--db", type=Path, help="the SQLite index file (default: REPORTS_DB, or Elasticsearch with SEARCH_BACKEND)"
    )
    agencies.add_argument(
        "--today",
        type=date.fromisoformat,
        default=None,
        help="the day whose passed deadlines count (YYYY-MM-DD, default: today)",
    )
    agencies.set_defaults(handler=run_agencies)


def run_agencies(args: argparse.Namespace) -> int:
    """Rebuild the registry and print what it holds and how long it took."""
    if args.db is not None and not args.db.is_file():
        print(f"error: no SQLite index at {args.db}", file=sys.stderr)
        return EXIT_NO_INDEX
    try:
        settings = StorageSettings(reports_db=str(args.db), search_backend="sqlite") if args.db else StorageSettings()
        backend = settings.open_backend()
    except (ValidationError, StorageUnavailable, ValueError) as exc:
        print(f"error: cannot open the index: {redact(' '.join(str(exc).split()))}", file=sys.stderr)
        return EXIT_NO_INDEX
    try:
        summary = rebuild_agencies(backend, args.today or date.today())
    finally:
        backend.close()
    print(summary.line())
    return 0
