"""`reports-ingest`: the one process that writes the index of a distributed crawl.

    reports-ingest [--redis URL] [--db TARGET] [--exit-when-done] [-s NAME=VALUE ...]

It reads the Redis stream the workers fill (consumer group "ingest") and runs the usual pipelines
on each item: ArchivePipeline (WARC), then IndexPipeline (records, gone URLs, failures) into the
SQLite file or Elasticsearch of --db / REPORTS_DB. A message is acknowledged and deleted only after
it is written, with the run's counts it changed in the same Redis transaction: an ingest that
crashes takes its unacknowledged messages up again when restarted, and loses nothing. Only one
ingest runs per Redis (a lease: a second one exits with a message).

The run is saved in the index while it goes (GET /runs shows it) and finished when every job has
ended: a no_column failure for each reached seed without a column, the agency registry rebuilt,
its summary logged, as a local crawl does. --exit-when-done exits once no run is open and the
stream is empty (tests, one-off runs); without it the ingest serves until stopped (SIGTERM, Ctrl-C).
"""

from __future__ import annotations

import argparse
import json
import logging
import multiprocessing
import os
import signal
import socket
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from redis import Redis
from redis.client import Pipeline
from redis.exceptions import ResponseError
from scrapy.exceptions import DropItem
from scrapy.settings import Settings
from scrapy.utils.log import configure_logging

from crawler.cli import EXIT_BAD_INPUT, SETTINGS_MODULE, setting_pair
from crawler.items import FetchedPage, GonePage
from crawler.pipelines import ArchivePipeline, IndexPipeline, build_record, storage_target
from crawler.progress import summary, summary_warnings
from crawler.run import iso_time, portal_run, rebuild_registry, record_missing_columns, utc_now
from crawler.stats import RUN_ID, portal_key
from indexer.config import StorageSettings
from indexer.model import Record, Run, RunStatus

from .codec import Item, decode_item
from .keys import DEFAULT_REDIS_URL, INGEST_CONSUMER, INGEST_GROUP, RUNS, STREAM, run_key
from .queue import run_meta, run_stats

logger = logging.getLogger(__name__)

BATCH = 20  # messages read at once
BLOCK_MS = 1000  # how long one read waits for messages
SAVE_EVERY_S = 10.0  # a running run is saved in the index this often (when it changed)
LEASE = "reports:ingest"
LEASE_S = 30
ADDED_COUNTS = ("/requests", "/pages", "/not_modified")  # job-end counts added up; the other values are set


class RunStats:
    """The stats the IndexPipeline counts into, for one run: increments buffered, then written with the ack."""

    def __init__(self, redis: Redis, run_id: str, ttl_s: int):
        self.redis = redis
        self.run_id = run_id
        self.ttl_s = ttl_s
        self.added: Counter[str] = Counter()

    def get_value(self, key: str, default: Any = None) -> Any:
        """The run id (the IndexPipeline stores it with each failure)."""
        return self.run_id if key == RUN_ID else default

    def inc_value(self, key: str, count: int = 1) -> None:
        """Count (written at flush)."""
        self.added[key] += count

    def get_stats(self) -> dict[str, Any]:
        """The run's counts so far, with what is not written yet."""
        stats = run_stats(self.redis, self.run_id)
        for key, count in self.added.items():
            stats[key] = stats.get(key, 0) + count
        return stats

    def flush(self, pipe: Pipeline) -> None:
        """Write the buffered counts in the caller's transaction."""
        for key, count in self.added.items():
            pipe.hincrby(run_key(self.run_id, "stats"), key, count)
        for part in ("stats", "done"):
            pipe.expire(run_key(self.run_id, part), self.ttl_s)
        self.added.clear()


