"""An index with version history and a web archive, built by the indexer's own code: what the version tests serve.

The six real Pingtan report pages, each archived as served (indexer.archive.ArchiveWriter) and indexed
from the archived response (build_archived_record) through SqliteBackend.write:

* EDITED (2023): served as published, then edited (a sentence of its text and the cell 本年新收·自然人
  80 → 82, Content-Type changed too), then served unchanged again: versions 1 and 2;
* GONE (2021): served once, then its URL answers 404: withdrawn (mark_gone with the 404's capture);
* LOST_FILE (2019): archived in a WARC file of its own that is deleted afterwards;
* NO_CAPTURE (2018): indexed without the archive;
* OUTSIDE (2015): its capture names a file outside the archive folder (the index file itself);
* the 2011 report: served once;

then the agency registry is rebuilt, as at the end of a crawl.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from indexer.agencies.build import rebuild_agencies
from indexer.archive import ArchivedResponse, ArchiveWriter, build_archived_record, capture_of
from indexer.model import Capture, Record
from indexer.record import build_record
from indexer.storage import open_backend
from registry_records import TODAY
from sample_files import PINGTAN, sample_file

BASE = "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/"
EDITED = BASE + "202403/t20240308_87885.htm"
GONE = BASE + "202202/t20220208_80613.htm"
LOST_FILE = BASE + "202001/t20200120_80576.htm"
NO_CAPTURE = BASE + "201901/t20190110_80529.htm"
OUTSIDE = BASE + "201601/t20160112_80445.htm"
PLAIN = BASE + "201204/t20120420_80678.htm"
FIRST_AT, EDITED_AT, AGAIN_AT, GONE_AT = (
    "2025-03-01T08:00:00Z",
    "2025-06-01T09:30:00Z",
    "2025-07-01T10:00:00Z",
    "2025-08-01T11:00:00Z",
)
FIRST_TYPE, EDITED_TYPE = "text/html", "text/html; charset=utf-8"  # the first without charset, as some sites send
OLD_SENTENCE, NEW_SENTENCE = "全年开展季度通报3次、月通报7次。", "全年开展季度通报4次、月通报9次。"
NEW_RECEIVED_ROW = "一、本年新收政府信息公开申请数量"
OLD_CELL, NEW_CELL = '<p style="text-indent: 0em;">80</p>', '<p style="text-indent: 0em;">82</p>'


def page(url: str) -> bytes:
    """The real page saved for a Pingtan report URL."""
    return sample_file(PINGTAN / (url.rsplit("_", 1)[1].replace(".htm", ".html"))).read_bytes()


def edited_page() -> bytes:
    """The 2023 report edited after publication: one sentence, and 本年新收·自然人 80 → 82 in table 三."""
    html = page(EDITED).decode("utf-8")
    assert html.count(OLD_SENTENCE) == 1
    html = html.replace(OLD_SENTENCE, NEW_SENTENCE)
    row = html.index(NEW_RECEIVED_ROW)
    cell = html.index(OLD_CELL, row)
    return (html[:cell] + NEW_CELL + html[cell + len(OLD_CELL) :]).encode("utf-8")


@dataclass
class ArchivedIndex:
    """Where the index and the archive are, and what was archived for each report (by URL, oldest first)."""

    db: Path
    archive: Path
    served: dict[str, list[tuple[bytes, str, Capture]]] = field(default_factory=dict)  # url -> (body, type, capture)
    ids: dict[str, str] = field(default_factory=dict)  # url -> report id
    gone_capture: Capture | None = None
    lost_file: str = ""


def served(writer: ArchiveWriter, url: str, body: bytes, content_type: str, at: str, status: int = 200) -> Capture:
    """Archive one response as the site served it; the index entry pointing to it."""
    response = ArchivedResponse(
        url=url,
        requested_url=url,
        status=status,
        headers=[("Content-Type", content_type), ("Server", "nginx")],
        body=body,
        fetched_at=at,
        meta={"portal": "pingtan", "role": "report"},
    )
    return capture_of(writer.write(response), response)


def indexed(index: ArchivedIndex, writer: ArchiveWriter, url: str, body: bytes, content_type: str, at: str) -> Record:
    """Archive a served report page and build its record from the archive, as the crawl does."""
    capture = served(writer, url, body, content_type, at)
    index.served.setdefault(url, []).append((body, content_type, capture))
    record = build_archived_record(
        ArchivedResponse(url=url, requested_url=url, status=200, headers=[], body=body, fetched_at=at), capture
    )
    index.ids[url] = record["id"]
    return record


def build_archived_index(folder: Path) -> ArchivedIndex:
    """Write the index and its archive into `folder` (reports.sqlite, archive/)."""
    index = ArchivedIndex(db=folder / "reports.sqlite", archive=folder / "archive")
    writer, lost = ArchiveWriter(index.archive), ArchiveWriter(index.archive)
    backend = open_backend(index.db)
    try:
        first = [indexed(index, writer, url, page(url), FIRST_TYPE, FIRST_AT) for url in (EDITED, GONE, PLAIN)]
        first.append(indexed(index, lost, LOST_FILE, page(LOST_FILE), FIRST_TYPE, FIRST_AT))
        first.append(build_record(page(NO_CAPTURE), url=NO_CAPTURE, fetched_at=FIRST_AT))
        index.ids[NO_CAPTURE] = first[-1]["id"]
        outside = indexed(index, writer, OUTSIDE, page(OUTSIDE), FIRST_TYPE, FIRST_AT)
        first.append({**outside, "capture": {**outside["capture"], "warc_file": "../reports.sqlite"}})
        backend.write(first)
        backend.write([indexed(index, writer, EDITED, edited_page(), EDITED_TYPE, EDITED_AT)])
        backend.write([indexed(index, writer, EDITED, edited_page(), EDITED_TYPE, AGAIN_AT)])
        index.gone_capture = served(writer, GONE, b"<h1>404 Not Found</h1>", "text/html", GONE_AT, status=404)
        backend.mark_gone(GONE, GONE_AT, "http_404", index.gone_capture)
        rebuild_agencies(backend, TODAY)
    finally:
        backend.close()
        writer.close()
        lost.close()
    index.lost_file = index.served[LOST_FILE][0][2]["warc_file"]
    (index.archive / index.lost_file).unlink()
    return index
