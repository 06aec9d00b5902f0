"""Every Redis name the distributed crawl uses, in one place.

Per run R (all expire REPORTS_RUN_TTL after the run's last write):
  reports:run:R             hash: id, started_at, seeds (file), names, start_urls, jobs, status, finished_at
  reports:run:R:stats       hash: the run's per-portal counts (crawler/stats.py keys), merged by the ingest
  reports:run:R:done        set: jobs that ended (finished, failed for good, canceled)
  reports:run:R:claims      hash: request fingerprint → the job that fetched it (a page is fetched once per run)
  reports:run:R:pages:J     hash: fingerprint → the response job J fetched (replayed when J is retried); deleted when J ends
  reports:run:R:handed      set: the items already handed to the stream (a replayed page is not indexed twice)
Shared by all runs:
  reports:runs              sorted set: run ids by start time
  reports:items             stream: items and job ends for the ingest (consumer group "ingest")
  reports:host:H            a worker's lease on host H (politeness across workers)
  rq:*                      the RQ queue QUEUE_NAME, its registries and workers
"""

from __future__ import annotations

QUEUE_NAME = "reports-crawl"
STREAM = "reports:items"
INGEST_GROUP = "ingest"
INGEST_CONSUMER = "ingest"  # one writer: a restarted ingest takes over its own unacknowledged messages
RUNS = "reports:runs"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


def run_key(run_id: str, part: str = "") -> str:
    """reports:run:R, or reports:run:R:part."""
    return f"reports:run:{run_id}" + (f":{part}" if part else "")


def pages_key(run_id: str, job_key: str) -> str:
    """The responses job J of run R fetched, replayed when it is retried."""
    return run_key(run_id, f"pages:{job_key}")


def host_key(host: str) -> str:
    """The lease on one host."""
    return f"reports:host:{host}"
