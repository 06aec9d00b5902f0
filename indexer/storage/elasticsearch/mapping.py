"""Elasticsearch index template, documents and alias actions: pure functions, no client, no I/O.

One document per report. ``_source`` holds the record exactly as written (``text`` for display
and snippets, ``stats`` and ``checks`` kept but not indexed). Everything searched, filtered,
faceted or sorted lives in the ``ix`` object, derived from the record at write time and left out
of ``_source`` (``_source.excludes``), so it costs no stored bytes and never comes back in a hit
(a record's own ``ix`` key, which RECORD.md does not have, would be dropped):

* ``ix.title_seg`` / ``ix.agency_seg`` / ``ix.text_seg``: jieba-segmented text (``segment.segment_text``)
  analysed by ``whitespace`` + ``lowercase`` only, so the index holds exactly the project's tokens;
  the query side joins ``segment.query_terms`` with spaces.
* ``ix.<facet>``: one keyword per keyword facet, its value as a string (``facets.facet_value``).
* ``ix.year_sort`` (integer, the integer copy of ``report_year``) and ``ix.published`` (date) for
  sorts and ranges.
* ``ix.n.<column>``: one ``double`` per registered number (``tables/numbers.py``), absent when null.
* ``ix.has_failed_checks`` (boolean, absent when no check was evaluated), ``ix.failed_check`` (keywords).
* ``ix.signal``: the names of the report's signals (keywords); ``ix.agency_id`` is one of the keyword facets.
* ``ix.version`` (integer), ``ix.revised`` / ``ix.withdrawn`` (booleans), ``ix.changed_at`` (date, the
  change time in UTC as plan.iso_instant reads it), ``ix.hosts`` (the host names of the report's URLs and the domains above them,
  for ``report_urls``); ``urls`` (keyword, top level like ``content_hash``) finds the report of a gone URL.

Beside the alias (storage/revisions.py says what they hold): ``<alias>-versions``, one document per
superseded version of a report (id ``version_id``: report id and version; the Version whole, its record
kept but not indexed), and ``<alias>-captures``, the web archive's index, one document per archived
response (id ``capture_id``: WARC file and offset).

The agency registry lives beside the alias in ``<alias>-agencies``: one document per agency (its
fields as keywords, ``words`` — its names and region names in lower case, matched by wildcards —,
``year_signals`` — each signal of each year as ``missing@2025``, for ``signal_year`` —, its timeline
kept but not indexed, and the ``build`` that wrote it, so a replacement indexes the new
build and then deletes every older document).

The top level is ``dynamic: false``: any other record field is kept in ``_source`` without
growing the mapping. Indexes are named ``<alias>-v<UTC timestamp>`` and matched by one composable
index template, so every index a reindex builds gets the same mapping.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from typing import Any

from indexer.model import Agency, Capture, CaptureRow, Record, TimelineYear, Version
from indexer.search_text.segment import segment_text
from indexer.storage.base import TEXT_WEIGHTS
from indexer.storage.facets import (
    FAILED_CHECK,
    HAS_FAILED_CHECKS,
    KEYWORD_FIELDS,
    REVISED,
    SIGNAL,
    WITHDRAWN,
    facet_value,
    failed_checks,
    signal_names,
    year_signal,
)
from indexer.storage.options import DEFAULT_SHARDS
from indexer.storage.plan import iso_instant, iso_ordinal
from indexer.storage.records import valid_record
from indexer.storage.revisions import parent_domains, union_urls, url_host
from indexer.tables.numbers import NUMBER_FIELDS, compute_numbers

Body = dict[str, Any]  # a JSON request body or part of one
IX = "ix"  # the object holding every indexed (derived) field
ANALYZER = "seg_whitespace"  # whitespace tokenizer + lowercase: jieba already cut the text
SEGMENTED = {"title": "title_seg", "agency": "agency_seg", "body": "text_seg"}  # text field -> its ix field
TEXT_FIELDS = {SEGMENTED[name]: weight for name, weight in TEXT_WEIGHTS.items()}  # boosts
TEMPLATE_PRIORITY = 500  # above Elasticsearch's built-in templates (100)
VERSION_SEPARATOR = "-v"
VERSION_FORMAT = "%Y%m%d%H%M%S%f"
AUTO_REPLICAS = "0-1"  # no replica on a single node, one as soon as a second node joins
FAILURES_SUFFIX = "-failures"
RUNS_SUFFIX = "-runs"
AGENCIES_SUFFIX = "-agencies"
VERSIONS_SUFFIX = "-versions"
CAPTURES_SUFFIX = "-captures"
AGENCY_HIDDEN = ("words", "year_signals", "timeline", "build")  # fields of an agency document that are not the Agency
AGENCY_KEYWORDS = ("id", "name", "names", "province", "city", "county", "region_code", "level", "agency_type", "kind")
AGENCIES_MAPPING: Body = {  # one document per agency, id = the agency id; its timeline kept, not indexed
    "dynamic": False,
    "properties": {
        **{f: {"type": "keyword"} for f in (*AGENCY_KEYWORDS, "signals", "year_signals", "words", "build")},
        **{f: {"type": "integer"} for f in ("first_year", "last_year", "reports")},
        "timeline": {"type": "object", "enabled": False},
    },
}
FAILURE_FIELDS = ("url", "kind", "reason", "portal", "status", "first_seen", "last_seen", "count", "run_id")
FAILURES_MAPPING: Body = {  # one document per (url, kind), id failure_id(url, kind); `reason` kept, not indexed
    "dynamic": False,
    "properties": {
        "url": {"type": "keyword"},
        "kind": {"type": "keyword"},
        "portal": {"type": "keyword"},
        "status": {"type": "integer"},
        "first_seen": {"type": "keyword"},  # ISO text, compared as text like SQLite does
        "last_seen": {"type": "keyword"},
        "count": {"type": "integer"},
        "run_id": {"type": "keyword"},
    },
}
RUNS_MAPPING: Body = {  # one document per run, id = the run id; per-portal counts kept, not indexed
    "dynamic": False,
    "properties": {
        "id": {"type": "keyword"},
        "started_at": {"type": "keyword"},
        "finished_at": {"type": "keyword"},
        "status": {"type": "keyword"},
        "seeds": {"type": "keyword"},
        "portals": {"type": "object", "enabled": False},
    },
}
VERSIONS_MAPPING: Body = {  # one document per superseded version of a report, id version_id(report id, version)
    "dynamic": False,
    "properties": {
        "report_id": {"type": "keyword"},
        "version": {"type": "integer"},
        "content_hash": {"type": "keyword"},
        "capture": {"type": "object", "enabled": False},
        "record": {"type": "object", "enabled": False},
    },
}
CAPTURES_MAPPING: Body = {  # one document per archived response, id capture_id(warc_file, offset)
    "dynamic": False,
    "properties": {
        "warc_file": {"type": "keyword"},
        "offset": {"type": "long"},
        "length": {"type": "long"},
        "url": {"type": "keyword"},
        "requested_url": {"type": "keyword"},
        "captured_at": {"type": "keyword"},  # ISO text, compared as text like SQLite does
        "status": {"type": "integer"},
        "report_id": {"type": "keyword"},
        "meta": {"type": "object", "enabled": False},
    },
}
VERSION_FIELDS = ("version", "content_hash", "first_seen", "last_seen", "change_summary", "capture", "record")
CAPTURE_FIELDS = ("warc_file", "offset", "length", "url", "captured_at", "status")  # model.Capture's keys
CAPTURE_ROW_FIELDS = (*CAPTURE_FIELDS, "report_id", "requested_url", "meta")
# A capture saved again (Backend.save_capture): every field replaced, the report id only when one is given.
SAVE_CAPTURE_SCRIPT = (
    "ctx._source.putAll(params.row); if (params.report_id != null) { ctx._source.report_id = params.report_id; }"
)
CLAIM_CAPTURE_SCRIPT = "ctx._source.report_id = params.report_id;"  # a write naming the report a capture served
# A later sighting of a stored failure: first_seen kept, count + 1, the rest replaced (Painless).
UPSERT_FAILURE_SCRIPT = (
    "ctx._source.count = (ctx._source.count == null ? 0 : ctx._source.count) + 1; "
    "ctx._source.last_seen = params.at; ctx._source.reason = params.reason; ctx._source.portal = params.portal; "
    "ctx._source.status = params.status; ctx._source.run_id = params.run_id;"
)
NUMBER_TYPE = "double"  # exact comparisons with `where` values (a scaled_float rounds)


def number_field(column: str) -> str:
    """The Elasticsearch field of one registered number's column (e.g. ix.n.n_review_total)."""
    return f"{IX}.n.{column}"


