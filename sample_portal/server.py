"""HTTP server playing the sample government sites on one port."""

from __future__ import annotations

import json
import threading
from collections import Counter
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, unquote, urlsplit

from .model import Portal, Request, Response
from .portal import build_portal
from .truth import portal_truth

TRUTH_PATH = "/_truth.json"
INDEX_NAMES = ("index.html", "index.htm", "index.shtml")
NOT_FOUND_HTML = (
    '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>404 页面不存在</title>'
    "</head><body><h1>404</h1><p>您访问的页面不存在或已被删除。</p></body></html>"
).encode()
MAX_FORM_BYTES = 64 * 1024


class PortalServer(ThreadingHTTPServer):
    """A threading HTTP server that knows its portal and its base URL."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], portal: Portal, quiet: bool = True) -> None:
        super().__init__(address, PortalHandler)
        self.portal = portal
        self.quiet = quiet
        self.served: Counter[int] = Counter()  # answers sent, by HTTP status (e.g. the 304s of a recrawl)
        host, port = self.socket.getsockname()[:2]
        self.base_url = f"http://{host}:{port}"


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
        return dict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))

    def _resolve(self) -> Response:
        """Find the answer for the request path."""
        parts = urlsplit(self.path)
        path = unquote(parts.path) or "/"
        portal = self.server.portal
        form = self._read_form() if self.command == "POST" else {}
        if path == TRUTH_PATH:
            body = json.dumps(portal_truth(portal, self.server.base_url), ensure_ascii=False, indent=1)
            return Response(body.encode(), "application/json; charset=utf-8")
        if path in portal.dynamic:
            request = Request(
                self.command, path, dict(parse_qsl(parts.query, keep_blank_values=True)), form, self.server.base_url
            )
            return portal.dynamic[path](request)
        candidates = [path] + ([path + name for name in INDEX_NAMES] if path.endswith("/") else [])
        for candidate in candidates:
            if candidate in portal.routes:
                if self.command == "POST":
                    return Response(
                        b"method not allowed", "text/plain", status=405, extra_headers=(("Allow", "GET, HEAD"),)
                    )
                return portal.routes[candidate]
        return Response(NOT_FOUND_HTML, status=404)

    def _answer(self, send_body: bool) -> None:
        """Write status, headers and (unless HEAD) the body."""
        response = self._resolve()
        status = 304 if _not_modified(response, self.headers.get("If-Modified-Since")) else response.status
        body = b"" if status == 304 else response.body
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
            self.wfile.write(body)


def make_server(host: str = "127.0.0.1", port: int = 0, quiet: bool = True) -> PortalServer:
    """Build the portal and bind a server to host:port (port 0 picks a free port)."""
    return PortalServer((host, port), build_portal(), quiet=quiet)


def start_server(host: str = "127.0.0.1", port: int = 0) -> tuple[PortalServer, str]:
    """Start the portal in a background thread; return the server and its base URL.

    Stop it with ``server.shutdown(); server.server_close()``.
    """
    server = make_server(host, port)
    thread = threading.Thread(target=server.serve_forever, name="sample-portal", daemon=True)
    thread.start()
    return server, server.base_url
