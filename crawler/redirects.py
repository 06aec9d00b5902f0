"""Redirects that stay honest: inside their own seed's scope, without loops, to HTTP(S) URLs of sane length.

Scrapy's RedirectMiddleware and MetaRefreshMiddleware follow a redirect by scheduling a new request,
which the spider middlewares never see: a redirect into another seed's domain was followed under the
first seed, one off every domain was dropped without a word, a loop or a redirect to itself vanished
in the duplicate filter, and a `file:` target came back as "HTTP 302". These subclasses check each
target against the seed of the original request and raise `Refused`, which the request's errback
records as a failure naming the target.

A request for a report (role report or file) is not redirected to its own folder or to the home
page: that is how sites answer for a deleted report, and the 3xx itself is what the spider needs
(indexer.archive.gone_how; for a stored report it is archived and the report marked gone).
"""

from __future__ import annotations

from urllib.parse import urljoin, urlparse

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares import redirect
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from w3lib.url import safe_url_string

from indexer.archive import gone_how

from .failures import Refused, shorten_url
from .seeds import Seed

HTTP_SCHEMES = ("http", "https")
REDIRECT_STATUSES = (301, 302, 303, 307, 308)
REPORT_ROLES = ("report", "file")  # requests for a report page or an attached report file


def redirect_refusal(target: str, chain: list[str], seed: Seed | None, how: str, max_length: int) -> Refused | None:
    """Return why a redirect from the last URL of `chain` to `target` must not be followed, or None.

    `how` names the redirect in the reason ("redirect", "meta refresh"); `seed` is the original
    request's seed (None: no scope to keep, e.g. robots.txt).
    """
    shown = shorten_url(target)
    if urlparse(target).scheme not in HTTP_SCHEMES:
        return Refused("bad_redirect", f"{how} to a non-HTTP URL: {shown}")
    if len(target) > max_length:
        return Refused(
            "url_too_long", f"{how} to a URL too long ({len(target)} characters, limit {max_length}): {shown}"
        )
    if target == chain[-1]:
        return Refused("bad_redirect", f"{how} to itself: {shown}")
    if target in chain:
        return Refused("bad_redirect", f"{how} loop: {' → '.join(map(shorten_url, [*chain, target]))}")
    if seed is not None and not seed.allows(target):
        return Refused(
            "off_scope", f"off-scope {how} to {shown} (seed {seed.name!r} allows {', '.join(seed.allowed_domains)})"
        )
    return None


class CheckedRedirects:
    """What both redirect middlewares share: the seed of a request and the refusal of a target."""

    crawler: Crawler
    max_redirect_times: int
    how = "redirect"

    def refusal(self, request: Request, target: str, status: int | None) -> Refused | None:
        """Return why `request` must not be redirected to `target`, or None."""
        seeds = getattr(self.crawler.spider, "seeds", {})
        chain = [*request.meta.get("redirect_urls", []), request.url]
        max_length = self.crawler.settings.getint("URLLENGTH_LIMIT")
        refused = redirect_refusal(target, chain, seeds.get(request.meta.get("seed")), self.how, max_length)
        if refused is not None:
            refused.status = status
        return refused

    def too_many(self, status: int) -> Refused:
        """Return the refusal of a chain longer than REDIRECT_MAX_TIMES."""
        return Refused("bad_redirect", f"too many redirects (more than {self.max_redirect_times})", status)


class RedirectMiddleware(CheckedRedirects, redirect.RedirectMiddleware):
    """Scrapy's RedirectMiddleware (3xx + Location), with every target checked."""

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Request | Response:
        """Follow a redirect that stays in scope; raise Refused for any other (`spider`: Scrapy's old signature).

        A report's redirect to its folder or the home page is not followed: the 3xx goes to the spider.
        """
        if says_gone(request, response):
            return response
        try:
            result = super().process_response(request, response)
        except IgnoreRequest as exc:  # max redirections reached
            raise self.too_many(response.status) from exc
        target = result.url if isinstance(result, Request) else unfollowed_target(request, response)
        refused = self.refusal(request, target, response.status) if target else None
        if refused is not None:
            raise refused
        return result


class MetaRefreshMiddleware(CheckedRedirects, redirect.MetaRefreshMiddleware):
    """Scrapy's MetaRefreshMiddleware, with every target checked; a page refreshing to itself is kept as it is."""

    how = "meta refresh"

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Request | Response:
        """Follow a meta refresh that stays in scope; raise Refused for any other (`spider`: Scrapy's old signature)."""
        try:
            result = super().process_response(request, response)
        except IgnoreRequest as exc:
            raise self.too_many(response.status) from exc
        if not isinstance(result, Request):
            return result
        if result.url == request.url:
            return response
        refused = self.refusal(request, result.url, None)
        if refused is not None:
            raise refused
        return result


def redirect_target(request: Request, response: Response) -> str | None:
    """Return the absolute URL a redirect (3xx with a Location) points to, else None."""
    location = response.headers.get("Location")
    if response.status not in REDIRECT_STATUSES or not location:
        return None
    return str(urljoin(request.url, safe_url_string(location)))


def says_gone(request: Request, response: Response) -> bool:
    """Tell whether a report request is redirected to its own folder or to the home page (a deleted report)."""
    if request.meta.get("role") not in REPORT_ROLES:
        return False
    target = redirect_target(request, response)
    requested = request.meta.get("redirect_urls", [request.url])[0]
    return target is not None and gone_how(requested, response.status, target) is not None


def unfollowed_target(request: Request, response: Response) -> str | None:
    """Return the non-HTTP target of a redirect Scrapy left unfollowed (file:, data: …), else None."""
    target = None if request.meta.get("dont_redirect") else redirect_target(request, response)
    return target if target is not None and urlparse(target).scheme not in HTTP_SCHEMES else None
