"""`reports-seeds check SEEDS`: is each seed alive, may we crawl it, and does discovery find its 年报 column?

    reports-seeds check SEEDS [--portal BASE_URL] [--local] [--out report.csv] [--json] [--concurrency N]

For every seed, in two phases:
  1. probes (asyncio + httpx, this module): the start URL's host resolves (getaddrinfo, with a timeout);
     its robots.txt is fetched with our USER_AGENT and read as crawler/robots.py reads it (RFC 9309:
     2xx obeyed, 4xx allows all, 5xx or no answer disallows all); the home page is requested (unless
     robots.txt forbids it): status, final URL after redirects, seconds taken.
  2. discovery (Scrapy): the real `reports` spider over the seeds whose home page answered 2xx, with
     DiscoverOnlyMiddleware (below) requesting no report pages and only the first list page of each
     column, no pipelines and no run recorder (nothing is stored); each seed's `run/P/column_found`
     and `run/P/columns` stats (crawler/stats.py) give column_found and the routes.
Politeness for a national list (~15,000 seeds): at most --concurrency seeds probed at once, one request at
a time per host, timeouts everywhere; discovery keeps the crawl settings (robots.txt, AutoThrottle) with
one request at a time per domain and a small hub budget.

Output: one row per seed, a CSV (UTF-8 with BOM, each header `key 中文`) to --out or stdout, and/or JSON
lines on stdout (--json); a summary line on stderr. Exit 0 even when seeds fail (it is a report); 2 for a
bad command line or seed file. Scrapy's reactor starts once per process: one check per process.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import socket
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal, TextIO
from urllib.parse import urljoin, urlsplit

import httpx
from protego import Protego
from scrapy import Request
from scrapy.crawler import AsyncCrawlerProcess, Crawler
from scrapy.http import Response
from scrapy.settings import Settings

from crawler.errors import SeedError
from crawler.run import portal_run
from crawler.seeds import Seed, load_seeds
from crawler.spiders.reports import ReportsSpider
from indexer.model import ColumnRoute

SETTINGS_MODULE = "crawler.settings"
LOCAL_SETTINGS_MODULE = "crawler.settings_local"
EXIT_BAD_INPUT = 2
DEFAULT_TIMEOUT_S = 30.0
DEFAULT_CONCURRENCY = 32
DISCOVERY_HUB_PAGES = 20  # discovery pages per seed (REPORTS_MAX_HUB_PAGES of a full crawl: 300)
DISCOVERY_REQUESTS = 60  # requests per seed (REPORTS_MAX_REQUESTS)
NOT_CRAWLED_ROLES = ("report", "file")  # request roles the discover-only mode drops
RobotsVerdict = Literal["allowed", "disallowed", "missing", "unreachable", ""]

# Output columns: key and Chinese header (the CSV header is "key 中文"; JSON lines use the keys).
COLUMNS = (
    ("name", "名称"),
    ("start_url", "起始网址"),
    ("site_code", "网站标识码"),
    ("dns", "域名解析"),
    ("robots", "robots协议"),
    ("home_status", "首页状态码"),
    ("final_url", "最终网址"),
    ("elapsed_s", "耗时秒"),
    ("column_found", "找到年报栏目"),
    ("columns", "年报栏目路径"),
    ("error", "错误"),
)


@dataclass
class SeedCheck:
    """What the check found for one seed (one output row)."""

    name: str
    start_url: str
    site_code: str | None = None
    dns: Literal["ok", "failed", ""] = ""  # "" when not checked
    robots: RobotsVerdict = ""  # missing: 4xx, allows all; unreachable: 5xx or no answer, disallows all
    home_status: int | None = None
    final_url: str | None = None
    elapsed_s: float | None = None
    column_found: bool | None = None  # None when discovery did not run for this seed
    columns: list[ColumnRoute] = field(default_factory=list)  # {column, route, via} (crawler/stats.py)
    error: str | None = None  # the first step that failed, in plain words

    @property
    def home_ok(self) -> bool:
        """Whether the home page answered 2xx (discovery runs only then)."""
        return self.home_status is not None and 200 <= self.home_status < 300

    def csv_row(self) -> list[str]:
        """The row's cells as text, in COLUMNS order (routes as `route → URL`, separated by ` | `)."""
        cells = asdict(self)
        cells["columns"] = " | ".join(f"{c['route']} → {c['column']}" for c in self.columns)
        cells["column_found"] = "" if self.column_found is None else str(self.column_found).lower()
        return ["" if cells[key] is None else str(cells[key]) for key, _ in COLUMNS]


