"""The web archive: every fetched report response kept as served, in WARC files (ISO 28500), with warcio.

Each response is written as a `request` record (the URL asked for) and a `response` record (the final
URL, status, headers and body as received, `WARC-Date` = fetch time), each gzipped on its own, so a
file cut off by a crash keeps every earlier record readable. The response record also carries, as JSON
in its `WARC-X-Reports-Meta` header, what the crawl knew besides the bytes (seed name, list title,
region hints, declared format, referer, requested URL): enough to build the same record again offline
(`build_archived_record`, which the crawl itself uses). Files are named
`reports-<UTC time>-<n>-<random>.warc.gz`, start with a `warcinfo` record, grow only by appending, and a
new one starts past `max_bytes`; a file is never rewritten. `ArchiveWriter.write` returns where the
response record lies (file name, offset, length), which the index keeps to replay it later.

What a response says about a stored report's URL is decided here too (`gone_how`): 404 or 410, or a
redirect to the URL's own folder or to the home page, means the report is no longer served there.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import re
import uuid
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO
from urllib.parse import urljoin, urlparse

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from indexer.config import DEFAULT_MAX_TEXT_CHARS
from indexer.model import Capture, GoneHow, Record
from indexer.record import build_record

DEFAULT_MAX_BYTES = 1_000_000_000  # rotate after ~1 GB, the size common WARC tools expect
SOFTWARE = "gov-report-index (https://github.com/your-org/gov-report-index)"
REQUESTED_URI = "WARC-X-Requested-URI"  # the URL asked for, when a redirect led elsewhere
META_HEADER = "WARC-X-Reports-Meta"  # JSON: what the crawl knew besides the bytes (ArchivedResponse.meta)
REFERS_TO_LOCATION = "WARC-X-Refers-To-Location"  # a revisit's original: "<file> <offset> <length>"
ARCHIVED_TYPES = ("response", "revisit")  # the records a response is archived as
# The body is stored as the crawler received it after decoding (gzip, chunks): these headers no longer
# describe it, so they are kept under ORIGINAL_PREFIX and Content-Length is set to the stored body's length.
DECODED_HEADERS = ("content-encoding", "transfer-encoding", "content-length")
ORIGINAL_PREFIX = "X-Archive-Orig-"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
GONE_STATUSES: dict[int, GoneHow] = {404: "http_404", 410: "http_410"}
FOLDER_INDEX_RE = re.compile(r"(?:index|default)\.[a-z]{2,5}$", re.I)  # a folder's own page: index.html …
REGION_KEYS = ("province", "city", "county")  # region hints, kept in the meta under these keys
UNREADABLE = (EOFError, OSError, ValueError, zlib.error, ArchiveLoadFailed)  # a record cut off or damaged


@dataclass(frozen=True)
class Location:
    """Where one archived response lies: file name (inside the archive folder), byte offset, length."""

    file: str
    offset: int
    length: int

    @classmethod
    def of(cls, capture: Capture) -> Location:
        """The location an index entry (indexer.model.Capture) points to."""
        return cls(capture["warc_file"], capture["offset"], capture["length"])


@dataclass(frozen=True)
class Payload:
    """Where an archived body is stored: the response record holding it, its URL and its capture time."""

    location: Location
    url: str
    fetched_at: str


@dataclass(frozen=True)
class ArchivedResponse:
    """A response as the site served it (what is archived, and what is read back), with the crawl's meta.

    `meta` keys (all optional, text): portal (seed name), role (report, file, list), list_title,
    list_date, referer, source_format, province/city/county (the seed's region hints).
    """

    url: str  # the final URL (after redirects)
    requested_url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes = field(repr=False)
    fetched_at: str  # ISO 8601 UTC, seconds, with a Z
    meta: dict[str, str] = field(default_factory=dict)
    payload: Payload | None = None  # read back: the record holding the body (itself, or a revisit's original)

    def header(self, name: str) -> str | None:
        """The first value of a header, or None."""
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)

    @property
    def content_type(self) -> str:
        """The Content-Type the site sent ('application/octet-stream' when it sent none)."""
        return self.header("content-type") or "application/octet-stream"

    @property
    def gone(self) -> GoneHow | None:
        """How this response says the requested URL no longer serves its report (gone_how), or None."""
        location = self.header("location")
        if self.status in REDIRECT_STATUSES and location:
            target: str | None = urljoin(self.url, location.strip())
        else:
            target = self.url if self.url != self.requested_url else None
        return gone_how(self.requested_url, self.status, target)


def gone_how(requested_url: str, status: int, target: str | None) -> GoneHow | None:
    """How a URL's answer says its report is gone: 404, 410, or a redirect to its own folder or the home page.

    `target` is where a redirect (or a chain of redirects, or a meta refresh) led, None when there was
    none. A redirect elsewhere (http → https, another path) is not a withdrawal.
    """
    if status in GONE_STATUSES:
        return GONE_STATUSES[status]
    if target is None:
        return None
    folder = _folder_of(urlparse(target).path)
    if folder is None:
        return None
    if folder == "/":
        return "redirect_home"
    return "redirect_parent" if folder in _ancestor_folders(urlparse(requested_url).path) else None


def _folder_of(path: str) -> str | None:
    """The folder a path names ("/a/b/" for /a/b/, /a/b/index.html, /a/b/default.htm), None for any other page."""
    path = path or "/"
    if path.endswith("/"):
        return path
    head, _, name = path.rpartition("/")
    return head + "/" if FOLDER_INDEX_RE.fullmatch(name) else None


def _ancestor_folders(path: str) -> set[str]:
    """The folders above a page or folder: /a/b/c.htm → {/a/b/, /a/, /}; /a/b/ → {/a/, /}."""
    return {str(p).rstrip("/") + "/" for p in PurePosixPath(_folder_of(path) or path).parents}


def capture_of(location: Location, response: ArchivedResponse) -> Capture:
    """The index entry (indexer.model.Capture) of an archived response."""
    return {
        "warc_file": location.file,
        "offset": location.offset,
        "length": location.length,
        "url": response.url,
        "captured_at": response.fetched_at,
        "status": response.status,
    }


def build_archived_record(
    response: ArchivedResponse, capture: Capture | None, max_text_chars: int = DEFAULT_MAX_TEXT_CHARS
) -> Record:
    """The record of a served response, from its bytes and meta only: what the crawl stores, and reprocess again.

    Raises what build_record raises (NotAReport, UnreadablePage).
    """
    meta = response.meta
    hints = {key: meta[key] for key in REGION_KEYS if meta.get(key)}
    record = build_record(
        response.body,
        url=response.url,
        fetched_at=response.fetched_at,
        hints=hints or None,
        list_title=meta.get("list_title"),
        source_format=meta.get("source_format"),
        max_text_chars=max_text_chars,
        site_code=meta.get("site_code"),
    )
    record["capture"] = capture
    return record


def same_payload(response: ArchivedResponse, previous: ArchivedResponse | None) -> bool:
    """Whether a response's body is the one already archived in `previous` (it is then written as a revisit)."""
    return previous is not None and previous.payload is not None and previous.body == response.body


def warc_date(fetched_at: str | datetime) -> str:
    """A WARC-Date (UTC, seconds) from an ISO time or a datetime."""
    when = datetime.fromisoformat(fetched_at.replace("Z", "+00:00")) if isinstance(fetched_at, str) else fetched_at
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def stored_headers(headers: list[tuple[str, str]], body: bytes) -> list[tuple[str, str]]:
    """The headers written with a decoded body: encoding headers renamed (X-Archive-Orig-…), the body's length."""
    kept = [(ORIGINAL_PREFIX + name if name.lower() in DECODED_HEADERS else name, value) for name, value in headers]
    return [*kept, ("Content-Length", str(len(body)))]


def _status_line(status: int) -> str:
    """`200 OK`, `301 Moved Permanently` … (a code without a standard phrase gets `Unknown`)."""
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Unknown"


class ArchiveWriter:
    """Appends responses to rotating WARC files in one folder (one writer per process)."""

    def __init__(self, folder: Path, max_bytes: int = DEFAULT_MAX_BYTES):
        self.folder = Path(folder)
        self.max_bytes = max_bytes
        self._handle: BinaryIO | None = None
        self._writer: WARCWriter | None = None
        self._name = ""
        self._files = 0

    def write(self, response: ArchivedResponse, previous: ArchivedResponse | None = None) -> Location:
        """Archive one response (and the request for it); return where its record starts.

        `previous` is the last archived response of the same URL, read back (read_capture): when its body
        is the same, the record is a `revisit` (identical payload digest) naming the record that holds it.
        """
        writer, handle = self._current()
        date = warc_date(response.fetched_at)
        request = writer.create_warc_record(
            response.requested_url,
            "request",
            payload=io.BytesIO(b""),
            length=0,
            http_headers=StatusAndHeaders(f"GET {response.requested_url} HTTP/1.1", [], is_http_request=True),
            warc_headers_dict={"WARC-Date": date},
        )
        extra = {"WARC-Date": date, "WARC-Concurrent-To": request.rec_headers.get_header("WARC-Record-ID")}
        if response.requested_url != response.url:
            extra[REQUESTED_URI] = response.requested_url
        if response.meta:
            extra[META_HEADER] = json.dumps(response.meta, ensure_ascii=True, sort_keys=True)
        record = self._record(writer, response, previous, extra)
        writer.write_record(request)
        offset = handle.tell()
        writer.write_record(record)
        handle.flush()
        os.fsync(handle.fileno())
        return Location(self._name, offset, handle.tell() - offset)

    @staticmethod
    def _record(
        writer: WARCWriter, response: ArchivedResponse, previous: ArchivedResponse | None, extra: dict[str, str]
    ) -> Any:
        """The `response` record of a response, or a `revisit` of `previous` when the body is the same."""
        http = StatusAndHeaders(
            _status_line(response.status), stored_headers(response.headers, response.body), protocol="HTTP/1.1"
        )
        origin = previous.payload if previous is not None and same_payload(response, previous) else None
        if origin is not None:
            at = origin.location
            extra[REFERS_TO_LOCATION] = f"{at.file} {at.offset} {at.length}"
            return writer.create_revisit_record(
                response.url,
                payload_digest(response.body),
                origin.url,
                warc_date(origin.fetched_at),
                http_headers=http,
                warc_headers_dict=extra,
            )
        return writer.create_warc_record(
            response.url,
            "response",
            payload=io.BytesIO(response.body),
            length=len(response.body),
            http_headers=http,
            warc_headers_dict=extra,
        )

    def _current(self) -> tuple[WARCWriter, BinaryIO]:
        """The open file, or a new one when none is open or the open one is full."""
        if self._handle is not None and self._writer is not None and self._handle.tell() < self.max_bytes:
            return self._writer, self._handle
        self.close()
        self.folder.mkdir(parents=True, exist_ok=True)
        self._files += 1
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        self._name = f"reports-{stamp}-{self._files:05d}-{uuid.uuid4().hex[:12]}.warc.gz"
        self._handle = open(self.folder / self._name, "xb")  # never reopen (and so never rewrite) a file
        self._writer = WARCWriter(self._handle, gzip=True, warc_version="1.1")
        self._writer.write_record(
            self._writer.create_warcinfo_record(self._name, {"software": SOFTWARE, "format": "WARC File Format 1.1"})
        )
        return self._writer, self._handle

    def close(self) -> None:
        """Close the open file."""
        if self._handle is not None:
            self._handle.close()
        self._handle, self._writer = None, None


def _meta(text: str | None) -> dict[str, str]:
    """The crawl's meta from its WARC header ({} when absent or unreadable)."""
    try:
        meta = json.loads(text) if text else {}
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in meta.items()} if isinstance(meta, dict) else {}


