"""The crawl stats keys of a run: one convention for the spider, the middlewares, the pipeline and crawler/run.py.

Per seed name P (counts unless said otherwise):
  run/P/requests, run/P/pages, run/P/not_modified      requests scheduled, responses, 304s (crawler/run.py)
  run/P/reports_new, …_changed, …_unchanged            stored reports by outcome (IndexPipeline)
  run/P/reports_withdrawn, run/P/reports_returned      reports withdrawn (last URL gone) / served again
  run/P/failures/KIND                                   failures stored, by FailureKind (IndexPipeline, run.py)
  run/P/column_found = 1                                a 年报 column list page was parsed (spider)
  run/P/budget/NAME = 1                                 a budget ran out: list_pages, hub_pages, requests
  run/P/columns = [{column, route, via}]                which route found each 年报 column (spider; at most 100)
And for the whole crawl: run/id (set when the crawl opens) and run/status (set when it closes).
"""

from __future__ import annotations

RUN_ID = "run/id"
RUN_STATUS = "run/status"
RUN_PREFIX = "run/"


def portal_key(portal: str, name: str) -> str:
    """The stats key of one per-portal value: run/<portal>/<name>."""
    return f"{RUN_PREFIX}{portal}/{name}"
