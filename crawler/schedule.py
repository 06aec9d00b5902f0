"""`reports-recrawl`: the crawl to run from cron or a systemd timer; never two at once, logged to a file.

    reports-recrawl SEEDS --db FILE --log-file FILE [--lock FILE] [any reports-crawl option]
    (or python -m crawler.schedule …)

The same crawl as `reports-crawl` (crawler/cli.py), with three differences for unattended runs:
* it holds an exclusive OS lock (fcntl.flock on --lock, default `<db>-recrawl.lock`) for the whole
  run; when another recrawl holds it, it prints one line on stderr, appends it to the log file, and
  exits 75 (EX_TEMPFAIL) without crawling. The OS drops the lock when the process ends, even killed.
* the crawl's log (progress lines, summary table, warnings) is appended to --log-file, which each run
  opens anew: rotate it with logrotate (any mode) between runs. stdout and stderr stay quiet unless
  something needs a person (a refusal, a failed run, a bad command line), which cron mails.
* exit codes: 0 finished, 1 could not start, 2 bad command line or seed file, 3 the run failed (no
  page of any seed fetched) or was interrupted, 75 another recrawl is running.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import datetime
from pathlib import Path

from crawler.cli import build_parser, checked_settings, crawl
from indexer.locks import RECRAWL_LOCK_SUFFIX, holder_note, lock_path, note_holder, open_lock_file, try_lock

EXIT_LOCKED = 75  # EX_TEMPFAIL (sysexits.h): try again later


def recrawl_parser() -> argparse.ArgumentParser:
    """reports-crawl's command line, with --db and --log-file required and --lock."""
    description = "Recrawl the portals of a seed file from cron: one at a time, logged to a file."
    parser = build_parser("reports-recrawl", description, require_db=True)
    parser.add_argument("--log-file", type=Path, required=True, metavar="FILE", help="append the crawl's log here")
    parser.add_argument("--lock", type=Path, metavar="FILE", help="lock file (default: <db>-recrawl.lock)")
    return parser


def stamp() -> str:
    """The local time as Scrapy's log lines write it."""
    return datetime.now().strftime("%Y-%m-%d %H:%M:%S")


def tell(log_file: Path, message: str) -> None:
    """Say one line on stderr and append it to the log file."""
    print(message, file=sys.stderr)
    with log_file.open("a", encoding="utf-8") as log:
        log.write(f"{stamp()} [reports-recrawl] {message}\n")


def main(argv: list[str] | None = None) -> int:
    """Take the lock or refuse; run the crawl with its log in the log file; return the exit code."""
    parser = recrawl_parser()
    args = parser.parse_args(argv)
    settings = checked_settings(parser, args)
    settings.set("LOG_FILE", str(args.log_file), priority="cmdline")
    settings.set("LOG_FILE_APPEND", True, priority="cmdline")
    lock = args.lock or lock_path(args.db, RECRAWL_LOCK_SUFFIX)
    args.log_file.parent.mkdir(parents=True, exist_ok=True)
    with open_lock_file(lock) as handle:
        if not try_lock(handle, exclusive=True):
            holder = holder_note(handle) or "another process"
            tell(args.log_file, f"{parser.prog}: not started: another crawl holds {lock} ({holder})")
            return EXIT_LOCKED
        note_holder(handle, f"pid {os.getpid()} since {stamp()}")
        outcome = crawl(settings, args)
    if outcome.exit_code:
        what = f"run {outcome.run_id} {outcome.status}" if outcome.started else "the crawl could not start"
        tell(args.log_file, f"{parser.prog}: {what}; see {args.log_file}")
    return outcome.exit_code


if __name__ == "__main__":
    sys.exit(main())
