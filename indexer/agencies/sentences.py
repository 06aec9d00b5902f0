"""Sentences of a report's prose, normalised so that a report repeating last year's only with new years and
numbers is recognised (the `copied` signal).

A sentence is prose between 。！？； or line ends, table rows excluded; it is normalised by dropping spaces
and punctuation and replacing every number (Arabic or Chinese, years included) with '#'. Sentences shorter
than MIN_SENTENCE_CHARS after that (headings, labels) are not counted. Each kept sentence is reduced to a
64-bit fingerprint; the first original sentence of each fingerprint is kept for the evidence.
"""

from __future__ import annotations

import hashlib
import re

from indexer.load import CELL_SEPARATOR

MIN_SENTENCE_CHARS = 12
SENTENCE_END_RE = re.compile(r"[。！？!?；;\n]+")
NUMBER_RE = re.compile(
    r"[0-9０-９]+(?:[.．][0-9０-９]+)?|[〇○零一二三四五六七八九十百千万两]+(?=[年月日件个项条次人%余])"
)
NOISE_RE = re.compile(r"[\s\u3000，,、：:“”\"‘’'（）()《》〈〉【】\[\]—\-…·.%]+")


def normalise(sentence: str) -> str:
    """A sentence without spaces and punctuation, every number replaced by '#'."""
    return NOISE_RE.sub("", NUMBER_RE.sub("#", sentence))


def prose_lines(text: str) -> list[str]:
    """The text's lines that are not table rows."""
    return [line for line in text.splitlines() if CELL_SEPARATOR not in line and "\t" not in line]


def fingerprint(normalised: str) -> int:
    """A 64-bit fingerprint of a normalised sentence."""
    return int.from_bytes(hashlib.blake2b(normalised.encode("utf-8"), digest_size=8).digest(), "big", signed=True)


def sentence_fingerprints(text: str) -> dict[int, str]:
    """Fingerprint → first original sentence, for every prose sentence long enough to count."""
    found: dict[int, str] = {}
    for line in prose_lines(text):
        for sentence in SENTENCE_END_RE.split(line):
            key = normalise(sentence)
            if len(key) >= MIN_SENTENCE_CHARS:
                found.setdefault(fingerprint(key), sentence.strip())
    return found