def facet_field(name: str) -> str:
    """The keyword field of a facet or check filter."""
    return f"{IX}.{name}"


PUBLISHED_FIELD = f"{IX}.published"
YEAR_SORT_FIELD = f"{IX}.year_sort"
ID_FIELD = "id"
CONTENT_HASH_FIELD = "content_hash"  # finds the same report stored under another URL (revisions.py)
URLS_FIELD = "urls"  # finds the report a gone URL belongs to
HOSTS_FIELD = f"{IX}.hosts"  # finds the reports on some hosts (report_urls)
VERSION_FIELD = f"{IX}.version"
CHANGED_AT_FIELD = f"{IX}.changed_at"


# --------------------------------------------------------------------------- template
def index_settings(shards: int = DEFAULT_SHARDS, replicas: int | None = None) -> Body:
    """Index settings: shards, replicas (auto 0-1 unless given) and the whitespace analyzer."""
    settings: Body = {
        "number_of_shards": shards,
        "analysis": {"analyzer": {ANALYZER: {"type": "custom", "tokenizer": "whitespace", "filter": ["lowercase"]}}},
    }
    if replicas is None:
        settings["auto_expand_replicas"] = AUTO_REPLICAS
    else:
        settings["number_of_replicas"] = replicas
        settings["auto_expand_replicas"] = False
    return settings


