"""robots.txt as RFC 9309 says, every refusal recorded: replaces Scrapy's RobotsTxtMiddleware.

https://www.rfc-editor.org/rfc/rfc9309#section-2.3.1: a robots.txt answered 2xx is obeyed; one that
is "unavailable" (4xx, or a redirect chain that cannot be followed) allows everything; one that is
"unreachable" (5xx, or a network error or timeout) means the whole host is off limits. Scrapy's
middleware treats the unreachable case as allow-all and refuses with a bare IgnoreRequest; this one
raises `Refused(kind="robots")` with the reason, which the request's errback stores.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.http.request import NO_CALLBACK
from scrapy.robotstxt import RobotParser
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler, load_object
from twisted.internet.defer import Deferred

from .failures import Refused, describe_failure

logger = logging.getLogger(__name__)

ROBOTS_PRIORITY = 1000  # fetch a host's robots.txt before anything else of it


@dataclass(frozen=True)
class RobotsPolicy:
    """What a host's robots.txt says: rules to obey, or everything allowed, or nothing (with why)."""

    robots_url: str
    parser: RobotParser | None = None  # the rules of a robots.txt answered 2xx
    unreachable: str | None = None  # why the whole host is off limits (5xx, network error)

    def refusal(self, url: str, user_agent: str) -> str | None:
        """Return why `url` may not be fetched, or None when it may."""
        if self.unreachable is not None:
            return f"robots.txt unreachable ({self.unreachable}): disallow all"
        if self.parser is not None and not self.parser.allowed(url, user_agent):
            return f"disallowed by robots.txt ({self.robots_url})"
        return None


def policy_from_response(response: Response, parse: type[RobotParser], crawler: Crawler) -> RobotsPolicy:
    """Read a robots.txt answer: 2xx rules, 4xx (and unfollowed 3xx) allow all, 5xx disallow all."""
    if response.status >= 500:
        return RobotsPolicy(response.url, unreachable=f"HTTP {response.status}")
    if 200 <= response.status < 300:
        return RobotsPolicy(response.url, parser=build_from_crawler(parse, crawler, response.body))
    return RobotsPolicy(response.url)


def policy_from_error(robots_url: str, error: Exception, request: Request) -> RobotsPolicy:
    """Read a robots.txt that could not be fetched: a refused redirect makes it unavailable, anything else unreachable."""
    if isinstance(error, Refused) and error.kind == "bad_redirect":
        return RobotsPolicy(robots_url)
    return RobotsPolicy(robots_url, unreachable=describe_failure(error, request).reason)


class RobotsTxtMiddleware:
    """Downloader middleware: fetch each host's robots.txt once, and refuse what it forbids."""

    def __init__(self, crawler: Crawler):
        if not crawler.settings.getbool("ROBOTSTXT_OBEY"):
            raise NotConfigured
        self.crawler = crawler
        self.user_agent: str = crawler.settings["ROBOTSTXT_USER_AGENT"] or crawler.settings["USER_AGENT"]
        self.parser_class: type[RobotParser] = load_object(crawler.settings["ROBOTSTXT_PARSER"])
        self.policies: dict[str, RobotsPolicy | Deferred[None]] = {}  # by host:port; a Deferred while fetching

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RobotsTxtMiddleware:
        """Create the middleware (NotConfigured when ROBOTSTXT_OBEY is off)."""
        return cls(crawler)

    async def process_request(self, request: Request) -> None:
        """Let the request through, or raise Refused(kind="robots") saying why it may not be fetched."""
        if request.meta.get("dont_obey_robotstxt") or urlparse_cached(request).scheme not in ("http", "https"):
            return
        policy = await self.policy(request)
        reason = policy.refusal(request.url, self.user_agent)
        if reason is not None:
            if self.crawler.stats:
                self.crawler.stats.inc_value("robotstxt/forbidden")
            logger.debug("Refused by robots.txt: %s (%s)", request.url, reason)
            raise Refused("robots", reason)

    async def policy(self, request: Request) -> RobotsPolicy:
        """Return the policy of the request's host, fetching its robots.txt the first time."""
        parts = urlparse_cached(request)
        known = self.policies.get(parts.netloc)
        if isinstance(known, RobotsPolicy):
            return known
        if isinstance(known, Deferred):  # another request is fetching it: wait, then read it
            await maybe_deferred_to_future(known)
            return self.policy_of(parts.netloc)
        fetched: Deferred[None] = Deferred()
        self.policies[parts.netloc] = fetched
        policy = await self.fetch(f"{parts.scheme}://{parts.netloc}/robots.txt")
        self.policies[parts.netloc] = policy
        fetched.callback(None)
        return policy

    def policy_of(self, netloc: str) -> RobotsPolicy:
        """Return a policy already fetched."""
        policy = self.policies[netloc]
        if not isinstance(policy, RobotsPolicy):
            raise RuntimeError(f"robots.txt of {netloc} is still being fetched")
        return policy

    async def fetch(self, robots_url: str) -> RobotsPolicy:
        """Download a robots.txt and read it."""
        request = Request(
            robots_url, priority=ROBOTS_PRIORITY, meta={"dont_obey_robotstxt": True}, callback=NO_CALLBACK
        )
        if self.crawler.engine is None:
            raise RuntimeError("the engine is not running")
        try:
            response = await self.crawler.engine.download_async(request)
        except Exception as error:  # any failure to get an answer is a policy too
            policy = policy_from_error(robots_url, error, request)
        else:
            policy = policy_from_response(response, self.parser_class, self.crawler)
        if self.crawler.stats:
            self.crawler.stats.inc_value("robotstxt/request_count")
        if policy.unreachable:
            logger.warning("%s is unreachable (%s): the host is off limits", robots_url, policy.unreachable)
        return policy
