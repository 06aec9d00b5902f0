"""The web archive: every fetched report response kept as served, in WARC files (ISO 28500), with warcio.

Each response is written as a `request` record (the URL asked for) and a `response` record (the final
URL, status, headers and body as received, `WARC-Date` = fetch time), each gzipped on its own, so a
file cut off by a crash keeps every earlier record readable. Files are named
`reports-<UTC time>-<n>-<random>.warc.gz`, start with a `warcinfo` record, grow only by appending, and a
new one starts past `max_bytes`; a file is never rewritten. `ArchiveWriter.write` returns where the
response record lies (file name, offset, length), which the index keeps to replay it later.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

DEFAULT_MAX_BYTES = 1_000_000_000  # rotate after ~1 GB, the size common WARC tools expect
SOFTWARE = "gov-report-index (https://github.com/your-org/gov-report-index)"
REQUESTED_URI = "WARC-X-Requested-URI"  # the URL asked for, when a redirect led elsewhere
HTTP_REASONS = {200: "OK", 203: "Non-Authoritative Information", 206: "Partial Content"}


@dataclass(frozen=True)
class Location:
    """Where one archived response lies: file name (inside the archive folder), byte offset, length."""

    file: str
    offset: int
    length: int


@dataclass(frozen=True)
class Capture:
    """A response as the site served it, read back from the archive."""

    url: str  # the final URL (after redirects)
    requested_url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    fetched_at: str  # ISO 8601 UTC

    @property
    def content_type(self) -> str:
        """The Content-Type the site sent ('application/octet-stream' when it sent none)."""
        return next((v for k, v in self.headers if k.lower() == "content-type"), "application/octet-stream")


def _warc_date(fetched_at: str | datetime) -> str:
    """A WARC-Date (UTC, seconds) from an ISO time or a datetime."""
    when = datetime.fromisoformat(fetched_at.replace("Z", "+00:00")) if isinstance(fetched_at, str) else fetched_at
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class ArchiveWriter:
    """Appends responses to rotating WARC files in one folder (one writer per process)."""

    def __init__(self, folder: Path, max_bytes: int = DEFAULT_MAX_BYTES):
        self.folder = Path(folder)
        self.max_bytes = max_bytes
        self._handle: BinaryIO | None = None
        self._writer: WARCWriter | None = None
        self._name = ""
        self._files = 0

    def write(
        self,
        *,
        requested_url: str,
        url: str,
        status: int,
        headers: Mapping[str, str],
        body: bytes,
        fetched_at: str | datetime,
    ) -> Location:
        """Archive one response (and the request for it); return where the response record starts."""
        writer, handle = self._current()
        date = _warc_date(fetched_at)
        request = writer.create_warc_record(
            requested_url,
            "request",
            payload=io.BytesIO(b""),
            length=0,
            http_headers=StatusAndHeaders(f"GET {requested_url} HTTP/1.1", [], is_http_request=True),
            warc_headers_dict={"WARC-Date": date},
        )
        http = StatusAndHeaders(
            f"{status} {HTTP_REASONS.get(status, 'OK')}", list(headers.items()), protocol="HTTP/1.1"
        )
        extra = {"WARC-Date": date, "WARC-Concurrent-To": request.rec_headers.get_header("WARC-Record-ID")}
        if requested_url != url:
            extra[REQUESTED_URI] = requested_url
        response = writer.create_warc_record(
            url, "response", payload=io.BytesIO(body), length=len(body), http_headers=http, warc_headers_dict=extra
        )
        writer.write_record(request)
        offset = handle.tell()
        writer.write_record(response)
        handle.flush()
        os.fsync(handle.fileno())
        return Location(self._name, offset, handle.tell() - offset)

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
        self._writer = WARCWriter(self._handle, gzip=True)
        self._writer.write_record(
            self._writer.create_warcinfo_record(self._name, {"software": SOFTWARE, "format": "WARC File Format 1.1"})
        )
        return self._writer, self._handle

    def close(self) -> None:
        """Close the open file."""
        if self._handle is not None:
            self._handle.close()
        self._handle, self._writer = None, None


def _capture(record: object) -> Capture:
    """A Capture from a warcio response record; ValueError when its body does not match its digest (cut off)."""
    headers = record.rec_headers  # type: ignore[attr-defined]
    http = record.http_headers  # type: ignore[attr-defined]
    url = headers.get_header("WARC-Target-URI")
    body = record.content_stream().read()  # type: ignore[attr-defined]
    digest = "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode("ascii")
    if headers.get_header("WARC-Payload-Digest") not in (None, digest):
        raise ValueError(f"archived response of {url} is incomplete (payload digest differs)")
    return Capture(
        url=url,
        requested_url=headers.get_header(REQUESTED_URI) or url,
        status=int(http.get_statuscode()),
        headers=list(http.headers),
        body=body,
        fetched_at=headers.get_header("WARC-Date"),
    )


def read_capture(folder: Path, location: Location) -> Capture:
    """The response archived at `location`; ValueError when no response record is there."""
    path = Path(folder) / Path(location.file).name  # a location names a file of this folder only
    with open(path, "rb") as handle:
        handle.seek(location.offset)
        for record in ArchiveIterator(handle):  # the record at the offset, then stop
            if record.rec_type == "response":
                return _capture(record)
            break
    raise ValueError(f"no archived response at {location.file}:{location.offset}")


def iter_captures(folder: Path) -> Iterator[tuple[Location, Capture]]:
    """Every archived response of every file of the folder, oldest file first; a cut-off last record is skipped."""
    for path in sorted(Path(folder).glob("*.warc.gz")):
        with open(path, "rb") as handle:
            records = ArchiveIterator(handle)
            try:
                for record in records:
                    if record.rec_type == "response":
                        capture = _capture(record)
                        offset = records.get_record_offset()
                        yield Location(path.name, offset, records.get_record_length()), capture
            except (EOFError, OSError, ValueError):  # the end of a file cut off by a crash
                continue
