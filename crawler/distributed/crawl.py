"""The crawl of one job, in a process of its own (a Twisted reactor runs once per process):

    python -m crawler.distributed.crawl SEEDS --run RUN --job JOB [--local] [-s NAME=VALUE ...]

The `reports` spider over the job's seeds with the project's settings, where the output goes to the
Redis stream (handoff.py) and every fetch goes through fetch_once.py. Redis: REPORTS_REDIS_URL.
Exit code 0 when the crawl ran to its end (even if the site could not be reached), 3 when it was
interrupted (the job is then tried again), 2 for a bad command line.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from scrapy.crawler import AsyncCrawlerProcess
from scrapy.settings import Settings

from crawler.cli import EXIT_CRAWL_FAILED, build_parser, checked_settings
from crawler.spiders.reports import ReportsSpider
from crawler.stats import RUN_STATUS

from .keys import DEFAULT_REDIS_URL

WORKER_PIPELINES = {
    "crawler.pipelines.DuplicatePagePipeline": 100,
    "crawler.distributed.handoff.HandoffPipeline": 300,
}
WORKER_EXTENSIONS = {"crawler.run.RunRecorder": None, "crawler.distributed.handoff.JobRecorder": 500}
FETCH_ONCE = "crawler.distributed.fetch_once.FetchOnceMiddleware"
FETCH_ONCE_ORDER = 950  # next to the network: robots.txt, redirects and limits work on replayed responses too


def worker_settings(settings: Settings, run_id: str, job_key: str, no_index: Path) -> None:
    """Turn a crawl's settings into a worker's: output to the stream, fetches once per run, no local index."""
    middlewares = {**settings.getdict("DOWNLOADER_MIDDLEWARES"), FETCH_ONCE: FETCH_ONCE_ORDER}
    settings.setdict(
        {
            "ITEM_PIPELINES": WORKER_PIPELINES,
            "EXTENSIONS": WORKER_EXTENSIONS,
            "DOWNLOADER_MIDDLEWARES": middlewares,
            "REPORTS_RUN_ID": run_id,
            "REPORTS_JOB_KEY": job_key,
            "REPORTS_REDIS_URL": os.environ.get("REPORTS_REDIS_URL", DEFAULT_REDIS_URL),
            "REPORTS_DB": str(no_index),  # never there: a worker reads no stored reports (no re-checks)
        },
        priority="cmdline",
    )


def main(argv: list[str] | None = None) -> int:
    """Run the job's crawl to its end; the exit code says whether it got there."""
    parser = build_parser("python -m crawler.distributed.crawl", "Crawl the seeds of one distributed job.")
    parser.add_argument("--run", required=True, help="the run id (reports-queue fill)")
    parser.add_argument("--job", required=True, help="the job key (the site)")
    args = parser.parse_args(argv)
    settings = checked_settings(parser, args)
    with tempfile.TemporaryDirectory(prefix="reports-job-") as folder:
        worker_settings(settings, args.run, args.job, Path(folder) / "no-index.sqlite")
        process = AsyncCrawlerProcess(settings)
        crawler = process.create_crawler(ReportsSpider)
        process.crawl(crawler, seeds=str(args.seeds), portal=args.portal)
        process.start()
    status = crawler.stats.get_value(RUN_STATUS) if crawler.stats else None
    return 0 if status in ("finished", "failed") else EXIT_CRAWL_FAILED


if __name__ == "__main__":
    sys.exit(main())
