"""Chinese word segmentation for indexing and querying (the only module that imports jieba).

Tokenizer choice. Both sides use jieba's dictionary-only cut (``HMM=False``) with our domain
dictionary (``data/userdict.txt``) and every province/city/county name (``data/region_names.txt``,
built from cpca's adcodes.csv). The HMM guesses new words from context, so the same string can be
cut differently in a short query and inside a long paragraph; without it, a query word and the
same word in a report are cut alike and so match.

* ``query_terms`` keeps the coarse words (``行政复议`` stays one term), which keeps queries precise.
* ``segment_text`` emits each coarse word *and* every dictionary word inside it (any length from 2
  up, unlike ``jieba.cut_for_search`` which stops at 3), so the query ``复议`` or ``信息公开`` still
  finds ``行政复议`` / ``政府信息公开`` in a report.

jieba cuts each run of Chinese/ASCII word characters independently, so the index side caches
runs: the table rows and headings every report repeats are cut once per process.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
import threading
import warnings
from functools import lru_cache
from pathlib import Path

with warnings.catch_warnings():  # jieba imports pkg_resources, which warns on import
    warnings.simplefilter("ignore")
    import jieba

DATA_DIR = Path(__file__).resolve().parent / "data"
USER_DICT = DATA_DIR / "userdict.txt"
REGION_NAMES = DATA_DIR / "region_names.txt"
CACHE_DIR_ENV = "JIEBA_CACHE_DIR"
CACHE_SUBDIR = "gov-reports-jieba"
DOMAIN_WORD_MIN_FREQ = 2000  # domain words must win against their parts in context
BLOCK_CACHE_SIZE = 100_000
# jieba's own block splitter: runs of these characters are segmented independently.
BLOCK_RE = re.compile(r"([\u4E00-\u9FD5a-zA-Z0-9+#&\._%\-]+)")
FTS_OPERATORS = frozenset({"AND", "OR", "NOT", "NEAR"})
# Full-width ASCII (！..～) and the ideographic space fold to ASCII, one char for one char.
FOLD_TABLE = {**{cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}, 0x3000: 0x20}

_init_lock = threading.Lock()
_tokenizer_instance: jieba.Tokenizer | None = None


def fold(text: str) -> str:
    """Fold full-width ASCII to ASCII without changing the length (offsets stay valid)."""
    return text.translate(FOLD_TABLE)


def _cache_dir() -> str:
    """Pick a writable directory for jieba's dictionary cache."""
    candidates = [os.environ.get(CACHE_DIR_ENV)]
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    candidates += [os.path.join(xdg, CACHE_SUBDIR), os.path.join(tempfile.gettempdir(), CACHE_SUBDIR)]
    for path in filter(None, candidates):
        try:
            os.makedirs(path, exist_ok=True)
        except OSError:
            continue
        if os.access(path, os.W_OK):
            return path
    return tempfile.gettempdir()


def _read_words(path: Path) -> list[tuple[str, int | None]]:
    """Read `word [freq]` lines, skipping blanks and # comments."""
    words = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        words.append((parts[0], int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None))
    return words


def _build_tokenizer() -> jieba.Tokenizer:
    """Initialise a jieba tokenizer with the cached base dictionary plus our words."""
    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    tk.tmp_dir = _cache_dir()
    tk.initialize()
    for word, _ in _read_words(REGION_NAMES):
        tk.add_word(word)
    for word, freq in _read_words(USER_DICT):
        tk.add_word(word, freq or max(tk.suggest_freq(word), DOMAIN_WORD_MIN_FREQ))
    return tk


def tokenizer() -> jieba.Tokenizer:
    """Return the process-wide tokenizer, initialising it once."""
    global _tokenizer_instance
    if _tokenizer_instance is None:
        with _init_lock:
            if _tokenizer_instance is None:
                _tokenizer_instance = _build_tokenizer()
    return _tokenizer_instance


def _is_word(token: str) -> bool:
    """Keep tokens with at least one letter or digit (drop punctuation and spaces)."""
    return any(ch.isalnum() for ch in token)


def _coarse_words(block: str) -> list[str]:
    """Cut one block with the dictionary only."""
    return [w for w in tokenizer().cut(block, HMM=False) if _is_word(w)]


def _inner_words(word: str, freq: dict[str, int]) -> list[str]:
    """Dictionary words inside `word` (length 2..len-1), shortest first, left to right."""
    found = []
    for size in range(2, len(word)):
        for start in range(len(word) - size + 1):
            sub = word[start : start + size]
            if freq.get(sub):
                found.append(sub)
    return found


@lru_cache(maxsize=BLOCK_CACHE_SIZE)
def _index_block(block: str) -> tuple[str, ...]:
    """Index tokens of one block: each coarse word preceded by the dictionary words inside it."""
    freq = tokenizer().FREQ
    tokens: list[str] = []
    for word in _coarse_words(block):
        if len(word) > 2:
            tokens.extend(_inner_words(word, freq))
        tokens.append(word)
    return tuple(tokens)


def _blocks(text: str) -> list[str]:
    """Split folded text into the runs jieba segments independently (other letters/digits alone, the rest dropped)."""
    pieces = []
    for part in BLOCK_RE.split(fold(text)):
        if not part:
            continue
        if BLOCK_RE.fullmatch(part) and _is_word(part):
            pieces.append(part)
        elif not BLOCK_RE.fullmatch(part):
            pieces.extend(ch for ch in part if ch.isalnum())
    return pieces


def segment_text(text: str | None) -> str:
    """Return the space-joined index tokens of `text` (coarse words plus the words inside them)."""
    if not text:
        return ""
    tokens: list[str] = []
    for block in _blocks(text):
        tokens.extend(_index_block(block) if len(block) > 1 else (block,))
    return " ".join(tokens)


def query_terms(q: str | None) -> list[str]:
    """Return the distinct words of a user query, cut like the index; punctuation and FTS operators dropped."""
    if not q:
        return []
    terms: list[str] = []
    seen: set[str] = set()
    for block in _blocks(q):
        for word in _coarse_words(block) if len(block) > 1 else [block]:
            key = word.lower()
            if word in FTS_OPERATORS or key in seen:
                continue
            seen.add(key)
            terms.append(word)
    return terms
