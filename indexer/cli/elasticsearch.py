"""Elasticsearch sub-commands of `python -m indexer`: reindex (alias swap) and copy-to-es (from SQLite).

    python -m indexer reindex --backend elasticsearch [--es-url URL] [--alias reports] [--source FILE]
    python -m indexer copy-to-es --db data/reports.sqlite [--es-url URL] [--alias reports]

Both build a new versioned index, load it with bulk requests (refresh relaxed meanwhile), then move
the alias in one atomic call. Documents that fail after retries go to a JSONL error report (one
line each: id, status, error and the full record); the alias is then left where it was (unless
--allow-failures) and the exit code is 1. `send-to-es REPORT.jsonl` re-sends those documents into the
index behind the alias (by id, no new index), with its own error report.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

EXIT_FAILED_DOCUMENTS = 1
EXIT_ABORTED = 3
PROGRESS_EVERY = 5000
ENV = {
    "url": "ES_URL",
    "alias": "ES_INDEX",
    "username": "ES_USERNAME",
    "password": "ES_PASSWORD",
    "api_key": "ES_API_KEY",
    "ca_certs": "ES_CA_CERTS",
    "shards": "ES_SHARDS",
    "replicas": "ES_REPLICAS",
}
REPORT_DIR = Path("data")


def add_es_commands(commands: argparse._SubParsersAction) -> None:
    """Add `reindex` and `copy-to-es` to the indexer's sub-commands."""
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
    """Connection and index options (defaults from ES_* environment variables)."""
    parser.add_argument("--es-url", help="cluster URL (default $ES_URL)")
    parser.add_argument("--alias", help="alias the API searches (default $ES_INDEX or reports)")
    parser.add_argument("--shards", type=int, help="primary shards of the new index (default $ES_SHARDS or 1)")
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
    parser.add_argument("--chunk-size", type=int, default=500, help="documents per bulk request")
    parser.add_argument("--max-retries", type=int, default=6, help="retries of a document answered 429")
    parser.add_argument("--initial-backoff", type=float, default=2.0, help="seconds before the first retry")


def es_options(args: argparse.Namespace, environ: dict[str, str] | None = None):
    """EsOptions from the arguments, then the environment; ValueError without a URL."""
    from indexer.storage.elasticsearch.admin import DEFAULT_ALIAS, EsOptions

    env = os.environ if environ is None else environ
    url = args.es_url or env.get(ENV["url"])
    if not url:
        raise ValueError("no Elasticsearch URL: pass --es-url or set ES_URL")
    shards = args.shards if args.shards is not None else int(env.get(ENV["shards"]) or 1)
    replicas = (
        args.replicas
        if args.replicas is not None
        else (int(env[ENV["replicas"]]) if env.get(ENV["replicas"]) else None)
    )
    return EsOptions(
        url=url,
        alias=args.alias or env.get(ENV["alias"]) or DEFAULT_ALIAS,
        username=env.get(ENV["username"]),
        password=env.get(ENV["password"]),
        api_key=env.get(ENV["api_key"]),
        ca_certs=env.get(ENV["ca_certs"]),
        shards=shards,
        replicas=replicas,
    )


def _report_path(args: argparse.Namespace) -> Path:
    """Where failed documents are written."""
    if args.error_report:
        return args.error_report
    return REPORT_DIR / f"es-errors-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}.jsonl"


class ErrorReport:
    """The JSONL error report, created on the first failed document."""

    def __init__(self, path: Path):
        self.path = path
        self.lines = 0
        self._handle: IO[str] | None = None

    def __call__(self, entry: dict) -> None:
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


def _progress(out: IO[str]) -> Callable:
    """A progress callback printing every PROGRESS_EVERY documents."""

    def show(report) -> None:
        done = report.written + report.failed
        if done % PROGRESS_EVERY == 0:
            print(f"… {report.written} written, {report.failed} failed", file=out, flush=True)

    return show


