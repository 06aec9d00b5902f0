"""Read one statistics cell as a number: sign and decimals kept, 元 converted to 万元, '—' is null."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from indexer.model import Number

NUMBER_CHAR_MAP = str.maketrans("－−＋，．０１２３４５６７８９", "--+,.0123456789")  # full-width, and U+2212 minus
NUMBER_CELL_RE = re.compile(
    r"(?P<number>[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)(?P<unit>万元|元|件|个|项|条|人次|次)?"
)
NULL_CELL_RE = re.compile(r"[—–\-/／\\]+|无|空|暂无")
YUAN_PER_10K = Decimal(10000)
CELL_CACHE_SIZE = 4096  # cell texts repeat a lot ("0", "1"); Cell is immutable


@dataclass(frozen=True)
class Cell:
    """A value cell as read: its number (None for a printed blank/—/无) and the unit printed in it."""

    value: Number | None
    unit: str | None = None  # "元", "万元" or None when the cell prints no unit


def _plain(value: Decimal) -> Number:
    """Return an int for whole numbers written without a decimal point, else a float."""
    exponent = value.as_tuple().exponent
    whole = isinstance(exponent, int) and exponent >= 0 and value == value.to_integral_value()
    return int(value) if whole else float(value)


@lru_cache(maxsize=CELL_CACHE_SIZE)
def read_cell(text: str) -> Cell | None:
    """Read a cell; None when it is not a number cell at all (a label, prose, a glued run)."""
    if text.isascii() and text.isdigit():
        return Cell(int(text))
    compact = "".join(text.split()).translate(NUMBER_CHAR_MAP)
    if NULL_CELL_RE.fullmatch(compact):
        return Cell(None)
    match = NUMBER_CELL_RE.fullmatch(compact)
    if not match:
        return None
    number = Decimal(match.group("number").replace(",", ""))
    return Cell(_plain(number), match.group("unit"))


def to_10k_yuan(value: Number | None, unit: str | None) -> Number | None:
    """Convert an amount printed in 元 to 万元 (exactly, via Decimal); other units pass through."""
    if value is None or unit != "元":
        return value
    return _plain(Decimal(str(value)) / YUAN_PER_10K)
