"""Elasticsearch connection, versioned indexes behind an alias, bulk loads and reindexing.

* ``connect``: a client for ``options.EsOptions`` (where the cluster is and how to log in; no globals).
* ``ensure_alias``: on first use, put the index template and create ``<alias>-v…`` behind the alias.
* ``bulk_load``: ``helpers.streaming_bulk`` in chunks, retrying 429 answers with exponential backoff;
  every document that still fails is handed to a sink with its error and the full record (the CLI
  writes them to a JSONL error report), so no record is lost and each can be re-sent.
* ``relaxed_refresh``: ``refresh_interval: -1`` during a bulk load, the previous value restored after.
* ``rebuild``: a full reindex into a new versioned index, then one atomic ``_aliases`` call moves the
  alias (no downtime); the old index is deleted unless kept.
* ``alias_records``: the records behind the current alias (point in time + search_after over
  ``_source``), the source of a rebuild in place; other sources are ``base.RecordSource``s
  (a backend, a JSONL file).
* ``ensure_failures_index`` / ``ensure_runs_index`` / ``ensure_agencies_index`` / ``ensure_side_index``: the
  indexes beside the alias keeping crawl failures (one document per url and kind, id ``mapping.failure_id``),
  runs (id = the run id), the agency registry (id = the agency id), superseded versions and captures. A failures
  index of the layout before (one document per sighting) is regrouped in place on first use for writing.
* ``copy_failures`` / ``copy_runs``: copy them from a source, replacing by id.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from elastic_transport import TransportError
from elasticsearch import Elasticsearch, NotFoundError, helpers

from indexer.errors import BulkAborted, InvalidRecord
from indexer.model import Failure, Record, Run
from indexer.storage.elasticsearch.mapping import (
    AGENCIES_MAPPING,
    FAILURE_FIELDS,
    FAILURES_MAPPING,
    RUNS_MAPPING,
    Body,
    agencies_index,
    alias_actions,
    bulk_action,
    failure_id,
    failures_index,
    index_template,
    runs_index,
    versioned_index,
)
from indexer.storage.options import BulkSettings, EsOptions

SCROLL_BATCH = 1000  # documents per search_after page when reading an alias
PIT_KEEP_ALIVE = "5m"
OLD_SIGHTING = {"bool": {"must_not": {"exists": {"field": "last_seen"}}}}  # a failure document of the old layout
FailureEntry = dict[str, Any]  # one line of a bulk error report: id, status, error, record


def connect(options: EsOptions) -> Elasticsearch:
    """A client for the cluster (basic auth or API key, optional CA bundle)."""
    auth: dict[str, Any] = {}
    if options.api_key:
        auth["api_key"] = options.api_key
    elif options.username:
        auth["basic_auth"] = (options.username, options.password or "")
    if options.ca_certs:
        auth["ca_certs"] = options.ca_certs
    return Elasticsearch(options.url, request_timeout=options.request_timeout, **auth)


# --------------------------------------------------------------------------- template, indexes, alias
def put_template(client: Elasticsearch, options: EsOptions) -> None:
    """Create or update the index template of `<alias>-v*` indexes."""
    client.indices.put_index_template(
        name=options.alias, body=index_template(options.alias, options.shards, options.replicas)
    )


def alias_indices(client: Elasticsearch, alias: str) -> list[str]:
    """The indexes behind `alias` (none when it does not exist)."""
    try:
        return sorted(client.indices.get_alias(name=alias).body)
    except NotFoundError:
        return []


def create_index(client: Elasticsearch, options: EsOptions) -> str:
    """Put the template and create a new, empty versioned index; return its name."""
    put_template(client, options)
    name = versioned_index(options.alias)
    client.indices.create(index=name)
    return name


def swap_alias(client: Elasticsearch, alias: str, new_index: str, old_indices: list[str]) -> None:
    """Point `alias` at `new_index` only, in one atomic _aliases call."""
    client.indices.update_aliases(body=alias_actions(alias, new_index, old_indices))


def ensure_alias(client: Elasticsearch, options: EsOptions) -> None:
    """Create the template, a first index and the alias when the alias does not exist yet."""
    if client.indices.exists_alias(name=options.alias):
        return
    if client.indices.exists(index=options.alias):
        raise ValueError(
            f"{options.alias!r} is an index, not an alias; choose another alias (ES_INDEX) "
            f"or reindex it into a versioned index"
        )
    swap_alias(client, options.alias, create_index(client, options), [])


def ensure_failures_index(client: Elasticsearch, alias: str) -> str:
    """The failures index next to `alias`: created on first use, regrouped if it has the old layout."""
    name = failures_index(alias)
    if not client.indices.exists(index=name):
        client.indices.create(index=name, mappings=FAILURES_MAPPING)
    elif "last_seen" not in _properties(client, name):
        regroup_failures(client, name)
    return name


def ensure_runs_index(client: Elasticsearch, alias: str) -> str:
    """The runs index next to `alias`, created on first use."""
    name = runs_index(alias)
    if not client.indices.exists(index=name):
        client.indices.create(index=name, mappings=RUNS_MAPPING)
    return name


def ensure_agencies_index(client: Elasticsearch, alias: str) -> str:
    """The agency registry's index next to `alias`, created on first use."""
    return ensure_side_index(client, agencies_index(alias), AGENCIES_MAPPING)