class Ingest:
    """Consume the stream into one index; save and finish the runs."""

    def __init__(self, redis: Redis, settings: Settings, builders: int = 1):
        self.redis = redis
        self.settings = settings
        self.target = storage_target(settings)
        self.max_text_chars = StorageSettings().reports_max_text_chars
        self.ttl_s = settings.getint("REPORTS_RUN_TTL")
        self.index = IndexPipeline(self.target, None, self.max_text_chars)
        # Records are built in other processes (parsing, LibreOffice, OCR), written here: one writer.
        self.builders = ProcessPoolExecutor(builders, mp_context=multiprocessing.get_context("spawn"))
        self.archive = ArchivePipeline.from_settings(settings)
        self.open_runs: dict[str, float] = {}  # run id → when it last changed
        self.saved: dict[str, float] = {}
        self.owner = f"{socket.gethostname()}:{os.getpid()}"
        self.stopping = False

    def serve(self, exit_when_done: bool) -> None:
        """Take the lease, then consume until stopped (or, with exit_when_done, until nothing is left)."""
        if not self.redis.set(LEASE, self.owner, nx=True, ex=LEASE_S):
            raise SystemExit(f"reports-ingest: another ingest ({self.redis.get(LEASE)!r}) is running on this Redis")
        try:
            self.redis.xgroup_create(STREAM, INGEST_GROUP, id="0", mkstream=True)
        except ResponseError as exc:  # BUSYGROUP: made by an earlier ingest
            if "BUSYGROUP" not in str(exc):
                raise
        if "://" not in self.target:
            Path(self.target).parent.mkdir(parents=True, exist_ok=True)
        self.index.open_spider()
        self.open_runs.update(dict.fromkeys(self._unfinished_runs(), time.monotonic()))
        try:
            self._consume("0")  # our own messages read before a crash, not yet acknowledged
            while not self.stopping:
                read = self._consume(">")
                self.redis.set(LEASE, self.owner, ex=LEASE_S)
                self._save_running()
                if exit_when_done and not read and not self.open_runs and not self.redis.xlen(STREAM):
                    break
        finally:
            self.builders.shutdown(cancel_futures=True)
            self.index.close_spider()
            self.archive.close_spider()
            if self.redis.get(LEASE) == self.owner.encode():
                self.redis.delete(LEASE)

    def _unfinished_runs(self) -> list[str]:
        """Runs still open in Redis (started, not finished): they are finished here when their jobs end."""
        ids = [i.decode() for i in self.redis.zrange(RUNS, 0, -1)]  # type: ignore[union-attr]
        return [i for i in ids if run_meta(self.redis, i).get("status") in ("running", "stopping")]

    def _consume(self, start: str) -> int:
        """Handle the messages from `start` ("0": our pending ones; ">": new ones); return how many."""
        block = None if start == "0" else BLOCK_MS
        handled = 0
        while True:
            answer: Any = self.redis.xreadgroup(
                INGEST_GROUP, INGEST_CONSUMER, {STREAM: start}, count=BATCH, block=block
            )
            messages = answer[0][1] if answer else []
            self._handle([(message_id, {k.decode(): v for k, v in fields.items()}) for message_id, fields in messages])
            handled += len(messages)
            if start == ">" or not messages:
                return handled

    def _handle(self, messages: list[tuple[bytes, dict[str, bytes]]]) -> None:
        """Archive a batch's pages, build their records in parallel, then write and acknowledge each message in order."""
        items = [self._decode(fields) for _, fields in messages]
        for item in items:
            if isinstance(item, FetchedPage | GonePage):
                self.archive.process_item(item)
        built = {
            n: self.builders.submit(build_record, item, self.max_text_chars)
            for n, item in enumerate(items)
            if isinstance(item, FetchedPage)
        }
        for n, (message_id, fields) in enumerate(messages):
            run_id = fields.get("run", b"").decode()
            stats = RunStats(self.redis, run_id, self.ttl_s)
            item = items[n]
            if item is not None:
                self._write(item, built[n].result() if n in built else None, stats)
            ended = fields.get("kind") == b"job_end"
            with self.redis.pipeline(transaction=True) as pipe:
                if ended:
                    self._merge_job_end(pipe, run_id, fields)
                stats.flush(pipe)
                pipe.xack(STREAM, INGEST_GROUP, message_id)
                pipe.xdel(STREAM, message_id)
                pipe.execute()
            if run_id:
                self.open_runs[run_id] = time.monotonic()
            if ended:
                self._finish_if_done(run_id)
            self.redis.set(LEASE, self.owner, ex=LEASE_S)  # still the one writer (a batch of OCR takes a while)

    @staticmethod
    def _decode(fields: dict[str, bytes]) -> Item | None:
        """The item a message carries; None for a job's end, or a message that is not an item (logged)."""
        if fields.get("kind") != b"item":
            return None
        try:
            return decode_item(fields.get("data", b""))
        except (ValueError, TypeError, KeyError) as exc:
            logger.error("Message skipped, not an item of the distributed crawl: %s", exc)
            return None

    def _write(self, item: Item, built: Record | tuple[str, str] | None, stats: RunStats) -> None:
        """Store one item (a page's record as built), counting into its run's stats."""
        self.index.stats = stats
        try:
            if isinstance(item, FetchedPage):
                assert built is not None
                self.index.store(built, item)
            else:
                self.index.process_item(item)
        except DropItem as exc:
            logger.debug("%s", exc)

    def _merge_job_end(self, pipe: Pipeline, run_id: str, fields: dict[str, bytes]) -> None:
        """Add a job's counts, column routes and reached seeds to the run (once per job)."""
        job = fields.get("job", b"").decode()
        if self.redis.sismember(run_key(run_id, "done"), job):
            return
        end = json.loads(fields.get("data", b"{}"))
        stats_key = run_key(run_id, "stats")
        for key, value in end.get("stats", {}).items():
            if key.endswith("/columns"):
                pipe.hset(stats_key, key, json.dumps(value, ensure_ascii=False))
            elif key.endswith(ADDED_COUNTS):
                pipe.hincrby(stats_key, key, int(value))
            elif isinstance(value, int | bool):
                pipe.hset(stats_key, key, int(value))
        for seed in end.get("reached", []):
            pipe.hset(stats_key, portal_key(seed, "reached"), 1)
        if end.get("outcome") != "finished":
            pipe.hincrby(run_key(run_id), "unfinished_jobs", 1)
            logger.warning("Job %s of run %s ended %s: %s", job, run_id, end.get("outcome"), fields.get("reason", b""))
        pipe.sadd(run_key(run_id, "done"), job)

    def _finish_if_done(self, run_id: str) -> None:
        """Finish the run when every job has ended."""
        meta = run_meta(self.redis, run_id)
        if meta.get("status") not in ("running", "stopping"):
            return
        jobs = json.loads(meta.get("jobs", "[]"))
        if self.redis.scard(run_key(run_id, "done")) < len(jobs):
            return
        self._finish(run_id, meta)

    def _finish(self, run_id: str, meta: dict[str, str]) -> None:
        """The end of a run, as a local crawl ends: missing columns, registry, saved run, summary."""
        start_urls: dict[str, str] = json.loads(meta.get("start_urls", "{}"))
        stats = RunStats(self.redis, run_id, self.ttl_s)
        counts = stats.get_stats()
        reached = {name for name in start_urls if counts.get(portal_key(name, "reached"))}
        backend = self.index.backend
        record_missing_columns(backend, run_id, start_urls, reached, stats)
        with self.redis.pipeline(transaction=True) as pipe:
            stats.flush(pipe)
            pipe.execute()
        rebuild_registry(backend)
        status: RunStatus = "finished" if reached else "failed"
        if meta.get("status") == "stopping" or int(meta.get("unfinished_jobs", 0)):
            status = "interrupted"
        run = self.snapshot(run_id, meta, status, iso_time(utc_now()))
        backend.save_run(run)
        self.redis.hset(run_key(run_id), mapping={"status": status, "finished_at": run["finished_at"] or ""})
        self.open_runs.pop(run_id, None)
        warnings = summary_warnings(run, reached, start_urls)
        logger.log(logging.WARNING if warnings else logging.INFO, "%s", summary(run, warnings))

    def snapshot(self, run_id: str, meta: dict[str, str], status: RunStatus, finished_at: str | None = None) -> Run:
        """The run as the index stores it, with every portal's counts so far."""
        counts = run_stats(self.redis, run_id)
        names = list(json.loads(meta.get("start_urls", "{}")))
        return {
            "id": run_id,
            "started_at": meta.get("started_at", ""),
            "finished_at": finished_at,
            "status": status,
            "seeds": meta.get("seeds", ""),
            "portals": [portal_run(counts, name) for name in names],
        }

    def _save_running(self) -> None:
        """Save each open run that changed since it was last saved (every SAVE_EVERY_S at most)."""
        now = time.monotonic()
        for run_id, changed in list(self.open_runs.items()):
            if now - self.saved.get(run_id, 0.0) < SAVE_EVERY_S or changed <= self.saved.get(run_id, 0.0):
                continue
            meta = run_meta(self.redis, run_id)
            if meta.get("status") not in ("running", "stopping"):
                self.open_runs.pop(run_id, None)
                continue
            self.index.backend.save_run(self.snapshot(run_id, meta, "running"))
            self.saved[run_id] = now


