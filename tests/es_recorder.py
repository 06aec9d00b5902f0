"""A tiny HTTP server on 127.0.0.1 that answers the Elasticsearch REST calls our backend makes and records them.

It checks the *requests* the backend sends (which calls, in which order, with which bodies) and
answers with just enough for the client to proceed: indexes, the alias, settings, _bulk items (with
scripted 429 and 400 answers per document id), mappings, stored documents (_mget, GET _doc), canned
search responses and scripted rejected searches. It does not search,
score or aggregate: it is no stand-in for Elasticsearch's semantics, which only the live contract
suite (tests/storage_contract, ES_URL set) checks.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

PRODUCT_HEADER = ("X-Elastic-Product", "Elasticsearch")
INFO = {"name": "recorder", "cluster_name": "test", "version": {"number": "8.19.0"}, "tagline": "You Know, for Search"}
EMPTY_SEARCH = {"took": 1, "timed_out": False, "hits": {"total": {"value": 0, "relation": "eq"}, "hits": []}}


@dataclass
class Request:
    """One recorded request: method, path, query parameters and the decoded body."""

    method: str
    path: str
    params: dict[str, str]
    body: object


@dataclass
class EsState:
    """What the recorder knows and answers with."""

    indices: dict[str, dict] = field(default_factory=dict)  # name -> settings (flat)
    aliases: dict[str, set[str]] = field(default_factory=dict)  # alias -> indexes
    templates: dict[str, dict] = field(default_factory=dict)
    mappings: dict[str, dict] = field(default_factory=dict)  # index -> mapped properties (PUT index, PUT _mapping)
    reject_once: set[str] = field(default_factory=set)  # document ids answered 429 the first time
    reject_always: set[str] = field(default_factory=set)  # document ids answered 400 every time
    search_responses: list[dict] = field(default_factory=list)  # answered in turn (then EMPTY_SEARCH)
    search_rejections: list[str] = field(default_factory=list)  # reasons of 400 answers to the next searches
    stored: dict[str, dict] = field(default_factory=dict)  # id -> _source answered by _mget and GET _doc
    requests: list[Request] = field(default_factory=list)

    def calls(self, method: str | None = None, contains: str = "") -> list[Request]:
        """The recorded requests with this method whose path contains `contains`."""
        return [r for r in self.requests if (method is None or r.method == method) and contains in r.path]


def _decode(raw: bytes, content_type: str) -> object:
    """JSON, NDJSON (bulk) or None."""
    if not raw:
        return None
    text = raw.decode("utf-8")
    if "ndjson" in content_type or "x-ndjson" in content_type:
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    return json.loads(text)


class _Handler(BaseHTTPRequestHandler):
    state: EsState

    def log_message(self, *args) -> None:  # quiet
        pass

    def _handle(self) -> None:
        parts = urlsplit(self.path)
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        request = Request(
            self.command,
            unquote(parts.path),
            {k: v[0] for k, v in parse_qs(parts.query).items()},
            _decode(raw, self.headers.get("Content-Type", "")),
        )
        self.state.requests.append(request)
        status, body = _route(self.state, request)
        self._reply(status, body)

    def _reply(self, status: int, body: object) -> None:
        data = b"" if self.command == "HEAD" or body is None else json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header(*PRODUCT_HEADER)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if data:
            self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle


def _route(state: EsState, req: Request) -> tuple[int, object]:
    """Answer one request (just enough for the client's next step)."""
    segments = [s for s in req.path.split("/") if s]
    if not segments:
        return 200, INFO
    head = segments[0]
    if head == "_index_template":
        state.templates[segments[1]] = req.body
        return 200, {"acknowledged": True}
    if head == "_alias":
        indexes = state.aliases.get(segments[1])
        if not indexes:
            return 404, {"error": {"type": "aliases_not_found_exception"}, "status": 404}
        return 200, {i: {"aliases": {segments[1]: {}}} for i in indexes}
    if head == "_aliases":
        return _apply_aliases(state, req.body["actions"])
    if head == "_bulk":
        return 200, _bulk(state, req.body)
    if head == "_pit":
        return 200, {"succeeded": True, "num_freed": 1}
    if head == "_search":
        return _search(state)
    return _index_route(state, req, head, segments[1:])


def _index_route(state: EsState, req: Request, name: str, rest: list[str]) -> tuple[int, object]:
    """Requests on one index or alias: create, exists, delete, settings, refresh, search, pit, count."""
    known = name in state.indices or name in state.aliases
    if not rest:
        if req.method == "HEAD":
            return (200 if name in state.indices else 404), None
        if req.method == "PUT":
            state.indices[name] = {}
            state.mappings[name] = dict(((req.body or {}).get("mappings") or {}).get("properties") or {})
            return 200, {"acknowledged": True, "index": name}
        if req.method == "DELETE":
            state.indices.pop(name, None)
            return 200, {"acknowledged": True}
    action = rest[0]
    if action == "_settings" and req.method == "PUT":
        state.indices.setdefault(name, {})["index.refresh_interval"] = req.body["index"]["refresh_interval"]
        return 200, {"acknowledged": True}
    if action == "_settings":
        value = state.indices.get(name, {}).get("index.refresh_interval")
        return 200, {name: {"settings": {} if value is None else {"index.refresh_interval": value}}}
    if action == "_mapping" and req.method == "PUT":
        state.mappings.setdefault(name, {}).update(req.body["properties"])
        return 200, {"acknowledged": True}
    if action == "_mapping":
        return 200, {name: {"mappings": {"properties": state.mappings.get(name, {})}}}
    if action == "_doc" and req.method == "GET":
        if rest[1] in state.stored:
            return 200, {"_index": name, "_id": rest[1], "found": True, "_source": state.stored[rest[1]]}
        return 404, {"_index": name, "_id": rest[1], "found": False}
    if action in ("_update", "_doc") and req.method in ("PUT", "POST"):
        return 200, {"_index": name, "_id": rest[1], "result": "updated", "_version": 1}
    if action == "_refresh":
        return 200, {"_shards": {"total": 1, "successful": 1, "failed": 0}}
    if action == "_pit":
        return (200, {"id": "pit-1"}) if known else (404, {"error": {"type": "index_not_found_exception"}})
    if action == "_search":
        return _search(state)
    if action == "_mget":
        return 200, {
            "docs": [
                {"_index": name, "_id": i, "found": True, "_source": state.stored[i]}
                if i in state.stored
                else {"_index": name, "_id": i, "found": False}
                for i in req.body["ids"]
            ]
        }
    if action == "_count":
        return 200, {"count": 0}
    if action == "_delete_by_query":
        return 200, {"deleted": 0, "failures": []}
    return 404, {"error": {"type": "not_handled", "reason": req.path}, "status": 404}


def _search(state: EsState) -> tuple[int, object]:
    """Answer a search: a scripted rejection, else the next canned response (or an empty one)."""
    if state.search_rejections:
        reason = state.search_rejections.pop(0)
        return 400, {"error": {"type": "search_phase_execution_exception", "reason": reason}, "status": 400}
    return 200, state.search_responses.pop(0) if state.search_responses else EMPTY_SEARCH


def _apply_aliases(state: EsState, actions: list[dict]) -> tuple[int, object]:
    """Apply add/remove alias actions."""
    for action in actions:
        kind, spec = next(iter(action.items()))
        members = state.aliases.setdefault(spec["alias"], set())
        (members.add if kind == "add" else members.discard)(spec["index"])
    return 200, {"acknowledged": True}


def _headers(lines: list[dict]) -> list[dict]:
    """The action lines of a _bulk body (a delete has no document line after it)."""
    headers, i = [], 0
    while i < len(lines):
        headers.append(lines[i])
        i += 1 if "delete" in lines[i] else 2
    return headers


def _bulk(state: EsState, lines: list[dict]) -> dict:
    """Answer a _bulk request: 201 per document, except the scripted rejections."""
    items = []
    for header in _headers(lines):
        op, meta = next(iter(header.items()))
        rid = meta.get("_id") or f"auto-{len(state.requests)}-{len(items)}"
        if rid in state.reject_always:
            item = {"status": 400, "error": {"type": "mapper_parsing_exception", "reason": f"bad {rid}"}}
        elif rid in state.reject_once:
            state.reject_once.discard(rid)
            item = {"status": 429, "error": {"type": "es_rejected_execution_exception", "reason": "queue full"}}
        else:
            item = {"status": 201, "result": "created"}
        items.append({op: {"_index": meta["_index"], "_id": rid, **item}})
    return {"took": 1, "errors": any(i[next(iter(i))]["status"] >= 300 for i in items), "items": items}


class Recorder:
    """The server and its state; use as a context manager."""

    def __init__(self) -> None:
        self.state = EsState()
        handler = type("Handler", (_Handler,), {"state": self.state})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Recorder:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
