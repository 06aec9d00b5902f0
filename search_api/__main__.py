"""Run the search API: python -m search_api --host 127.0.0.1 --port 8000 --db data/reports.sqlite --archive data/archive

The index is opened before the server starts: a missing file, a file that is not a reports index,
an unreachable Elasticsearch, an archive path that is not a folder or bad settings print one line on
stderr and exit with code 1. A missing archive folder is no error: GET /reports/{id}/source says so.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import uvicorn
from pydantic import ValidationError

from indexer.config import DEFAULT_REPORTS_DB
from indexer.errors import StorageUnavailable
from indexer.logs import install_redaction, redact

from .config import Settings
from .main import create_app

EXIT_CANNOT_START = 1


def main(argv: list[str] | None = None) -> None:
    """Parse arguments, open the index (or say in one line why not) and serve with uvicorn."""
    install_redaction()
    parser = argparse.ArgumentParser(prog="python -m search_api", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--db", help=f"SQLite index file (default: $REPORTS_DB or {DEFAULT_REPORTS_DB})")
    parser.add_argument(
        "--archive", type=Path, help="web archive folder (default: $REPORTS_ARCHIVE_DIR, or `archive` beside --db)"
    )
    parser.add_argument("--log-level", default="info")
    args = parser.parse_args(argv)
    try:
        settings = _settings(args.db, args.archive)
        backend = settings.open_backend(read_only=True)
    except ValidationError as exc:
        sys.exit(_refuse("; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())))
    except (StorageUnavailable, ValueError) as exc:
        sys.exit(_refuse(str(exc)))
    uvicorn.run(create_app(settings, backend), host=args.host, port=args.port, log_level=args.log_level)


def _settings(db: str | None, archive: Path | None) -> Settings:
    """The settings from the environment, with --db and --archive when given; ValueError for a bad archive path."""
    settings = Settings(reports_db=db) if db else Settings()
    if archive is not None:
        settings = settings.model_copy(update={"reports_archive_dir": archive})
    folder = settings.archive_dir()
    if folder.exists() and not folder.is_dir():
        raise ValueError(f"the web archive {folder} is not a folder")
    return settings


def _refuse(problem: str) -> int:
    """Print why the API cannot start, on one line without credentials; return the exit code."""
    print(f"error: cannot start the search API: {redact(' '.join(problem.split()))}", file=sys.stderr)
    return EXIT_CANNOT_START


if __name__ == "__main__":
    main()
