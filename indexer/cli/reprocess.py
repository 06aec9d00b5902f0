"""`reports-reprocess`: re-run cleaning and extraction over the web archive, offline, updating the index in place.

    reports-reprocess [--db FILE] [--archive DIR] [--portal NAME]... [--year N]... \
                      [--fetched-from DATE] [--fetched-to DATE] [--dry-run]

What the crawl archived (indexer/archive.py) is replayed through today's code, in the order it was
fetched: a served response is built into a record (archive.build_archived_record, as the crawl does)
and written, a gone URL's answer (404/410, redirect to its folder or home) marks its report gone. So
the versions come out as a crawl would have made them: a new version only where the report itself
changed. Steps:

1. scan the archive; with a filter, responses missing from the captures index (an index deleted or
   older than the archive) are registered under the report they build into;
2. select the reports: every report of the archive, or those with a capture of --portal or fetched
   between --fetched-from and --fetched-to, or (--year) covering that year;
3. forget each selected report (record, versions, search rows; its captures stay) and replay every
   capture of it, oldest first;
4. rebuild the agency registry (as the end of a crawl does), then print what changed: fields by name,
   table cells, checks, signals gained and lost, versions before and after.

Run on an empty index (a new --db) it rebuilds the records and their versions from the archive alone.
--dry-run works on a copy of the SQLite index and says what would change. While it runs it holds the
index's crawl lock exclusively: a crawl of the same index waits for it, and it refuses to start
beside one.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO

from pydantic import ValidationError

from indexer.agencies.build import RebuildSummary, rebuild_agencies
from indexer.archive import (
    ArchivedResponse,
    Location,
    archive_files,
    build_archived_record,
    capture_of,
    iter_captures,
)
from indexer.cli.maintenance import backup_index
from indexer.config import StorageSettings
from indexer.errors import NotAReport, StorageUnavailable, UnreadablePage
from indexer.locks import CRAWL_LOCK_SUFFIX, lock_path, open_lock_file, try_lock
from indexer.logs import install_redaction, redact
from indexer.model import Capture, Record
from indexer.storage import Backend
from indexer.storage.facets import signal_names
from indexer.versions.diff import cell_diff

logger = logging.getLogger(__name__)

EXIT_USAGE = 2
EXIT_LOCKED = 75  # another crawl writes this index (as reports-recrawl)
PROGRESS_INTERVAL_S = 10.0  # a progress line at least this often (redrawn in place on a terminal)
LIST_ROLE = "list"
SEPARATE = ("stats", "checks", "signals")  # compared on their own, not as fields


@dataclass(frozen=True)
class Selection:
    """Which reports to reprocess; nothing given: every report of the archive."""

    portals: frozenset[str] = frozenset()
    years: frozenset[int] = frozenset()
    fetched_from: str | None = None  # ISO date, inclusive
    fetched_to: str | None = None  # ISO date, inclusive

    @property
    def everything(self) -> bool:
        """No filter: the whole archive."""
        return not (self.portals or self.years or self.fetched_from or self.fetched_to)

    def takes(self, response: ArchivedResponse) -> bool:
        """Whether a capture passes the portal and fetch date filters."""
        day = response.fetched_at[:10]
        return (
            (not self.portals or response.meta.get("portal") in self.portals)
            and (self.fetched_from is None or day >= self.fetched_from)
            and (self.fetched_to is None or day <= self.fetched_to)
        )


@dataclass(frozen=True)
class Entry:
    """One archived response, without its body, and the report it belongs to (None: none, or not known yet)."""

    location: Location
    response: ArchivedResponse  # body left out
    report_id: str | None
    report_year: int | None = None  # the year its record covers, when step 1 built it

    @property
    def capture(self) -> Capture:
        """Its captures index entry."""
        return capture_of(self.location, self.response)


@dataclass
class Changes:
    """What reprocessing changed, summed over the reports."""

    captures: int = 0
    reports: int = 0
    new_reports: int = 0
    gone_reports: int = 0  # stored before, no record now (not a report any more, or merged into another)
    errors: int = 0
    fields: Counter[str] = field(default_factory=Counter)
    cells: int = 0
    checks: int = 0
    signals_gained: Counter[str] = field(default_factory=Counter)
    signals_lost: Counter[str] = field(default_factory=Counter)
    versions_before: int = 0
    versions_after: int = 0

    def lines(self) -> list[str]:
        """The summary for a person."""
        return [
            f"{self.reports} reports re-read from {self.captures} captures ({self.new_reports} new, "
            f"{self.gone_reports} no longer stored, {self.errors} indexer errors)",
            f"fields changed: {counted(self.fields)}",
            f"table cells changed: {self.cells}",
            f"checks whose outcome changed: {self.checks}",
            f"signals gained: {counted(self.signals_gained)}; lost: {counted(self.signals_lost)}",
            f"versions: {self.versions_before} before, {self.versions_after} after",
        ]


def counted(counter: Counter[str]) -> str:
    """`title 2, published 1`, or `none`."""
    return ", ".join(f"{name} {n}" for name, n in sorted(counter.items())) or "none"


class Progress:
    """A live line on a terminal (redrawn in place), else a line every PROGRESS_INTERVAL_S; always a last one."""

    def __init__(self, total: int, stream: IO[str]):
        self.total = total
        self.stream = stream
        self.live = stream.isatty()
        self.started = time.monotonic()
        self.shown = 0.0

    def update(self, done: int, *, last: bool = False) -> None:
        """Show how far the replay is."""
        now = time.monotonic()
        if not last and now - self.shown < (0.2 if self.live else PROGRESS_INTERVAL_S):
            return
        self.shown = now
        share = f" ({100 * done // self.total}%)" if self.total else ""
        line = f"reprocess: {done}/{self.total} captures{share}, {now - self.started:.1f} s"
        end = "\n" if last or not self.live else ""
        self.stream.write(("\r\x1b[K" if self.live else "") + line + end)
        self.stream.flush()


# --------------------------------------------------------------------------- steps 1 and 2: scan and select
def scan(backend: Backend, folder: Path, selection: Selection, max_text_chars: int) -> list[Entry]:
    """Every archived response in the order written, with its report; with a filter, register those missing."""
    registered = {(row["warc_file"], row["offset"]): row["report_id"] for row in backend.captures()}
    entries: list[Entry] = []
    served_by: dict[str, str] = {}  # URL -> the report its last served capture built into
    for location, response in iter_captures(folder):
        key = (location.file, location.offset)
        report_id, year = registered.get(key), None
        if key not in registered and (not selection.everything or response.meta.get("role") == LIST_ROLE):
            report_id, year = _report_of(response, served_by, max_text_chars)
            backend.save_capture(capture_of(location, response), report_id, response.requested_url, response.meta)
        if report_id is not None and response.gone is None:
            served_by[response.requested_url] = served_by[response.url] = report_id
        entries.append(Entry(location, replace(response, body=b""), report_id, year))
    return entries


def _report_of(
    response: ArchivedResponse, served_by: dict[str, str], max_text_chars: int
) -> tuple[str | None, int | None]:
    """The report an unregistered capture belongs to and its year: its record's, or (gone) its URL's report's."""
    if response.meta.get("role") == LIST_ROLE:
        return None, None
    if response.gone is not None:
        return served_by.get(response.requested_url), None
    try:
        record = build_archived_record(response, None, max_text_chars)
    except (NotAReport, UnreadablePage):
        return None, None
    return record["id"], record["report_year"]