def ensure_side_index(client: Elasticsearch, name: str, mappings: Body) -> str:
    """An index beside the alias (agencies, versions, captures), created with its mapping on first use."""
    if not client.indices.exists(index=name):
        client.indices.create(index=name, mappings=mappings)
    return name


def _properties(client: Elasticsearch, index: str) -> Body:
    """The mapped fields of one index."""
    answer: Body = client.indices.get_mapping(index=index).body
    for entry in answer.values():
        properties: Body = entry.get("mappings", {}).get("properties", {})
        return properties
    return {}


def regroup_failures(client: Elasticsearch, index: str) -> None:
    """Turn a failures index of one document per sighting into one per (url, kind), in place.

    The new fields are added to the mapping, the sightings grouped (group_sightings), each group
    written under its failure_id and the old documents deleted, in bulk.
    """
    client.indices.put_mapping(index=index, properties=FAILURES_MAPPING["properties"])
    old = list(index_documents(client, index, query=OLD_SIGHTING))
    actions: list[Body] = [
        {"_op_type": "index", "_index": index, "_id": failure_id(f["url"], f["kind"]), "_source": f}
        for f in group_sightings(doc["_source"] for doc in old)
    ]
    actions += [{"_op_type": "delete", "_index": index, "_id": doc["_id"]} for doc in old]
    helpers.bulk(client, actions, refresh="wait_for")


def group_sightings(sightings: Iterable[Mapping[str, Any]]) -> list[Failure]:
    """One failure per (url, kind) from old-layout sightings: first and last `at`, count, the last one's details."""
    groups: dict[tuple[str, str], list[Mapping[str, Any]]] = defaultdict(list)
    for row in sorted(sightings, key=lambda r: (r.get("seq") or 0, r.get("at") or "")):
        groups[(row["url"], row["kind"])].append(row)
    return [
        {
            "url": url,
            "kind": rows[-1]["kind"],
            "reason": rows[-1].get("reason") or "",
            "portal": rows[-1].get("portal"),
            "status": rows[-1].get("status"),
            "first_seen": min(r.get("at") or "" for r in rows),
            "last_seen": rows[-1].get("at") or "",
            "count": len(rows),
            "run_id": None,
        }
        for (url, _), rows in groups.items()
    ]


@contextmanager
def relaxed_refresh(client: Elasticsearch, index: str) -> Iterator[None]:
    """No periodic refresh while inside (bulk load); restore the previous interval and refresh after."""
    answer: Body = client.indices.get_settings(index=index, name="index.refresh_interval", flat_settings=True).body
    current: Body = next(iter(answer.values()), {})
    previous = current.get("settings", {}).get("index.refresh_interval")
    client.indices.put_settings(index=index, settings={"index": {"refresh_interval": "-1"}})
    try:
        yield
    finally:
        client.indices.put_settings(index=index, settings={"index": {"refresh_interval": previous}})
        client.indices.refresh(index=index)


# --------------------------------------------------------------------------- bulk writes
@dataclass
class BulkReport:
    """What a bulk load did: documents written, documents failed (each given to the sink)."""

    written: int = 0
    failed: int = 0
    failures: list[FailureEntry] = field(default_factory=list)  # kept only when no sink was given


def failure_entry(record: object, status: int | None, error: object) -> FailureEntry:
    """One line of the per-document error report: id, status, error, and the record to re-send."""
    rid = record.get("id") if isinstance(record, dict) else None
    if not isinstance(error, (dict, str)):
        error = str(error)
    return {"id": rid, "status": status, "error": error, "record": record}


def bulk_load(
    client: Elasticsearch,
    index: str,
    records: Iterable[Record],
    *,
    sink: Callable[[FailureEntry], None] | None = None,
    settings: BulkSettings = BulkSettings(),
    progress: Callable[[BulkReport], None] | None = None,
) -> BulkReport:
    """Index `records` into `index` with streaming_bulk; every failed document goes to `sink` with its error."""
    report = BulkReport()
    report_failure = sink or report.failures.append
    pending: dict[str, deque[Record]] = defaultdict(deque)  # sent, not yet answered (one chunk or so)

    def actions() -> Iterator[Body]:
        for record in records:
            try:
                action = bulk_action(record, index)
            except InvalidRecord as exc:
                report.failed += 1
                report_failure(failure_entry(record, None, f"invalid record: {exc}"))
                continue
            pending[record["id"]].append(record)
            yield action

    try:
        for ok, item in helpers.streaming_bulk(
            client,
            actions(),
            chunk_size=settings.chunk_size,
            max_retries=settings.max_retries,
            initial_backoff=settings.initial_backoff,
            max_backoff=settings.max_backoff,
            raise_on_error=False,
            raise_on_exception=False,
            yield_ok=True,
        ):
            info = next(iter(item.values()))
            record = _take(pending, str(info.get("_id")))
            if ok:
                report.written += 1
            else:
                report.failed += 1
                report_failure(failure_entry(record, info.get("status"), info.get("error")))
            if progress is not None:
                progress(report)
    except TransportError as exc:
        for queue in pending.values():
            for record in queue:
                report.failed += 1
                report_failure(failure_entry(record, None, f"not sent: {exc}"))
        raise BulkAborted(report.written, report.failed, exc) from exc
    return report