# --- phase 1: probes ------------------------------------------------------------------------


@dataclass(frozen=True)
class RobotsAnswer:
    """A host's robots.txt as fetched: rules (2xx), missing (4xx: all allowed) or unreachable (why: none allowed)."""

    url: str
    rules: Protego | None = None
    unreachable: str | None = None

    def verdict(self, url: str, user_agent: str) -> tuple[RobotsVerdict, str | None]:
        """Whether our agent may fetch `url`, and why not."""
        if self.unreachable is not None:
            return "unreachable", f"robots.txt unreachable ({self.unreachable}): disallow all"
        if self.rules is None:
            return "missing", None
        if self.rules.can_fetch(url, user_agent):
            return "allowed", None
        return "disallowed", f"start URL disallowed by robots.txt ({self.url})"


async def fetch_robots(client: httpx.AsyncClient, url: str) -> RobotsAnswer:
    """Fetch robots.txt and read it as crawler/robots.py does (RFC 9309): 2xx rules, 4xx allow all, else none."""
    try:
        response = await client.get(url)
    except httpx.HTTPError as exc:
        return RobotsAnswer(url, unreachable=describe_http_error(exc))
    if response.status_code >= 500:
        return RobotsAnswer(url, unreachable=f"HTTP {response.status_code}")
    if 200 <= response.status_code < 300:
        return RobotsAnswer(url, rules=Protego.parse(response.text))
    return RobotsAnswer(url)


class Hosts:
    """One request at a time per host (a lock per host name), and each host's robots.txt fetched once."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client
        self.locks: dict[str, asyncio.Lock] = {}
        self.robots_answers: dict[str, RobotsAnswer] = {}

    def turn(self, url: str) -> asyncio.Lock:
        """The lock of a URL's host: hold it while requesting."""
        return self.locks.setdefault((urlsplit(url).hostname or "").lower(), asyncio.Lock())

    async def robots(self, url: str) -> RobotsAnswer:
        """The robots.txt of a URL's host (scheme and port included), fetched the first time."""
        robots_url = urljoin(url, "/robots.txt")
        async with self.turn(url):
            if robots_url not in self.robots_answers:
                self.robots_answers[robots_url] = await fetch_robots(self.client, robots_url)
        return self.robots_answers[robots_url]


async def resolves(host: str, port: int, timeout: float) -> str | None:
    """None when the host name resolves within the timeout, else why not."""
    loop = asyncio.get_running_loop()
    try:
        await asyncio.wait_for(loop.getaddrinfo(host, port, type=socket.SOCK_STREAM), timeout)
    except TimeoutError:
        return f"DNS: no answer for {host} in {timeout:g} s"
    except (OSError, UnicodeError) as exc:
        return f"DNS: {host} does not resolve ({exc})"
    return None


def describe_http_error(exc: httpx.HTTPError) -> str:
    """A short reason for a request that got no answer."""
    if isinstance(exc, httpx.TimeoutException):
        return "timed out"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


async def probe(seed: Seed, hosts: Hosts, user_agent: str, timeout: float) -> SeedCheck:
    """DNS, robots.txt and the home page of one seed, one request at a time on its host."""
    check = SeedCheck(seed.name, seed.start_url, seed.site_code)
    parts = urlsplit(seed.start_url)
    host = parts.hostname or ""
    problem = await resolves(host, parts.port or (443 if parts.scheme == "https" else 80), timeout)
    check.dns = "failed" if problem else "ok"
    if problem:
        check.error = problem
        return check
    check.robots, check.error = (await hosts.robots(seed.start_url)).verdict(seed.start_url, user_agent)
    if check.robots in ("disallowed", "unreachable"):
        return check  # a polite crawler does not fetch the home page then
    async with hosts.turn(seed.start_url):
        started = time.monotonic()
        try:
            async with hosts.client.stream("GET", seed.start_url) as response:  # the status is enough: no body read
                check.home_status, check.final_url = response.status_code, str(response.url)
        except httpx.HTTPError as exc:
            check.error = f"home page: {describe_http_error(exc)}"
        check.elapsed_s = round(time.monotonic() - started, 3)
    if check.home_status is not None and not check.home_ok:
        check.error = f"home page answered HTTP {check.home_status}"
    return check


