"""Elasticsearch backend: the `base.Backend` contract over an alias (see mapping.py, query.py, admin.py).

Writes go to the alias (its write index) through ``admin.bulk_load`` and are refreshed before
``write`` returns, so a search right after sees them, as with SQLite. Records are checked by
``records.valid_record`` like SQLite's. A document that still fails
after the 429 retries makes ``write`` raise ``BulkWriteError`` listing each one with its error, after
every other document was written. Searches run one request (from/size) while the page ends within
``query.MAX_WINDOW``; deeper pages walk the sorted matches with search_after inside a point in time.
Hits and snippets are made by ``base.make_hit``, like the SQLite backend's.

Crawl failures live in ``<alias>-failures``, one document per (url, kind) under ``mapping.failure_id``:
``record_failure`` is one scripted upsert (the first sighting creates the document, a later one runs
``mapping.UPSERT_FAILURE_SCRIPT``), so concurrent crawls cannot duplicate a row. Runs live in
``<alias>-runs`` under their id, the agency registry in ``<alias>-agencies`` (mapping.py). Saving a
registry indexes the new build's agencies, deletes older builds' documents, then re-sends, in bulk,
the whole document of every report whose agency id or signals changed (its derived ``ix`` fields are
not in ``_source``, so a partial update would lose them).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from elastic_transport import ConnectionTimeout, TransportError
from elasticsearch import BadRequestError, Elasticsearch, NotFoundError, helpers

from indexer.errors import BulkWriteError, QueryError, QueryTimeout, StorageUnavailable
from indexer.logs import redact
from indexer.model import Agency, Failure, Record, Run, TimelineYear
from indexer.storage.base import (
    DEFAULT_FAILURES_PAGE,
    DEFAULT_RUNS,
    MAX_EXPORT_ROWS,
    AgencyQuery,
    AgencyRegistry,
    AgencyResult,
    ExportResult,
    FailurePage,
    Hit,
    RecordFields,
    RecordWindow,
    SearchQuery,
    SearchResult,
    make_hit,
)
from indexer.storage.elasticsearch.admin import (
    alias_records,
    bulk_load,
    connect,
    ensure_agencies_index,
    ensure_alias,
    ensure_failures_index,
    ensure_runs_index,
    index_documents,
)
from indexer.storage.elasticsearch.mapping import (
    AGENCY_HIDDEN,
    CONTENT_HASH_FIELD,
    FAILURE_FIELDS,
    ID_FIELD,
    UPSERT_FAILURE_SCRIPT,
    Body,
    agencies_index,
    agency_document,
    failure_id,
    failures_index,
    runs_index,
)
from indexer.storage.elasticsearch.query import (
    MAX_WINDOW,
    agencies_body,
    hit_fields,
    read_agency_facets,
    read_facets,
    search_body,
    text_head,
)
from indexer.storage.facets import AGENCY, top_values
from indexer.storage.options import QUERY_TIME_LIMIT_S, EsOptions
from indexer.storage.plan import AgencyPlan, QueryPlan
from indexer.storage.records import (
    Sighting,
    check_failure_page,
    sighting,
    valid_record,
    valid_run,
    write_back,
)
from indexer.storage.revisions import reconcile

REQUEST_SLACK_S = 3.0  # the HTTP timeout is the search time limit plus this
EXPORT_BATCH = 1000  # records per search_after page of an export
PIT_KEEP_ALIVE = "1m"
UPSERT_RETRIES = 5  # retries of a failure upsert that met a concurrent one (version conflict)
FAILURES_ORDER = [{"last_seen": "desc"}, {"url": "asc"}, {"kind": "asc"}]
RUNS_ORDER = [{"started_at": "desc"}, {"id": "desc"}]


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
        self.where = redact(options.url)  # the cluster, as messages show it (no password)
        self._failures_ready = self._runs_ready = False  # whether this backend made sure the index exists
        try:
            ensure_alias(self.client, options)
        except TransportError as exc:
            raise self._unreachable(exc) from exc

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
        """Upsert one sighting into the (url, kind) document (base.Backend.record_failure says how)."""
        client = self._writable_client()
        seen = sighting(failure)
        client.update(
            index=self._failures_index(),
            id=failure_id(seen["url"], seen["kind"]),
            script={"source": UPSERT_FAILURE_SCRIPT, "lang": "painless", "params": dict(seen)},
            upsert=dict(_first_sighting(seen)),
            retry_on_conflict=UPSERT_RETRIES,
            refresh="wait_for",
        )

    def save_run(self, run: Run) -> None:
        """Insert or replace a crawl run by id."""
        client = self._writable_client()
        checked = valid_run(run)
        client.index(index=self._runs_index(), id=checked["id"], document=dict(checked), refresh="wait_for")

    def save_agencies(self, registry: AgencyRegistry) -> None:
        """Index the new registry, delete older builds' agencies, re-send the reports whose agency or signals changed."""
        client = self._writable_client()
        index = ensure_agencies_index(client, self.alias)
        build = f"{datetime.now(UTC):%Y%m%dT%H%M%S%fZ}-{secrets.token_hex(3)}"
        actions = (
            {
                "_index": index,
                "_id": agency["id"],
                "_source": agency_document(agency, registry.timelines.get(agency["id"], []), build),
            }
            for agency in registry.agencies
        )
        helpers.bulk(client, actions, chunk_size=self.options.bulk.chunk_size, refresh="wait_for")
        client.delete_by_query(
            index=index, query={"bool": {"must_not": {"term": {"build": build}}}}, refresh=True, conflicts="proceed"
        )
        changed = list(self._written_back(registry))
        if not changed:
            return
        report = bulk_load(client, self.alias, changed, settings=self.options.bulk)
        client.indices.refresh(index=self.alias)
        if report.failed:
            raise BulkWriteError(report.written, report.failures)

    def _written_back(self, registry: AgencyRegistry) -> Iterator[Record]:
        """The stored records whose agency id or signals the registry changes, with the new values."""
        changes = {}
        for hit in index_documents(self.client, self.alias, source=["agency_id", "signals"]):
            stored = hit.get("_source", {})
            change = write_back(registry, hit["_id"], stored.get("agency_id"), stored.get("signals"))
            if change is not None:
                changes[hit["_id"]] = change
        ids = list(changes)
        for start in range(0, len(ids), EXPORT_BATCH):
            for doc in self.client.mget(index=self.alias, ids=ids[start : start + EXPORT_BATCH])["docs"]:
                if doc.get("found"):
                    change = changes[doc["_id"]]
                    record: Record = doc["_source"]
                    record["agency_id"], record["signals"] = change.agency_id, change.signals
                    yield record

    def _failures_index(self) -> str:
        """The failures index, created (or regrouped from the old layout) on this backend's first write to it."""
        if not self._failures_ready:
            ensure_failures_index(self.client, self.alias)
            self._failures_ready = True
        return failures_index(self.alias)

    def _runs_index(self) -> str:
        """The runs index, created on this backend's first write to it."""
        if not self._runs_ready:
            ensure_runs_index(self.client, self.alias)
            self._runs_ready = True
        return runs_index(self.alias)

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
        except TransportError as exc:
            raise self._unreachable(exc) from exc
        return record

    def get_window(self, record_id: str, text_offset: int, text_limit: int) -> RecordWindow | None:
        """Return the stored record with `text_limit` characters of its text from `text_offset`, or None."""
        record = self.get(record_id)
        if record is None:
            return None
        text = record.get("text") or ""
        record["text"] = text[text_offset : text_offset + text_limit]
        return RecordWindow(record=record, text_length=len(text), text_offset=text_offset)

    def records(self) -> Iterator[Record]:
        """Yield every record behind the alias in full (a point in time walked with search_after)."""
        return alias_records(self.client, self.alias)

    def count(self) -> int:
        """Return how many reports are indexed (StorageUnavailable when the cluster cannot be reached)."""
        try:
            return int(self.client.count(index=self.alias).body["count"])
        except TransportError as exc:
            raise self._unreachable(exc) from exc

    def failures(
        self,
        *,
        portal: str | None = None,
        kind: str | None = None,
        run_id: str | None = None,
        limit: int = DEFAULT_FAILURES_PAGE,
        offset: int = 0,
    ) -> FailurePage:
        """The failures matching every filter given, most recently seen first (then url, kind), one page."""
        check_failure_page(limit, offset)
        given = {k: v for k, v in {"portal": portal, "kind": kind, "run_id": run_id}.items() if v is not None}
        body = {
            "query": {"bool": {"filter": [{"term": {k: v}} for k, v in given.items()]}},
            "sort": FAILURES_ORDER,
            "from": offset,
            "size": limit,
            "track_total_hits": True,
        }
        answer = self._side_search(failures_index(self.alias), body)
        if answer is None:
            return FailurePage(0, [])
        return FailurePage(
            int(answer["hits"]["total"]["value"]), [_failure(h["_source"]) for h in answer["hits"]["hits"]]
        )

    def all_failures(self) -> Iterator[Failure]:
        """Yield every failure document (in index order): the source for copies."""
        if self.client.indices.exists(index=failures_index(self.alias)):
            for hit in index_documents(self.client, failures_index(self.alias)):
                yield _failure(hit["_source"])

    def runs(self, limit: int = DEFAULT_RUNS) -> list[Run]:
        """The latest `limit` runs, newest first."""
        answer = self._side_search(runs_index(self.alias), {"sort": RUNS_ORDER, "size": limit})
        return [] if answer is None else [hit["_source"] for hit in answer["hits"]["hits"]]

    def all_runs(self) -> Iterator[Run]:
        """Yield every run (in index order): the source for copies."""
        if self.client.indices.exists(index=runs_index(self.alias)):
            for hit in index_documents(self.client, runs_index(self.alias)):
                run: Run = hit["_source"]
                yield run

    def agencies(self, query: AgencyQuery) -> AgencyResult:
        """Find agencies (none before a registry was saved)."""
        plan = AgencyPlan.build(query)
        try:
            answer = self._search(agencies_body(plan, self._timeout_ms()), index=agencies_index(self.alias))
        except NotFoundError:
            return AgencyResult(
                0, [], {name: top_values({}, plan.facet_limit, plan.filters.get(name, ())) for name in plan.facets}
            )
        return AgencyResult(
            total=int(answer["hits"]["total"]["value"]),
            agencies=[hit["_source"] for hit in answer["hits"]["hits"]],
            facets=read_agency_facets(plan, answer.get("aggregations", {})),
        )

    def agency(self, agency_id: str) -> Agency | None:
        """Return one agency, or None."""
        agency: Agency | None = self._agency_source(agency_id, {"source_excludes": list(AGENCY_HIDDEN)})
        return agency

    def timeline(self, agency_id: str) -> list[TimelineYear] | None:
        """Return an agency's years, oldest first, or None."""
        source = self._agency_source(agency_id, {"source_includes": ["timeline"]})
        timeline: list[TimelineYear] | None = None if source is None else source.get("timeline", [])
        return timeline

    def _agency_source(self, agency_id: str, fields: Body) -> Any:
        """Part of one agency's document (`_source` as stored), or None (no such agency, or no registry yet)."""
        try:
            return self.client.get(index=agencies_index(self.alias), id=agency_id, **fields).body["_source"]
        except NotFoundError:
            return None
        except TransportError as exc:
            raise self._unreachable(exc) from exc

    def _agency_names(self, ids: list[str]) -> dict[str, str]:
        """Agency id -> name, for the ids that are agencies."""
        if not ids:
            return {}
        try:
            docs = self.client.mget(index=agencies_index(self.alias), ids=ids, source_includes=["name"])["docs"]
        except NotFoundError:
            return {}
        return {doc["_id"]: doc["_source"]["name"] for doc in docs if doc.get("found")}

    def _side_search(self, index: str, body: Body) -> Body | None:
        """One search of the failures or runs index; None while it does not exist (nothing recorded yet)."""
        try:
            answer: Body = self.client.search(index=index, body=body).body
        except NotFoundError:
            return None
        except TransportError as exc:
            raise self._unreachable(exc) from exc
        return answer

    def _unreachable(self, exc: Exception) -> StorageUnavailable:
        """The error for a cluster that does not answer (the URL shown without its password)."""
        return StorageUnavailable(redact(f"cannot reach Elasticsearch at {self.where}: {exc}"))

    def search(self, query: SearchQuery) -> SearchResult:
        """Run a search: total, facets and the page of hits (deep pages through search_after)."""
        plan = QueryPlan.build(query)
        if plan.offset + plan.limit <= MAX_WINDOW:
            response = self._search(
                {
                    **search_body(plan, size=plan.limit, offset=plan.offset, timeout_ms=self._timeout_ms()),
                    **hit_fields(),
                }
            )
            hits = response["hits"]["hits"]
        else:
            response, hits = self._deep_page(plan)
        facets = read_facets(plan, response.get("aggregations", {}))
        labels = {AGENCY: self._agency_names([v for v, _ in facets[AGENCY]])} if AGENCY in facets else {}
        return SearchResult(
            total=int(response["hits"]["total"]["value"]),
            hits=[self._hit(h, plan) for h in hits],
            facets=facets,
            labels=labels,
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
            raise self._unreachable(exc) from exc
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
            body = {**search_body(plan, size=plan.limit, search_after=after, facets=False), **hit_fields()}
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
        """A Hit from one search hit: the score when ranked, the record and a snippet of its text head (base.make_hit)."""
        score = float(hit["sort"][0]) if plan.ranked else None
        return make_hit({**hit["_source"], "text": text_head(hit)}, score, plan.terms, plan.figures)

    def close(self) -> None:
        """Close the client's connections."""
        self.client.close()


def _first_sighting(seen: Sighting) -> Failure:
    """The failure document a first sighting creates."""
    return {
        "url": seen["url"],
        "kind": seen["kind"],
        "reason": seen["reason"],
        "portal": seen["portal"],
        "status": seen["status"],
        "first_seen": seen["at"],
        "last_seen": seen["at"],
        "count": 1,
        "run_id": seen["run_id"],
    }


def _failure(source: Body) -> Failure:
    """A failure from its stored document (only the Failure fields)."""
    failure: Failure = {k: source.get(k) for k in FAILURE_FIELDS}  # type: ignore[assignment]  # FAILURE_FIELDS are Failure's keys
    return failure
