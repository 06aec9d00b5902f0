"""Item pipelines, one concern each: drop duplicate pages; hand pages to the indexer and store them."""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from .items import FetchedPage, FetchFailure, IndexedReport

logger = logging.getLogger(__name__)

KIND_FETCH_FAILED = "fetch_failed"
KIND_NOT_A_REPORT = "not_a_report"
KIND_UNREADABLE = "unreadable"
INDEX_ERROR = "index_error"  # counted apart, stored as kind unreadable (storage knows 3 kinds)


class DuplicatePagePipeline:
    """Drop a FetchedPage whose URL or body (SHA-256) was already seen in this crawl."""

    def __init__(self, compare_bodies: bool = True):
        self.compare_bodies = compare_bodies
        self.urls: set[str] = set()
        self.bodies: dict[str, str] = {}  # body hash -> first URL it was seen at

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DuplicatePagePipeline:
        """Read REPORTS_DEDUP_BODIES from the settings."""
        return cls(compare_bodies=crawler.settings.getbool("REPORTS_DEDUP_BODIES", True))

    def process_item(self, item: Any) -> Any:
        """Return the item, or raise DropItem naming the duplicate URL and what it repeats."""
        if not isinstance(item, FetchedPage):
            return item
        if item.url in self.urls:
            raise DropItem(f"duplicate URL: {item.url}")
        digest = hashlib.sha256(item.body).hexdigest()
        if self.compare_bodies and digest in self.bodies:
            raise DropItem(f"duplicate body of {self.bodies[digest]}: {item.url}")
        self.urls.add(item.url)
        self.bodies.setdefault(digest, item.url)
        return item


def redact_credentials(target: str) -> str:
    """Hide a password in a storage URL before it is logged (http://user:pw@host -> http://user:***@host)."""
    parts = urlsplit(target)
    if parts.password is None:
        return target
    return urlunsplit(parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@", 1)))


class IndexPipeline:
    """Turn each FetchedPage into a record (indexer.record.build_record), store it, and pass the record on.

    Rejected pages and failed fetches are stored as failures (kind not_a_report, unreadable,
    fetch_failed). The indexer is imported when the spider opens, not at import time.
    """

    def __init__(self, db_path: str | Path, stats: Any = None):
        self.db_path = db_path if "://" in str(db_path) else Path(db_path)  # a URL (Elasticsearch) stays a string
        self.stats = stats
        self.counts: Counter[str] = Counter()
        self.backend: Any = None
        self.build_record: Callable[..., Any] | None = None  # indexer.record.build_record, imported on open
        self.errors: tuple[type[Exception], type[Exception]] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IndexPipeline:
        """Read REPORTS_DB (a path, sqlite:///path or Elasticsearch URL): the Scrapy setting, else indexer.config."""
        from indexer.config import StorageSettings

        return cls(crawler.settings.get("REPORTS_DB") or StorageSettings().reports_db, crawler.stats)

    def open_spider(self) -> None:
        """Import the indexer and open the storage backend (creating the database folder)."""
        from indexer.errors import NotAReport, UnreadablePage
        from indexer.record import build_record
        from indexer.storage import open_backend

        target = str(self.db_path)
        if "://" not in target:
            Path(target).parent.mkdir(parents=True, exist_ok=True)
        self.backend = open_backend(target)
        self.build_record = build_record
        self.errors = (NotAReport, UnreadablePage)

    def process_item(self, item: Any) -> Any:
        """Store a report and return its record (IndexedReport), or store a failure; drop rejected pages."""
        if isinstance(item, FetchFailure):
            self._store_failure(
                KIND_FETCH_FAILED,
                item.url,
                item.reason,
                item.portal,
                item.failed_at,
                status=item.status,
                referer=item.referer,
            )
            return item
        if isinstance(item, FetchedPage):
            return self._index(item)
        return item

    def close_spider(self) -> None:
        """Close the backend and log what this crawl stored and rejected."""
        if self.backend is not None:
            self.backend.close()
        logger.info(
            "Index summary: %d reports stored, %d pages rejected (not a report), %d unreadable, "
            "%d of them indexer errors, %d failed fetches; database %s",
            self.counts["stored"],
            self.counts[KIND_NOT_A_REPORT],
            self.counts[KIND_UNREADABLE],
            self.counts[INDEX_ERROR],
            self.counts[KIND_FETCH_FAILED],
            redact_credentials(str(self.db_path)),
        )

    def _index(self, page: FetchedPage) -> IndexedReport:
        """Build and write the record of one page, or store why it was rejected and drop it."""
        if self.build_record is None or self.errors is None:
            raise RuntimeError("IndexPipeline.open_spider() opens the indexer before the first item")
        not_a_report, unreadable = self.errors
        try:
            record = self.build_record(
                page.body,
                url=page.url,
                fetched_at=page.fetched_at,
                hints=page.region_hint or None,
                list_title=page.list_title,
                source_format=page.source_format,
            )
        except not_a_report as exc:
            raise self._rejected(page, KIND_NOT_A_REPORT, str(exc)) from exc
        except unreadable as exc:
            raise self._rejected(page, KIND_UNREADABLE, str(exc)) from exc
        except Exception as exc:  # an indexer bug must not stop the crawl; keep it visible
            logger.exception("Indexer failed on %s", page.url)
            self._count(INDEX_ERROR)
            raise self._rejected(page, KIND_UNREADABLE, f"indexer error: {type(exc).__name__}: {exc}") from exc
        self.backend.write([record])
        self._count("stored")
        return IndexedReport(record)

    def _rejected(self, page: FetchedPage, kind: str, reason: str) -> DropItem:
        """Store a rejected page as a failure; return the DropItem naming the reason and URL."""
        self._store_failure(
            kind,
            page.url,
            reason,
            page.portal,
            page.fetched_at,
            status=page.status,
            referer=page.referer,
            list_title=page.list_title,
        )
        return DropItem(f"{kind} ({reason}): {page.url}")

    def _store_failure(self, kind: str, url: str, reason: str, portal: str, at: str, **extra: Any) -> None:
        """Write one failure row (kind, url, reason, portal, at, extras) and count it."""
        self.backend.record_failure({"kind": kind, "url": url, "reason": reason, "portal": portal, "at": at, **extra})
        self._count(kind)

    def _count(self, key: str) -> None:
        """Count an outcome here and in the crawl stats."""
        self.counts[key] += 1
        if self.stats is not None:
            self.stats.inc_value(f"reports/{key}")
