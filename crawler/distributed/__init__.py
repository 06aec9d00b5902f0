"""The crawl spread over machines through Redis: one queue, any number of workers, one indexing process.

- `reports-queue fill SEEDS` (queue.py) makes a run and puts one RQ job per site (the seeds of one
  host) on the queue; `status` shows the run, its jobs and its portals; `stop` ends it cleanly.
- `reports-worker` (worker.py, on any machine) is an RQ worker: each job runs the ordinary `reports`
  spider over its seeds in a child process (crawl.py) with three additions: fetch_once.py serves a page
  already fetched in this run from Redis instead of asking the site again and holds a lease per host
  so no two workers ever talk to one site at once; handoff.py sends the pages, failures and the
  job's per-portal counts to a Redis stream instead of the local index.
- `reports-ingest` (ingest.py, one process) reads that stream and runs the usual archive and index
  pipelines: the SQLite index keeps one writer. It finishes the run when every job is done.
RQ re-queues the job of a worker that died (Retry + its abandoned-job cleanup); the retried job
replays the pages its first attempt fetched, so the site sees each page once per run.
Redis key names are in keys.py.
"""
