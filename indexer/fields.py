"""One `extract_<field>` per RECORD.md field; each returns None rather than a guess."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from urllib.parse import urlsplit, urlunsplit

from dateutil import parser as date_parser

from indexer.clean import normalize_space
from indexer.html import Page
from indexer.patterns import (
    AGENCY_BEFORE_TOPIC_RE,
    AGENCY_STRIP_CHARS,
    AGENCY_TYPE_ALIASES,
    AGENCY_TYPES,
    CANONICAL_URL_XPATH,
    CENTRAL_AGENCY_RE,
    CN_DATE_LINE_RE,
    CN_DIGITS,
    DATE_LABEL_RE,
    DATE_LINE_RE,
    GENERIC_TYPE_RE,
    HTML_TITLE_XPATH,
    LEADING_YEAR_AGENCY_RE,
    LEADING_YEAR_LINES,
    LEADING_YEAR_RE,
    MAX_TITLE_LINE,
    META_DATE_NAMES,
    ORGAN_SUFFIX_RE,
    QUOTED_TITLE_RE,
    SIGNATURE_DATE_LINES,
    SIGNATURE_LOOKBACK_LINES,
    SIGNATURE_MAX_CHARS,
    SENTENCE_MARK_RE,
    SIGNATURE_PUNCT_RE,
    STAT_PERIOD_YEAR_RE,
    TITLE_AGENCY_RE,
    TITLE_SITE_SEPARATORS_RE,
    TITLE_XPATHS,
    TOWNSHIP_AGENCY_RE,
    VISIBLE_TEXT_XPATH,
    YEAR_RE,
    ZONE_AGENCY_RE,
)
from indexer.recognize import is_report_title
from indexer.regions import Region, agency_level, strip_region_prefix
from indexer.tables import detect_format

MIN_YEAR, MAX_YEAR = 2007, 2100
QUOTED_TITLE_SEARCH_CHARS = 500
CJK_GAP_RE = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])\s+(?=[\u3000-\u9fff\uff00-\uffef])")


# --- title ----------------------------------------------------------------------------------
def tidy_title(value: str) -> str:
    """Collapse whitespace in a title and drop spaces between CJK characters (line-wrap artefacts)."""
    return CJK_GAP_RE.sub("", normalize_space(value.replace("\n", " ")))


def _node_text(node: object) -> str:
    """Text of an XPath result (attribute string or element)."""
    return str(node) if isinstance(node, str) else "".join(node.itertext())  # type: ignore[attr-defined]


def title_candidates(tree) -> list[str]:
    """Titles a page offers, best first: meta ArticleTitle, article heading, h1, <title> minus site name."""
    found = [tidy_title(_node_text(node)) for xpath in TITLE_XPATHS for node in xpath(tree)]
    nodes = HTML_TITLE_XPATH(tree)
    if nodes:
        found.append(max(TITLE_SITE_SEPARATORS_RE.split(tidy_title(_node_text(nodes[0]))), key=len))
    return [title for title in found if title]


def title_from_tree(tree) -> str | None:
    """Return the first title candidate naming a report, else the first candidate (None if none)."""
    candidates = title_candidates(tree)
    return next((t for t in candidates if is_report_title(t)), candidates[0] if candidates else None)


def title_from_text(text: str) -> str | None:
    """Title of a plain text: its first line if it reads like one, else a quoted 《…年度报告》 near the top."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    if len(first) <= MAX_TITLE_LINE and not SENTENCE_MARK_RE.search(first) and is_report_title(first):
        return tidy_title(first)
    match = QUOTED_TITLE_RE.search(text[:QUOTED_TITLE_SEARCH_CHARS])
    return tidy_title(match.group(1)) if match else None


def extract_title(page: Page, text: str) -> str | None:
    """Return the page's title as published, or None if it has none."""
    title = title_from_tree(page.tree) if page.tree is not None else None
    return title or title_from_text(text)


# --- agency ---------------------------------------------------------------------------------
def agency_from_title(title: str | None) -> str | None:
    """Read `<agency><year>年(度)…` (or `<year>年度<agency>政府信息公开…`) from a title."""
    match = TITLE_AGENCY_RE.match(title or "")
    if not match:
        return None
    agency = match.group("agency").strip(AGENCY_STRIP_CHARS)
    if len(agency) < 2:
        topic = AGENCY_BEFORE_TOPIC_RE.match(match.group("rest").strip(AGENCY_STRIP_CHARS))
        agency = topic.group("agency").strip(AGENCY_STRIP_CHARS) if topic else ""
    return agency if len(agency) >= 2 else None


def _is_date_line(line: str) -> bool:
    """Tell whether a line is only a date."""
    return bool(DATE_LINE_RE.match(line) or CN_DATE_LINE_RE.match(line))


