"""`reports-crawl`: run the `reports` spider over a seed file with the project's settings, from any directory.

    reports-crawl SEEDS [--portal BASE_URL] [--local] [--db TARGET] [-o FILE] [--log-level LEVEL] [-s NAME=VALUE ...]

The same crawl as `scrapy crawl reports -a seeds=SEEDS [-a portal=BASE_URL]`, without needing scrapy.cfg
in the working directory: the settings are crawler.settings, or crawler.settings_local with --local (the
sample portal on 127.0.0.1; never real sites). The crawl is a run (crawler/run.py): its summary table is
logged at the end. Exit code 0 after a finished run, 1 if the crawl could not start, 2 for a bad command
line or seed file (one line on stderr), 3 when the run failed (no page of any seed could be fetched) or
was interrupted.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path

from scrapy.crawler import AsyncCrawlerProcess
from scrapy.exceptions import UsageError
from scrapy.settings import Settings
from scrapy.utils.conf import feed_process_params_from_cli

from crawler.errors import SeedError
from crawler.pipelines import storage_target
from crawler.seeds import load_seeds
from crawler.spiders.reports import ReportsSpider
from crawler.stats import RUN_ID, RUN_STATUS
from indexer.errors import StorageUnavailable
from indexer.logs import redact
from indexer.storage import open_backend

SETTINGS_MODULE = "crawler.settings"
LOCAL_SETTINGS_MODULE = "crawler.settings_local"
EXIT_NOT_STARTED = 1
EXIT_BAD_INPUT = 2
EXIT_CRAWL_FAILED = 3
UNFINISHED = ("failed", "interrupted")  # run statuses that make the exit code EXIT_CRAWL_FAILED


@dataclass
class CrawlOutcome:
    """How a crawl ended: whether it started, and its run's id and status (crawler/run.py)."""

    started: bool
    run_id: str | None = None
    status: str | None = None

    @property
    def exit_code(self) -> int:
        """0 for a finished run, EXIT_NOT_STARTED, or EXIT_CRAWL_FAILED for a failed or interrupted run."""
        if not self.started:
            return EXIT_NOT_STARTED
        return EXIT_CRAWL_FAILED if self.status in UNFINISHED else 0


def setting_pair(text: str) -> tuple[str, str]:
    """Split a `-s NAME=VALUE` argument."""
    name, equals, value = text.partition("=")
    if not equals or not name:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    return name, value


def build_parser(
    prog: str = "reports-crawl", description: str = "Crawl the portals of a seed file.", *, require_db: bool = False
) -> argparse.ArgumentParser:
    """Describe the command line (reports-recrawl requires --db and adds its own options)."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("seeds", type=Path, help="seed file (YAML or CSV)")
    parser.add_argument("--portal", metavar="BASE_URL", help="base URL filling {portal} in the seeds")
    parser.add_argument(
        "--local", action="store_true", help=f"use {LOCAL_SETTINGS_MODULE} (fast; the local sample portal only)"
    )
    parser.add_argument(
        "--db",
        metavar="TARGET",
        required=require_db,
        help="storage target: SQLite path or Elasticsearch URL (REPORTS_DB)",
    )
    parser.add_argument(
        "-o", "--output", action="append", default=[], metavar="FILE", help="append items to a feed, e.g. records.jsonl"
    )
    parser.add_argument("--log-level", metavar="LEVEL", help="DEBUG, INFO, WARNING, ERROR (LOG_LEVEL)")
    parser.add_argument(
        "-s", "--set", action="append", default=[], type=setting_pair, metavar="NAME=VALUE", help="set a Scrapy setting"
    )
    return parser


def crawl_settings(args: argparse.Namespace) -> Settings:
    """Load the project's settings module and put the command line on top, as `scrapy crawl` does."""
    settings = Settings()
    settings.setmodule(LOCAL_SETTINGS_MODULE if args.local else SETTINGS_MODULE, priority="project")
    settings.setdict(dict(args.set), priority="cmdline")
    if args.db:
        settings.set("REPORTS_DB", args.db, priority="cmdline")
    if args.log_level:
        settings.set("LOG_LEVEL", args.log_level.upper(), priority="cmdline")
    if args.output:
        settings.set("FEEDS", feed_process_params_from_cli(settings, args.output), priority="cmdline")
    return settings


def checked_settings(parser: argparse.ArgumentParser, args: argparse.Namespace) -> Settings:
    """Check the seed file and build the settings; a bad one exits EXIT_BAD_INPUT with one line on stderr."""
    try:
        load_seeds(args.seeds, portal=args.portal)
        return crawl_settings(args)
    except (SeedError, UsageError) as exc:
        parser.exit(EXIT_BAD_INPUT, f"{parser.prog}: error: {exc}\n")


def storage_problem(settings: Settings) -> str | None:
    """Why the storage target cannot be opened for writing (unreachable Elasticsearch, unwritable file), or None."""
    target = storage_target(settings)
    try:
        if "://" not in target:
            Path(target).parent.mkdir(parents=True, exist_ok=True)
        open_backend(target).close()
    except (StorageUnavailable, OSError, sqlite3.Error, ValueError) as exc:
        return redact(f"cannot open the index {target}: {exc}")
    return None


def crawl(settings: Settings, args: argparse.Namespace) -> CrawlOutcome:
    """Run the crawl to its end in this process (after checking that the index can be opened)."""
    problem = storage_problem(settings)
    if problem:
        print(f"{Path(sys.argv[0]).name}: error: {problem}", file=sys.stderr)
        return CrawlOutcome(started=False)
    process = AsyncCrawlerProcess(settings)
    crawler = process.create_crawler(ReportsSpider)
    process.crawl(crawler, seeds=str(args.seeds), portal=args.portal)
    process.start()
    if process.bootstrap_failed:
        return CrawlOutcome(started=False)
    return CrawlOutcome(True, crawler.stats.get_value(RUN_ID), crawler.stats.get_value(RUN_STATUS))


def main(argv: list[str] | None = None) -> int:
    """Check the seed file, run the crawl to its end and return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    return crawl(checked_settings(parser, args), args).exit_code
