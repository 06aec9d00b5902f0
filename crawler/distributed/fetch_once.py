"""Downloader middleware of a worker's crawl: each page fetched once per run, each host by one worker at a time.

Before a request goes to the network:
1. a response this job already fetched (an earlier attempt that died) is served from Redis instead;
2. the request's fingerprint is claimed for this job in the run; a page another job of the run
   fetched is dropped quietly (FetchedElsewhere: not a failure, the other job has it);
3. the worker takes the host's lease (or waits for it): a host is talked to by one crawl at a time
   across all workers, so Scrapy's per-site limits (CONCURRENT_REQUESTS_PER_DOMAIN, DOWNLOAD_DELAY,
   AutoThrottle) hold for the whole fleet. The lease is renewed by every request and response and
   lapses REPORTS_HOST_LEASE seconds after the last one; when the crawl ends it is kept DOWNLOAD_DELAY
   longer, so the next worker's first request keeps the delay too.
Every fetched response is stored for this job (up to REPORTS_RUN_STORE_MAX_BYTES) and dropped when
the job ends. robots.txt is claimed by nobody: every job reads the rules of the hosts it visits.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from urllib.parse import urlparse

from redis import Redis
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Request, Response

from crawler.failures import FetchedElsewhere

from .codec import decode_response, encode_response
from .keys import host_key, pages_key, run_key

logger = logging.getLogger(__name__)

REPLAYED = "replayed"  # the flag of a response served from the run's store
LEASE_WAIT_S = 0.2  # how often a waiting request looks at a busy host's lease again
# Take the lease if it is free or already ours (then renew it); 1 when held by us afterwards.
TAKE_LEASE = """
local owner = redis.call('GET', KEYS[1])
if owner and owner ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
"""
# Keep our lease only `ARGV[2]` ms more (the download delay) when the crawl ends.
LEAVE_LEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  if tonumber(ARGV[2]) > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) else redis.call('DEL', KEYS[1]) end
end
return 0
"""


def owner_name() -> str:
    """Who holds a lease: this machine and process (unique while it lives)."""
    return f"{socket.gethostname()}:{os.getpid()}"


class FetchOnceMiddleware:
    """Replay, claim, lease, store: see the module docstring."""

    def __init__(self, crawler: Crawler, redis: Redis, run_id: str, job_key: str):
        settings = crawler.settings
        self.crawler = crawler
        self.redis = redis
        self.job_key = job_key
        self.claims = run_key(run_id, "claims")
        self.pages = pages_key(run_id, job_key)
        self.ttl_s = settings.getint("REPORTS_RUN_TTL")
        self.max_store = settings.getint("REPORTS_RUN_STORE_MAX_BYTES")
        self.lease_ms = int(settings.getfloat("REPORTS_HOST_LEASE") * 1000)
        self.delay_ms = int(settings.getfloat("DOWNLOAD_DELAY") * 1000)
        self.owner = owner_name()
        self.stored_bytes = 0
        self.hosts: set[str] = set()
        self.take = redis.register_script(TAKE_LEASE)
        self.leave = redis.register_script(LEAVE_LEASE)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FetchOnceMiddleware:
        """Connect to REPORTS_REDIS_URL for run REPORTS_RUN_ID and job REPORTS_JOB_KEY."""
        settings = crawler.settings
        redis = Redis.from_url(settings.get("REPORTS_REDIS_URL"))
        middleware = cls(crawler, redis, settings.get("REPORTS_RUN_ID"), settings.get("REPORTS_JOB_KEY"))
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    async def process_request(self, request: Request) -> Response | None:
        """Serve a page this job already fetched; drop one another job fetched; else wait for the host."""
        fingerprint = self._fingerprint(request)
        stored = self.redis.hget(self.pages, fingerprint)
        if stored is not None:
            self._count("replayed")
            return decode_response(stored, request, REPLAYED)  # type: ignore[arg-type]
        if not is_robots(request):
            claimed = self.redis.hsetnx(self.claims, fingerprint, self.job_key)
            owner = None if claimed else self.redis.hget(self.claims, fingerprint)  # one round trip when new
            if owner is not None and owner.decode() != self.job_key:  # type: ignore[union-attr]
                self._count("fetched_elsewhere")
                raise FetchedElsewhere(f"fetched in this run by job {owner.decode()}: {request.url}")  # type: ignore[union-attr]
        await self._lease(request)
        return None

    def process_response(self, request: Request, response: Response) -> Response:
        """Store what the network answered (for a retry of this job) and renew the host's lease."""
        if REPLAYED in response.flags:
            return response
        self._renew(request)
        data = encode_response(response)
        if self.stored_bytes + len(data) <= self.max_store:
            self.stored_bytes += len(data)
            self.redis.hset(self.pages, self._fingerprint(request), data)
            self.redis.expire(self.pages, self.ttl_s)
        else:
            self._count("not_stored")
        return response

    def spider_closed(self) -> None:
        """Hand the hosts on after the download delay; the claims stay for the run."""
        self.redis.expire(self.claims, self.ttl_s)
        for host in self.hosts:
            self.leave(keys=[host_key(host)], args=[self.owner, self.delay_ms])

    async def _lease(self, request: Request) -> None:
        """Wait until this crawl holds the lease of the request's host."""
        host = urlparse(request.url).netloc.lower()
        waited = False
        while not self.take(keys=[host_key(host)], args=[self.owner, self.lease_ms]):
            if not waited:
                logger.info("Waiting for %s: another worker is crawling it", host)
                self._count("lease_waits")
                waited = True
            await asyncio.sleep(LEASE_WAIT_S)
        self.hosts.add(host)

    def _renew(self, request: Request) -> None:
        """Renew the lease of the host that just answered (if still ours)."""
        host = urlparse(request.url).netloc.lower()
        if host in self.hosts:
            self.take(keys=[host_key(host)], args=[self.owner, self.lease_ms])

    def _fingerprint(self, request: Request) -> str:
        """Scrapy's request fingerprint, in hex."""
        return self.crawler.request_fingerprinter.fingerprint(request).hex()

    def _count(self, name: str) -> None:
        """Count in the crawl stats (distributed/NAME)."""
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"distributed/{name}")


def is_robots(request: Request) -> bool:
    """Whether the request is for a robots.txt."""
    return urlparse(request.url).path == "/robots.txt"


def forget_job(redis: Redis, run_id: str, job_key: str) -> None:
    """Drop the responses a job stored (it ended: nothing will replay them)."""
    redis.delete(pages_key(run_id, job_key))
