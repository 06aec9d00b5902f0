"""Item pipelines, one concern each: drop duplicate pages; archive what was served; hand pages to the indexer.

The ArchivePipeline writes every page and every gone URL's answer to the web archive (WARC files,
indexer/archive.py) before it is indexed, and list pages too when REPORTS_ARCHIVE_LIST_PAGES is on.
The IndexPipeline stores records, gone URLs (backend.mark_gone) and failures, and keeps the run's
per-portal counts in the crawl stats (crawler/run.py reads them): reports new / changed / unchanged,
withdrawn / returned, and failures by kind; every failure carries the run id.
"""

from __future__ import annotations

import logging
from collections import Counter
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.http import Request, Response
from scrapy.settings import BaseSettings
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.threads import deferToThread

from indexer.archive import (
    DEFAULT_MAX_BYTES,
    UNREADABLE,
    ArchivedResponse,
    ArchiveWriter,
    Location,
    build_archived_record,
    capture_of,
    read_capture,
    same_payload,
)
from indexer.config import DEFAULT_MAX_TEXT_CHARS, StorageSettings
from indexer.errors import NotAReport, UnreadablePage
from indexer.logs import redact
from indexer.model import Record
from indexer.storage import Backend, open_backend

from .items import FetchedPage, FetchFailure, GonePage, GoneURL, IndexedReport, crawl_meta, utc_now
from .recheck import open_stored
from .stats import RUN_ID, portal_key

logger = logging.getLogger(__name__)

KIND_NOT_A_REPORT = "not_a_report"
KIND_UNREADABLE = "unreadable"
INDEX_ERROR = "index_error"  # counted apart, stored as kind unreadable
OUTCOMES = ("stored", INDEX_ERROR)  # what `counts` holds besides failure kinds
LIST_ROLE = "list"


class DuplicatePagePipeline:
    """Drop a FetchedPage whose URL was already seen in this crawl.

    A byte-identical body at another URL is kept: it reaches the indexer, which stores that URL on the
    same record (one report reached from a department site and from the government column).
    """

    def __init__(self) -> None:
        self.urls: set[str] = set()

    def process_item(self, item: Any) -> Any:
        """Return the item, or raise DropItem naming the duplicate URL."""
        if not isinstance(item, FetchedPage):
            return item
        if item.url in self.urls:
            raise DropItem(f"duplicate URL: {item.url}", log_level="DEBUG")
        self.urls.add(item.url)
        return item


def storage_target(settings: BaseSettings) -> str:
    """Where reports go: the REPORTS_DB Scrapy setting, else indexer.config (the environment)."""
    return str(settings.get("REPORTS_DB") or StorageSettings().reports_db)


def outcomes(before: Record | None, after: Record) -> list[str]:
    """What a write did to a report: reports_new, _changed (new version) or _unchanged; and reports_returned."""
    if before is None:
        return ["reports_new"]
    returned = ["reports_returned"] if before.get("withdrawn") and not after.get("withdrawn") else []
    same = before.get("content_hash") == after.get("content_hash")
    return ["reports_unchanged" if same else "reports_changed", *returned]


def archive_folder(settings: BaseSettings) -> Path:
    """Where the web archive goes: REPORTS_ARCHIVE_DIR, else `archive` beside the SQLite index (indexer.config)."""
    folder = settings.get("REPORTS_ARCHIVE_DIR")
    return Path(folder) if folder else StorageSettings(reports_db=storage_target(settings)).archive_dir()


