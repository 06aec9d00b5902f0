"""Command line of the indexer: `reports-index` (or `python -m indexer`).

reports-index extract FILE... [--url URL]        one JSON record per input (HTML, .txt, .pdf, .docx)
reports-index upgrade|optimize DB                maintenance of a SQLite index file (cli/maintenance.py)
reports-index backup DB DEST                     a consistent copy of a live SQLite index (online backup API)
reports-index reindex --backend elasticsearch    rebuild behind the alias (cli/elasticsearch.py)
reports-index copy-to-es --db data/reports.sqlite
reports-index agencies [--db FILE]               rebuild the agency registry (cli/agencies.py)
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from indexer.cli.agencies import add_agencies_command
from indexer.cli.elasticsearch import add_es_commands
from indexer.cli.maintenance import add_maintenance_commands
from indexer.errors import NotAReport, UnreadablePage
from indexer.load.sniff import format_from_name
from indexer.logs import install_redaction
from indexer.record import build_record

EXIT_UNREADABLE = 1
EXIT_USAGE = 2


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with one sub-command per task."""
    parser = argparse.ArgumentParser(prog="reports-index", description="Annual report indexer.")
    commands = parser.add_subparsers(dest="command", required=True)
    extract = commands.add_parser("extract", help="print the record extracted from each file as JSON")
    extract.add_argument("files", nargs="+", type=Path, metavar="FILE", help="saved HTML page, .txt, .pdf or .docx")
    extract.add_argument("--url", help="URL the page was fetched from (only with a single FILE)")
    extract.set_defaults(handler=run_extract)
    add_maintenance_commands(commands)
    add_es_commands(commands)
    add_agencies_command(commands)
    return parser


def extract_file(path: Path, url: str | None) -> dict[str, object]:
    """Return the record of one file, or {'is_report': False, 'reason': …}; UnreadablePage propagates."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadablePage(f"cannot read file: {exc.strerror or exc}") from exc
    try:
        record = build_record(data, url=url, source_format=format_from_name(path.name))
    except NotAReport as exc:
        return {"is_report": False, "reason": exc.reason, "file": str(path)}
    return {"is_report": True, **record}


def run_extract(args: argparse.Namespace) -> int:
    """Print one JSON line per file; return non-zero if any file was unreadable."""
    if args.url and len(args.files) > 1:
        print("error: --url applies to a single FILE", file=sys.stderr)
        return EXIT_USAGE
    status = 0
    for path in args.files:
        try:
            print(json.dumps(extract_file(path, args.url), ensure_ascii=False))
        except UnreadablePage as exc:
            print(f"error: {path}: unreadable input: {exc.reason}", file=sys.stderr)
            status = EXIT_UNREADABLE
    return status


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments and run the chosen sub-command (log records redacted: no password in any line)."""
    install_redaction()
    args = build_parser().parse_args(argv)
    status: int = args.handler(args)
    return status


if __name__ == "__main__":
    sys.exit(main())
