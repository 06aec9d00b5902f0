"""Item pipelines, one concern each: drop duplicate pages; hand pages to the indexer and store them.

The IndexPipeline also keeps the run's per-portal counts in the crawl stats (crawler/run.py reads
them): reports new / changed / unchanged, and failures by kind; every failure carries the run id.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from pathlib import Path
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.settings import BaseSettings

from indexer.config import DEFAULT_MAX_TEXT_CHARS, StorageSettings
from indexer.errors import NotAReport, UnreadablePage
from indexer.logs import redact
from indexer.record import build_record
from indexer.storage import open_backend

from .items import FetchedPage, FetchFailure, IndexedReport
from .stats import RUN_ID, portal_key

logger = logging.getLogger(__name__)

KIND_NOT_A_REPORT = "not_a_report"
KIND_UNREADABLE = "unreadable"
INDEX_ERROR = "index_error"  # counted apart, stored as kind unreadable
OUTCOMES = ("stored", INDEX_ERROR)  # what `counts` holds besides failure kinds


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
            raise DropItem(f"duplicate URL: {item.url}", log_level="DEBUG")
        digest = hashlib.sha256(item.body).hexdigest()
        if self.compare_bodies and digest in self.bodies:
            raise DropItem(f"duplicate body of {self.bodies[digest]}: {item.url}", log_level="DEBUG")
        self.urls.add(item.url)
        self.bodies.setdefault(digest, item.url)
        return item


def storage_target(settings: BaseSettings) -> str:
    """Where reports go: the REPORTS_DB Scrapy setting, else indexer.config (the environment)."""
    return str(settings.get("REPORTS_DB") or StorageSettings().reports_db)


class IndexPipeline:
    """Turn each FetchedPage into a record (indexer.record.build_record), store it, and pass the record on.

    Rejected pages and failed fetches are stored as failures (kind not_a_report, unreadable, and
    the spider's kinds), each with the run that met it.
    """

    def __init__(self, db_path: str | Path, stats: Any = None, max_text_chars: int = DEFAULT_MAX_TEXT_CHARS):
        self.db_path = db_path if "://" in str(db_path) else Path(db_path)  # a URL (Elasticsearch) stays a string
        self.stats = stats
        self.max_text_chars = max_text_chars
        self.counts: Counter[str] = Counter()
        self.backend: Any = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IndexPipeline:
        """Read REPORTS_DB (a path, sqlite:///path or Elasticsearch URL) and REPORTS_MAX_TEXT_CHARS."""
        settings = StorageSettings()
        return cls(storage_target(crawler.settings), crawler.stats, settings.reports_max_text_chars)

    def open_spider(self) -> None:
        """Open the storage backend (creating the database folder)."""
        target = str(self.db_path)
        if "://" not in target:
            Path(target).parent.mkdir(parents=True, exist_ok=True)
        self.backend = open_backend(target)

    def process_item(self, item: Any) -> Any:
        """Store a report and return its record (IndexedReport), or store a failure; drop rejected pages."""
        if isinstance(item, FetchFailure):
            self._store_failure(
                item.kind,
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
        failures = ", ".join(f"{kind} {n}" for kind, n in sorted(self.counts.items()) if kind not in OUTCOMES)
        logger.info(
            "Index summary: %d reports stored, %d indexer errors; failures stored: %s; database %s",
            self.counts["stored"],
            self.counts[INDEX_ERROR],
            failures or "none",
            redact(str(self.db_path)),
        )

    def _index(self, page: FetchedPage) -> IndexedReport:
        """Build and write the record of one page, or store why it was rejected and drop it."""
        try:
            record = build_record(
                page.body,
                url=page.url,
                fetched_at=page.fetched_at,
                hints=page.region_hint or None,
                list_title=page.list_title,
                source_format=page.source_format,
                max_text_chars=self.max_text_chars,
            )
        except NotAReport as exc:
            raise self._rejected(page, KIND_NOT_A_REPORT, str(exc)) from exc
        except UnreadablePage as exc:
            raise self._rejected(page, KIND_UNREADABLE, str(exc)) from exc
        except Exception as exc:  # an indexer bug must not stop the crawl; keep it visible
            logger.exception("Indexer failed on %s", page.url)
            self._count(INDEX_ERROR)
            raise self._rejected(page, KIND_UNREADABLE, f"indexer error: {type(exc).__name__}: {exc}") from exc
        outcome = self._outcome(record)
        self.backend.write([record])
        self._count("stored")
        self._count_portal(page.portal, outcome)
        return IndexedReport(record)

    def _outcome(self, record: Any) -> str:
        """What writing this record does: reports_new, reports_changed (the cleaned text differs) or reports_unchanged."""
        stored = self.backend.get(record["id"])
        if stored is None:
            return "reports_new"
        return "reports_unchanged" if stored.get("content_hash") == record["content_hash"] else "reports_changed"

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
        """Write one failure row (kind, url, reason, portal, at, this run's id, extras) and count it."""
        run_id = self.stats.get_value(RUN_ID) if self.stats is not None else None
        failure = {"kind": kind, "url": url, "reason": reason, "portal": portal, "at": at, "run_id": run_id, **extra}
        self.backend.record_failure(failure)
        self._count(kind)
        self._count_portal(portal, f"failures/{kind}")

    def _count(self, key: str) -> None:
        """Count an outcome here and in the crawl stats."""
        self.counts[key] += 1
        if self.stats is not None:
            self.stats.inc_value(f"reports/{key}")

    def _count_portal(self, portal: str, name: str) -> None:
        """Count an outcome in the run's per-portal stats (run/<portal>/<name>)."""
        if self.stats is not None:
            self.stats.inc_value(portal_key(portal, name))