def _take(pending: dict[str, deque[Record]], record_id: str) -> Record | None:
    """Remove and return the oldest in-flight record with this id."""
    queue = pending.get(record_id)
    if not queue:
        return None
    record = queue.popleft()
    if not queue:
        del pending[record_id]
    return record


# --------------------------------------------------------------------------- an index or alias as a source
def alias_records(client: Elasticsearch, alias: str, batch: int = SCROLL_BATCH) -> Iterator[Record]:
    """Every record behind `alias` (_source), read in a point in time with search_after."""
    for hit in index_documents(client, alias, batch=batch):
        record: Record = hit["_source"]
        yield record


def index_documents(
    client: Elasticsearch,
    index: str,
    *,
    query: Body | None = None,
    source: list[str] | None = None,
    batch: int = SCROLL_BATCH,
) -> Iterator[Body]:
    """Every hit (_id, _source, only the `source` fields when given) of `index` matching `query` (all by
    default), in a point in time with search_after."""
    pit = client.open_point_in_time(index=index, keep_alive=PIT_KEEP_ALIVE).body["id"]
    after = None
    try:
        while True:
            body: Body = {
                "size": batch,
                "query": query or {"match_all": {}},
                "sort": [{"_shard_doc": "asc"}],
                "pit": {"id": pit, "keep_alive": PIT_KEEP_ALIVE},
                "track_total_hits": False,
            }
            if source is not None:
                body["_source"] = {"includes": source}
            if after is not None:
                body["search_after"] = after
            hits: list[Body] = client.search(body=body).body["hits"]["hits"]
            yield from hits
            if len(hits) < batch:
                return
            after = hits[-1]["sort"]
    finally:
        client.close_point_in_time(id=pit)


# --------------------------------------------------------------------------- full reindex
@dataclass
class RebuildResult:
    """The outcome of a rebuild: the new index, what was written and whether the alias moved."""

    index: str
    report: BulkReport
    swapped: bool
    old_indices: list[str]
    deleted: list[str]


def rebuild(
    client: Elasticsearch,
    options: EsOptions,
    records: Iterable[Record],
    *,
    sink: Callable[[FailureEntry], None] | None = None,
    keep_old: bool = False,
    allow_failures: bool = False,
    settings: BulkSettings = BulkSettings(),
    progress: Callable[[BulkReport], None] | None = None,
) -> RebuildResult:
    """Load `records` into a new versioned index, then move the alias to it in one call (no downtime).

    The alias is not moved when some document failed, unless `allow_failures`; the new index is
    then left in place for inspection. Old indexes are deleted after the swap unless `keep_old`.
    """
    old = alias_indices(client, options.alias)
    if not old and client.indices.exists(index=options.alias):
        raise ValueError(f"{options.alias!r} is an index, not an alias; choose another alias")
    new = create_index(client, options)
    with relaxed_refresh(client, new):
        report = bulk_load(client, new, records, sink=sink, settings=settings, progress=progress)
    if report.failed and not allow_failures:
        return RebuildResult(new, report, False, old, [])
    swap_alias(client, options.alias, new, old)
    deleted = [] if keep_old else [i for i in old if i != new]
    for index in deleted:
        client.indices.delete(index=index)
    return RebuildResult(new, report, True, old, deleted)


def copy_failures(client: Elasticsearch, alias: str, failures: Iterable[Failure]) -> int:
    """Copy crawl failures into the failures index next to `alias`, replacing by (url, kind); return how many."""
    rows = list(failures)
    if not rows:
        return 0
    index = ensure_failures_index(client, alias)
    actions = (
        {"_index": index, "_id": failure_id(f["url"], f["kind"]), "_source": {k: f.get(k) for k in FAILURE_FIELDS}}
        for f in rows
    )
    written, _ = helpers.bulk(client, actions, refresh="wait_for")
    return written


def copy_runs(client: Elasticsearch, alias: str, runs: Iterable[Run]) -> int:
    """Copy crawl runs into the runs index next to `alias`, replacing by id; return how many."""
    rows = list(runs)
    if not rows:
        return 0
    index = ensure_runs_index(client, alias)
    written, _ = helpers.bulk(
        client, ({"_index": index, "_id": r["id"], "_source": r} for r in rows), refresh="wait_for"
    )
    return written
