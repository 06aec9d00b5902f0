"""HTTP server playing the sample government sites on one port, plus a second port whose robots.txt is down.

Every answer is kept in the server's access log (`server.access_log`), so tests can tell what a crawl
fetched and what it did not. The second port serves the same portal but answers /robots.txt with
HTTP 503 (RFC 9309: a crawler must then stay away from the whole host); its base URL is in the truth.
`POST /_admin/evolve` moves both ports to the portal's next state (evolution.py), for a client on
127.0.0.1 only (HTTP 403 for any other); it is idempotent and answers {"state": N}.
"""

from __future__ import annotations

import json
import socket
import struct
import threading
import time
from collections import Counter, deque
from collections.abc import Iterator
from contextlib import contextmanager
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, unquote, urlsplit

from .evolution import FINAL_STATE
from .model import Access, Hosts, Portal, Request, Response, Streamed
from .portal import build_portal
from .truth import portal_truth

TRUTH_PATH = "/_truth.json"
EVOLVE_PATH = "/_admin/evolve"
ADMIN_CLIENT = "127.0.0.1"  # the one peer allowed to move the portal to its next state
INDEX_NAMES = ("index.html", "index.htm", "index.shtml")
NOT_FOUND_HTML = (
    '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>404 页面不存在</title>'
    "</head><body><h1>404</h1><p>您访问的页面不存在或已被删除。</p></body></html>"
).encode()
MAX_FORM_BYTES = 64 * 1024
ACCESS_LOG_MAX = 100_000  # answers kept for tests to inspect (oldest dropped first)
ANSWERED_PATHS_MAX = 100_000  # paths counted for turn-taking answers (5xx then OK)
ROBOTS_PATH = "/robots.txt"
ROBOTS_DOWN = Response(b"<html><body><h1>503 Service Unavailable</h1></body></html>", status=503)
STREAM_GONE = (BrokenPipeError, ConnectionResetError)  # the client hung up on a streamed answer


class PortalServer(ThreadingHTTPServer):
    """A threading HTTP server that knows its portal, its base URL and its access log.

    The main server owns a companion on a second port (robots.txt answering 503), started, stopped
    and closed with it.
    """

    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        portal: Portal,
        quiet: bool = True,
        *,
        main: PortalServer | None = None,
    ) -> None:
        super().__init__(address, PortalHandler)
        self._portal = portal
        self.quiet = quiet
        self.main = main
        self.served: Counter[int] = Counter()  # answers sent, by HTTP status (e.g. the 304s of a recrawl)
        host, port = self.socket.getsockname()[:2]
        self.base_url = f"http://{host}:{port}"
        # Both ports write one log and one count per path, each bounded (a trap has endless paths).
        self.access_log: deque[Access] = main.access_log if main else deque(maxlen=ACCESS_LOG_MAX)
        self.answered: Counter[str] = main.answered if main else Counter()
        self.lock: threading.Lock = main.lock if main else threading.Lock()
        self.companion: PortalServer | None = None
        self._companion_thread: threading.Thread | None = None
        if main is None:
            companion = PortalServer((host, 0), portal, quiet, main=self)
            self.companion, self._hosts = companion, Hosts(self.base_url, companion.base_url)

    @property
    def hosts(self) -> Hosts:
        """Return where the portal listens (the main server's view, on both ports)."""
        return self.main.hosts if self.main else self._hosts

    @property
    def portal(self) -> Portal:
        """Return the portal both ports serve now (in its current state)."""
        return self.main.portal if self.main else self._portal

    def evolve(self) -> int:
        """Move the portal (both ports) to its last state; return that state (idempotent)."""
        if self.main is not None:
            return self.main.evolve()
        with self.lock:
            self._portal = build_portal(FINAL_STATE)
        return FINAL_STATE

    @property
    def robots_down(self) -> bool:
        """Tell whether this is the second port, whose robots.txt answers 503."""
        return self.main is not None

    def serve_forever(self, poll_interval: float = 0.5) -> None:
        """Serve the companion in a thread of its own, and this server here."""
        if self.companion is not None and self._companion_thread is None:
            self._companion_thread = threading.Thread(
                target=self.companion.serve_forever, name="sample-portal-robots-down", daemon=True
            )
            self._companion_thread.start()
        super().serve_forever(poll_interval)

    def shutdown(self) -> None:
        """Stop serving, the companion too."""
        if self.companion is not None and self._companion_thread is not None:
            self.companion.shutdown()
        super().shutdown()

    def server_close(self) -> None:
        """Close the listening sockets, the companion's too."""
        super().server_close()
        if self.companion is not None:
            self.companion.server_close()

    def take_turn(self, path: str) -> int:
        """Count a request for a path; return how many came before it (on both ports)."""
        with self.lock:
            previous = self.answered[path]
            if previous or len(self.answered) < ANSWERED_PATHS_MAX:
                self.answered[path] += 1
        return previous

    def log_access(self, host: str, method: str, path: str, status: int, form: str = "", at: float = 0.0) -> None:
        """Keep one answer in the access log (`at`: when the request arrived; default now)."""
        with self.lock:
            self.access_log.append(Access(host, method, path, status, form, at or time.time()))