def main(argv: list[str] | None = None) -> int:
    """Serve the stream into the index until stopped (or done, with --exit-when-done)."""
    parser = argparse.ArgumentParser(
        prog="reports-ingest", description="Write a distributed crawl's pages into one index."
    )
    parser.add_argument("--redis", default=os.environ.get("REPORTS_REDIS_URL", DEFAULT_REDIS_URL), help="Redis URL")
    parser.add_argument("--db", metavar="TARGET", help="storage target: SQLite path or Elasticsearch URL (REPORTS_DB)")
    parser.add_argument("--exit-when-done", action="store_true", help="exit once every run is finished")
    parser.add_argument("-s", "--set", action="append", default=[], type=setting_pair, metavar="NAME=VALUE")
    parser.add_argument(
        "--builders",
        type=int,
        default=min(4, os.cpu_count() or 1),
        help="processes building records (default: up to 4)",
    )
    parser.add_argument("--log-level", default="INFO")
    args = parser.parse_args(argv)
    settings = Settings()
    settings.setmodule(SETTINGS_MODULE, priority="project")
    settings.setdict(dict(args.set), priority="cmdline")
    if args.db:
        settings.set("REPORTS_DB", args.db, priority="cmdline")
    configure_logging({"LOG_LEVEL": args.log_level.upper()})
    ingest = Ingest(Redis.from_url(args.redis), settings, max(1, args.builders))
    signal.signal(signal.SIGTERM, lambda *_: setattr(ingest, "stopping", True))
    try:
        ingest.serve(args.exit_when_done)
    except KeyboardInterrupt:
        pass
    except SystemExit as exc:
        if isinstance(exc.code, str):
            parser.exit(EXIT_BAD_INPUT, exc.code + "\n")
        raise
    return 0


if __name__ == "__main__":
    sys.exit(main())
