"""Run the search API: python -m search_api --host 127.0.0.1 --port 8000 --db data/reports.sqlite"""

from __future__ import annotations

import argparse

import uvicorn

from indexer.config import DEFAULT_REPORTS_DB

from .config import Settings
from .main import create_app


def main(argv: list[str] | None = None) -> None:
    """Parse arguments, validate settings and serve with uvicorn."""
    parser = argparse.ArgumentParser(prog="python -m search_api", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--db", help=f"SQLite index file (default: $REPORTS_DB or {DEFAULT_REPORTS_DB})")
    parser.add_argument("--log-level", default="info")
    args = parser.parse_args(argv)
    settings = Settings(reports_db=args.db) if args.db else Settings()
    uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level=args.log_level)


if __name__ == "__main__":
    main()