def index_mappings() -> Body:
    """The mapping: the record in _source (not indexed), the derived `ix` fields indexed."""
    segmented = {"type": "text", "analyzer": ANALYZER, "norms": True}
    ix = {
        **dict.fromkeys(TEXT_FIELDS, segmented),
        **{name: {"type": "keyword"} for name in KEYWORD_FIELDS},
        "year_sort": {"type": "integer"},
        "published": {"type": "date", "format": "strict_date"},
        HAS_FAILED_CHECKS: {"type": "boolean"},
        FAILED_CHECK: {"type": "keyword"},
        SIGNAL: {"type": "keyword"},
        "n": {"properties": {f.column: {"type": NUMBER_TYPE} for f in NUMBER_FIELDS}},
        "version": {"type": "integer"},
        REVISED: {"type": "boolean"},
        WITHDRAWN: {"type": "boolean"},
        "changed_at": {"type": "date", "format": "strict_date_optional_time"},
        "hosts": {"type": "keyword"},
    }
    return {
        "dynamic": False,
        "_source": {"excludes": [IX]},
        "properties": {
            ID_FIELD: {"type": "keyword"},
            CONTENT_HASH_FIELD: {"type": "keyword"},
            URLS_FIELD: {"type": "keyword"},
            "text": {"type": "text", "index": False},
            "stats": {"type": "object", "enabled": False},
            "checks": {"type": "object", "enabled": False},
            IX: {"properties": ix},
        },
    }


def index_pattern(alias: str) -> str:
    """The index pattern the template matches: every versioned index behind `alias`."""
    return f"{alias}{VERSION_SEPARATOR}*"


def index_template(alias: str, shards: int = DEFAULT_SHARDS, replicas: int | None = None) -> Body:
    """Body of PUT _index_template/<alias>: the settings and mapping of every `<alias>-v…` index."""
    return {
        "index_patterns": [index_pattern(alias)],
        "priority": TEMPLATE_PRIORITY,
        "template": {"settings": index_settings(shards, replicas), "mappings": index_mappings()},
        "_meta": {"description": "政府信息公开工作年度报告 (gov-report-index)"},
    }


def versioned_index(alias: str, now: datetime | None = None) -> str:
    """A new index name behind `alias`, e.g. reports-v20261122143000123456 (UTC)."""
    moment = now or datetime.now(UTC)
    return f"{alias}{VERSION_SEPARATOR}{moment.strftime(VERSION_FORMAT)}"


def failures_index(alias: str) -> str:
    """The index keeping crawl failures next to `alias` (not matched by the template)."""
    return alias + FAILURES_SUFFIX


def runs_index(alias: str) -> str:
    """The index keeping crawl runs next to `alias` (not matched by the template)."""
    return alias + RUNS_SUFFIX


def agencies_index(alias: str) -> str:
    """The index keeping the agency registry next to `alias` (not matched by the template)."""
    return alias + AGENCIES_SUFFIX


def versions_index(alias: str) -> str:
    """The index keeping superseded versions of reports next to `alias` (not matched by the template)."""
    return alias + VERSIONS_SUFFIX


def captures_index(alias: str) -> str:
    """The index keeping the web archive's captures next to `alias` (not matched by the template)."""
    return alias + CAPTURES_SUFFIX


def version_id(report_id: str, version: int) -> str:
    """The document id of one superseded version of a report (at most 40 characters)."""
    return hashlib.sha1(f"{report_id}\n{version}".encode()).hexdigest()


def capture_id(warc_file: str, offset: int) -> str:
    """The document id of one archived response: where its record starts in the archive (at most 40 characters)."""
    return hashlib.sha1(f"{warc_file}\n{offset}".encode()).hexdigest()


def failure_id(url: str, kind: str) -> str:
    """The document id of the failure row of (url, kind): the same for every sighting, at most 40 characters."""
    return hashlib.sha1(f"{kind}\n{url}".encode()).hexdigest()


def alias_actions(alias: str, new_index: str, old_indices: list[str]) -> Body:
    """Body of POST _aliases moving `alias` from the old indices to the new one in one atomic call."""
    actions: list[Body] = [{"remove": {"index": old, "alias": alias}} for old in old_indices if old != new_index]
    actions.append({"add": {"index": new_index, "alias": alias, "is_write_index": True}})
    return {"actions": actions}