def payload_digest(body: bytes) -> str:
    """The WARC payload digest of a body (sha1, base32), as warcio writes it."""
    return "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode("ascii")


def _archived(record: Any, folder: Path) -> ArchivedResponse:
    """An ArchivedResponse from a warcio response or revisit record; ValueError when it is cut off.

    A revisit gets its body from the response record it refers to (WARC-X-Refers-To-Location), named in
    `payload`; the caller sets the `payload` of a response record (it knows where the record lies).
    """
    headers = record.rec_headers
    url = headers.get_header("WARC-Target-URI")
    if record.http_headers is None:
        raise ValueError(f"archived response of {url} is incomplete (no HTTP headers)")
    body = record.content_stream().read()
    payload = None
    if record.rec_type == "revisit":
        original = read_capture(folder, _referred(headers.get_header(REFERS_TO_LOCATION), url))
        body, payload = original.body, original.payload
    if headers.get_header("WARC-Payload-Digest") not in (None, payload_digest(body)):
        raise ValueError(f"archived response of {url} is incomplete (payload digest differs)")
    return ArchivedResponse(
        url=url,
        requested_url=headers.get_header(REQUESTED_URI) or url,
        status=int(record.http_headers.get_statuscode()),
        headers=list(record.http_headers.headers),
        body=body,
        fetched_at=headers.get_header("WARC-Date"),
        meta=_meta(headers.get_header(META_HEADER)),
        payload=payload,
    )


