"""Elasticsearch sub-commands of `python -m indexer`: reindex (alias swap) and copy-to-es (from SQLite).

    python -m indexer reindex --backend elasticsearch [--es-url URL] [--alias reports] [--source FILE]
    python -m indexer copy-to-es --db data/reports.sqlite [--es-url URL] [--alias reports]

Both build a new versioned index, load it with bulk requests (refresh relaxed meanwhile), then move
the alias in one atomic call. Documents that fail after retries go to a JSONL error report (one
line each: id, status, error and the full record); the alias is then left where it was (unless
--allow-failures) and the exit code is 1. `send-to-es REPORT.jsonl` re-sends those documents into the
index behind the alias (by id, no new index), with its own error report.

Connection, index and bulk settings come from indexer.config (ES_* environment variables); a flag,
when given, wins over the environment. Nothing printed shows a password (indexer.logs.redact).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, TypeVar

from indexer.logs import redact
from indexer.storage.options import BULK_CHUNK, BULK_INITIAL_BACKOFF_S, BULK_MAX_RETRIES, DEFAULT_ALIAS, DEFAULT_SHARDS

if TYPE_CHECKING:
    from elasticsearch import Elasticsearch

    from indexer.config import StorageSettings
    from indexer.model import Record
    from indexer.storage.elasticsearch.admin import BulkReport, FailureEntry, RebuildResult
    from indexer.storage.options import EsOptions

T = TypeVar("T")
EXIT_FAILED_DOCUMENTS = 1
EXIT_BAD_OPTIONS = 2
EXIT_ABORTED = 3
PROGRESS_EVERY = 5000
REPORT_DIR = Path("data")
# flag (argparse dest) -> the StorageSettings field it overrides
FLAG_SETTINGS = {
    "es_url": "es_url",
    "alias": "es_index",
    "shards": "es_shards",
    "replicas": "es_replicas",
    "chunk_size": "es_bulk_chunk_size",
    "max_retries": "es_bulk_max_retries",
    "initial_backoff": "es_bulk_initial_backoff",
}


def add_es_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `reindex`, `copy-to-es` and `send-to-es` to the indexer's sub-commands."""
    reindex = commands.add_parser("reindex", help="rebuild the index into a new versioned index and swap the alias")
    reindex.add_argument(
        "--backend",
        choices=["elasticsearch"],
        required=True,
        help="which backend to rebuild (SQLite is re-indexed in place by a crawl)",
    )
    reindex.add_argument(
        "--source",
        type=Path,
        help="read records from a SQLite index file or a JSONL file (default: the documents behind the current alias)",
    )
    _es_arguments(reindex)
    reindex.set_defaults(handler=run_reindex)
    copy = commands.add_parser("copy-to-es", help="copy a SQLite index into a new Elasticsearch index behind the alias")
    copy.add_argument("--db", type=Path, required=True, help="the SQLite index file, e.g. data/reports.sqlite")
    _es_arguments(copy)
    copy.set_defaults(handler=run_copy_to_es)
    send = commands.add_parser(
        "send-to-es",
        help="write records (JSONL, an error report, or SQLite) into the "
        "index behind the alias, replacing by id (no new index)",
    )
    send.add_argument("source", type=Path, help="a .jsonl file (records or error-report lines) or a SQLite file")
    _es_arguments(send)
    send.set_defaults(handler=run_send_to_es)


def _es_arguments(parser: argparse.ArgumentParser) -> None:
    """Connection, index and bulk options (defaults from the ES_* environment variables, indexer.config)."""
    parser.add_argument("--es-url", help="cluster URL (default $ES_URL)")
    parser.add_argument("--alias", help=f"alias the API searches (default $ES_INDEX or {DEFAULT_ALIAS})")
    parser.add_argument(
        "--shards", type=int, help=f"primary shards of the new index (default $ES_SHARDS or {DEFAULT_SHARDS})"
    )
    parser.add_argument("--replicas", type=int, help="replicas of the new index (default $ES_REPLICAS, else auto 0-1)")
    parser.add_argument("--keep-old", action="store_true", help="keep the previous index after the swap")
    parser.add_argument(
        "--allow-failures",
        action="store_true",
        help="swap the alias even when some documents failed (they are in the error report)",
    )
    parser.add_argument(
        "--error-report", type=Path, help="JSONL file for documents that failed (default data/es-errors-<time>.jsonl)"
    )
    parser.add_argument(
        "--chunk-size", type=int, help=f"documents per bulk request (default $ES_BULK_CHUNK_SIZE or {BULK_CHUNK})"
    )
    parser.add_argument(
        "--max-retries",
        type=int,
        help=f"retries of a document answered 429 (default $ES_BULK_MAX_RETRIES or {BULK_MAX_RETRIES})",
    )
    parser.add_argument(
        "--initial-backoff",
        type=float,
        help=f"seconds before the first retry (default $ES_BULK_INITIAL_BACKOFF or {BULK_INITIAL_BACKOFF_S:g})",
    )