async def probe_all(seeds: Sequence[Seed], user_agent: str, timeout: float, concurrency: int) -> list[SeedCheck]:
    """Probe every seed, at most `concurrency` at once; the checks come back in seed order."""
    gate = asyncio.Semaphore(concurrency)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    # verify=False as Scrapy (which does not check certificates): the check sees what the crawl will see.
    async with httpx.AsyncClient(
        headers={"User-Agent": user_agent}, timeout=timeout, follow_redirects=True, limits=limits, verify=False
    ) as client:
        hosts = Hosts(client)

        async def one(seed: Seed) -> SeedCheck:
            async with gate:
                return await probe(seed, hosts, user_agent, timeout)

        return list(await asyncio.gather(*(one(seed) for seed in seeds)))


# --- phase 2: discovery ---------------------------------------------------------------------


class DiscoverOnlyMiddleware:
    """Spider middleware for checking seeds: discovery requests only.

    Drops report and attachment requests and every request made from a list page (next pages, list
    API calls): a column's first list page is enough to mark it found (run/P/column_found).
    """

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DiscoverOnlyMiddleware:
        """Create the middleware."""
        return cls()

    async def process_spider_output(self, response: Response, result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        """Pass items and discovery requests; drop the rest."""
        from_list = response.meta.get("role") == "list"
        async for obj in result:
            if isinstance(obj, Request) and (from_list or obj.meta.get("role") in NOT_CRAWLED_ROLES):
                continue
            yield obj


class DiscoverySpider(ReportsSpider):
    """The reports spider over some of a seed file's seeds (`only`): the seeds whose home page answered."""

    name = "reports-discover"

    def __init__(self, seeds: str | None = None, portal: str | None = None, only: Iterable[str] = (), **kwargs: Any):
        super().__init__(seeds, portal, **kwargs)
        wanted = set(only)
        self.seeds = {name: seed for name, seed in self.seeds.items() if name in wanted}
        self.allowed_domains = sorted({d for seed in self.seeds.values() for d in seed.allowed_domains})


def discovery_settings(base: Settings, work_dir: Path, timeout: float, concurrency: int) -> dict[str, Any]:
    """Settings over the crawl's own: discover-only, nothing stored or cached, one request per domain at a time."""
    middlewares = {**base.getdict("SPIDER_MIDDLEWARES"), f"{__name__}.DiscoverOnlyMiddleware": 560}
    return {
        "SPIDER_MIDDLEWARES": middlewares,
        "ITEM_PIPELINES": {},
        "EXTENSIONS": {"crawler.run.RunRecorder": None},
        "REPORTS_DB": str(work_dir / "none.sqlite"),  # never created: no stored URLs to re-check
        "HTTPCACHE_ENABLED": False,
        "CONCURRENT_REQUESTS": concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
        "DOWNLOAD_TIMEOUT": timeout,
        "RETRY_TIMES": 1,
        "REPORTS_MAX_LIST_PAGES": 1,
        "REPORTS_MAX_HUB_PAGES": min(base.getint("REPORTS_MAX_HUB_PAGES"), DISCOVERY_HUB_PAGES),
        "REPORTS_MAX_REQUESTS": min(base.getint("REPORTS_MAX_REQUESTS"), DISCOVERY_REQUESTS),
    }


def discover(checks: list[SeedCheck], seeds_file: Path, portal: str | None, settings: Settings) -> None:
    """Run discovery over the seeds whose home page answered; fill their column_found and columns."""
    reached = [check for check in checks if check.home_ok]
    if not reached:
        return
    process = AsyncCrawlerProcess(settings)
    crawler = process.create_crawler(DiscoverySpider)
    process.crawl(crawler, seeds=str(seeds_file), portal=portal, only=[check.name for check in reached])
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    for check in reached:
        counts = portal_run(stats, check.name)
        check.column_found = counts["column_found"]
        check.columns = list(counts.get("columns", []))


# --- command line -----------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    """Describe the command line: `reports-seeds check SEEDS ...`."""
    parser = argparse.ArgumentParser(prog="reports-seeds", description="Work with seed files.")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="check each seed: DNS, robots.txt, home page, 年报 column")
    check.add_argument("seeds", type=Path, help="seed file (YAML or CSV)")
    check.add_argument("--portal", metavar="BASE_URL", help="base URL filling {portal} in the seeds")
    check.add_argument("--local", action="store_true", help=f"use {LOCAL_SETTINGS_MODULE} (the local sample portal)")
    check.add_argument("--out", type=Path, metavar="FILE", help="write the CSV report here (default: stdout)")
    check.add_argument("--json", action="store_true", help="write JSON lines on stdout (with --out: as well)")
    check.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S, help="seconds per request and DNS lookup")
    check.add_argument(
        "--concurrency", type=int, default=DEFAULT_CONCURRENCY, help="seeds checked at once (one request per host)"
    )
    check.add_argument("--no-discovery", action="store_true", help="probes only: no 年报 column search")
    check.add_argument("--log-level", metavar="LEVEL", help="Scrapy's LOG_LEVEL during discovery (default WARNING)")
    return parser