# --------------------------------------------------------------------------- documents
def index_fields(record: Record) -> Body:
    """The derived `ix` object of one record (segmented text, facet keywords, numbers, checks)."""
    ix: Body = {
        "title_seg": segment_text(record.get("title")),
        "agency_seg": segment_text(record.get("agency")),
        "text_seg": segment_text(record.get("text")),
    }
    fields: dict[str, Any] = dict(record)
    for name in KEYWORD_FIELDS:
        value = facet_value(fields.get(name))
        if value is not None:
            ix[name] = value
    if isinstance(record.get("report_year"), int):
        ix["year_sort"] = record["report_year"]
    published = iso_ordinal(record.get("published"))  # read as the SQLite backend reads it
    if published is not None:
        ix["published"] = date.fromordinal(published).isoformat()
    numbers = compute_numbers(record.get("stats"))
    ix["n"] = {f.column: numbers[f.name] for f in NUMBER_FIELDS if numbers[f.name] is not None}
    failed = failed_checks(record.get("checks"))
    if failed is not None:
        ix[HAS_FAILED_CHECKS] = bool(failed)
        ix[FAILED_CHECK] = failed
    ix[SIGNAL] = signal_names(record.get("signals"))
    ix.update(history_fields(record))
    return ix


def history_fields(record: Record) -> Body:
    """The `ix` fields of a record's history: version, revised, withdrawn, changed_at, the hosts of its URLs."""
    version = record.get("version")
    fields: Body = {
        REVISED: (version or 1) > 1,
        WITHDRAWN: bool(record.get("withdrawn")),
        "hosts": sorted({name for url in union_urls(record) for name in parent_domains(url_host(url))}),
    }
    if isinstance(version, int):
        fields["version"] = version
    changed = iso_instant(record.get("changed_at"))
    if changed is not None:
        fields["changed_at"] = changed.astimezone(UTC).isoformat()
    return fields


def document(record: object) -> Body:
    """The document stored for a record (checked: records.valid_record): the record itself plus its `ix` fields."""
    checked = valid_record(record)
    return {**{k: v for k, v in checked.items() if k != IX}, IX: index_fields(checked)}


def bulk_action(record: object, index: str) -> Body:
    """One streaming_bulk action: index (create or replace) the checked record's document under its id."""
    doc = document(record)
    return {"_op_type": "index", "_index": index, "_id": doc["id"], "_source": doc}


def version_document(report_id: str, version: Version) -> Body:
    """The document of one superseded version of a report: the Version and the report's id."""
    return {"report_id": report_id, **version}


def read_version(source: Body) -> Version:
    """A Version from its stored document (without the report id)."""
    version: Version = {k: source.get(k) for k in VERSION_FIELDS}  # type: ignore[assignment]  # Version's keys
    return version


def capture_document(capture: Capture, report_id: str | None, requested_url: str, meta: dict[str, str]) -> Body:
    """The captures document of an archived response."""
    return {
        **{k: capture[k] for k in CAPTURE_FIELDS},  # type: ignore[literal-required]  # CAPTURE_FIELDS are Capture's keys
        "requested_url": requested_url,
        "report_id": report_id,
        "meta": dict(meta),
    }


def read_capture(source: Body) -> CaptureRow:
    """A CaptureRow from its stored document."""
    row: CaptureRow = {k: source.get(k) for k in CAPTURE_ROW_FIELDS}  # type: ignore[assignment]  # CaptureRow's keys
    row["meta"] = dict(source.get("meta") or {})
    return row


def captures_query(url: str | None, report_id: str | None) -> Body:
    """The captures of a URL (final or requested) and/or a report; every capture when neither is given."""
    filters: list[Body] = []
    if url is not None:
        filters.append(
            {"bool": {"should": [{"term": {"url": url}}, {"term": {"requested_url": url}}], "minimum_should_match": 1}}
        )
    if report_id is not None:
        filters.append({"term": {"report_id": report_id}})
    return {"bool": {"filter": filters}}


def agency_document(agency: Agency, timeline: list[TimelineYear], build: str) -> Body:
    """The document of one agency: its fields, the words `q` matches, its signals by year (facets.year_signal),
    its timeline and the build that wrote it."""
    places = (agency["province"], agency["city"], agency["county"])
    words = sorted({w.lower() for w in (*agency["names"], agency["name"], *places) if w})
    year_signals = sorted({year_signal(s["signal"], y["report_year"]) for y in timeline for s in y["signals"]})
    return {**agency, "words": words, "year_signals": year_signals, "timeline": timeline, "build": build}