def _located(response: ArchivedResponse, location: Location) -> ArchivedResponse:
    """The response read at `location`, which holds its body unless it is a revisit."""
    if response.payload is not None:
        return response
    return replace(response, payload=Payload(location, response.url, response.fetched_at))


def _referred(text: str | None, url: str) -> Location:
    """The location a revisit record names for its body; ValueError when it names none."""
    try:
        file, offset, length = (text or "").split()
        return Location(file, int(offset), int(length))
    except ValueError as exc:
        raise ValueError(f"archived revisit of {url} names no record holding its body") from exc


def read_capture(folder: Path, location: Location) -> ArchivedResponse:
    """The response archived at `location` (a revisit with its body); ValueError when none is there."""
    path = Path(folder) / Path(location.file).name  # a location names a file of this folder only
    with open(path, "rb") as handle:
        handle.seek(location.offset)
        for record in ArchiveIterator(handle):  # the record at the offset, then stop
            if record.rec_type in ARCHIVED_TYPES:
                return _located(_archived(record, folder), location)
            break
    raise ValueError(f"no archived response at {location.file}:{location.offset}")


def archive_files(folder: Path) -> list[Path]:
    """The WARC files of the archive folder, oldest first (their names start with their creation time)."""
    return sorted(Path(folder).glob("*.warc.gz"))


def iter_captures(folder: Path) -> Iterator[tuple[Location, ArchivedResponse]]:
    """Every archived response of every file of the folder, in the order written; a cut-off last record is skipped."""
    for path in archive_files(folder):
        with open(path, "rb") as handle:
            records = ArchiveIterator(handle)
            try:
                for record in records:
                    if record.rec_type in ARCHIVED_TYPES:
                        response = _archived(record, folder)
                        location = Location(path.name, records.get_record_offset(), records.get_record_length())
                        yield location, _located(response, location)
            except UNREADABLE:  # the end of a file cut off by a crash
                continue
