"""Search-result snippets cut from the original (unsegmented) text, shared by all storage backends.

The work per text is bounded whatever its length: only the first SCAN_CHARS characters are searched
for the terms (real reports are 2,000 to 30,000 characters; a report indexed with millions would
otherwise cost seconds per hit), and at most MAX_MATCHES matches are considered.
"""

from __future__ import annotations

import html
import re

from indexer.search_text.segment import fold

MARK_OPEN, MARK_CLOSE = "<mark>", "</mark>"
ELLIPSIS = "…"
MAX_MATCHES = 2000  # matches considered when choosing the window (bounds the work on huge texts)
SCAN_CHARS = 50_000  # characters at the start of a text searched for the terms (bounds the work on huge texts)
LEAD_FRACTION = 4  # up to width/4 characters of context before the first match
SPACE_RE = re.compile(r"\s+")


def _matches(text: str, terms: list[str]) -> list[tuple[int, int]]:
    """Non-overlapping (start, end) spans of the terms in `text`, longest term first, case-insensitive."""
    words = sorted({fold(t) for t in terms if t and t.strip()}, key=len, reverse=True)
    if not words:
        return []
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    spans: list[tuple[int, int]] = []
    for m in pattern.finditer(fold(text)):
        if spans and spans[-1][1] == m.start():  # 适|老化|改造 -> one <mark>
            spans[-1] = (spans[-1][0], m.end())
        else:
            spans.append(m.span())
        if len(spans) >= MAX_MATCHES:
            break
    return spans


def _best_window(spans: list[tuple[int, int]], width: int) -> tuple[int, int]:
    """Return (first, last) indexes of the run of spans that fits in `width` with the most spans."""
    best, best_count, last = (0, 0), 0, 0
    for first in range(len(spans)):
        last = max(last, first)
        while last + 1 < len(spans) and spans[last + 1][1] - spans[first][0] <= width:
            last += 1
        if last - first + 1 > best_count:
            best, best_count = (first, last), last - first + 1
    return best


def _window(text_len: int, spans: list[tuple[int, int]], width: int) -> tuple[int, int]:
    """Choose [start, end) of at most `width` characters around the densest run of matches."""
    if not spans:
        return 0, min(text_len, width)
    first, last = _best_window(spans, width)
    lo, hi = spans[first][0], spans[last][1]
    slack = max(0, width - (hi - lo))
    start = max(0, lo - min(width // LEAD_FRACTION, slack))
    end = min(text_len, start + width)
    start = max(0, min(start, end - width))
    return start, max(end, min(text_len, hi))


def _render(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> str:
    """HTML-escape text[start:end], wrapping the spans inside it in <mark>, whitespace collapsed."""
    out, pos = [], start
    for s, e in spans:
        if s < start or e > end:
            continue
        out.append(html.escape(SPACE_RE.sub(" ", text[pos:s])))
        out.append(MARK_OPEN + html.escape(SPACE_RE.sub(" ", text[s:e])) + MARK_CLOSE)
        pos = e
    out.append(html.escape(SPACE_RE.sub(" ", text[pos:end])))
    return "".join(out)


def snippet(text: str | None, terms: list[str] | None, width: int = 120) -> str:
    """Return up to `width` characters of `text` around the most matches, escaped, matches in <mark>.

    Cut ends get "…". With no terms (or none found in the first SCAN_CHARS characters) the snippet is
    the start of the text.
    """
    if not text:
        return ""
    width = max(1, width)
    scanned = text[:SCAN_CHARS]
    spans = _matches(scanned, terms or [])
    start, end = _window(len(scanned), spans, width)
    body = _render(scanned, start, end, spans).strip()
    return (ELLIPSIS if start > 0 else "") + body + (ELLIPSIS if end < len(text) else "")
