"""The hostile site over real HTTP and raw sockets: every misbehaviour does what its truth entry says."""

from __future__ import annotations

import http.client
import socket
import zlib
from urllib.parse import urlsplit

import pytest
from portal_helpers import fetch

from crawler import settings_local
from sample_portal import misbehaviour
from sample_portal.sites.hostile import LONG_URL_CHARACTERS

FAILURE_KINDS = {
    "fetch_failed",
    "too_large",
    "robots",
    "off_scope",
    "bad_redirect",
    "url_too_long",
    "trap",
    "budget",
    "unreadable",
}


def case(truth: dict, ending: str) -> dict:
    """Return the hostile truth entry whose URL (or prefix) ends with `ending`."""
    return next(c for c in truth["hostile"] if c.get("url", c.get("url_prefix")).endswith(ending))


def hostile(truth: dict, path: str) -> str:
    """Return the absolute URL of a path on the hostile host."""
    return truth["hostile_portal"] + path


def connect(url: str, timeout: float = 10) -> http.client.HTTPConnection:
    """Open a connection to the URL's host and send a GET for it."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    connection.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""))
    return connection


def raw_get(url: str, timeout: float = 10) -> socket.socket:
    """Send a GET over a plain socket (to watch how the answer ends) and return the socket."""
    parts = urlsplit(url)
    sock = socket.create_connection((parts.hostname, parts.port), timeout=timeout)
    sock.sendall(f"GET {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\nConnection: close\r\n\r\n".encode())
    return sock


def read_until_end(sock: socket.socket) -> tuple[bytes, BaseException | None]:
    """Read a socket to its end; return what came and the error that ended it, if any."""
    received = b""
    try:
        while chunk := sock.recv(65536):
            received += chunk
    except OSError as error:
        return received, error
    finally:
        sock.close()
    return received, None


def body_of(raw: bytes) -> bytes:
    """Return what follows the headers of a raw answer."""
    return raw.partition(b"\r\n\r\n")[2]


def test_truth_lists_every_case_with_a_known_outcome(truth, portal):
    port = urlsplit(portal).port
    assert truth["hostile_portal"] == f"http://localhost:{port}"
    assert urlsplit(truth["robots_unreachable"]).hostname == "localhost"
    outcomes = {c["expect"] for c in truth["hostile"]}
    assert outcomes == FAILURE_KINDS | {"report"}
    assert sum(c["expect"] == "report" for c in truth["hostile"]) == 5
    for entry in truth["hostile"]:
        url = entry.get("url") or entry["url_prefix"]
        assert urlsplit(url).hostname == "localhost", url
        assert entry["what"]
        assert entry["expect"] == "report" or entry["reason_contains"]


def test_genuine_reports_answer_200_and_are_listed_in_a_column(truth):
    column = fetch(hostile(truth, "/hostile/xxgk/zfxxgknb/index.html")).text
    for entry in (c for c in truth["hostile"] if c["expect"] == "report"):
        answer = fetch(entry["url"])
        if answer.status == 503:  # the flaky one answers every other time
            answer = fetch(entry["url"])
        assert answer.status == 200, entry
        assert "政府信息公开" in answer.text and "年度报告" in answer.text
    assert "/hostile/go/moved_1003.html" in column
    assert truth["robots_unreachable"] in column


def test_flaky_report_answers_503_then_200(truth):
    url = case(truth, "t20240116_1002.html")["url"]
    assert sorted(fetch(url).status for _ in range(2)) == [200, 503]


def test_always_500(truth):
    assert fetch(case(truth, "always500.html")["url"]).status == 500


@pytest.mark.parametrize(
    ("path", "location_start"),
    [
        ("/hostile/go/offsite.html", "http://127.0.0.2:"),
        ("/hostile/go/neighbour.html", "http://127.0.0.1:"),
        ("/hostile/go/loop_a.html", "/hostile/go/loop_b.html"),
        ("/hostile/go/loop_b.html", "/hostile/go/loop_a.html"),
        ("/hostile/go/self.html", "/hostile/go/self.html"),
        ("/hostile/go/file.html", "file:///etc/passwd"),
        ("/hostile/go/data.html", "data:text/html;base64,"),
        ("/hostile/go/long.html", "/hostile/nb/long_8888"),
        ("/hostile/go/moved_1003.html", "/hostile/nb/202401/t20240117_1003.html"),
    ],
)
def test_redirects_point_where_they_say(truth, path, location_start):
    connection = connect(hostile(truth, path))
    answer = connection.getresponse()
    location = answer.getheader("Location")
    connection.close()
    assert answer.status in (301, 302)
    assert location.startswith(location_start)


def test_redirect_into_another_seed_lands_on_a_real_report(truth, portal):
    connection = connect(hostile(truth, "/hostile/go/neighbour.html"))
    location = connection.getresponse().getheader("Location")
    connection.close()
    assert location.startswith(portal + "/saihan/") and fetch(location).status == 200


def test_long_link_and_long_redirect_are_over_the_url_limit(truth):
    assert len(case(truth, "9" * 20 + ".html")["url"]) > LONG_URL_CHARACTERS
    connection = connect(hostile(truth, "/hostile/go/long.html"))
    location = connection.getresponse().getheader("Location")
    connection.close()
    assert len(truth["hostile_portal"] + location) > 2083 + 500


def test_meta_refresh_sends_off_domain(truth):
    page = fetch(hostile(truth, "/hostile/go/refresh.html"))
    assert page.status == 200 and 'http-equiv="refresh"' in page.text and "http://127.0.0.2:" in page.text


def test_huge_page_announces_50_mb_and_streams_it(truth):
    connection = connect(case(truth, "/huge.html")["url"])
    answer = connection.getresponse()
    assert answer.getheader("Content-Length") == str(misbehaviour.HUGE_BYTES)
    assert b"<title>" in answer.read(1 << 20)
    connection.close()


def test_chunked_huge_page_has_no_length(truth):
    connection = connect(case(truth, "/huge_chunked.html")["url"])
    answer = connection.getresponse()
    assert answer.getheader("Content-Length") is None and answer.getheader("Transfer-Encoding") == "chunked"
    assert len(answer.read(1 << 20)) == 1 << 20
    connection.close()


def test_gzip_bomb_is_small_on_the_wire_and_huge_unpacked(truth):
    connection = connect(case(truth, "/bomb.html")["url"])
    answer = connection.getresponse()
    packed = answer.read()
    connection.close()
    assert answer.getheader("Content-Encoding") == "gzip" and len(packed) < 1 << 20
    unpacker, unpacked, pending = zlib.decompressobj(16 + zlib.MAX_WBITS), 0, packed
    while pending:
        unpacked += len(unpacker.decompress(pending, 1 << 20))
        pending = unpacker.unconsumed_tail
    assert unpacked == misbehaviour.BOMB_BYTES >= 100 * 1024 * 1024


def test_garbage_is_binary_served_as_html(truth):
    answer = fetch(case(truth, "/garbage.html")["url"])
    assert answer.headers["Content-Type"] == "text/html"
    with pytest.raises(UnicodeDecodeError):
        answer.body.decode("utf-8")


def test_truncated_answer_stops_at_5000_of_20000_bytes(truth):
    raw, error = read_until_end(raw_get(case(truth, "/truncated.html")["url"]))
    assert error is None and b"Content-Length: 20000" in raw
    assert len(body_of(raw)) == misbehaviour.SENT_BYTES


def test_reset_answer_ends_with_a_tcp_reset(truth):
    raw, error = read_until_end(raw_get(case(truth, "/reset.html")["url"]))
    assert isinstance(error, ConnectionResetError)
    assert len(body_of(raw)) <= misbehaviour.SENT_BYTES


def test_hanging_answers_stall(truth):
    silent = raw_get(case(truth, "/hang_head.html")["url"], timeout=1)
    with pytest.raises(TimeoutError):
        silent.recv(1)
    silent.close()
    stalled = raw_get(case(truth, "/hang_body.html")["url"], timeout=1)
    raw, error = read_until_end(stalled)
    assert isinstance(error, TimeoutError) and len(body_of(raw)) == misbehaviour.SENT_BYTES


def test_hangs_outlast_the_local_download_timeout():
    assert misbehaviour.HANG_SECONDS > settings_local.DOWNLOAD_TIMEOUT


def test_second_port_robots_txt_is_unreachable_and_main_disallows_private(truth):
    assert fetch(truth["robots_unreachable"] + "/robots.txt").status == 503
    assert fetch(case(truth, "t20240121_1011.html")["url"]).status == 200
    assert "Disallow: /private/" in fetch(truth["hostile_portal"] + "/robots.txt").text
    assert "/private/" in case(truth, "t20240120_1010.html")["url"]


def test_traps_go_on_forever(truth):
    calendar = fetch(hostile(truth, "/hostile/cal/41/p1.html")).text
    assert 'href="/hostile/cal/42/p1.html">下一页' in calendar
    pager = fetch(hostile(truth, "/hostile/trap/index_77.html")).text
    assert 'href="/hostile/trap/index_78.html">下一页' in pager
    assert fetch(hostile(truth, "/hostile/cal/x/p1.html")).status == 404


def test_access_log_keeps_host_path_and_status(portal_server, truth):
    before = len(portal_server.access_log)
    fetch(hostile(truth, "/hostile/nb/always500.html"))
    fetch(truth["robots_unreachable"] + "/robots.txt")
    last = list(portal_server.access_log)[before:]
    assert [(a.host.split(":")[0], a.path, a.status) for a in last] == [
        ("localhost", "/hostile/nb/always500.html", 500),
        ("localhost", "/robots.txt", 503),
    ]
