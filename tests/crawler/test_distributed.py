"""The parts of the distributed crawl on a real redis-server: the wire format, the queue fill, stop, the ingest's
crash safety and single-writer lease, and the host lease and page store of a worker's crawl.

The whole run (two workers, a killed one, the sample portal) is tests/test_distributed_crawl.py.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from crawl_helpers import FROZEN_NOW, PINGTAN_LIST_URL, saved
from redis import Redis
from rq import Queue
from scrapy.http import HtmlResponse, Request
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from crawler import settings as project_settings
from crawler.distributed.codec import decode_item, decode_response, encode_item, encode_response, item_key
from crawler.distributed.fetch_once import REPLAYED, FetchOnceMiddleware
from crawler.distributed.ingest import INGEST_CONSUMER, INGEST_GROUP, Ingest
from crawler.distributed.keys import QUEUE_NAME, STREAM, host_key, pages_key, run_key
from crawler.distributed.local import running_redis
from crawler.distributed.queue import by_host, fill, job_key, run_meta, status_report, stop
from crawler.failures import FetchedElsewhere
from crawler.items import FetchedPage, FetchFailure, GonePage
from crawler.seeds import Seed
from indexer.storage import open_backend
from sample_files import PINGTAN

REPORT_URL = "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/202403/t20240308_87885.htm"


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    with running_redis() as url:
        yield url


@pytest.fixture
def redis(redis_url: str) -> Iterator[Redis]:
    client = Redis.from_url(redis_url)
    client.flushdb()
    yield client
    client.flushdb()


def page(url: str = REPORT_URL, body: bytes | None = None) -> FetchedPage:
    """The real Pingtan report page, as the spider hands it on."""
    return FetchedPage(
        url=url,
        status=200,
        headers={"Content-Type": "text/html"},
        body=body if body is not None else saved(PINGTAN / "87885.html"),
        fetched_at=FROZEN_NOW,
        portal="pingtan",
        region_hint={"province": "福建省"},
        referer=PINGTAN_LIST_URL,
    )


def seed(name: str, url: str) -> Seed:
    return Seed(name=name, start_url=url, allowed_domains=("gov.cn",))


# --- the wire format ------------------------------------------------------------------------


def test_items_survive_the_stream_with_binary_bodies() -> None:
    pdf = page("https://x.gov.cn/a.pdf", b"%PDF-1.7\x00\xff\xfe binary")
    gone = GonePage(
        url=REPORT_URL, how="http_404", status=404, headers={}, body=b"<h1>404</h1>", fetched_at=FROZEN_NOW, portal="p"
    )
    failure = FetchFailure(url=REPORT_URL, reason="HTTP 503", portal="p", failed_at=FROZEN_NOW, status=503)
    for item in (pdf, gone, failure):
        assert decode_item(encode_item(item)) == item
    assert item_key(pdf) != item_key(failure)
    with pytest.raises(ValueError, match="not an item"):
        decode_item(json.dumps({"type": "os.system", "url": "x"}).encode())


def test_a_stored_response_replays_as_the_same_kind_of_response() -> None:
    request = Request(REPORT_URL)
    body = saved(PINGTAN / "87885.html")
    response = HtmlResponse(REPORT_URL, status=200, headers={"Content-Type": "text/html; charset=utf-8"}, body=body)
    replayed = decode_response(encode_response(response), request, REPLAYED)
    assert isinstance(replayed, HtmlResponse)
    assert (replayed.url, replayed.status, replayed.body) == (REPORT_URL, 200, body)
    assert replayed.headers.get("Content-Type") == b"text/html; charset=utf-8"
    assert REPLAYED in replayed.flags and replayed.request is request


# --- the queue ---------------------------------------------------------------------------------


def test_seeds_are_grouped_by_host_into_jobs() -> None:
    seeds = [
        seed("gansu", "https://www.gansu.gov.cn/"),
        seed("jyt", "https://jyt.gansu.gov.cn/jyt/index.shtml"),
        seed("gansu-zwgk", "https://www.gansu.gov.cn/gsszf/zwgk/index.shtml"),
        seed("local", "http://127.0.0.1:8765/saihan/"),
    ]
    groups = by_host(seeds)
    assert [[s.name for s in g] for g in groups.values()] == [["gansu", "gansu-zwgk"], ["jyt"], ["local"]]
    assert [job_key(host) for host in groups] == ["www-gansu-gov-cn", "jyt-gansu-gov-cn", "127-0-0-1-8765"]


def test_fill_queues_one_job_per_site_and_stop_cancels_them(redis: Redis) -> None:
    seeds = [seed("a", "https://a.gov.cn/"), seed("a2", "https://a.gov.cn/zwgk/"), seed("b", "https://b.gov.cn/")]
    run_id = fill(redis, seeds, "seeds/x.yaml", {"local": False, "settings": {}}, retries=2, timeout=60)
    queue = Queue(QUEUE_NAME, connection=redis)
    assert queue.count == 2
    job = queue.fetch_job(f"{run_id}_a-gov-cn")
    assert job is not None and job.retries_left == 2 and job.timeout == 60
    assert [row["name"] for row in job.args[2]] == ["a", "a2"]  # the job carries its seeds: workers need no file
    report = status_report(redis, run_id)
    assert [(j["job"], j["status"]) for j in report["jobs"]] == [("a-gov-cn", "queued"), ("b-gov-cn", "queued")]
    assert [p["portal"] for p in report["portals"]] == ["a", "a2", "b"]

    assert stop(redis, run_id, workers=False) == ["canceled a-gov-cn", "canceled b-gov-cn"]
    assert queue.count == 0
    ends = [json.loads(fields[b"data"]) for _, fields in redis.xrange(STREAM)]
    assert [end["outcome"] for end in ends] == ["stopped", "stopped"]
    assert run_meta(redis, run_id)["status"] == "stopping"


def test_a_stopped_run_is_saved_interrupted_by_the_ingest(redis: Redis, tmp_path: Path) -> None:
    run_id = fill(redis, [seed("a", "https://a.gov.cn/")], "seeds/x.yaml", {"settings": {}}, retries=0, timeout=60)
    stop(redis, run_id, workers=False)
    ingest(redis, tmp_path / "index.sqlite").serve(exit_when_done=True)
    backend = open_backend(str(tmp_path / "index.sqlite"))
    try:
        run = backend.runs(limit=1)[0]
    finally:
        backend.close()
    assert (run["id"], run["status"]) == (run_id, "interrupted")
    assert run_meta(redis, run_id)["status"] == "interrupted"


# --- the ingest ----------------------------------------------------------------------------------


def ingest(redis: Redis, db: Path) -> Ingest:
    settings = Settings()
    settings.setmodule(project_settings)
    settings.set("REPORTS_DB", str(db))
    return Ingest(redis, settings)


def hand(redis: Redis, run_id: str, item: FetchedPage | FetchFailure) -> None:
    redis.xadd(STREAM, {"kind": "item", "run": run_id, "job": "j", "data": encode_item(item)})


def test_messages_read_by_a_crashed_ingest_are_written_by_the_next_one(redis: Redis, tmp_path: Path) -> None:
    run_id = fill(redis, [seed("pingtan", "https://www.pingtan.gov.cn/")], "s.yaml", {"settings": {}}, 0, 60)
    redis.xgroup_create(STREAM, INGEST_GROUP, id="0", mkstream=True)
    hand(redis, run_id, page())
    redis.xadd(STREAM, {"kind": "item", "run": run_id, "job": "j", "data": b"not json"})
    # an ingest read both and died before writing them: they are pending, unacknowledged
    assert len(redis.xreadgroup(INGEST_GROUP, INGEST_CONSUMER, {STREAM: ">"})[0][1]) == 2
    redis.xadd(STREAM, {"kind": "job_end", "run": run_id, "job": "www-pingtan-gov-cn", "data": job_end(["pingtan"])})

    ingest(redis, tmp_path / "index.sqlite").serve(exit_when_done=True)

    backend = open_backend(str(tmp_path / "index.sqlite"))
    try:
        assert [r["url"] for r in backend.records()] == [REPORT_URL]
        run = backend.runs(limit=1)[0]
    finally:
        backend.close()
    assert run["status"] == "finished"
    assert run["portals"][0]["reports_new"] == 1 and run["portals"][0]["requests"] == 3
    assert redis.xlen(STREAM) == 0  # acknowledged and deleted, the malformed message too
    assert redis.xpending(STREAM, INGEST_GROUP)["pending"] == 0


def job_end(reached: list[str]) -> str:
    stats = {"run/pingtan/requests": 3, "run/pingtan/pages": 3, "run/pingtan/column_found": 1}
    return json.dumps({"outcome": "finished", "stats": stats, "reached": reached})


def test_a_second_ingest_on_the_same_redis_refuses_to_start(redis: Redis, tmp_path: Path) -> None:
    redis.set("reports:ingest", "elsewhere:1", ex=30)
    with pytest.raises(SystemExit, match="another ingest"):
        ingest(redis, tmp_path / "index.sqlite").serve(exit_when_done=True)


# --- a worker's fetches ---------------------------------------------------------------------------


def middleware(redis_url: str, job: str, **settings: object) -> FetchOnceMiddleware:
    crawler = get_crawler(
        settings_dict={
            "REPORTS_REDIS_URL": redis_url,
            "REPORTS_RUN_ID": "run1",
            "REPORTS_JOB_KEY": job,
            "REPORTS_RUN_TTL": 60,
            "REPORTS_RUN_STORE_MAX_BYTES": 10_000_000,
            "REPORTS_HOST_LEASE": 0.5,
            "DOWNLOAD_DELAY": 0.2,
            **settings,
        }
    )
    crawler._apply_settings()
    return FetchOnceMiddleware.from_crawler(crawler)


def test_a_retried_job_replays_what_it_fetched_and_another_job_does_not_fetch_it(redis: Redis, redis_url: str) -> None:
    first = middleware(redis_url, "site-a")
    request = Request(REPORT_URL)
    assert asyncio.run(first.process_request(request)) is None  # to the network
    first.process_response(request, HtmlResponse(REPORT_URL, body=b"<html>report</html>"))
    retry = middleware(redis_url, "site-a")  # the same job, after its worker died
    replayed = asyncio.run(retry.process_request(Request(REPORT_URL)))
    assert replayed is not None and replayed.body == b"<html>report</html>" and REPLAYED in replayed.flags
    other = middleware(redis_url, "site-b")
    with pytest.raises(FetchedElsewhere):
        asyncio.run(other.process_request(Request(REPORT_URL)))
    assert asyncio.run(other.process_request(Request("https://www.pingtan.gov.cn/robots.txt"))) is None
    assert redis.hlen(pages_key("run1", "site-a")) == 1


def test_a_host_is_crawled_by_one_worker_at_a_time(redis: Redis, redis_url: str) -> None:
    first, second = middleware(redis_url, "site-a"), middleware(redis_url, "site-b")
    second.owner = "other-machine:1"
    asyncio.run(first.process_request(Request("https://www.pingtan.gov.cn/a.html")))
    assert redis.get(host_key("www.pingtan.gov.cn")) == first.owner.encode()
    done = threading.Event()

    def second_worker() -> None:
        asyncio.run(second.process_request(Request("https://www.pingtan.gov.cn/b.html")))
        done.set()

    waiter = threading.Thread(target=second_worker)
    waiter.start()
    assert not done.wait(0.3)  # the lease is held: the second worker waits
    first.spider_closed()  # the first hands the host on, after the download delay
    assert done.wait(3)
    waiter.join()
    assert redis.get(host_key("www.pingtan.gov.cn")) == b"other-machine:1"
    assert redis.scard(run_key("run1", "handed")) == 0
