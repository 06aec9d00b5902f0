"""Answers that misbehave on purpose: huge, compressed bombs, binary garbage, cut short, reset, hanging.

Each is built lazily: the huge page is written piece by piece and never held in memory; the gzip
bomb is compressed once per process and cached (about 100 KB sent, 105 MB unpacked).
"""

from __future__ import annotations

import random
import time
import zlib
from collections.abc import Iterator
from functools import cache

from .model import Response, Streamed, Wire

HTML = "text/html; charset=utf-8"
CHUNK_BYTES = 64 * 1024
HUGE_BYTES = 50 * 1024 * 1024  # the oversized page
BOMB_BYTES = 105 * 1024 * 1024  # the gzip bomb, unpacked
GARBAGE_BYTES = 64 * 1024
ANNOUNCED_BYTES = 20_000  # Content-Length of the cut and hanging answers
SENT_BYTES = 5_000  # what they send of it
HANG_SECONDS = 6.0  # longer than crawler.settings_local.DOWNLOAD_TIMEOUT, short enough for tests
RESET_PAUSE_SECONDS = 0.3  # lets the client read what was sent before the reset
FILLER_PARAGRAPH = (
    "<p>本机关认真贯彻落实《中华人民共和国政府信息公开条例》，主动公开政府信息，依法答复依申请公开。</p>\n"
)


def page_head(title: str) -> str:
    """Return the start of a report-like page (what a huge page repeats its paragraphs under)."""
    return (
        f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title></head>'
        f'<body><h1>{title}</h1><div class="TRS_Editor">\n'
    )


def filler(title: str, total: int) -> Iterator[bytes]:
    """Yield exactly `total` bytes of a report-like page, CHUNK_BYTES at a time."""
    head = page_head(title).encode()
    paragraph = FILLER_PARAGRAPH.encode()
    block = head + paragraph * ((CHUNK_BYTES - len(head)) // len(paragraph))
    sent = 0
    while sent < total:
        piece = block[: total - sent]
        if len(piece) < len(block):  # the last piece: end on a whole character, padded with spaces
            whole = piece.decode("utf-8", "ignore").encode()
            piece = whole + b" " * (len(piece) - len(whole))
        yield piece
        sent += len(piece)
        block = paragraph * (CHUNK_BYTES // len(paragraph))


def huge_page(title: str, *, announce_length: bool) -> Streamed:
    """A 50 MB page, with its Content-Length announced or sent chunked without one."""

    def write(wire: Wire) -> None:
        wire.head(200, HTML, length=HUGE_BYTES if announce_length else None)
        for piece in filler(title, HUGE_BYTES):
            wire.write(piece)
        wire.end()

    return Streamed(write)


@cache
def gzip_bomb_body(title: str) -> bytes:
    """Return a gzip stream of about 100 KB that unpacks to BOMB_BYTES of page (built once)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    parts = [packer.compress(piece) for piece in filler(title, BOMB_BYTES)]
    parts.append(packer.flush())
    return b"".join(parts)


def gzip_bomb(title: str) -> Response:
    """A small answer with Content-Encoding: gzip that unpacks to 105 MB."""
    return Response(gzip_bomb_body(title), HTML, extra_headers=(("Content-Encoding", "gzip"),))


def binary_garbage() -> Response:
    """Random bytes served as text/html (the same bytes every time)."""
    return Response(random.Random("hostile/garbage").randbytes(GARBAGE_BYTES), "text/html")


def cut_short(title: str) -> Streamed:
    """Announce ANNOUNCED_BYTES, send SENT_BYTES, close the connection normally."""

    def write(wire: Wire) -> None:
        wire.head(200, HTML, length=ANNOUNCED_BYTES)
        wire.write(next(filler(title, SENT_BYTES)))

    return Streamed(write)


def reset_mid_body(title: str) -> Streamed:
    """Announce ANNOUNCED_BYTES, send SENT_BYTES, then abort the connection with a TCP reset."""

    def write(wire: Wire) -> None:
        wire.head(200, HTML, length=ANNOUNCED_BYTES)
        wire.write(next(filler(title, SENT_BYTES)))
        time.sleep(RESET_PAUSE_SECONDS)
        wire.reset()

    return Streamed(write)


def hang_before_answer() -> Streamed:
    """Accept the request and say nothing for HANG_SECONDS, then close."""

    def write(wire: Wire) -> None:
        time.sleep(HANG_SECONDS)

    return Streamed(write, status=0)


def hang_mid_body(title: str) -> Streamed:
    """Send the headers and SENT_BYTES of ANNOUNCED_BYTES, then stall for HANG_SECONDS and close."""

    def write(wire: Wire) -> None:
        wire.head(200, HTML, length=ANNOUNCED_BYTES)
        wire.write(next(filler(title, SENT_BYTES)))
        time.sleep(HANG_SECONDS)

    return Streamed(write)