def select(backend: Backend, entries: Sequence[Entry], selection: Selection) -> set[str]:
    """The ids of the reports to reprocess: those with a capture the filters take and one that served them (a
    report known only from before the archive, or only from its 404, is left as it is)."""
    served = {e.report_id for e in entries if e.report_id is not None and e.response.gone is None}
    chosen = {e.report_id for e in entries if e.report_id is not None and selection.takes(e.response)} & served
    if not selection.years:
        return chosen
    built = {e.report_id: e.report_year for e in entries if e.report_year is not None}
    return {report_id for report_id in chosen if _year(backend, report_id, built) in selection.years}


def _year(backend: Backend, report_id: str, built: dict[str | None, int]) -> int | None:
    """The year a report covers: as stored, else as step 1 built it (None when neither knows)."""
    record = backend.get(report_id)
    return record.get("report_year") if record else built.get(report_id)


def replay_set(entries: Sequence[Entry], chosen: set[str], selection: Selection) -> list[Entry]:
    """The captures to replay, in the order written: all but list pages, or every capture of the chosen reports."""
    if selection.everything:
        return [e for e in entries if e.response.meta.get("role") != LIST_ROLE]
    return [e for e in entries if e.report_id in chosen]


# --------------------------------------------------------------------------- step 3: replay
@dataclass
class Replay:
    """Replays captures into a backend, forgetting each report the first time it is met (its old state kept)."""

    backend: Backend
    max_text_chars: int
    old: dict[str, Record | None] = field(default_factory=dict)  # report id -> the record before
    versions_before: dict[str, int] = field(default_factory=dict)
    errors: int = 0

    def forget(self, report_ids: Iterable[str]) -> None:
        """Keep what these reports were, then forget them (record, versions, search rows)."""
        for report_id in report_ids:
            if report_id in self.old:
                continue
            self.old[report_id] = self.backend.get(report_id)
            self.versions_before[report_id] = len(self.backend.versions(report_id) or [])
            self.backend.forget(report_id)

    def capture(self, response: ArchivedResponse, capture: Capture) -> None:
        """Replay one capture: mark its URL gone, or build its record and write it (a reject is only registered)."""
        how = response.gone
        if how is not None:
            self.backend.mark_gone(response.requested_url, response.fetched_at, how, capture)
            return
        try:
            record = build_archived_record(response, capture, self.max_text_chars)
        except (NotAReport, UnreadablePage):
            self.backend.save_capture(capture, None, response.requested_url, response.meta)
            return
        except Exception:  # an indexer bug must not stop the replay; keep it visible
            logger.exception("Indexer failed on %s (%s:%d)", response.url, capture["warc_file"], capture["offset"])
            self.errors += 1
            return
        self.forget([record["id"]])  # a report no selected capture belonged to before
        self.backend.write([record])


