"""The year a report covers and the date it was published."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from dateutil import parser as date_parser

from indexer.fields.title import title_from_text
from indexer.load.html import Page
from indexer.selectors import META_CONTENT_XPATH, VISIBLE_TEXT_XPATH, texts

# The covered year: in the title, the statistics period, or an opening '2019年,'.
YEAR_RE = re.compile(r"((?:19|20)\d{2})\s*年")
STAT_PERIOD_YEAR_RE = re.compile(
    r"(?:统计|数据).{0,12}?(?:从|自|为|是|期限|时限|区间)?\s*((?:19|20)\d{2})\s*年\s*0?1\s*月\s*0?1\s*日"
)
LEADING_YEAR_RE = re.compile(r"^((?:19|20)\d{2})\s*年(?:度)?\s*[,，]")
LEADING_YEAR_LINES = 15
MIN_YEAR, MAX_YEAR = 2007, 2100

# The publication date: a <meta> tag, a labelled date on the page, or the signature date.
META_DATE_NAMES = (
    "PubDate",
    "pubdate",
    "PubDateTime",
    "publishdate",
    "PublishDate",
    "firstpublishedtime",
    "publishtime",
)
NUMERIC_DATE = r"(?P<y>(?:19|20)\d{2})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
DATE_LABEL_RE = re.compile(
    r"(?:^|(?<=[\s|\]】>]))(?:发布日期|发布时间|公开日期|发文日期|日期|时间)\s*[:：]\s*" + NUMERIC_DATE, re.M
)
DATE_LINE_RE = re.compile(r"^" + NUMERIC_DATE + r"$")
CN_DATE_LINE_RE = re.compile(
    r"^(?P<y>[〇○零一二三四五六七八九]{4})年(?P<m>[一二三四五六七八九十]{1,2})月(?P<d>[一二三四五六七八九十]{1,3})日$"
)
CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
SIGNATURE_DATE_LINES = 4


def _plausible_year(year: int) -> int | None:
    """Return the year if it is in the range reports exist for."""
    return year if MIN_YEAR <= year <= MAX_YEAR else None


def year_from_title(title: str | None) -> int | None:
    """Return the covered year named in a title."""
    match = YEAR_RE.search(title or "")
    return _plausible_year(int(match.group(1))) if match else None


def year_from_text(text: str) -> int | None:
    """Return the covered year from a quoted title, the statistics period, or an opening '2019年,'."""
    year = year_from_title(title_from_text(text))
    if year:
        return year
    match = STAT_PERIOD_YEAR_RE.search(text)
    if match:
        return _plausible_year(int(match.group(1)))
    for line in text.splitlines()[:LEADING_YEAR_LINES]:
        match = LEADING_YEAR_RE.match(line.strip())
        if match:
            return _plausible_year(int(match.group(1)))
    return None


def extract_report_year(title: str | None, text: str) -> int | None:
    """Return the year the report covers (not the publication year)."""
    return year_from_title(title) or year_from_text(text)


def parse_date(value: str) -> dt.date | None:
    """Parse a date string with dateutil; None if it is not a date."""
    try:
        return date_parser.parse(value, fuzzy=False).date()
    except (ValueError, OverflowError):
        return None


def _match_date(match: re.Match[str]) -> dt.date | None:
    """Build a date from a regex match with y/m/d groups."""
    return parse_date(f"{match.group('y')}-{int(match.group('m')):02d}-{int(match.group('d')):02d}")


def cn_number(value: str) -> int:
    """Read a Chinese numeral (二〇二一, 十四) as an int."""
    if len(value) == 4 or "十" not in value:
        return int("".join(str(CN_DIGITS[ch]) for ch in value))
    tens, _, units = value.partition("十")
    return (CN_DIGITS[tens] if tens else 1) * 10 + (CN_DIGITS[units] if units else 0)


def is_date_line(line: str) -> bool:
    """Tell whether a line is only a date."""
    return bool(DATE_LINE_RE.match(line) or CN_DATE_LINE_RE.match(line))


def date_from_line(line: str) -> dt.date | None:
    """Return the date if a whole line is one (2021年01月14日, 二〇二一年一月十四日)."""
    match = DATE_LINE_RE.match(line)
    if match:
        return _match_date(match)
    match = CN_DATE_LINE_RE.match(line)
    if not match:
        return None
    return parse_date(f"{cn_number(match.group('y'))}-{cn_number(match.group('m'))}-{cn_number(match.group('d'))}")


def meta_date(page: Page) -> dt.date | None:
    """Return the date in a <meta name=PubDate> (or similar) tag."""
    if page.tree is None:
        return None
    for name in META_DATE_NAMES:
        for value in texts(META_CONTENT_XPATH, page.tree, name=name):
            found = parse_date(value.strip()) if value.strip() else None
            if found:
                return found
    return None


def labelled_date(page: Page) -> dt.date | None:
    """Return a visible '发布日期：…' / '时间：…' date on the page (outside the prose)."""
    visible = "\n".join(texts(VISIBLE_TEXT_XPATH, page.tree)) if page.tree is not None else page.raw
    match = DATE_LABEL_RE.search(visible)
    return _match_date(match) if match else None


def signed_date(text: str) -> dt.date | None:
    """Return a date standing alone on one of the last lines (the signature date)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in reversed(lines[-SIGNATURE_DATE_LINES:]):
        found = date_from_line(line)
        if found:
            return found
    return None


def extract_published(page: Page, text: str, report_year: int | None) -> str | None:
    """Return the publication date (meta, visible date line, or signature date) as ISO text."""
    finders: tuple[Callable[[], dt.date | None], ...] = (
        lambda: meta_date(page),
        lambda: labelled_date(page),
        lambda: signed_date(text),
    )
    for finder in finders:
        found = finder()
        if found and (report_year is None or found.year >= report_year):
            return found.isoformat()
    return None
