"""The web archive (indexer/archive.py): WARC files written with warcio, read back by warcio's own reader."""

from __future__ import annotations

from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from indexer.archive import ArchiveWriter, iter_captures, read_capture
from sample_files import PINGTAN

PAGE = (PINGTAN / "80613.html").read_bytes()
URL = "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/202202/t20220208_80613.htm"


def write_three(folder: Path, max_bytes: int = 10**9) -> list:
    """Archive the same real page three times (the last behind a redirect)."""
    writer = ArchiveWriter(folder, max_bytes=max_bytes)
    headers = {"Content-Type": "text/html; charset=UTF-8", "Last-Modified": "Tue, 08 Feb 2022 01:00:00 GMT"}
    locations = [
        writer.write(
            requested_url=URL, url=URL, status=200, headers=headers, body=PAGE, fetched_at=f"2026-12-0{i}T03:00:00Z"
        )
        for i in (1, 2)
    ]
    locations.append(
        writer.write(
            requested_url=URL.replace("t2022", "old"),
            url=URL,
            status=200,
            headers=headers,
            body=PAGE[:5000],
            fetched_at="2026-12-03T03:00:00Z",
        )
    )
    writer.close()
    return locations


def test_each_response_is_read_back_as_served(tmp_path):
    locations = write_three(tmp_path)
    capture = read_capture(tmp_path, locations[0])
    assert (capture.url, capture.status, capture.body) == (URL, 200, PAGE)
    assert capture.content_type == "text/html; charset=UTF-8" and capture.fetched_at == "2026-12-01T03:00:00Z"
    moved = read_capture(tmp_path, locations[2])
    assert moved.requested_url == URL.replace("t2022", "old") and moved.url == URL and moved.body == PAGE[:5000]


def test_warcio_reads_our_files_with_request_response_pairs(tmp_path):
    write_three(tmp_path)
    (path,) = tmp_path.glob("*.warc.gz")
    with open(path, "rb") as handle:
        kinds = [(r.rec_type, r.rec_headers.get_header("WARC-Target-URI")) for r in ArchiveIterator(handle)]
    assert [k for k, _ in kinds] == ["warcinfo", "request", "response", "request", "response", "request", "response"]
    assert kinds[2][1] == URL


def test_files_rotate_by_size_and_are_never_rewritten(tmp_path):
    locations = write_three(tmp_path, max_bytes=1)
    assert len({loc.file for loc in locations}) == 3
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    write_three(tmp_path, max_bytes=1)  # a second writer (a later crawl) adds files of its own
    assert all((tmp_path / name).read_bytes() == data for name, data in before.items())
    assert len(list(tmp_path.glob("*.warc.gz"))) == 6


def test_a_crash_mid_write_leaves_every_earlier_record_readable(tmp_path):
    locations = write_three(tmp_path)
    (path,) = tmp_path.glob("*.warc.gz")
    data = path.read_bytes()
    path.write_bytes(data[: locations[2].offset + locations[2].length // 2])  # the last record cut in half
    assert [c.fetched_at for _, c in iter_captures(tmp_path)] == ["2026-12-01T03:00:00Z", "2026-12-02T03:00:00Z"]
    with open(path, "rb") as handle:  # warcio's own reader gets the same two responses whole, then a cut one
        responses = [r.content_stream().read() for r in ArchiveIterator(handle) if r.rec_type == "response"]
    assert responses[:2] == [PAGE, PAGE] and all(len(r) < 5000 for r in responses[2:])