def _not_modified(response: Response, header: str | None) -> bool:
    """Tell whether an If-Modified-Since header makes a 304 the right answer."""
    if not header or response.last_modified is None or response.status != 200:
        return False
    try:
        since = parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return False
    return since is not None and since.tzinfo is not None and response.last_modified <= since


class PortalHandler(BaseHTTPRequestHandler):
    """Answer GET, HEAD and POST from the portal's static and dynamic routes."""

    protocol_version = "HTTP/1.1"
    server_version = "SamplePortal/1.0"
    server: PortalServer
    form_text = ""  # the urlencoded body of a POST, as read
    arrived = 0.0  # when the request being answered arrived (epoch seconds)

    def do_GET(self) -> None:
        """Serve a GET request."""
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        """Serve a HEAD request (headers only)."""
        self._answer(send_body=False)

    def do_POST(self) -> None:
        """Serve a POST request (dynamic routes only)."""
        self._answer(send_body=True)

    def log_message(self, format: str, *args: object) -> None:
        """Log only when the server is not quiet."""
        if not self.server.quiet:
            super().log_message(format, *args)

    def _read_form(self) -> dict[str, str]:
        """Read an urlencoded POST body."""
        length = min(int(self.headers.get("Content-Length") or 0), MAX_FORM_BYTES)
        raw = self.rfile.read(length) if length else b""
        self.form_text = raw.decode("utf-8", "replace")
        return dict(parse_qsl(self.form_text, keep_blank_values=True))

    def _resolve(self, previous: int) -> Response | Streamed:
        """Find the answer for the request path (`previous`: answers this path got before)."""
        parts = urlsplit(self.path)
        path = unquote(parts.path) or "/"
        portal = self.server.portal
        hosts = self.server.hosts
        form = self._read_form() if self.command == "POST" else {}
        if path == ROBOTS_PATH and self.server.robots_down:
            return ROBOTS_DOWN
        if path == EVOLVE_PATH:
            return self._evolve()
        if path == TRUTH_PATH:
            body = json.dumps(portal_truth(portal, hosts), ensure_ascii=False, indent=1)
            return Response(body.encode(), "application/json; charset=utf-8")
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        route = portal.dynamic.get(path) or next((r for p, r in portal.prefixes.items() if path.startswith(p)), None)
        if route is not None:
            return route(Request(self.command, path, query, form, hosts, previous))
        candidates = [path] + ([path + name for name in INDEX_NAMES] if path.endswith("/") else [])
        for candidate in candidates:
            if candidate in portal.routes:
                if self.command == "POST":
                    return Response(
                        b"method not allowed", "text/plain", status=405, extra_headers=(("Allow", "GET, HEAD"),)
                    )
                return portal.routes[candidate]
        return Response(NOT_FOUND_HTML, status=404)

    def _evolve(self) -> Response:
        """Answer POST /_admin/evolve: move the portal to its next state, for a client on 127.0.0.1 only."""
        if self.command != "POST":
            return Response(b"method not allowed", "text/plain", status=405, extra_headers=(("Allow", "POST"),))
        if self.client_address[0] != ADMIN_CLIENT:
            return Response(b"forbidden: only a client on 127.0.0.1 may evolve the portal", "text/plain", status=403)
        body = json.dumps({"state": self.server.evolve()})
        return Response(body.encode(), "application/json; charset=utf-8")

    def _answer(self, send_body: bool) -> None:
        """Write status, headers and (unless HEAD) the body; log the answer."""
        self.form_text = ""  # one handler serves every request of a kept-alive connection
        self.arrived = time.time()
        answer = self._resolve(self.server.take_turn(self.path))
        if isinstance(answer, Streamed):
            self.server.log_access(
                self.headers.get("Host", ""), self.command, self.path, answer.status, self.form_text, self.arrived
            )
            self._stream(answer)
            return
        self._send(answer, send_body)

    def _stream(self, answer: Streamed) -> None:
        """Let a streamed answer write to the connection; a client that hung up ends it quietly."""
        self.close_connection = True
        try:
            answer.write(SocketWire(self))
        except STREAM_GONE:
            pass

    def _send(self, response: Response, send_body: bool) -> None:
        """Write a prepared answer: status, headers and (unless HEAD) the body."""
        status = 304 if _not_modified(response, self.headers.get("If-Modified-Since")) else response.status
        body = b"" if status == 304 else response.body
        self.server.log_access(
            self.headers.get("Host", ""), self.command, self.path, status, self.form_text, self.arrived
        )
        self.server.served[status] += 1
        self.send_response(status)
        self.send_header("Content-Type", response.content_type)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        if response.last_modified is not None:
            self.send_header("Last-Modified", format_datetime(response.last_modified, usegmt=True))
        for name, value in response.extra_headers:
            self.send_header(name, value)
        self.end_headers()
        if send_body and body:
            try:
                self.wfile.write(body)
            except STREAM_GONE:
                self.close_connection = True


