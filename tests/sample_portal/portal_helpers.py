"""HTTP and HTML-table helpers for the sample portal tests (the portal itself is never mocked)."""

from __future__ import annotations

import http.client
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

import lxml.html


@dataclass
class Fetched:
    """One HTTP answer."""

    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        """Body decoded as UTF-8 (for UTF-8 pages and JSON)."""
        return self.body.decode("utf-8")


def fetch(url: str, method: str = "GET", form: dict | None = None, headers: dict | None = None) -> Fetched:
    """Request a URL and return status, headers and body, without raising on 4xx/5xx."""
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    url = urllib.parse.quote(url, safe=":/?&=%#+")
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return Fetched(answer.status, dict(answer.headers.items()), answer.read())
    except urllib.error.HTTPError as error:
        return Fetched(error.code, dict(error.headers.items()), error.read())


def fetch_once(url: str, method: str = "GET", source: str | None = None) -> Fetched:
    """Send one request, following no redirect; `source` is the local address the client connects from."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(
        parts.hostname or "", parts.port, timeout=10, source_address=(source, 0) if source else None
    )
    try:
        connection.request(method, urllib.parse.quote(parts.path) + (f"?{parts.query}" if parts.query else ""))
        answer = connection.getresponse()
        return Fetched(answer.status, dict(answer.getheaders()), answer.read())
    finally:
        connection.close()


def table_rows(table: lxml.html.HtmlElement) -> list[list[str]]:
    """Return each row's cell texts as printed (merged cells once)."""
    return [[" ".join(td.text_content().split()) for td in tr.xpath("./td|./th")] for tr in table.xpath(".//tr")]


def table_grid(table: lxml.html.HtmlElement) -> list[list[str]]:
    """Expand rowspan/colspan into a rectangular grid of cell texts."""
    grid: list[list[str | None]] = []
    for r, tr in enumerate(table.xpath(".//tr")):
        while len(grid) <= r:
            grid.append([])
        c = 0
        for td in tr.xpath("./td|./th"):
            while c < len(grid[r]) and grid[r][c] is not None:
                c += 1
            text = " ".join(td.text_content().split())
            for dr in range(int(td.get("rowspan", 1))):
                while len(grid) <= r + dr:
                    grid.append([])
                row = grid[r + dr]
                for dc in range(int(td.get("colspan", 1))):
                    while len(row) <= c + dc:
                        row.append(None)
                    row[c + dc] = text
            c += int(td.get("colspan", 1))
    return [[cell or "" for cell in row] for row in grid]


def numeric_cells(table: lxml.html.HtmlElement) -> list[str]:
    """Return the printed cells that hold a number, in document order."""
    cells = [cell for row in table_rows(table) for cell in row]
    return [c for c in cells if c.replace(".", "", 1).lstrip("-").isdigit()]