def replay(replayer: Replay, folder: Path, entries: Sequence[Entry], progress: Callable[[int], None]) -> int:
    """Replay the entries' captures in order (one pass over the files); return how many were replayed."""
    wanted = {(e.location.file, e.location.offset) for e in entries}
    done = 0
    for location, response in iter_captures(folder):
        if (location.file, location.offset) not in wanted:
            continue
        replayer.capture(response, capture_of(location, response))
        done += 1
        progress(done)
    return done


# --------------------------------------------------------------------------- step 4: what changed
def compare(changes: Changes, old: Record | None, new: Record | None) -> None:
    """Add one report's differences to the summary."""
    if new is None:
        changes.gone_reports += old is not None
        return
    changes.reports += 1
    if old is None:
        changes.new_reports += 1
        return
    names = (set(old) | set(new)) - set(SEPARATE)
    changes.fields.update(name for name in names if old.get(name) != new.get(name))
    changes.cells += len(cell_diff(old.get("stats"), new.get("stats")))
    before, after = _outcomes(old), _outcomes(new)
    changes.checks += max(len(before - after), len(after - before))
    had, has = set(signal_names(old.get("signals"))), set(signal_names(new.get("signals")))
    changes.signals_gained.update(has - had)
    changes.signals_lost.update(had - has)


def _outcomes(record: Record) -> set[tuple[str, bool, str]]:
    """A record's checks as (rule, outcome, detail)."""
    return {(c["rule"], c["ok"], c["detail"]) for c in record.get("checks") or []}


def summarize(backend: Backend, replayed: Replay, captures: int) -> Changes:
    """What changed in each report met, compared with what it was before."""
    changes = Changes(captures=captures, errors=replayed.errors)
    for report_id, old in replayed.old.items():
        compare(changes, old, backend.get(report_id))
        changes.versions_before += replayed.versions_before[report_id]
        changes.versions_after += len(backend.versions(report_id) or [])
    return changes


# --------------------------------------------------------------------------- the command
def reprocess(
    backend: Backend, folder: Path, selection: Selection, max_text_chars: int, stream: IO[str]
) -> tuple[Changes, RebuildSummary]:
    """Steps 1 to 4 on an open backend; return what changed and the agency rebuild."""
    entries = scan(backend, folder, selection, max_text_chars)
    chosen = select(backend, entries, selection)
    todo = replay_set(entries, chosen, selection)
    replayed = Replay(backend, max_text_chars)
    replayed.forget(sorted(chosen))
    progress = Progress(len(todo), stream)
    done = replay(replayed, folder, todo, progress.update)
    progress.update(done, last=True)
    rebuilt = rebuild_agencies(backend, datetime.now(UTC).date())  # as the end of a crawl (crawler/run.py)
    return summarize(backend, replayed, done), rebuilt