class SocketWire:
    """The Wire of one connection: what streamed answers write to."""

    def __init__(self, handler: PortalHandler) -> None:
        self.handler = handler
        self.chunked = False

    def head(
        self, status: int, content_type: str, *, length: int | None, headers: tuple[tuple[str, str], ...] = ()
    ) -> None:
        """Send the status line and headers; without a length the body is sent chunked."""
        handler = self.handler
        handler.server.served[status] += 1
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        if length is None:
            self.chunked = True
            handler.send_header("Transfer-Encoding", "chunked")
        else:
            handler.send_header("Content-Length", str(length))
        for name, value in headers:
            handler.send_header(name, value)
        handler.end_headers()

    def write(self, data: bytes) -> None:
        """Send a piece of the body (one chunk when chunked)."""
        if self.chunked:
            data = b"%x\r\n%s\r\n" % (len(data), data)
        self.handler.wfile.write(data)

    def end(self) -> None:
        """Finish a chunked body."""
        if self.chunked:
            self.handler.wfile.write(b"0\r\n\r\n")

    def reset(self) -> None:
        """Abort the connection with a TCP reset (SO_LINGER 0, then close)."""
        connection = self.handler.connection
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        connection.close()


def make_server(host: str = "127.0.0.1", port: int = 0, quiet: bool = True, state: int = 1) -> PortalServer:
    """Build the portal in a state and bind a server to host:port (port 0 picks a free port)."""
    return PortalServer((host, port), build_portal(state), quiet=quiet)


def start_server(host: str = "127.0.0.1", port: int = 0, state: int = 1) -> tuple[PortalServer, str]:
    """Start the portal (and its robots-down second port) in background threads; return the server and its base URL.

    Stop it with ``server.shutdown(); server.server_close()``.
    """
    server = make_server(host, port, state=state)
    thread = threading.Thread(target=server.serve_forever, name="sample-portal", daemon=True)
    thread.start()
    return server, server.base_url


@contextmanager
def running_portal(host: str = "127.0.0.1", port: int = 0, state: int = 1) -> Iterator[PortalServer]:
    """The portal served in background threads for the duration of a `with` block (tests, benchmarks)."""
    server, _ = start_server(host, port, state)
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