def _records_from(path: Path) -> Iterable[dict]:
    """Records of a SQLite index file or a JSONL file (by suffix)."""
    from indexer.storage.elasticsearch.admin import jsonl_records, sqlite_records

    return jsonl_records(path) if path.suffix.lower() in (".jsonl", ".json", ".ndjson") else sqlite_records(path)


def _open_session(args: argparse.Namespace) -> tuple | int:
    """Options, client, error report and bulk settings of a bulk command, or exit code 2 on bad options."""
    from indexer.storage.elasticsearch.admin import BulkSettings, connect

    try:
        options = es_options(args)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    settings = BulkSettings(
        chunk_size=args.chunk_size, max_retries=args.max_retries, initial_backoff=args.initial_backoff
    )
    return options, connect(options), ErrorReport(_report_path(args)), settings


def _guarded(action: Callable[[], object], report: ErrorReport, client) -> tuple[object, int]:
    """Run a bulk action, then close the report and the client; on failure print why and give the exit code."""
    from elastic_transport import TransportError
    from elasticsearch import ApiError

    from indexer.storage.elasticsearch.admin import BulkAborted

    try:
        return action(), 0
    except BulkAborted as exc:
        print(f"error: {exc}; in-flight documents are in {report.path}", file=sys.stderr)
        return None, EXIT_ABORTED
    except (ApiError, TransportError, OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return None, 2
    finally:
        report.close()
        client.close()


def rebuild_from(args: argparse.Namespace, source: Path | None, out: IO[str] | None = None) -> int:
    """Rebuild behind the alias from `source` (None: the alias itself); print a summary; return the exit code."""
    out = out or sys.stdout
    from indexer.storage.elasticsearch.admin import (
        alias_records,
        copy_failures,
        rebuild,
        sqlite_failures,
    )

    session = _open_session(args)
    if isinstance(session, int):
        return session
    options, client, report, settings = session
    records = _records_from(source) if source else alias_records(client, options.alias)
    print(
        f"loading {source or 'alias ' + options.alias} into a new index behind {options.alias!r} at {options.url}",
        file=out,
        flush=True,
    )

    def load() -> tuple:
        result = rebuild(
            client,
            options,
            records,
            sink=report,
            keep_old=args.keep_old,
            allow_failures=args.allow_failures,
            settings=settings,
            progress=_progress(out),
        )
        copied = (
            copy_failures(client, options.alias, sqlite_failures(source))
            if (source and source.suffix.lower() not in (".jsonl", ".json", ".ndjson"))
            else 0
        )
        return result, copied

    outcome, code = _guarded(load, report, client)
    if outcome is None:
        return code
    result, copied = outcome
    return _summary(result, report, copied, options.alias, out)


def _summary(result, report: ErrorReport, copied: int, alias: str, out: IO[str]) -> int:
    """Print what happened; exit code 1 when documents failed."""
    print(
        f"index {result.index}: {result.report.written} documents written, {result.report.failed} failed"
        + (f"; {copied} crawl failures copied" if copied else ""),
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
    """`copy-to-es --db FILE`: copy a SQLite index (records and crawl failures) behind the alias."""
    if not args.db.is_file():
        print(f"error: no SQLite index at {args.db}", file=sys.stderr)
        return 2
    return rebuild_from(args, args.db)


def run_send_to_es(args: argparse.Namespace) -> int:
    """`send-to-es FILE`: upsert records into the index behind the alias; failed ones to a new error report."""
    from indexer.storage.elasticsearch.admin import bulk_load, ensure_alias

    session = _open_session(args)
    if isinstance(session, int):
        return session
    options, client, report, settings = session

    def load():
        ensure_alias(client, options)
        loaded = bulk_load(
            client,
            options.alias,
            _records_from(args.source),
            sink=report,
            settings=settings,
            progress=_progress(sys.stdout),
        )
        client.indices.refresh(index=options.alias)
        return loaded

    result, code = _guarded(load, report, client)
    if result is None:
        return code
    print(f"alias {options.alias!r}: {result.written} documents written, {result.failed} failed")
    if result.failed:
        print(f"failed documents (with their error and record, to re-send): {report.path}")
    return EXIT_FAILED_DOCUMENTS if result.failed else 0
