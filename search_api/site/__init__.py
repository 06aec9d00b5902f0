"""The site people use: server-rendered Chinese pages (Jinja2, autoescape on) over the same backend as the JSON API.

`router` holds the page routes; `STATIC_DIR` is mounted at /static by search_api.main. Pages work without
JavaScript (static/site.js only adds client-side table sorting). Bad parameters give a Chinese page with
status 422 (400 for a query the backend rejects, 404 for an unknown id, 503 when the index cannot be read).

Pages and the hooks browser tests may rely on (ids, classes, data attributes):

* `GET /` (same parameters as GET /search): `#search-form`; `#total` (the result count; digits only in its
  `data-total`); `.hit` per result, with `a.hit-title` to `/report/{id}` and `.figure[data-number=<number>]`;
  `.facet[data-facet=NAME] a.facet-value[data-value=V]` with the count in the sibling `.count` (a selected
  value's link removes it); `.selected-filter a.remove` per active filter; `#export-csv` (/search.csv),
  `#export-atom` (/search.atom), `#export-jsonl` (/search.jsonl), `#export-json` (/search), `.pages a` for paging.
* `GET /report/{id}`: `h1#report-title`; `a#agency-link`; `table.stats-table[data-table=二|三|四]` with
  `td[data-key=<cell key>]` (dotted stats key, e.g. applications.new_received.total; a blank cell has class
  `blank` and shows —); `.signals li[data-signal=NAME]`; `.failed-checks li[data-rule=RULE]`; `#original-links`,
  `#archived-link`; `#versions` (`li[data-version=N]`, diff links to `/report/{id}/diff?from=&to=`).
* `GET /report/{id}/diff?from=&to=`: `#diff`, `.cell-change[data-key=<cell key>]`, `.sentence-change`.
* `GET /agency/{id}`: `#agency-name`, `.agency-names li`; `svg.chart[data-number=<number key>]` with one
  `rect.point[data-year][data-value]` per year that has the number, and one `line.gap[data-year]` per year
  without it; `table#timeline` (`tr[data-year]`, `.signals li[data-signal]`); `#timeline-csv`, `#agency-atom`.
* `GET /overview?province=&city=&county=&report_year=&sort=`: `#overview-year`; `table#overview-<section>` for
  the sections published, late, missing, failed_checks, cross_year, each with `tbody tr` per agency or report
  and its count in `#count-<section>` (`data-count`).
* Error pages: `#error[data-status]` with a Chinese message.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter

from . import agency_page, overview_page, report_page, search_page

STATIC_DIR = Path(__file__).parent / "static"

router = APIRouter(include_in_schema=False)
for module in (search_page, report_page, agency_page, overview_page):
    router.include_router(module.router)