def es_settings(args: argparse.Namespace) -> StorageSettings:
    """The storage settings of an Elasticsearch command: the environment, overridden by the flags given.

    Raises pydantic's ValidationError when they are incomplete or inconsistent (no ES_URL, half credentials…).
    """
    from indexer.config import StorageSettings

    overrides = {field: value for flag, field in FLAG_SETTINGS.items() if (value := getattr(args, flag)) is not None}
    return StorageSettings(search_backend="elasticsearch", **overrides)


def _report_path(args: argparse.Namespace) -> Path:
    """Where failed documents are written."""
    if args.error_report:
        path: Path = args.error_report
        return path
    return REPORT_DIR / f"es-errors-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}.jsonl"


class ErrorReport:
    """The JSONL error report, created on the first failed document."""

    def __init__(self, path: Path):
        self.path = path
        self.lines = 0
        self._handle: IO[str] | None = None

    def __call__(self, entry: FailureEntry) -> None:
        """Append one failed document."""
        if self._handle is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._handle = open(self.path, "w", encoding="utf-8")
        self._handle.write(json.dumps(entry, ensure_ascii=False, default=str) + "\n")
        self._handle.flush()
        self.lines += 1

    def close(self) -> None:
        """Close the file if one was written."""
        if self._handle is not None:
            self._handle.close()


def _progress(out: IO[str]) -> Callable[[BulkReport], None]:
    """A progress callback printing every PROGRESS_EVERY documents."""

    def show(report: BulkReport) -> None:
        done = report.written + report.failed
        if done % PROGRESS_EVERY == 0:
            print(f"… {report.written} written, {report.failed} failed", file=out, flush=True)

    return show


@dataclass
class Session:
    """What a bulk command works with: the options, a client, the error report."""

    options: EsOptions
    client: Elasticsearch
    report: ErrorReport


def _open_session(args: argparse.Namespace) -> Session | str:
    """The session of a bulk command, or what is wrong with its options."""
    from pydantic import ValidationError

    from indexer.storage.elasticsearch.admin import connect

    try:
        options = es_settings(args).es_options()
    except ValidationError as exc:
        return "; ".join(_readable(err["msg"]) for err in exc.errors())
    return Session(options, connect(options), ErrorReport(_report_path(args)))


def _readable(message: str) -> str:
    """A validation message without pydantic's prefix."""
    return message.removeprefix("Value error, ")


def _guarded(action: Callable[[], T], session: Session) -> tuple[T | None, int]:
    """Run a bulk action, then close the report and the client; on failure print why and give the exit code."""
    from elastic_transport import TransportError
    from elasticsearch import ApiError

    from indexer.errors import BulkAborted, StorageUnavailable

    try:
        return action(), 0
    except BulkAborted as exc:
        print(redact(f"error: {exc}; in-flight documents are in {session.report.path}"), file=sys.stderr)
        return None, EXIT_ABORTED
    except (ApiError, TransportError, OSError, ValueError, StorageUnavailable) as exc:
        print(redact(f"error: {exc}"), file=sys.stderr)
        return None, EXIT_BAD_OPTIONS
    finally:
        session.report.close()
        session.client.close()


