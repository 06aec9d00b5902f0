"""Elasticsearch backend: the `base.Backend` contract over an alias (see mapping.py, query.py, admin.py).

Writes go to the alias (its write index) through ``admin.bulk_load`` and are refreshed before
``write`` returns, so a search right after sees them, as with SQLite. Records are checked by
``records.valid_record`` like SQLite's. A document that still fails
after the 429 retries makes ``write`` raise ``BulkWriteError`` listing each one with its error, after
every other document was written. Searches run one request (from/size) while the page ends within
``query.MAX_WINDOW``; deeper pages walk the sorted matches with search_after inside a point in time.
Hits and snippets are made by ``base.make_hit``, like the SQLite backend's.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from elastic_transport import ConnectionTimeout, TransportError
from elasticsearch import BadRequestError, Elasticsearch, NotFoundError

from indexer.errors import BulkWriteError, QueryError, QueryTimeout, StorageUnavailable
from indexer.model import Record
from indexer.storage.base import (
    MAX_EXPORT_ROWS,
    ExportResult,
    Failure,
    Hit,
    RecordFields,
    SearchQuery,
    SearchResult,
    failure_row,
    make_hit,
)
from indexer.storage.elasticsearch.admin import (
    alias_records,
    bulk_load,
    connect,
    ensure_alias,
    ensure_failures_index,
)
from indexer.storage.elasticsearch.mapping import CONTENT_HASH_FIELD, ID_FIELD, Body
from indexer.storage.elasticsearch.query import MAX_WINDOW, read_facets, search_body
from indexer.storage.options import QUERY_TIME_LIMIT_S, EsOptions
from indexer.storage.plan import QueryPlan
from indexer.storage.records import valid_record
from indexer.storage.revisions import reconcile

REQUEST_SLACK_S = 3.0  # the HTTP timeout is the search time limit plus this
EXPORT_BATCH = 1000  # records per search_after page of an export
PIT_KEEP_ALIVE = "1m"
MAX_FAILURES_LISTED = 10_000


class ElasticsearchBackend:
    """Reports in an Elasticsearch alias; the alias, template and first index are created if missing."""

    def __init__(
        self,
        options: EsOptions,
        *,
        read_only: bool = False,
        client: Elasticsearch | None = None,
        time_limit: float = QUERY_TIME_LIMIT_S,
    ):
        self.options = options
        self.alias = options.alias
        self.read_only = read_only
        self.time_limit = time_limit
        self.client = client or connect(options)
        try:
            ensure_alias(self.client, options)
        except TransportError as exc:
            raise StorageUnavailable(f"cannot reach Elasticsearch at {options.url}: {exc}") from exc

    # ------------------------------------------------------------------ writing
    def write(self, records: Iterable[Record]) -> int:
        """Insert or update records by id (bulk, retried on 429), refresh; return how many were written."""
        client = self._writable_client()
        prepared = [valid_record(r) for r in records]
        if not prepared:
            return 0
        report = bulk_load(client, self.alias, self._reconciled(prepared), settings=self.options.bulk)
        client.indices.refresh(index=self.alias)
        if report.failed:
            raise BulkWriteError(report.written, report.failures)
        return report.written

    def _reconciled(self, records: list[Record]) -> list[Record]:
        """Merge each record with the stored one of the same id or content (revisions.py)."""
        found = self.client.mget(index=self.alias, ids=[r["id"] for r in records])["docs"]
        by_id: dict[str, Record] = {doc["_id"]: doc["_source"] for doc in found if doc.get("found")}
        hashes = sorted({h for r in records if r["id"] not in by_id and (h := r.get("content_hash"))})
        by_hash: dict[str, Record] = {}
        if hashes:
            answer = self.client.search(
                index=self.alias,
                query={"terms": {CONTENT_HASH_FIELD: hashes}},
                sort=[{ID_FIELD: "asc"}],
                size=MAX_WINDOW,
            )
            for hit in answer["hits"]["hits"]:
                by_hash.setdefault(hit["_source"].get("content_hash"), hit["_source"])
        return [reconcile(r, by_id.get(r["id"]), by_hash.get(r.get("content_hash") or "")) for r in records]

    def record_failure(self, failure: Mapping[str, object]) -> None:
        """Keep a crawl failure or rejected page in the `<alias>-failures` index."""
        client = self._writable_client()
        row = {**failure_row(failure), "seq": time.time_ns()}  # seq keeps insertion order
        index = ensure_failures_index(client, self.alias)
        client.index(index=index, document=row, refresh="wait_for")

    def _writable_client(self) -> Elasticsearch:
        """The client, for a backend opened for writing; ValueError on a read-only one, as SQLite."""
        if self.read_only:
            raise ValueError("this backend was opened read-only")
        return self.client

    # ------------------------------------------------------------------ reading
    def get(self, record_id: str) -> Record | None:
        """Return the full stored record, or None."""
        try:
            record: Record = self.client.get(index=self.alias, id=record_id).body["_source"]
        except NotFoundError:
            return None
        return record

    def records(self) -> Iterator[Record]:
        """Yield every record behind the alias in full (a point in time walked with search_after)."""
        return alias_records(self.client, self.alias)

    def count(self) -> int:
        """Return how many reports are indexed (StorageUnavailable when the cluster cannot be reached)."""
        try:
            return int(self.client.count(index=self.alias).body["count"])
        except TransportError as exc:
            raise StorageUnavailable(f"cannot reach Elasticsearch at {self.options.url}: {exc}") from exc

    def failures(self) -> Iterator[Failure]:
        """Yield the recorded failures, oldest first (at most MAX_FAILURES_LISTED)."""
        index = ensure_failures_index(self.client, self.alias)
        body = {"size": MAX_FAILURES_LISTED, "sort": [{"seq": "asc"}], "query": {"match_all": {}}}
        for hit in self.client.search(index=index, body=body).body["hits"]["hits"]:
            row = hit["_source"]
            yield {
                "url": row.get("url"),
                "reason": row.get("reason"),
                "portal": row.get("portal"),
                "kind": row.get("kind"),
                "status": row.get("status"),
                "at": row.get("at"),
            }

    def search(self, query: SearchQuery) -> SearchResult:
        """Run a search: total, facets and the page of hits (deep pages through search_after)."""
        plan = QueryPlan.build(query)
        if plan.offset + plan.limit <= MAX_WINDOW:
            response = self._search(
                search_body(plan, size=plan.limit, offset=plan.offset, timeout_ms=self._timeout_ms())
            )
            hits = response["hits"]["hits"]
        else:
            response, hits = self._deep_page(plan)
        return SearchResult(
            total=int(response["hits"]["total"]["value"]),
            hits=[self._hit(h, plan) for h in hits],
            facets=read_facets(plan, response.get("aggregations", {})),
        )

    def export(self, query: SearchQuery, max_rows: int = MAX_EXPORT_ROWS) -> ExportResult:
        """The matching records (no text) in the query's order, at most `max_rows`, read in search_after pages."""
        plan = QueryPlan.for_export(query, max_rows)
        pit = self._open_pit()
        try:
            first = self._search(self._export_body(plan, pit, min(EXPORT_BATCH, max_rows), None))
        except BaseException:
            self._close_pit(pit)
            raise
        return ExportResult(
            total=int(first["hits"]["total"]["value"]), records=self._export_records(plan, pit, first, max_rows)
        )

    # ------------------------------------------------------------------ search helpers
    def _timeout_ms(self) -> int:
        """The search time limit in milliseconds (Elasticsearch's `timeout`)."""
        return max(1, int(self.time_limit * 1000))

    def _search(self, body: Body, index: str | None = None) -> Body:
        """One _search request; QueryError for a rejected query, QueryTimeout when too slow."""
        client = self.client.options(request_timeout=self.time_limit + REQUEST_SLACK_S)
        target = None if "pit" in body else (index or self.alias)
        try:
            response: Body = client.search(index=target, body=body).body
        except ConnectionTimeout as exc:
            raise QueryTimeout(f"search took longer than {self.time_limit:g} s") from exc
        except BadRequestError as exc:
            raise QueryError(f"Elasticsearch rejected the query: {exc.message}") from exc
        except TransportError as exc:
            raise StorageUnavailable(f"cannot reach Elasticsearch at {self.options.url}: {exc}") from exc
        if response.get("timed_out"):
            raise QueryTimeout(f"search took longer than {self.time_limit:g} s")
        return response

    def _open_pit(self) -> str:
        """Open a point in time on the alias (a consistent view for search_after pages)."""
        pit: str = self.client.open_point_in_time(index=self.alias, keep_alive=PIT_KEEP_ALIVE).body["id"]
        return pit

    def _close_pit(self, pit: str) -> None:
        """Close a point in time, ignoring one that already expired."""
        try:
            self.client.close_point_in_time(id=pit)
        except (NotFoundError, TransportError):
            pass

    def _deep_page(self, plan: QueryPlan) -> tuple[Body, list[Body]]:
        """Total and facets, then the page past MAX_WINDOW reached with search_after (in a point in time)."""
        pit = self._open_pit()
        pit_ref = {"id": pit, "keep_alive": PIT_KEEP_ALIVE}
        try:
            first = self._search({**search_body(plan, size=0, timeout_ms=self._timeout_ms()), "pit": pit_ref})
            if plan.offset >= first["hits"]["total"]["value"] or plan.limit == 0:
                return first, []
            skip, after = plan.offset, None
            while skip > 0:
                size = min(skip, MAX_WINDOW)
                body = search_body(plan, size=size, search_after=after, facets=False, source=False)
                hits = self._search({**body, "pit": pit_ref, "track_total_hits": False})["hits"]["hits"]
                if len(hits) < size:
                    return first, []
                skip, after = skip - size, hits[-1]["sort"]
            body = search_body(plan, size=plan.limit, search_after=after, facets=False)
            page: list[Body] = self._search({**body, "pit": pit_ref, "track_total_hits": False})["hits"]["hits"]
            return first, page
        finally:
            self._close_pit(pit)

    def _export_body(self, plan: QueryPlan, pit: str, size: int, after: list[Any] | None) -> Body:
        """One page of an export: no aggregations, no text."""
        body = search_body(plan, size=size, search_after=after, facets=False, source={"excludes": ["text"]})
        return {**body, "pit": {"id": pit, "keep_alive": PIT_KEEP_ALIVE}, "track_total_hits": after is None}

    def _export_records(self, plan: QueryPlan, pit: str, first: Body, max_rows: int) -> Iterator[RecordFields]:
        """Yield the first page's records, then the next pages', up to max_rows; close the point in time."""
        sent, page = 0, first["hits"]["hits"]
        try:
            while page and sent < max_rows:
                for hit in page[: max_rows - sent]:
                    yield hit["_source"]
                    sent += 1
                if sent >= max_rows or len(page) < EXPORT_BATCH:
                    return
                size = min(EXPORT_BATCH, max_rows - sent)
                page = self._search(self._export_body(plan, pit, size, page[-1]["sort"]))["hits"]["hits"]
        finally:
            self._close_pit(pit)

    @staticmethod
    def _hit(hit: Body, plan: QueryPlan) -> Hit:
        """A Hit from one search hit: the score when ranked, the record and snippet as base.make_hit makes them."""
        score = float(hit["sort"][0]) if plan.ranked else None
        return make_hit(hit["_source"], score, plan.terms)

    def close(self) -> None:
        """Close the client's connections."""
        self.client.close()