def base_settings(args: argparse.Namespace) -> Settings:
    """The crawl's settings module (crawler.settings, or crawler.settings_local with --local)."""
    settings = Settings()
    settings.setmodule(LOCAL_SETTINGS_MODULE if args.local else SETTINGS_MODULE, priority="project")
    settings.set("LOG_LEVEL", (args.log_level or "WARNING").upper(), priority="cmdline")
    return settings


def write_csv(checks: Iterable[SeedCheck], handle: TextIO) -> None:
    """Write the CSV report (the caller opens files with encoding utf-8-sig, so Excel reads the Chinese)."""
    writer = csv.writer(handle)
    writer.writerow([f"{key} {label}" for key, label in COLUMNS])
    writer.writerows(check.csv_row() for check in checks)


def json_line(check: SeedCheck) -> str:
    """One seed's check as a JSON line (keys in COLUMNS order)."""
    row = asdict(check)
    return json.dumps({key: row[key] for key, _ in COLUMNS}, ensure_ascii=False)


def summary(checks: Sequence[SeedCheck], seconds: float) -> str:
    """The summary line: how many seeds passed each step."""
    counts = (
        sum(c.dns == "ok" for c in checks),
        sum(c.robots in ("allowed", "missing") for c in checks),
        sum(c.home_ok for c in checks),
        sum(bool(c.column_found) for c in checks),
    )
    return (
        f"reports-seeds: checked {len(checks)} seeds in {seconds:.1f} s: {counts[0]} resolve, "
        f"{counts[1]} allowed by robots.txt, {counts[2]} home pages reachable, {counts[3]} with a 年报 column"
    )


def check_command(args: argparse.Namespace) -> list[SeedCheck]:
    """Probe every seed, then run discovery; return the rows."""
    seeds = load_seeds(args.seeds, portal=args.portal)
    settings = base_settings(args)
    user_agent = settings.get("USER_AGENT")
    with tempfile.TemporaryDirectory(prefix="seedcheck-") as work:
        checks = asyncio.run(probe_all(seeds, user_agent, args.timeout, args.concurrency))
        if not args.no_discovery:
            settings.setdict(
                discovery_settings(settings, Path(work), args.timeout, args.concurrency), priority="cmdline"
            )
            discover(checks, args.seeds, args.portal, settings)
    return checks


def main(argv: list[str] | None = None) -> int:
    """Run `reports-seeds check`; exit 0 whatever the seeds' state, 2 for a bad command line or seed file."""
    parser = build_parser()
    args = parser.parse_args(argv)
    started = time.monotonic()
    try:
        checks = check_command(args)
    except SeedError as exc:
        parser.exit(EXIT_BAD_INPUT, f"{parser.prog}: error: {exc}\n")
    if args.out:
        with args.out.open("w", encoding="utf-8-sig", newline="") as handle:
            write_csv(checks, handle)
    if args.json:
        sys.stdout.writelines(json_line(check) + "\n" for check in checks)
    elif not args.out:
        write_csv(checks, sys.stdout)
    print(summary(checks, time.monotonic() - started), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
