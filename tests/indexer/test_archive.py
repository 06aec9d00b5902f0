"""The web archive (indexer/archive.py): WARC files written with warcio, read back by warcio's own reader."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from indexer.archive import (
    META_HEADER,
    ArchivedResponse,
    ArchiveWriter,
    Location,
    Payload,
    build_archived_record,
    capture_of,
    gone_how,
    iter_captures,
    read_capture,
)
from indexer.record import build_record
from sample_files import PINGTAN

PAGE = (PINGTAN / "80613.html").read_bytes()
URL = "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/202202/t20220208_80613.htm"
META = {
    "portal": "pingtan",
    "role": "report",
    "list_title": "平潭综合实验区2021年政府信息公开工作年度报告",
    "referer": "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/index.htm",
    "source_format": "html",
    "province": "福建省",
}
HEADERS = [("Content-Type", "text/html; charset=UTF-8"), ("Last-Modified", "Tue, 08 Feb 2022 01:00:00 GMT")]


def served(day: int, *, url: str = URL, requested: str = URL, body: bytes = PAGE, **extra) -> ArchivedResponse:
    """The page as served on a day of December 2026."""
    fields = {"status": 200, "headers": HEADERS, "meta": META, **extra}
    return ArchivedResponse(
        url=url, requested_url=requested, body=body, fetched_at=f"2026-12-0{day}T03:00:00Z", **fields
    )


def write_three(folder: Path, max_bytes: int = 10**9) -> list[Location]:
    """Archive the same real page three times (the last behind a redirect)."""
    writer = ArchiveWriter(folder, max_bytes=max_bytes)
    responses = [served(1), served(2), served(3, requested=URL.replace("t2022", "old"), body=PAGE[:5000])]
    locations = [writer.write(response) for response in responses]
    writer.close()
    return locations


def warc_records(folder: Path) -> list:
    """(type, target URI, WARC headers, HTTP status, body) of every record, read by warcio alone."""
    found = []
    for path in sorted(folder.glob("*.warc.gz")):
        with open(path, "rb") as handle:
            for record in ArchiveIterator(handle):
                http = record.http_headers
                status = http.get_statuscode() if http is not None and record.rec_type == "response" else None
                body = record.content_stream().read()
                found.append((record.rec_type, record.rec_headers.get_header("WARC-Target-URI"), record, status, body))
    return found


def test_each_response_is_read_back_as_served_with_its_meta(tmp_path):
    locations = write_three(tmp_path)
    response = read_capture(tmp_path, locations[0])
    assert (response.url, response.status, response.body, response.meta) == (URL, 200, PAGE, META)
    assert response.content_type == "text/html; charset=UTF-8" and response.fetched_at == "2026-12-01T03:00:00Z"
    moved = read_capture(tmp_path, locations[2])
    assert moved.requested_url == URL.replace("t2022", "old") and moved.url == URL and moved.body == PAGE[:5000]


def test_warcio_reads_our_files_with_request_response_pairs_and_the_meta(tmp_path):
    write_three(tmp_path)
    records = warc_records(tmp_path)
    assert [r[0] for r in records] == ["warcinfo", "request", "response", "request", "response", "request", "response"]
    assert records[2][1] == URL and records[2][3] == "200" and records[2][4] == PAGE
    assert json.loads(records[2][2].rec_headers.get_header(META_HEADER)) == META
    assert records[5][1] == URL.replace("t2022", "old")  # the request record names the URL asked for


def test_the_location_is_where_warcio_finds_the_record(tmp_path):
    locations = write_three(tmp_path)
    assert [location for location, _ in iter_captures(tmp_path)] == locations


def test_encoding_headers_no_longer_describe_the_decoded_body(tmp_path):
    writer = ArchiveWriter(tmp_path)
    headers = [*HEADERS, ("Content-Encoding", "gzip"), ("Transfer-Encoding", "chunked"), ("Content-Length", "99")]
    writer.write(served(1, headers=headers))
    writer.close()
    (response,) = [r for r in warc_records(tmp_path) if r[0] == "response"]
    http = response[2].http_headers
    assert response[4] == PAGE  # warcio neither un-gzips nor de-chunks it
    assert http.get_header("Content-Length") == str(len(PAGE)) and http.get_header("Content-Encoding") is None
    assert http.get_header("X-Archive-Orig-Content-Encoding") == "gzip"


def test_a_redirect_is_archived_as_the_3xx_with_its_location(tmp_path):
    writer = ArchiveWriter(tmp_path)
    location = writer.write(
        served(1, status=301, headers=[("Location", "/zwgk/zfxxgk/zfxxgknb/202202/")], body=b"<h1>301</h1>")
    )
    writer.close()
    response = read_capture(tmp_path, location)
    assert (response.status, response.gone) == (301, "redirect_parent")
    (record,) = [r for r in warc_records(tmp_path) if r[0] == "response"]
    assert record[2].http_headers.statusline == "301 Moved Permanently"


def test_files_rotate_by_size_and_are_never_rewritten(tmp_path):
    locations = write_three(tmp_path, max_bytes=1)
    assert len({loc.file for loc in locations}) == 3
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    write_three(tmp_path, max_bytes=1)  # a second writer (a later crawl) adds files of its own
    assert all((tmp_path / name).read_bytes() == data for name, data in before.items())
    assert len(list(tmp_path.glob("*.warc.gz"))) == 6


@pytest.mark.parametrize("kept", [0.02, 0.1, 0.5, 0.98])
def test_a_crash_mid_write_leaves_every_earlier_record_readable(tmp_path, kept):
    locations = write_three(tmp_path)
    (path,) = tmp_path.glob("*.warc.gz")
    data = path.read_bytes()
    path.write_bytes(data[: locations[2].offset + int(locations[2].length * kept)])  # the last record cut
    assert [c.fetched_at for _, c in iter_captures(tmp_path)] == ["2026-12-01T03:00:00Z", "2026-12-02T03:00:00Z"]
    with open(path, "rb") as handle:  # warcio's own reader gets the same two responses whole
        records = ArchiveIterator(handle)
        responses = [next(r for r in records if r.rec_type == "response").content_stream().read() for _ in "12"]
    assert responses == [PAGE, PAGE]


def test_the_record_of_an_archived_response_is_the_record_of_the_page(tmp_path):
    writer = ArchiveWriter(tmp_path)
    location = writer.write(served(1))
    writer.close()
    response = read_capture(tmp_path, location)
    record = build_archived_record(response, capture_of(location, response))
    direct = build_record(
        PAGE, url=URL, fetched_at="2026-12-01T03:00:00Z", hints={"province": "福建省"}, list_title=META["list_title"]
    )
    assert record == {**direct, "capture": capture_of(location, response), "site_code": None}  # the seed gave none
    assert record["capture"] == {
        "warc_file": location.file,
        "offset": location.offset,
        "length": location.length,
        "url": URL,
        "captured_at": "2026-12-01T03:00:00Z",
        "status": 200,
    }


REPORT = "http://www.example.gov.cn/zwgk/nb/2023/t20240120_7566.html"


@pytest.mark.parametrize(
    ("status", "target", "how"),
    [
        (404, None, "http_404"),
        (410, None, "http_410"),
        (301, "http://www.example.gov.cn/zwgk/nb/2023/", "redirect_parent"),
        (302, "http://www.example.gov.cn/zwgk/nb/2023/index.shtml", "redirect_parent"),
        (301, "https://www.example.gov.cn/zwgk/", "redirect_parent"),  # a folder further up
        (200, "http://www.example.gov.cn/zwgk/nb/", "redirect_parent"),  # where a meta refresh led
        (301, "http://www.example.gov.cn/", "redirect_home"),
        (302, "https://www.example.gov.cn/index.html", "redirect_home"),
        (301, "https://www.example.gov.cn/zwgk/nb/2023/t20240120_7566.html", None),  # http → https
        (301, "http://www.example.gov.cn/zwgk/nb/2023/t20240120_7566.html/", None),
        (301, "http://www.example.gov.cn/other/", None),  # another folder: not its own
        (301, "http://www.example.gov.cn/zwgk/nb/2023/new.html", None),  # moved to another page
        (200, None, None),
        (500, None, None),
    ],
)
def test_gone_how_classifies_what_a_stored_url_answers(status, target, how):
    assert gone_how(REPORT, status, target) == how


def test_a_folder_url_is_gone_only_when_sent_above_itself():
    assert gone_how("http://h.gov.cn/a/b/index.html", 301, "http://h.gov.cn/a/b/") is None
    assert gone_how("http://h.gov.cn/a/b/", 301, "http://h.gov.cn/a/") == "redirect_parent"


def test_an_unchanged_body_is_archived_as_a_revisit_of_the_record_holding_it(tmp_path):
    writer = ArchiveWriter(tmp_path)
    first = writer.write(served(1))
    second = writer.write(served(2), previous=read_capture(tmp_path, first))
    third = writer.write(served(3), previous=read_capture(tmp_path, second))  # refers to the first, not the second
    changed = writer.write(served(4, body=PAGE[:5000]), previous=read_capture(tmp_path, third))
    writer.close()
    assert second.length < 1500 < first.length and changed.length > 1500
    again = read_capture(tmp_path, third)
    assert (again.body, again.fetched_at, again.meta) == (PAGE, "2026-12-03T03:00:00Z", META)
    assert again.payload == Payload(first, URL, "2026-12-01T03:00:00Z")
    assert [(loc, r.body == PAGE) for loc, r in iter_captures(tmp_path)] == [
        (first, True),
        (second, True),
        (third, True),
        (changed, False),
    ]
    kinds = [(r[0], r[2].rec_headers.get_header("WARC-Refers-To-Date")) for r in warc_records(tmp_path)]
    assert [k for k in kinds if k[0] in ("response", "revisit")] == [
        ("response", None),
        ("revisit", "2026-12-01T03:00:00Z"),
        ("revisit", "2026-12-01T03:00:00Z"),
        ("response", None),
    ]
    (revisit, *_) = [r[2] for r in warc_records(tmp_path) if r[0] == "revisit"]
    assert revisit.rec_headers.get_header("WARC-Profile").endswith("/revisit/identical-payload-digest")
