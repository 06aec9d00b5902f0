"""The `reports` spider: home → 政府信息公开 → (department directories → platforms →) 年报 columns → lists → reports.

Discovery is a budgeted search: from each page it follows 年报 columns first, then disclosure hubs
(within REPORTS_MAX_HUB_DEPTH) and directories of department / region platforms, then the platforms
a directory lists (REPORT_PRIORITY > COLUMN_PRIORITY > DIRECTORY_PRIORITY > PLATFORM_PRIORITY); every
such page counts against the seed's REPORTS_MAX_HUB_PAGES (crawler/bounds.py). A seed whose 年报
column was still not found when the crawl goes idle falls back to its sitemaps (robots.txt
`Sitemap:` lines, sitemap.xml) and its site search (a GET form on the home page, or the seed's
`search_url:`); a seed's `columns:` are crawled as columns from the start. Which route found each
column is kept in the run's stats (`run/P/columns`, crawler/stats.py).

Usage: scrapy crawl reports -a seeds=seeds/real_portals.yaml
       SCRAPY_SETTINGS_MODULE=crawler.settings_local \
       scrapy crawl reports -a seeds=seeds/sample_portal.yaml -a portal=http://127.0.0.1:8765
   or: reports-crawl seeds/sample_portal.yaml --portal http://127.0.0.1:8765 --local   (crawler/cli.py)
Callbacks only glue the pure functions of discovery.py, listing/, recognize.py and attachments.py together.
On a recrawl, once the lists are done, the stored report URLs no list reached are requested again
(crawler/recheck.py); a stored URL answering 404/410 or redirecting to its folder or the home page
becomes a GonePage (indexer.archive.gone_how), not a failure.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from typing import Any, Self
from urllib.parse import quote_plus, urljoin, urlparse

import scrapy
from lxml.html import HtmlElement
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.http import FormRequest, Request, Response, TextResponse
from scrapy.settings import BaseSettings
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from indexer.archive import gone_how
from indexer.logs import install_redaction
from indexer.model import FailureKind

from ..attachments import choose_attachments, find_attachments, page_is_report
from ..discovery import (
    QUERY,
    Link,
    find_directory_links,
    find_disclosure_links,
    find_platform_links,
    find_report_columns,
    find_search_form,
    folder_path,
    load_tree,
)
from ..errors import MissingSetting, SeedError
from ..failures import FetchedElsewhere, describe_failure
from ..items import FetchedPage, FetchFailure, GonePage, utc_now
from ..listing import Entry, ListPage, SearchCall, list_entries, parse_list, parse_search_results
from ..pipelines import archive_folder, storage_target
from ..recheck import Recheck, open_stored, plan_rechecks, stored_urls
from ..recognize import (
    guess_source_format,
    looks_like_report_title,
    page_problem,
    redirect_problem,
)
from ..redirects import REPORT_ROLES, redirect_target
from ..seeds import Seed, load_seeds
from ..sitemaps import MAX_SITEMAPS, column_urls, robots_sitemaps, sitemap_locations
from ..stats import portal_key

USAGE = "scrapy crawl reports -a seeds=FILE [-a portal=BASE_URL]"
REPORT_PRIORITY = 10  # fetch candidate reports before more list pages
COLUMN_PRIORITY = 3  # then 年报 column list pages
DIRECTORY_PRIORITY = 2  # then disclosure hubs and platform directories
PLATFORM_PRIORITY = 1  # then the platforms a directory lists
MAX_PLATFORM_LEVELS = 2  # folders below a directory: group › platform (dfbmptlj/ptzhsyqbm/ptzhsyqczj/)
MAX_ROUTES = 100  # column routes kept per seed (run/P/columns)
MAX_ROUTE_LABEL = 30
SEARCH_WORDS = "政府信息公开工作年度报告"


def first_headers(response: Response) -> dict[str, str]:
    """Return the response headers decoded, first value of each."""
    return {key.decode("latin-1"): values[0].decode("latin-1") for key, values in response.headers.items() if values}


def crawl_limit(settings: BaseSettings, name: str) -> int:
    """Read one REPORTS_* crawl limit; its default is written once, in crawler/settings.py."""
    if settings.get(name) is None:
        raise MissingSetting(f"{name} is not set: run with crawler.settings (or a module importing it)")
    return settings.getint(name)


def route_label(link: Link) -> str:
    """How a route names a followed link: its text, else the last part of its path."""
    label = link.text or link.url.rstrip("/").rsplit("/", 1)[-1]
    return label[:MAX_ROUTE_LABEL]


def response_text(response: Response) -> str | None:
    """Return the decoded text of a text response, None for binary bodies."""
    return response.text if isinstance(response, TextResponse) else None


class ReportsSpider(scrapy.Spider):
    """One spider for every portal family; the portals themselves are data (seed files)."""

    name = "reports"
    clock: Callable[[], str] = staticmethod(utc_now)
    # Crawl limits, read from the REPORTS_* settings by from_crawler (crawler/settings.py holds their defaults).
    max_list_pages: int
    max_hub_depth: int
    max_hub_links: int

    def __init__(self, seeds: str | None = None, portal: str | None = None, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if not seeds:
            raise SeedError(f"no seed file given; usage: {USAGE}")
        self.seeds_file = str(seeds)
        self.seeds: dict[str, Seed] = {seed.name: seed for seed in load_seeds(seeds, portal=portal)}
        self.allowed_domains = sorted({d for seed in self.seeds.values() for d in seed.allowed_domains})
        self.known: set[str] = set()  # stored report URLs of the seeds' hosts (read when the crawl opens)
        self.reached: set[str] = set()  # report URLs requested or served in this crawl
        self.rechecked = False
        self.homes: set[str] = set()  # seeds whose home page was parsed
        self.search_forms: dict[str, str] = {}  # seed -> its home page's search URL with {query}
        self.fallen_back: set[str] = set()  # seeds whose sitemap / search fallbacks were requested
        self.routes: dict[str, dict[str, dict[str, str]]] = {}  # seed -> column URL -> its route

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        """Create the spider, read its limits from the REPORTS_* settings, and mask passwords in every log line."""
        install_redaction()
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.max_list_pages = crawl_limit(crawler.settings, "REPORTS_MAX_LIST_PAGES")
        spider.max_hub_depth = crawl_limit(crawler.settings, "REPORTS_MAX_HUB_DEPTH")
        spider.max_hub_links = crawl_limit(crawler.settings, "REPORTS_MAX_HUB_LINKS")
        crawler.signals.connect(spider.read_stored_urls, signal=signals.spider_opened)
        crawler.signals.connect(spider.on_idle, signal=signals.spider_idle)
        return spider

    @property
    def list_pages_proposed(self) -> int:
        """How many pages of a column list parsing may propose: one over the list budget, so a longer column is seen.

        The list budget (crawler/bounds.py) then refuses the extra page and records where the column was cut.
        """
        return self.max_list_pages + 1

    async def start(self) -> AsyncIterator[Request]:
        """Request every seed's start page, and the columns its seed entry names (`columns:`)."""
        for seed in self.seeds.values():
            yield self._follow(seed.start_url, self.parse_home, seed.name, role="home", route=("home",))
            for column in seed.columns:
                yield self._column_request(Link(column, "", "seed"), seed.name, None, ("seed",))

    # --- callbacks -----------------------------------------------------------------------

    def parse_home(self, response: Response) -> Iterator[Request]:
        """Home page: go to the 年报 column if linked, to the 政府信息公开 hubs and platform directories."""
        seed = response.meta["seed"]
        self.homes.add(seed)
        text = response_text(response)
        if text is None:
            return
        tree = load_tree(text)  # parsed once: the search form here, the links in _explore
        form = find_search_form(tree, response.url)
        if form and self.seeds[seed].allows(form):
            self.search_forms[seed] = form
        yield from self._explore(response, tree)

    def parse_hub(self, response: Response) -> Iterator[Request]:
        """政府信息公开 / 政务公开 page: go to the 年报 column (or one hub deeper)."""
        yield from self._explore(response)

    def parse_directory(self, response: Response) -> Iterator[Request]:
        """Directory of department / region platforms (地方部门平台链接 …): go to each platform listed."""
        yield from self._explore(response)

    def parse_platform(self, response: Response) -> Iterator[Request]:
        """A department's or lower government's platform (or a group of them): go to its 年报 column."""
        yield from self._explore(response)

    def parse_robots(self, response: Response) -> Iterator[Request]:
        """robots.txt of a seed without a column: request its `Sitemap:` files within the seed's site."""
        seed = self._seed(response)
        for url in robots_sitemaps(response_text(response) or "", seed.site_root):
            yield self._fallback_request(url, self.parse_sitemap, seed.name)

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        """A sitemap (or sitemap index) of a seed without a column: its 年报 column URLs become columns."""
        seed = self._seed(response)
        locations, is_index = sitemap_locations(response.body)
        if is_index:
            for url in [u for u in locations if u.startswith(seed.site_root)][:MAX_SITEMAPS]:
                yield self._fallback_request(url, self.parse_sitemap, seed.name)
            return
        for url in column_urls(locations, seed.site_root):
            yield self._column_request(Link(url, "", "sitemap"), seed.name, response.url, ("sitemap",))

    def parse_search_page(self, response: Response) -> Iterator[Request | FetchFailure]:
        """A site search results page read as a list: candidate reports (title rules) and further result pages."""
        text = response_text(response)
        if text is None:
            return
        seed = self._seed(response)
        page = parse_list(text, response.url, site_root=seed.site_root, max_pages=self.list_pages_proposed)
        if any(looks_like_report_title(entry.title)[0] for entry in page.entries):
            self._column_found(seed)
            self._record_route(seed.name, response.meta.get("column", response.url), response.meta)
        yield from self._report_requests(page.entries, response)
        for url in page.next_pages:
            yield self._follow(
                url,
                self.parse_search_page,
                seed.name,
                origin=response.url,
                role="list",
                priority=COLUMN_PRIORITY,
                column=response.meta.get("column", response.url),
                route=response.meta.get("route", ()),
                via="search",
            )

    def on_fallback_error(self, failure: Failure) -> None:
        """A fallback that is not there (no robots.txt, no sitemap.xml) is no failure of the seed: log it only."""
        request: Request = failure.request  # type: ignore[attr-defined]  # Scrapy attaches it to errback failures
        self.logger.debug("fallback %s not available: %s", request.url, failure.getErrorMessage())

    def parse_list(self, response: Response) -> Iterator[Request | FetchFailure]:
        """Column list page (or Hanweb dataproxy answer): candidate reports and further pages."""
        text = response_text(response)
        if text is None:
            yield self._failure(response.url, "list page is not text", response, "unreadable")
            return
        seed = self._seed(response)
        self._column_found(seed)
        page = parse_list(text, response.url, site_root=seed.site_root, max_pages=self.list_pages_proposed)
        if page.entries or page.next_pages or page.searches:
            self._record_route(seed.name, response.meta.get("column", response.url), response.meta)
        yield from self._follow_list_page(page, response)

    def parse_search(self, response: Response) -> Iterator[Request | FetchFailure]:
        """JSON list API answer (Pingtan fjdzapp/search): candidate reports and further API pages."""
        seed = self._seed(response)
        call = SearchCall(response.url, dict(response.meta["search_form"]))
        try:
            page = parse_search_results(
                response.body, call, site_root=seed.site_root, max_pages=self.list_pages_proposed
            )
        except (ValueError, TypeError, AttributeError) as exc:
            yield self._failure(response.url, f"bad list API answer: {exc}", response, "unreadable")
            return
        self._column_found(seed)
        yield from self._follow_list_page(page, response)

    def parse_report(self, response: Response) -> Iterator[FetchedPage | GonePage | FetchFailure | Request]:
        """Candidate report page or attachment: emit its raw bytes (the indexer decides), or a failure.

        A page that is only a wrapper around attached files yields requests for those files instead;
        a stored URL that led to its folder or the home page (a meta refresh) yields a GonePage.
        """
        content_type = (response.headers.get("Content-Type") or b"").decode("latin-1")
        source_format = guess_source_format(response.url, content_type)
        requested = response.meta.get("redirect_urls", [response.url])[0]
        self.reached.update((requested, response.url))
        text = response_text(response) if source_format == "html" else None
        moved = redirect_problem(requested, response.url)
        if moved:
            yield self._gone_page(response, response.url) or self._failure(requested, moved, response, "fetch_failed")
            return
        problem = page_problem(response.body, source_format, text)
        if problem:
            yield self._failure(requested, problem, response, "unreadable")
            return
        attachments = self._attachment_requests(response) if source_format == "html" else []
        if attachments:
            yield from attachments
            return
        yield self._page(response, source_format)

    def on_error(self, failure: Failure) -> Iterator[FetchFailure | GonePage]:
        """Turn any failed request into a FetchFailure at the URL first requested, saying why in plain words.

        HTTP errors, refusals (robots.txt, redirects out of scope or in loops …), sizes over the limit,
        lost connections and timeouts each get their kind and reason (failures.describe_failure). A
        stored report URL answering 404/410, or a redirect to its folder or the home page, is a GonePage.
        """
        request: Request = failure.request  # type: ignore[attr-defined]  # Scrapy attaches it to errback failures
        error = failure.value
        if isinstance(error, FetchedElsewhere):  # another worker of this run has the page
            return
        if isinstance(error, HttpError) and request.meta.get("role") in REPORT_ROLES:
            gone = self._gone_page(error.response, redirect_target(request, error.response))
            if gone is not None:
                yield gone
                return
        outcome = describe_failure(error or Exception(failure.getErrorMessage()), request)
        yield FetchFailure(
            url=request.meta.get("redirect_urls", [request.url])[0],
            reason=outcome.reason,
            portal=request.meta.get("seed", ""),
            failed_at=self.clock(),
            status=outcome.status,
            referer=request.meta.get("from_url"),
            kind=outcome.kind,
        )

    # --- recrawls: stored reports ----------------------------------------------------------

    def read_stored_urls(self) -> None:
        """Read the stored report URLs of the seeds' hosts (spider_opened): a recrawl re-checks them."""
        backend = open_stored(storage_target(self.crawler.settings))
        if backend is None:
            return
        try:
            self.known = stored_urls(backend, list(self.seeds.values()))
        finally:
            backend.close()

    def on_idle(self) -> None:
        """When the crawl goes idle: first the fallbacks of seeds without a column, then the rechecks."""
        if self.request_fallbacks():
            raise DontCloseSpider
        self.recheck_stored()

    def request_fallbacks(self) -> bool:
        """Request robots.txt, sitemap.xml and the site search of each reached seed still without a column, once."""
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        requested = False
        for name in sorted(self.homes - self.fallen_back):
            if stats.get(portal_key(name, "column_found")):
                continue
            self.fallen_back.add(name)
            for request in self._fallback_requests(self.seeds[name]):
                self.crawler.engine.crawl(request)
                requested = True
        return requested

    def _fallback_requests(self, seed: Seed) -> list[Request]:
        """The fallback requests of a seed: its host's robots.txt, its sitemap.xml and its site search if it has one."""
        self.logger.info("%s: no 年报 column found; trying its sitemaps and site search", seed.name)
        requests = [
            self._fallback_request(urljoin(seed.site_root, "/robots.txt"), self.parse_robots, seed.name),
            self._fallback_request(urljoin(seed.site_root, "sitemap.xml"), self.parse_sitemap, seed.name),
        ]
        search = seed.search_url or self.search_forms.get(seed.name)
        if search:
            url = search.replace(QUERY, quote_plus(SEARCH_WORDS))
            requests.append(
                self._follow(
                    url, self.parse_search_page, seed.name, role="list", column=url, route=("search",), via="search"
                )
            )
        return requests

    def _fallback_request(self, url: str, callback: Callable, seed: str) -> Request:
        """A request for a sitemap or robots.txt: a missing one is logged, not recorded as a failure.

        Kept out of the HTTP cache: robots.txt was fetched already by the robots middleware, and a second
        fetch of a cached URL in one crawl would count as a revalidation.
        """
        meta = {"seed": seed, "role": "fallback", "dont_cache": True}
        return Request(url, callback=callback, errback=self.on_fallback_error, meta=meta)

    def recheck_stored(self) -> None:
        """Once the lists are done (spider_idle), request the stored report URLs no list reached, once."""
        if self.rechecked or not self.known - self.reached:
            return
        self.rechecked = True
        backend = open_stored(storage_target(self.crawler.settings))
        if backend is None:
            return
        try:
            plans = plan_rechecks(
                backend, archive_folder(self.crawler.settings), self.known - self.reached, list(self.seeds.values())
            )
        finally:
            backend.close()
        self.logger.info("Re-checking %d stored report URLs that no list reached", len(plans))
        for plan in plans:
            self.crawler.engine.crawl(self._recheck_request(plan))
        if plans:
            raise DontCloseSpider

    def _recheck_request(self, plan: Recheck) -> Request:
        """The request re-checking one stored report URL."""
        return self._follow(
            plan.url,
            self.parse_report,
            plan.seed,
            origin=plan.referer,
            role="report",
            priority=REPORT_PRIORITY,
            list_title=plan.list_title,
            list_date=plan.list_date,
        )

    # --- glue ----------------------------------------------------------------------------

    def _explore(self, response: Response, tree: HtmlElement | None = None) -> Iterator[Request]:
        """Follow 年报 columns, report-titled links, platform directories (and the platforms they list, on a
        directory or platform page with no column of its own) and, within the depth limit, disclosure hubs."""
        if tree is None:
            text = response_text(response)
            if text is None:
                return
            tree = load_tree(text)
        meta, url = response.meta, response.url
        seed, depth, route = meta["seed"], meta.get("depth_hub", 0), tuple(meta.get("route", ()))
        columns = find_report_columns(tree, url)
        for link in columns:
            yield self._column_request(link, seed, url, route)
        yield from self._report_requests(list_entries(tree, url), response)
        for link in find_directory_links(tree, url):
            yield self._discovery_request(link, self.parse_directory, response, priority=DIRECTORY_PRIORITY, level=0)
        level = meta.get("platform_level")
        own_column = any(urlparse(link.url).path.startswith(folder_path(url)) for link in columns)
        if level is not None and level < MAX_PLATFORM_LEVELS and not own_column:
            for link in find_platform_links(tree, url):
                yield self._discovery_request(
                    link, self.parse_platform, response, priority=PLATFORM_PRIORITY, level=level + 1
                )
        if depth < self.max_hub_depth:
            for link in find_disclosure_links(tree, url)[: self.max_hub_links]:
                yield self._discovery_request(
                    link, self.parse_hub, response, priority=DIRECTORY_PRIORITY, depth=depth + 1
                )

    def _discovery_request(
        self,
        link: Link,
        callback: Callable,
        response: Response,
        *,
        priority: int,
        level: int | None = None,
        depth: int | None = None,
    ) -> Request:
        """Follow a hub, directory or platform link (role hub: it counts against REPORTS_MAX_HUB_PAGES)."""
        meta = response.meta
        return self._follow(
            link.url,
            callback,
            meta["seed"],
            origin=response.url,
            role="hub",
            depth=meta.get("depth_hub", 0) if depth is None else depth,
            priority=priority,
            route=(*meta.get("route", ()), route_label(link)),
            platform_level=level if level is not None else meta.get("platform_level"),
        )

    def _column_request(self, link: Link, seed: str, origin: str | None, route: tuple[str, ...]) -> Request:
        """Request a 年报 column's first list page, carrying the route that found it."""
        return self._follow(
            link.url,
            self.parse_list,
            seed,
            origin=origin,
            role="list",
            priority=COLUMN_PRIORITY,
            column=link.url,
            route=(*route, route_label(link)) if link.via not in ("seed", "sitemap") else route,
            via=link.via,
        )

    def _record_route(self, seed: str, column: str, meta: dict[str, Any]) -> None:
        """Keep which route found a column (at most MAX_ROUTES per seed), in the run's stats (run/P/columns)."""
        routes = self.routes.setdefault(seed, {})
        if column in routes or len(routes) >= MAX_ROUTES:
            return
        routes[column] = {"column": column, "route": " › ".join(meta.get("route", ())), "via": meta.get("via", "link")}
        if self.crawler.stats:
            self.crawler.stats.set_value(portal_key(seed, "columns"), list(routes.values()))

    def _follow_list_page(self, page: ListPage, response: Response) -> Iterator[Request]:
        """Request a list page's candidate reports, its next pages and its API pages."""
        seed, column = response.meta["seed"], response.meta.get("column", response.url)
        yield from self._report_requests(page.entries, response)
        for url in page.next_pages:
            yield self._follow(
                url,
                self.parse_list,
                seed,
                origin=response.url,
                role="list",
                priority=COLUMN_PRIORITY,
                column=column,
                route=response.meta.get("route", ()),
                via=response.meta.get("via", "link"),
            )
        for call in page.searches:
            yield FormRequest(
                call.url,
                formdata=call.formdata,
                callback=self.parse_search,
                errback=self.on_error,
                meta={
                    "seed": seed,
                    "from_url": response.url,
                    "search_form": call.formdata,
                    "role": "list",
                    "column": column,
                },
            )

    def _report_requests(self, entries: Iterable[Entry], response: Response) -> Iterator[Request]:
        """Request the entries whose title looks like an annual report; log the others."""
        for entry in entries:
            is_report, reason = looks_like_report_title(entry.title)
            if not is_report:
                self.logger.debug("skip %s (%s): %s", entry.url, entry.title, reason)
                continue
            yield self._follow(
                entry.url,
                self.parse_report,
                response.meta["seed"],
                origin=response.url,
                role="report",
                priority=REPORT_PRIORITY,
                list_title=entry.title,
                list_date=entry.date,
            )

    def _attachment_requests(self, response: Response) -> list[Request]:
        """Request the report attachments of a page that is not a readable report by itself (详见附件).

        A page that is a report keeps its attachments unfetched (a 全文下载 copy would be a second record);
        an attachment is never searched for further attachments.
        """
        meta = response.meta
        if meta.get("attachment_of"):
            return []
        chosen = choose_attachments(find_attachments(load_tree(response.text), response.url))
        if not chosen:
            return []
        is_report, why = page_is_report(response.body, meta.get("list_title"))  # cleans the page: only if needed
        if is_report:
            return []
        self.logger.info(
            "%s is not a report by itself (%s): following %d attachment(s)", response.url, why, len(chosen)
        )
        return [
            self._follow(
                a.url,
                self.parse_report,
                meta["seed"],
                origin=response.url,
                role="file",
                priority=REPORT_PRIORITY,
                list_title=meta.get("list_title"),
                list_date=meta.get("list_date"),
                attachment_of=response.url,
                attachment_label=a.label,
            )
            for a in chosen
        ]

    def _follow(
        self,
        url: str,
        callback: Callable,
        seed: str,
        *,
        role: str,
        origin: str | None = None,
        depth: int = 0,
        priority: int = 0,
        **meta: Any,
    ) -> Request:
        """Build a GET request carrying the seed name, its role (home, hub, list, report, file), where it came from."""
        if role in REPORT_ROLES:
            self.reached.add(url)
        return Request(
            url,
            callback=callback,
            errback=self.on_error,
            priority=priority,
            meta={"seed": seed, "role": role, "from_url": origin, "depth_hub": depth, **meta},
        )

    def _seed(self, response: Response) -> Seed:
        """Return the seed a response was reached from."""
        return self.seeds[response.meta["seed"]]

    def _page(self, response: Response, source_format: str) -> FetchedPage:
        """Build the FetchedPage item of a report response."""
        meta = response.meta
        return FetchedPage(
            url=response.url,
            status=response.status,
            headers=first_headers(response),
            body=response.body,
            fetched_at=self.clock(),
            portal=meta["seed"],
            list_title=meta.get("list_title"),
            list_date=meta.get("list_date"),
            region_hint=dict(self.seeds[meta["seed"]].region),
            site_code=self.seeds[meta["seed"]].site_code,
            referer=meta.get("from_url"),
            source_format=source_format,
            requested_url=next(iter(meta.get("redirect_urls", [])), None),
            role=meta.get("role", "report"),
        )

    def _gone_page(self, response: Response, target: str | None) -> GonePage | None:
        """The GonePage of a stored report URL whose answer says it is gone (gone_how), else None.

        `target` is where the answer leads: a redirect's Location, or the page a meta refresh led to.
        """
        meta = response.meta
        chain = [*meta.get("redirect_urls", []), response.url]
        stored = next((url for url in chain if url in self.known), None)
        how = gone_how(stored, response.status, target) if stored else None
        if stored is None or how is None:
            return None
        return GonePage(
            url=stored,
            how=how,
            status=response.status,
            headers=first_headers(response),
            body=response.body,
            fetched_at=self.clock(),
            portal=meta["seed"],
            final_url=response.url if response.url != stored else None,
            referer=meta.get("from_url"),
            role=meta.get("role", "report"),
        )

    def _failure(self, url: str, reason: str, response: Response, kind: FailureKind) -> FetchFailure:
        """Build a FetchFailure for a response that could not be used."""
        return FetchFailure(
            url=url,
            reason=reason,
            portal=response.meta.get("seed", ""),
            failed_at=self.clock(),
            status=response.status,
            referer=response.meta.get("from_url"),
            kind=kind,
        )

    def _column_found(self, seed: Seed) -> None:
        """Mark in the run's stats that a 年报 column of this seed was reached (run/P/column_found)."""
        if self.crawler.stats:
            self.crawler.stats.set_value(portal_key(seed.name, "column_found"), 1)