def signature_agency(text: str) -> str | None:
    """Return the signing body on the last lines of the text (e.g. 长春市绿园区民政局), if any."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in reversed(lines[-SIGNATURE_LOOKBACK_LINES:]):
        if _is_date_line(line):
            continue
        compact = "".join(line.split())
        if len(compact) <= SIGNATURE_MAX_CHARS and not SIGNATURE_PUNCT_RE.search(compact) \
                and ORGAN_SUFFIX_RE.search(compact) and not re.search(r"\d", compact):
            return compact
    return None


def leading_year_agency(text: str) -> str | None:
    """Read the agency from an opening sentence such as '2019年,赛罕区民政局在…'."""
    for line in text.splitlines()[:LEADING_YEAR_LINES]:
        match = LEADING_YEAR_AGENCY_RE.match(line.strip())
        if match:
            return match.group("agency")
    return None


def extract_agency(title: str | None, text: str) -> str | None:
    """Return the publishing body: from the title (a fuller signed form wins), else the text."""
    agency = agency_from_title(title)
    signed = signature_agency(text)
    if agency and signed and signed.endswith(agency):
        return signed
    return agency or signed or leading_year_agency(text)


def extract_agency_type(agency: str | None) -> str | None:
    """Return the kind of body from the agency's suffix (人民政府, 民政局 …).

    A zone name (平潭综合实验区) publishes through its 管理委员会; a bare region name
    (赛罕区) is its 人民政府.
    """
    if not agency:
        return None
    if ZONE_AGENCY_RE.search(agency):
        return "管理委员会"
    for kind in AGENCY_TYPES:
        if agency.endswith(kind):
            return AGENCY_TYPE_ALIASES.get(kind, kind)
    remainder = strip_region_prefix(agency)
    if not remainder:
        return "人民政府"
    return remainder if remainder != agency and GENERIC_TYPE_RE.match(remainder) else None


def extract_level(agency: str | None) -> str | None:
    """Return province/city/county/township/central from the agency name."""
    if not agency:
        return None
    if TOWNSHIP_AGENCY_RE.search(agency):
        return "township"
    level = agency_level(agency)
    if level:
        return level
    return "central" if CENTRAL_AGENCY_RE.match(agency) else None


def region_fields(region: Region | None) -> dict:
    """Return province/city/county/region_code for a resolved region (all None if unresolved)."""
    region = region or Region()
    return {"province": region.province, "city": region.city, "county": region.county, "region_code": region.code}


# --- years and dates ------------------------------------------------------------------------
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


def _match_date(match: re.Match) -> dt.date | None:
    """Build a date from a regex match with y/m/d groups."""
    return parse_date(f"{match.group('y')}-{int(match.group('m')):02d}-{int(match.group('d')):02d}")


def cn_number(value: str) -> int:
    """Read a Chinese numeral (二〇二一, 十四) as an int."""
    if len(value) == 4 or "十" not in value:
        return int("".join(str(CN_DIGITS[ch]) for ch in value))
    tens, _, units = value.partition("十")
    return (CN_DIGITS[tens] if tens else 1) * 10 + (CN_DIGITS[units] if units else 0)


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
        for value in page.tree.xpath("//meta[@name=$name]/@content", name=name):
            found = parse_date(value.strip()) if value.strip() else None
            if found:
                return found
    return None


def labelled_date(page: Page) -> dt.date | None:
    """Return a visible '发布日期：…' / '时间：…' date on the page (outside the prose)."""
    visible = "\n".join(VISIBLE_TEXT_XPATH(page.tree)) if page.tree is not None else page.raw
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
    for finder in (lambda: meta_date(page), lambda: labelled_date(page), lambda: signed_date(text)):
        found = finder()
        if found and (report_year is None or found.year >= report_year):
            return found.isoformat()
    return None


# --- format, bookkeeping --------------------------------------------------------------------
def extract_format(text: str) -> str:
    """Return '2021', '2019' or 'legacy' from the table headers and rows (not the prose) of the text.

    Detection lives in tables.detect_format (one place); build_record takes it from the tables it reads.
    """
    return detect_format(text)


def extract_source_format(page: Page, declared: str | None = None) -> str:
    """Return the source format (declared by the caller, else html or txt)."""
    return declared or page.source_format


def extract_content_hash(text: str) -> str:
    """Return the sha256 of the cleaned text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def canonical_url(url: str) -> str:
    """Normalise a URL: lower-case scheme and host, no default port, no fragment."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    netloc = host if parts.port in (None, default) else f"{host}:{parts.port}"
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", parts.query, ""))


def extract_url(page: Page, url: str | None) -> str | None:
    """Return the canonical URL: the given one, else the page's own <meta name=Url>/canonical link."""
    if url:
        return canonical_url(url)
    found = CANONICAL_URL_XPATH(page.tree) if page.tree is not None else []
    return canonical_url(str(found[0])) if found and str(found[0]).startswith("http") else None
