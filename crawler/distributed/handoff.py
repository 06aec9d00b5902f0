"""A worker's crawl hands its output to the ingest through the Redis stream instead of writing an index.

`HandoffPipeline` (the item pipeline after DuplicatePagePipeline) adds each page, gone page and
failure to the stream once per run (a page replayed by a retried job is not handed again), waiting
while the stream holds REPORTS_STREAM_MAX_ITEMS unread items (back-pressure: the ingest is slower).
`JobRecorder` (the extension in place of RunRecorder) counts requests and pages per portal like a
local crawl and, when the crawl ends, hands the job's counts and column routes as the job's last
message: the ingest finishes a run once it has the end of every job.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from redis import Redis
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from crawler.items import FetchedPage, FetchFailure, GonePage
from crawler.run import RunRecorder, final_status
from crawler.stats import RUN_ID, RUN_PREFIX, RUN_STATUS

from .codec import encode_item, item_key
from .keys import STREAM, run_key

logger = logging.getLogger(__name__)

ROOM_WAIT_S = 0.5
# Add the item to the stream unless this run already has it (atomic: a crash never marks an item handed that is not).
HAND_ONCE = """
if redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('EXPIRE', KEYS[1], ARGV[2])
redis.call('XADD', KEYS[2], '*', 'kind', 'item', 'run', ARGV[3], 'job', ARGV[4], 'data', ARGV[5])
return 1
"""


def job_end_message(
    run_id: str, job_key: str, outcome: str, stats: dict[str, Any], reached: list[str]
) -> dict[str, str]:
    """The stream message that ends a job: how it ended, its per-portal counts and the seeds it reached."""
    data = {"outcome": outcome, "stats": stats, "reached": reached}
    return {"kind": "job_end", "run": run_id, "job": job_key, "data": json.dumps(data, ensure_ascii=False)}


class HandoffPipeline:
    """Hand each item to the stream once per run, with back-pressure."""

    def __init__(self, redis: Redis, run_id: str, job_key: str, max_items: int, ttl_s: int, stats: Any):
        self.redis = redis
        self.run_id = run_id
        self.job_key = job_key
        self.max_items = max_items
        self.ttl_s = ttl_s
        self.stats = stats
        self.hand = redis.register_script(HAND_ONCE)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HandoffPipeline:
        """Read REPORTS_REDIS_URL, REPORTS_RUN_ID, REPORTS_JOB_KEY, REPORTS_STREAM_MAX_ITEMS, REPORTS_RUN_TTL."""
        s = crawler.settings
        redis = Redis.from_url(s.get("REPORTS_REDIS_URL"))
        return cls(
            redis,
            s.get("REPORTS_RUN_ID"),
            s.get("REPORTS_JOB_KEY"),
            s.getint("REPORTS_STREAM_MAX_ITEMS"),
            s.getint("REPORTS_RUN_TTL"),
            crawler.stats,
        )

    async def process_item(self, item: Any) -> Any:
        """Hand a page, gone page or failure to the stream (once per run); drop a repeat."""
        if not isinstance(item, FetchedPage | GonePage | FetchFailure):
            return item
        while self.redis.xlen(STREAM) >= self.max_items:
            await asyncio.sleep(ROOM_WAIT_S)
        keys = [run_key(self.run_id, "handed"), STREAM]
        if not self.hand(keys=keys, args=[item_key(item), self.ttl_s, self.run_id, self.job_key, encode_item(item)]):
            self.stats.inc_value("distributed/handed_before")
            raise DropItem(f"handed to the index earlier in this run: {item.url}", log_level="DEBUG")
        self.stats.inc_value("distributed/handed")
        return item


class JobRecorder(RunRecorder):
    """RunRecorder's counting and progress lines, without an index: the job's end goes to the stream."""

    def __init__(self, crawler: Crawler, interval: float):
        super().__init__(crawler, "", interval)
        settings = crawler.settings
        self.redis = Redis.from_url(settings.get("REPORTS_REDIS_URL"))
        self.job_key = settings.get("REPORTS_JOB_KEY")
        self.run_id = settings.get("REPORTS_RUN_ID")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> JobRecorder:
        """Listen to the crawl's signals as RunRecorder does."""
        recorder = cls(crawler, crawler.settings.getfloat("REPORTS_PROGRESS_INTERVAL"))
        recorder.connect()
        return recorder

    def spider_opened(self, spider: Any) -> None:
        """Take the run id of the job and start the progress lines."""
        self.seeds = dict(getattr(spider, "seeds", {}))
        self.stats.set_value(RUN_ID, self.run_id)
        self._start_progress()

    def spider_closed(self, reason: str) -> None:
        """Hand the job's end (its counts, column routes and reached seeds) to the stream."""
        self._stop_progress()
        status = final_status(reason, bool(self.reached))
        self.stats.set_value(RUN_STATUS, status)
        counts = {
            key: value
            for key, value in self.stats.get_stats().items()
            if key.startswith(RUN_PREFIX) and key not in (RUN_ID, RUN_STATUS)
        }
        outcome = "finished" if status != "interrupted" else "interrupted"
        if outcome == "finished":  # an interrupted job is tried again: its end is the retry's
            message = job_end_message(self.run_id, self.job_key, outcome, counts, sorted(self.reached))
            self.redis.xadd(STREAM, message)  # type: ignore[arg-type]
        logger.info("Job %s %s: %d seeds reached", self.job_key, outcome, len(self.reached))
