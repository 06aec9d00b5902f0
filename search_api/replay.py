"""Replay an archived response (GET /reports/{id}/source): its WARC file inside the archive folder, the bytes the
site served read back with indexer.archive, and headers naming the capture (Memento, RFC 7089).

A capture names its WARC file; only that name is used, inside the archive folder, so an index entry can never
point the API at another file. An archived page is served sandboxed: its scripts never run as the API's origin.
"""

from __future__ import annotations

import zlib
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import quote

from warcio.exceptions import ArchiveLoadFailed

from indexer import archive
from indexer.model import Capture

# ASCII a URL keeps in a header; anything else (non-ASCII, spaces, CR/LF) is percent-encoded
URL_SAFE = "!#$%&'()*+,/:;=?@[]~"
FALLBACK_TYPE = "application/octet-stream"  # for a Content-Type that cannot be sent back as it was
SANDBOX = {"Content-Security-Policy": "sandbox", "X-Content-Type-Options": "nosniff"}
UNREADABLE = (OSError, EOFError, ValueError, zlib.error, ArchiveLoadFailed)  # a damaged or cut-off WARC record


class NotArchived(Exception):
    """The archived response cannot be replayed; the message says which file and why."""


def warc_path(folder: Path, capture: Capture) -> Path:
    """The capture's WARC file, by its name only, inside `folder`; NotArchived when it is not there."""
    name = Path(capture["warc_file"]).name
    root = folder.resolve()
    path = (root / name).resolve()
    if not name or path.parent != root or not path.is_file():
        raise NotArchived(f"the WARC file {name!r} of this capture is missing from the archive folder")
    return path


def read_archived(folder: Path, capture: Capture) -> archive.ArchivedResponse:
    """The response archived where `capture` says; NotArchived when its file is missing or the record unreadable."""
    path = warc_path(folder, capture)
    try:
        return archive.read_capture(path.parent, archive.Location.of(capture))
    except UNREADABLE as exc:  # its message may quote binary garbage: not repeated to the client
        where = f"{path.name}:{capture['offset']}"
        raise NotArchived(f"cannot read the archived response at {where} (cut off, damaged or misplaced)") from exc


def header_url(url: str) -> str:
    """A URL as a header value: ASCII only, percent-encoded where needed."""
    return quote(url, safe=URL_SAFE)


def memento_datetime(captured_at: str) -> str:
    """An ISO capture time as RFC 7089 Memento-Datetime (RFC 1123, GMT), e.g. 'Sat, 01 Mar 2025 08:00:00 GMT'."""
    when = datetime.fromisoformat(captured_at)
    return format_datetime((when if when.tzinfo else when.replace(tzinfo=UTC)).astimezone(UTC), usegmt=True)


def content_type(archived: archive.ArchivedResponse) -> str:
    """The Content-Type the site sent, when it can be sent back unchanged (printable ASCII), else octet-stream."""
    value = archived.content_type
    return value if value.isascii() and value.isprintable() else FALLBACK_TYPE


def replay_headers(capture: Capture, archived: archive.ArchivedResponse) -> dict[str, str]:
    """The headers of a replayed response: its original Content-Type, where and when it was captured, a sandbox."""
    original = header_url(capture["url"])
    return {
        "Content-Type": content_type(archived),
        "X-Archive-Captured-At": capture["captured_at"],
        "X-Archive-URL": original,
        "X-Archive-File": header_url(Path(capture["warc_file"]).name),
        "X-Archive-Offset": str(capture["offset"]),
        "Link": f'<{original}>; rel="original"',
        "Memento-Datetime": memento_datetime(capture["captured_at"]),
        **SANDBOX,
    }
