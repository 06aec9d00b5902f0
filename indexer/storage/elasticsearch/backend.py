"""Elasticsearch backend: the `base.Backend` contract over an alias (see mapping.py, query.py, admin.py).

Writes go to the alias (its write index) through ``admin.bulk_load`` and are refreshed before
``write`` returns, so a search right after sees them, as with SQLite. Records are checked by
``records.valid_record`` like SQLite's. A document that still fails
after the 429 retries makes ``write`` raise ``BulkWriteError`` listing each one with its error, after
every other document was written. Searches run one request (from/size) while the page ends within
``query.MAX_WINDOW``; deeper pages walk the sorted matches with search_after inside a point in time.
Hits and snippets are made by ``base.make_hit``, like the SQLite backend's.

Every write reconciles each record with the stored one of its id or content (revisions.py; earlier
records of the same batch count as stored), indexes the versions it supersedes into ``<alias>-versions``
first, then the records, then names the report each capture served in ``<alias>-captures`` (one
scripted upsert per capture, so what the crawler saved with ``save_capture`` stays). Elasticsearch has
no transaction across indexes: a write cut short after its versions leaves a superseded copy of the
current version, which ``revisions.history`` drops. ``mark_gone`` finds the report by its ``urls``
keyword and re-sends it whole. Indexes created before version history lack the new fields
(``urls``, ``ix.version`` …): ``reports-index reindex --backend elasticsearch`` rebuilds them.

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
from collections.abc import Collection, Iterable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from elastic_transport import ConnectionTimeout, TransportError
from elasticsearch import BadRequestError, Elasticsearch, NotFoundError, helpers

from indexer.errors import BulkWriteError, QueryError, QueryTimeout, StorageUnavailable
from indexer.logs import redact
from indexer.model import Agency, Capture, CaptureRow, Failure, GoneHow, Record, Run, TimelineYear, Version
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
    ensure_side_index,
    index_documents,
)
from indexer.storage.elasticsearch.mapping import (
    AGENCY_HIDDEN,
    CAPTURES_MAPPING,
    CLAIM_CAPTURE_SCRIPT,
    CONTENT_HASH_FIELD,
    FAILURE_FIELDS,
    HOSTS_FIELD,
    ID_FIELD,
    SAVE_CAPTURE_SCRIPT,
    UPSERT_FAILURE_SCRIPT,
    URLS_FIELD,
    VERSIONS_MAPPING,
    Body,
    agencies_index,
    agency_document,
    capture_document,
    capture_id,
    captures_index,
    captures_query,
    failure_id,
    failures_index,
    read_capture,
    read_version,
    runs_index,
    version_document,
    version_id,
    versions_index,
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
    check_gone,
    sighting,
    valid_capture,
    valid_record,
    valid_run,
    write_back,
)
from indexer.storage.revisions import Reconciled, gone, history, host_names, on_hosts, reconcile, union_urls

REQUEST_SLACK_S = 3.0  # the HTTP timeout is the search time limit plus this
EXPORT_BATCH = 1000  # records per search_after page of an export
PIT_KEEP_ALIVE = "1m"
UPSERT_RETRIES = 5  # retries of a failure upsert that met a concurrent one (version conflict)
FAILURES_ORDER = [{"last_seen": "desc"}, {"url": "asc"}, {"kind": "asc"}]
RUNS_ORDER = [{"started_at": "desc"}, {"id": "desc"}]
MAX_VERSIONS = 10_000  # superseded versions of one report read at most (Elasticsearch's result window)
MAX_URL_REPORTS = 100  # reports listing one URL read at most (normally one)


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
        self._versions_ready = self._captures_ready = False
        try:
            ensure_alias(self.client, options)
        except TransportError as exc:
            raise self._unreachable(exc) from exc

    # ------------------------------------------------------------------ writing
    def write(self, records: Iterable[Record]) -> int:
        """Insert or update records by id with their history (bulk, retried on 429), refresh; return how many.

        The versions a write supersedes are indexed first, then the records, then the captures they came from.
        """
        client = self._writable_client()
        prepared = [valid_record(r) for r in records]
        if not prepared:
            return 0
        results = self._reconciled(prepared)
        superseded = [(r.record["id"], r.superseded) for r in results if r.superseded is not None]
        if superseded:
            index = self._versions_index()
            helpers.bulk(
                client,
                (
                    {"_index": index, "_id": version_id(rid, v["version"]), "_source": version_document(rid, v)}
                    for rid, v in superseded
                ),
                refresh="wait_for",
            )
        report = bulk_load(client, self.alias, [r.record for r in results], settings=self.options.bulk)
        client.indices.refresh(index=self.alias)
        self._claim_captures(
            (capture, result.record["id"], capture["url"])
            for record, result in zip(prepared, results)
            if (capture := record.get("capture"))
        )
        if report.failed:
            raise BulkWriteError(report.written, report.failures)
        return report.written

    def _reconciled(self, records: list[Record]) -> list[Reconciled]:
        """Merge each record with the stored one of the same id or content (revisions.py), earlier ones of the
        same batch included."""
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
        results = []
        for record in records:
            same_id = by_id.get(record["id"])
            result = reconcile(record, same_id, None if same_id else by_hash.get(record.get("content_hash") or ""))
            stored = result.record
            by_id[stored["id"]] = stored
            content_hash = stored.get("content_hash")
            if content_hash and by_hash.get(content_hash, stored)["id"] == stored["id"]:
                by_hash[content_hash] = stored
            results.append(result)
        return results

    def mark_gone(self, url: str, at: str, how: GoneHow, capture: Capture | None = None) -> str | None:
        """The URL no longer serves the report listing it; withdraw the report once all its URLs are gone."""
        check_gone(url, at, how)
        client = self._writable_client()
        answer = client.search(
            index=self.alias, query={"term": {URLS_FIELD: url}}, sort=[{ID_FIELD: "asc"}], size=MAX_URL_REPORTS
        )
        listing: list[Record] = [hit["_source"] for hit in answer["hits"]["hits"]]
        changes = [change for record in listing if (change := gone(record, url, at, how)) is not None]
        if changes:
            report = bulk_load(client, self.alias, [c.record for c in changes], settings=self.options.bulk)
            client.indices.refresh(index=self.alias)
            if report.failed:
                raise BulkWriteError(report.written, report.failures)
        if capture and listing:
            self._claim_captures([(capture, listing[0]["id"], url)])
        return next((c.record["id"] for c in changes if c.withdrawn), None)

    def save_capture(self, capture: Capture, report_id: str | None, requested_url: str, meta: dict[str, str]) -> None:
        """Register an archived response in the captures index (base.Backend.save_capture says how)."""
        client = self._writable_client()
        row = capture_document(valid_capture(capture), report_id, requested_url, meta)
        client.update(
            index=self._captures_index(),
            id=capture_id(capture["warc_file"], capture["offset"]),
            script={
                "source": SAVE_CAPTURE_SCRIPT,
                "lang": "painless",
                "params": {"row": {k: v for k, v in row.items() if k != "report_id"}, "report_id": report_id},
            },
            upsert=row,
            refresh="wait_for",
        )

    def _claim_captures(self, claims: Iterable[tuple[Capture, str, str]]) -> None:
        """Name the report each (capture, report id, requested URL) served; what the crawler saved is kept."""
        actions = [
            {
                "_op_type": "update",
                "_index": self._captures_index(),
                "_id": capture_id(capture["warc_file"], capture["offset"]),
                "script": {"source": CLAIM_CAPTURE_SCRIPT, "lang": "painless", "params": {"report_id": report_id}},
                "upsert": capture_document(capture, report_id, requested_url, {}),
            }
            for capture, report_id, requested_url in claims
        ]
        if actions:
            helpers.bulk(self.client, actions, refresh="wait_for")

    def forget(self, report_id: str) -> None:
        """Delete a report and its versions (its captures stay)."""
        client = self._writable_client()
        if client.indices.exists(index=versions_index(self.alias)):
            client.delete_by_query(
                index=versions_index(self.alias),
                query={"term": {"report_id": report_id}},
                refresh=True,
                conflicts="proceed",
            )
        client.delete_by_query(
            index=self.alias, query={"ids": {"values": [report_id]}}, refresh=True, conflicts="proceed"
        )

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

    def _versions_index(self) -> str:
        """The superseded versions' index, created on this backend's first write to it."""
        if not self._versions_ready:
            ensure_side_index(self.client, versions_index(self.alias), VERSIONS_MAPPING)
            self._versions_ready = True
        return versions_index(self.alias)

    def _captures_index(self) -> str:
        """The captures index, created on this backend's first write to it."""
        if not self._captures_ready:
            ensure_side_index(self.client, captures_index(self.alias), CAPTURES_MAPPING)
            self._captures_ready = True
        return captures_index(self.alias)

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

    def versions(self, report_id: str) -> list[Version] | None:
        """Every version of a report, oldest first (the superseded ones, then the stored record's); None if none."""
        current = self.get(report_id)
        if current is None:
            return None
        body = {"query": {"term": {"report_id": report_id}}, "sort": [{"version": "asc"}], "size": MAX_VERSIONS}
        answer = self._side_search(versions_index(self.alias), body)
        superseded = [] if answer is None else [read_version(hit["_source"]) for hit in answer["hits"]["hits"]]
        return history(superseded, current)

    def captures(self, url: str | None = None, report_id: str | None = None) -> list[CaptureRow]:
        """The archived responses of a URL (final or requested) and/or a report, newest first."""
        index = captures_index(self.alias)
        if not self.client.indices.exists(index=index):
            return []
        rows = [
            read_capture(hit["_source"])
            for hit in index_documents(self.client, index, query=captures_query(url, report_id))
        ]
        return sorted(rows, key=lambda r: (r["captured_at"], r["warc_file"], r["offset"]), reverse=True)

    def report_urls(self, hosts: Collection[str]) -> Iterator[str]:
        """Every URL of the stored reports (gone ones included) that is on one of `hosts`."""
        wanted = {h.strip().lower() for h in hosts}
        names = host_names(wanted)
        if not names:
            return
        seen: set[str] = set()
        query = {"terms": {HOSTS_FIELD: names}}
        for hit in index_documents(self.client, self.alias, query=query, source=["url", "urls"]):
            for url in union_urls(hit["_source"]):
                if url not in seen and on_hosts(url, wanted):
                    seen.add(url)
                    yield url

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