class ArchivePipeline:
    """Archive every FetchedPage and GonePage as served, and note where (`item.capture`); list pages if asked.

    A body the URL's last capture (in the captures index of `target`) already holds is archived as a
    `revisit` record naming it: a recrawl of unchanged pages adds their headers and times, not their bytes.
    """

    def __init__(self, writer: ArchiveWriter | None, list_pages: bool = False, target: str | None = None):
        self.writer = writer
        self.list_pages = list_pages
        self.target = target
        self.stored: Backend | None = None  # the index, read-only: the last capture of each URL
        self.looked = False  # the index was opened (on the first page: the IndexPipeline has upgraded it)
        self.written = Counter[str]()  # records written, by kind (response, revisit)
        self.bytes = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchivePipeline:
        """The pipeline of the crawl's settings; list pages are archived as they are received, if asked."""
        pipeline = cls.from_settings(crawler.settings)
        if pipeline.list_pages:
            crawler.signals.connect(pipeline.response_received, signal=signals.response_received)
        return pipeline

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> ArchivePipeline:
        """Read REPORTS_ARCHIVE, REPORTS_ARCHIVE_DIR, REPORTS_ARCHIVE_MAX_BYTES and REPORTS_ARCHIVE_LIST_PAGES."""
        if not settings.getbool("REPORTS_ARCHIVE", True):
            return cls(None)
        max_bytes = settings.getint("REPORTS_ARCHIVE_MAX_BYTES", DEFAULT_MAX_BYTES)
        writer = ArchiveWriter(archive_folder(settings), max_bytes)
        return cls(writer, settings.getbool("REPORTS_ARCHIVE_LIST_PAGES"), storage_target(settings))

    def process_item(self, item: Any) -> Any:
        """Archive a page or a gone URL's answer and set its `capture`; pass every item on."""
        if self.writer is not None and isinstance(item, FetchedPage | GonePage):
            response = item.archived()
            item.capture = capture_of(self._write(response, self._previous(response)), response)
        return item

    def response_received(self, response: Response, request: Request) -> None:
        """Archive a list page (REPORTS_ARCHIVE_LIST_PAGES)."""
        meta = request.meta
        if self.writer is None or meta.get("role") != LIST_ROLE:
            return
        headers = {k.decode("latin-1"): v[0].decode("latin-1") for k, v in response.headers.items() if v}
        archived = ArchivedResponse(
            url=response.url,
            requested_url=meta.get("redirect_urls", [response.url])[0],
            status=response.status,
            headers=list(headers.items()),
            body=response.body,
            fetched_at=utc_now(),
            meta=crawl_meta(portal=meta.get("seed"), role=LIST_ROLE, referer=meta.get("from_url")),
        )
        self._write(archived)

    def close_spider(self) -> None:
        """Close the archive file and the index, and log how much was written."""
        if self.stored is not None:
            self.stored.close()
        if self.writer is None:
            return
        self.writer.close()
        logger.info(
            "Archive: %d responses (%d bytes of bodies) and %d revisits of unchanged bodies written to %s",
            self.written["response"],
            self.bytes,
            self.written["revisit"],
            self.writer.folder,
        )

    def _previous(self, response: ArchivedResponse) -> ArchivedResponse | None:
        """The last archived response of the same URL and status, read back; None when there is none."""
        if not self.looked and self.target is not None:
            self.stored, self.looked = open_stored(self.target), True
        if self.stored is None or self.writer is None:
            return None
        for row in self.stored.captures(url=response.url):
            if row["url"] == response.url and row["status"] == response.status:
                try:
                    return read_capture(self.writer.folder, Location.of(row))
                except UNREADABLE as exc:
                    logger.warning("Archived %s unreadable (%s): archived again in full", response.url, exc)
                    return None
        return None

    def _write(self, response: ArchivedResponse, previous: ArchivedResponse | None = None) -> Location:
        """Write one response and count it."""
        assert self.writer is not None
        location = self.writer.write(response, previous)
        revisit = same_payload(response, previous)
        self.written["revisit" if revisit else "response"] += 1
        self.bytes += 0 if revisit else len(response.body)
        return location


class IndexPipeline:
    """Turn each FetchedPage into a record (indexer.archive.build_archived_record), store it, pass the record on.

    A GonePage marks its report gone at that URL (withdrawn when it was its last live URL). Rejected
    pages and failed fetches are stored as failures (kind not_a_report, unreadable, and the spider's
    kinds), each with the run that met it.
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
            return self._index_in_thread(item)
        if isinstance(item, GonePage):
            return self._gone(item)
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

    async def _index_in_thread(self, page: FetchedPage) -> IndexedReport:
        """Build the record in a worker thread (LibreOffice and OCR take seconds: the crawl goes on meanwhile),
        then store it from the reactor thread, the only one writing the backend."""
        built = await maybe_deferred_to_future(deferToThread(build_record, page, self.max_text_chars))
        return self.store(built, page)

    def index(self, page: FetchedPage) -> IndexedReport:
        """Build and store one page in the calling thread (what process_item does, the build off the reactor)."""
        return self.store(build_record(page, self.max_text_chars), page)

    def store(self, built: Record | tuple[str, str], page: FetchedPage) -> IndexedReport:
        """Write a built record (or store why the page was rejected and drop it); pass the stored record on."""
        if isinstance(built, tuple):
            kind, reason = built
            if kind == INDEX_ERROR:
                self._count(INDEX_ERROR)
                kind = KIND_UNREADABLE
            raise self._rejected(page, page.archived(), kind, reason)
        record = built
        before = self.backend.get(record["id"])
        self.backend.write([record])
        self._count("stored")
        after = self.backend.get(record["id"])
        if after is None:  # another URL of a report stored under its first URL (same content): that record has it
            raise DropItem(f"stored as another URL of the report with the same content: {page.url}", log_level="DEBUG")
        for outcome in outcomes(before, after):
            self._count_portal(page.portal, outcome)
        return IndexedReport(after)

    def _gone(self, page: GonePage) -> GoneURL:
        """Mark the report gone at this URL (backend.mark_gone); count it when that withdraws the report."""
        withdrawn = self.backend.mark_gone(page.url, page.fetched_at, page.how, page.capture)
        if withdrawn is not None:
            self._count_portal(page.portal, "reports_withdrawn")
            logger.info("Report %s withdrawn: %s answers %s (%s)", withdrawn, page.url, page.status, page.how)
        return GoneURL(
            url=page.url, how=page.how, status=page.status, at=page.fetched_at, portal=page.portal, withdrawn=withdrawn
        )

    def _rejected(self, page: FetchedPage, response: ArchivedResponse, kind: str, reason: str) -> DropItem:
        """Store a rejected page as a failure (and its capture, under no report); return the DropItem."""
        if page.capture is not None:
            self.backend.save_capture(page.capture, None, response.requested_url, response.meta)
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


def build_record(page: FetchedPage, max_text_chars: int) -> Record | tuple[str, str]:
    """Build the record of one page (any thread or process), or say why it was rejected: (kind, reason)."""
    try:
        return build_archived_record(page.archived(), page.capture, max_text_chars)
    except NotAReport as exc:
        return KIND_NOT_A_REPORT, str(exc)
    except UnreadablePage as exc:
        return KIND_UNREADABLE, str(exc)
    except Exception as exc:  # an indexer bug must not stop the crawl; keep it visible
        logger.exception("Indexer failed on %s", page.url)
        return INDEX_ERROR, f"indexer error: {type(exc).__name__}: {exc}"
