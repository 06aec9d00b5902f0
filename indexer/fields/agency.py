"""The publishing body: its name (title, signature, opening sentence), kind (agency_type) and level."""

from __future__ import annotations

import re

from indexer.fields.dates import LEADING_YEAR_LINES, is_date_line
from indexer.fields.regions import agency_level, strip_region_prefix
from indexer.model import Level

# The agency's name: in the title, a signature on the last lines, or an opening '2019年,…局'.
TITLE_AGENCY_RE = re.compile(r"^(?P<agency>.*?)(?:关于)?(?:19|20)\d{2}\s*年度?(?P<rest>.*)$")
AGENCY_BEFORE_TOPIC_RE = re.compile(
    r"^(?:（|\()?(?:本级)?(?P<agency>.+?)(?:本级)?(?:政府信息公开|政务公开|(?<!政府)信息公开)"
)
AGENCY_STRIP_CHARS = " 　\t《》“”\"'：:，,的"
ORGAN_SUFFIX_RE = re.compile(
    r"(?:人民政府|政府|局|厅|委员会|委|办公室|办公厅|中心|管委会|管理委员会|院|署|办|所|站|队|部|会"
    r"|实验区|新区|开发区|街道办事处|街道|镇|乡|苏木)$"
)
SIGNATURE_MAX_CHARS = 30
SIGNATURE_LOOKBACK_LINES = 5
SIGNATURE_PUNCT_RE = re.compile(r"[，。,:：；;（()）、!！?？|《》]")
DIGIT_RE = re.compile(r"\d")
LEADING_YEAR_AGENCY_RE = re.compile(
    r"^(?:19|20)\d{2}年(?:度)?[,，]\s*(?P<agency>[^\s,，。、在]{2,25}?(?:人民政府|局|厅|委员会|办公室|中心|管委会))"
)

# Kinds of body (agency_type), longest first; the agency's suffix decides.
AGENCY_TYPES = tuple(
    "卫生健康委员会 发展和改革委员会 人民政府办公厅 人民政府办公室 住房和城乡建设局 管理委员会 街道办事处 人民政府"
    " 办公室 办公厅 民政局 民政厅 信访局 税务局 教育局 教育厅 公安局 财政局 财政厅 卫生健康局 卫健委 管委会".split()
)
AGENCY_TYPE_ALIASES = {"人民政府办公厅": "办公厅", "人民政府办公室": "办公室", "管委会": "管理委员会"}
# A pure zone name publishes through its administrative committee (管理委员会).
ZONE_AGENCY_RE = re.compile(r"(?:综合实验区|新区|开发区|高新区|试验区|自贸区|保税区)$")
GENERIC_TYPE_RE = re.compile(r"^[\u4e00-\u9fff]{2,12}(?:局|厅|委员会|办公室|中心|署|院)$")

# Levels the agency's name shows by itself (others come from the region names in it).
TOWNSHIP_AGENCY_RE = re.compile(r"(?:乡|镇|街道|街道办事处|苏木)(?:人民政府|党委|办事处)?$")
CENTRAL_AGENCY_RE = re.compile(r"^(?:国务院|国家|中华人民共和国|中国|全国)")


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


def signature_agency(text: str) -> str | None:
    """Return the signing body on the last lines of the text (e.g. 长春市绿园区民政局), if any."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in reversed(lines[-SIGNATURE_LOOKBACK_LINES:]):
        if is_date_line(line):
            continue
        compact = "".join(line.split())
        if (
            len(compact) <= SIGNATURE_MAX_CHARS
            and not SIGNATURE_PUNCT_RE.search(compact)
            and ORGAN_SUFFIX_RE.search(compact)
            and not DIGIT_RE.search(compact)
        ):
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


def extract_level(agency: str | None) -> Level | None:
    """Return province/city/county/township/central from the agency name."""
    if not agency:
        return None
    if TOWNSHIP_AGENCY_RE.search(agency):
        return "township"
    level = agency_level(agency)
    if level:
        return level
    return "central" if CENTRAL_AGENCY_RE.match(agency) else None