def build_parser() -> argparse.ArgumentParser:
    """Describe the command line."""
    parser = argparse.ArgumentParser(
        prog="reports-reprocess",
        description="Re-run cleaning and extraction over the web archive, offline, and update the index in place.",
    )
    parser.add_argument(
        "--db", type=Path, help="the SQLite index file, created if missing (default: REPORTS_DB, or SEARCH_BACKEND)"
    )
    parser.add_argument("--archive", type=Path, help="the archive folder (default: `archive` beside the index)")
    parser.add_argument("--portal", action="append", default=[], metavar="NAME", help="only this seed's reports")
    parser.add_argument("--year", action="append", default=[], type=int, help="only reports covering this year")
    parser.add_argument("--fetched-from", type=date.fromisoformat, metavar="DATE", help="captures from (YYYY-MM-DD)")
    parser.add_argument("--fetched-to", type=date.fromisoformat, metavar="DATE", help="captures to (YYYY-MM-DD)")
    parser.add_argument("--dry-run", action="store_true", help="work on a copy of the index; change nothing")
    return parser


def selection_of(args: argparse.Namespace) -> Selection:
    """The filters given on the command line."""
    return Selection(
        portals=frozenset(args.portal),
        years=frozenset(args.year),
        fetched_from=args.fetched_from.isoformat() if args.fetched_from else None,
        fetched_to=args.fetched_to.isoformat() if args.fetched_to else None,
    )


def storage_settings(db: Path | None) -> StorageSettings:
    """The index to reprocess: --db (SQLite), else the environment's."""
    return StorageSettings(reports_db=str(db), search_backend="sqlite") if db else StorageSettings()


def run(args: argparse.Namespace, settings: StorageSettings, folder: Path) -> int:
    """Reprocess the index (or, with --dry-run, a copy of it) and print what changed."""
    selection = selection_of(args)
    with tempfile.TemporaryDirectory(prefix="reports-reprocess-") as scratch:
        if args.dry_run:
            copy = Path(scratch) / "copy.sqlite"
            if Path(settings.reports_db).is_file():
                backup_index(Path(settings.reports_db), copy)
            settings = storage_settings(copy)
        backend = settings.open_backend()
        try:
            changes, rebuilt = reprocess(backend, folder, selection, settings.reports_max_text_chars, sys.stderr)
        finally:
            backend.close()
    for line in changes.lines():
        print(line)
    print(f"agency registry rebuilt: {rebuilt.line()}")
    if args.dry_run:
        print("dry run: the index was not changed")
    return 0


def usage_problem(args: argparse.Namespace, settings: StorageSettings, folder: Path) -> str | None:
    """What makes the command impossible as given, or None."""
    if not archive_files(folder):
        return f"no WARC files in {folder}"
    if args.dry_run and settings.search_backend != "sqlite":
        return "--dry-run works on a SQLite index only"
    if args.fetched_from and args.fetched_to and args.fetched_from > args.fetched_to:
        return "--fetched-from is after --fetched-to"
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments, take the crawl lock, reprocess, print the summary; return the exit code."""
    install_redaction()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    try:
        settings = storage_settings(args.db)
    except ValidationError as exc:
        print(f"error: cannot open the index: {redact(' '.join(str(exc).split()))}", file=sys.stderr)
        return EXIT_USAGE
    folder = args.archive or settings.archive_dir()
    problem = usage_problem(args, settings, folder)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return EXIT_USAGE
    target = (settings.es_url or "") if settings.search_backend == "elasticsearch" else settings.reports_db
    with open_lock_file(lock_path(target, CRAWL_LOCK_SUFFIX)) as lock:
        if not args.dry_run and not try_lock(lock, exclusive=True):
            print(f"error: a crawl is writing {redact(target)}; try again when it ends", file=sys.stderr)
            return EXIT_LOCKED
        try:
            return run(args, settings, folder)
        except StorageUnavailable as exc:
            print(f"error: {redact(str(exc))}", file=sys.stderr)
            return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
