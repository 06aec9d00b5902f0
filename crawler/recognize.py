"""Is this link a candidate annual report? Title rules and the format of a fetched document."""
from __future__ import annotations

import re
from urllib.parse import urlparse

YEAR_RE = re.compile(r"(?<!\d)(?:19[89]\d|20\d\d)(?!\d)|[一二][〇零○Ｏ0一二三四五六七八九]{3}(?=年)")
DISCLOSURE_RE = re.compile(r"政府信息公开|政务公开|信息公开")
REPORT_RE = re.compile(
    r"(?:政府信息公开|政务公开|信息公开)(?:工作)?(?:的)?(?:年度报告|年报|年度工作报告|工作报告|报告)"
)
# Titles in the same columns that are NOT reports (PORTALS.md), checked before the positive rule.
LOOKALIKE_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"工作要点"), "work plan (工作要点)"),
    (re.compile(r"落实情况|的函"), "follow-up letter (落实情况 / 函)"),
    (re.compile(r"政府工作报告"), "government work report (政府工作报告)"),
    (re.compile(r"预算|决算"), "budget or final accounts (预算/决算)"),
    (re.compile(r"企业年报|年报公示|年度报告公示"), "enterprise annual report (企业年报)"),
    (re.compile(r"统计年报|统计公报|统计年鉴"), "statistical yearbook (统计年报)"),
    (re.compile(r"解读|图解|一图读懂|答记者问"), "explainer of a report (解读/图解)"),
    (re.compile(r"通知$|的通知|征求意见"), "notice (通知)"),
)
WHITESPACE_RE = re.compile(r"\s+")
REPLACEMENT_CHAR = "\ufffd"
MAX_REPLACEMENT_SHARE = 0.05     # more undecodable characters than this: the page is garbage
FOLDER_PAGE_RE = re.compile(r"(?:/|/index\.s?html?)$", re.I)

FORMAT_BY_EXTENSION = {".pdf": "pdf", ".docx": "docx", ".doc": "doc", ".wps": "wps", ".txt": "txt"}
FORMAT_BY_CONTENT_TYPE = (
    ("application/pdf", "pdf"),
    ("officedocument.wordprocessingml", "docx"),
    ("application/msword", "doc"),
    ("application/vnd.ms-works", "wps"),
    ("application/kswps", "wps"),
)


def normalize_title(title: str) -> str:
    """Collapse whitespace (including full-width spaces) in a list title."""
    return WHITESPACE_RE.sub("", title.replace("\u3000", " ")).strip()


def looks_like_report_title(title: str | None) -> tuple[bool, str]:
    """Return (True, why) if a list title names a 政府信息公开工作年度报告, else (False, why not)."""
    text = normalize_title(title or "")
    if not text:
        return False, "empty title"
    for pattern, label in LOOKALIKE_RULES:
        if pattern.search(text):
            return False, f"look-alike: {label}"
    if not DISCLOSURE_RE.search(text):
        return False, "no 政府信息公开/政务公开/信息公开 in title"
    match = REPORT_RE.search(text)
    if not match:
        return False, "no 年度报告/年报 after the disclosure phrase"
    year = YEAR_RE.search(text)
    if not year:
        return False, "no year in title"
    return True, f"report title: year {year.group(0)}, {match.group(0)}"


def guess_source_format(url: str, content_type: str | None = None) -> str:
    """Guess html/pdf/docx/doc/wps/txt from the Content-Type, then the URL's extension."""
    kind = (content_type or "").lower()
    for needle, name in FORMAT_BY_CONTENT_TYPE:
        if needle in kind:
            return name
    path = urlparse(url).path.lower()
    for extension, name in FORMAT_BY_EXTENSION.items():
        if path.endswith(extension):
            return name
    return "html"



def page_problem(body: bytes, source_format: str, text: str | None) -> str | None:
    """Return why a fetched body cannot be used (empty, not text, undecodable), or None."""
    if not body.strip():
        return "empty body"
    if source_format != "html":
        return None
    if text is None:
        return "not a text page (binary body for an HTML URL)"
    bad = text.count(REPLACEMENT_CHAR)
    if bad > 10 and bad > MAX_REPLACEMENT_SHARE * len(text):
        return f"undecodable body ({bad} replacement characters in {len(text)})"
    return None


def redirect_problem(requested: str, final: str) -> str | None:
    """Return a reason when a report URL ended on a folder/index page (a deleted report), else None."""
    if requested == final:
        return None
    if FOLDER_PAGE_RE.search(urlparse(final).path) and not FOLDER_PAGE_RE.search(urlparse(requested).path):
        return f"redirected to the list page {final} (report removed?)"
    return None