def rebuild_from(args: argparse.Namespace, source: Path | None, out: IO[str] | None = None) -> int:
    """Rebuild behind the alias from `source` (None: the alias itself); print a summary; return the exit code."""
    out = out or sys.stdout
    from indexer.storage import open_record_source
    from indexer.storage.elasticsearch.admin import alias_records, copy_failures, copy_runs

    session = _open_session(args)
    if isinstance(session, str):
        print(redact(f"error: {session}"), file=sys.stderr)
        return EXIT_BAD_OPTIONS
    options, client = session.options, session.client
    print(
        f"loading {source or 'alias ' + options.alias} into a new index behind {options.alias!r} at {redact(options.url)}",
        file=out,
        flush=True,
    )

    def load() -> tuple[RebuildResult, Copied]:
        if source is None:
            records = alias_records(client, options.alias)
            return _rebuild(args, session, records, out), Copied()
        origin = open_record_source(source)
        try:
            result = _rebuild(args, session, origin.records(), out)
            failures = copy_failures(client, options.alias, origin.all_failures())
            return result, Copied(failures, copy_runs(client, options.alias, origin.all_runs()))
        finally:
            origin.close()

    outcome, code = _guarded(load, session)
    if outcome is None:
        return code
    result, copied = outcome
    return _summary(result, session.report, copied, options.alias, out)


def _rebuild(args: argparse.Namespace, session: Session, records: Iterable[Record], out: IO[str]) -> RebuildResult:
    """Load `records` into a new index and swap the alias (admin.rebuild) with the command's options."""
    from indexer.storage.elasticsearch.admin import rebuild

    return rebuild(
        session.client,
        session.options,
        records,
        sink=session.report,
        keep_old=args.keep_old,
        allow_failures=args.allow_failures,
        settings=session.options.bulk,
        progress=_progress(out),
    )


@dataclass
class Copied:
    """What a copy carried over besides the records."""

    failures: int = 0
    runs: int = 0

    def __str__(self) -> str:
        """E.g. '; 12 crawl failures and 3 runs copied' ('' when nothing was)."""
        parts = [f"{n} {what}" for n, what in ((self.failures, "crawl failures"), (self.runs, "runs")) if n]
        return f"; {' and '.join(parts)} copied" if parts else ""


def _summary(result: RebuildResult, report: ErrorReport, copied: Copied, alias: str, out: IO[str]) -> int:
    """Print what happened; exit code 1 when documents failed."""
    print(
        f"index {result.index}: {result.report.written} documents written, {result.report.failed} failed{copied}",
        file=out,
    )
    if result.report.failed:
        print(f"failed documents (with their error and record, to re-send): {report.path}", file=out)
    if result.swapped:
        print(
            f"alias {alias!r} -> {result.index}"
            + (
                f"; deleted {', '.join(result.deleted)}"
                if result.deleted
                else (f"; kept {', '.join(result.old_indices)}" if result.old_indices else "")
            ),
            file=out,
        )
    else:
        print(
            f"alias {alias!r} NOT moved (still {', '.join(result.old_indices) or 'absent'}); "
            f"{result.index} kept for inspection; --allow-failures swaps anyway",
            file=out,
        )
    return EXIT_FAILED_DOCUMENTS if result.report.failed else 0


def run_reindex(args: argparse.Namespace) -> int:
    """`reindex --backend elasticsearch`: rebuild from --source or from the current alias."""
    return rebuild_from(args, args.source)


def run_copy_to_es(args: argparse.Namespace) -> int:
    """`copy-to-es --db FILE`: copy a SQLite index (records, crawl failures and runs) behind the alias."""
    if not args.db.is_file():
        print(f"error: no SQLite index at {args.db}", file=sys.stderr)
        return EXIT_BAD_OPTIONS
    return rebuild_from(args, args.db)


def run_send_to_es(args: argparse.Namespace) -> int:
    """`send-to-es FILE`: upsert records into the index behind the alias; failed ones to a new error report."""
    from indexer.storage import open_record_source
    from indexer.storage.elasticsearch.admin import bulk_load, ensure_alias

    session = _open_session(args)
    if isinstance(session, str):
        print(redact(f"error: {session}"), file=sys.stderr)
        return EXIT_BAD_OPTIONS
    options, client = session.options, session.client

    def load() -> BulkReport:
        ensure_alias(client, options)
        origin = open_record_source(args.source)
        try:
            loaded = bulk_load(
                client,
                options.alias,
                origin.records(),
                sink=session.report,
                settings=options.bulk,
                progress=_progress(sys.stdout),
            )
        finally:
            origin.close()
        client.indices.refresh(index=options.alias)
        return loaded

    result, code = _guarded(load, session)
    if result is None:
        return code
    print(f"alias {options.alias!r}: {result.written} documents written, {result.failed} failed")
    if result.failed:
        print(f"failed documents (with their error and record, to re-send): {session.report.path}")
    return EXIT_FAILED_DOCUMENTS if result.failed else 0
