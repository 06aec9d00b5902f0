"""Recrawls re-check what is stored: every stored report URL of a seed's hosts that no list reached this time.

A report its column no longer lists may still be served (nothing to do), or be gone (404/410, a
redirect to its folder or the home page: the spider emits a GonePage). The spider reads the stored
URLs when the crawl opens (`stored_urls`: the reports of every seed's hosts, the gone URLs included)
and, once the lists are done, requests those it did not reach (`plan_rechecks`), each under the seed
and with the list title its last archived capture was fetched with, so its record is built as before.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from indexer.archive import Location, read_capture
from indexer.errors import StorageUnavailable
from indexer.storage import Backend, StorageOptions, open_backend

from .seeds import Seed

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Recheck:
    """A stored report URL to request again, under a seed, with what its last capture was fetched with."""

    url: str
    seed: str
    list_title: str | None = None
    list_date: str | None = None
    referer: str | None = None


def seed_hosts(seeds: Iterable[Seed]) -> set[str]:
    """The host names of the seeds: their allowed domains and their start URLs' hosts."""
    hosts = {domain for seed in seeds for domain in seed.allowed_domains}
    return hosts | {urlparse(seed.start_url).hostname or "" for seed in seeds} - {""}


def open_stored(target: str) -> Backend | None:
    """The index, opened read-only; None when there is none yet (a first crawl)."""
    if "://" not in target and not Path(target).is_file():
        return None
    try:
        return open_backend(target, StorageOptions(read_only=True))
    except StorageUnavailable as exc:
        logger.warning("Stored reports not read (no re-checks, no revisit records): %s", exc)
        return None


def stored_urls(backend: Backend, seeds: Collection[Seed]) -> set[str]:
    """Every URL of every stored report that one of the seeds allows."""
    hosts = seed_hosts(seeds)
    return {url for url in backend.report_urls(hosts) if any(seed.allows(url) for seed in seeds)}


def owner(url: str, seeds: Collection[Seed], portal: str | None = None) -> Seed | None:
    """The seed a stored URL is re-checked under: the one it was last fetched under, else the one whose site
    (start URL folder) holds it, else the first that allows its host."""
    allowed = [seed for seed in seeds if seed.allows(url)]
    named = [seed for seed in allowed if seed.name == portal]
    if named:
        return named[0]
    under = [seed for seed in allowed if url.startswith(seed.site_root)]
    return max(under, key=lambda seed: len(seed.site_root)) if under else next(iter(allowed), None)


def last_meta(backend: Backend, archive: Path, url: str) -> dict[str, str]:
    """The crawl meta of the last archived capture that served this URL ({} when there is none, or no archive)."""
    for row in backend.captures(url=url):
        if row["status"] < 300 and row["report_id"] is not None:
            try:
                return read_capture(archive, Location.of(row)).meta
            except (OSError, ValueError) as exc:
                logger.debug("No meta for %s from %s: %s", url, row["warc_file"], exc)
                return {}
    return {}


def plan_rechecks(backend: Backend, archive: Path, urls: Iterable[str], seeds: Collection[Seed]) -> list[Recheck]:
    """The re-checks of these stored URLs, each under its seed, with its last list title, date and referer."""
    plans = []
    for url in sorted(urls, key=lambda u: (urlparse(u).hostname or "", u)):
        meta = last_meta(backend, archive, url)
        seed = owner(url, seeds, meta.get("portal"))
        if seed is None:
            continue
        plans.append(Recheck(url, seed.name, meta.get("list_title"), meta.get("list_date"), meta.get("referer")))
    return plans
