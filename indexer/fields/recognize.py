"""Is this an annual disclosure report? Title rules (also the crawler's link pre-filter) and content rules."""

from __future__ import annotations

import re

# Title rules, shared by the crawler's link pre-filter and the indexer's verdict.
TITLE_YEAR_RE = re.compile(r"(?<!\d)(?:19[89]\d|20\d\d)(?!\d)|[一二][〇零○Ｏ0一二三四五六七八九]{3}(?=年)")
TITLE_DISCLOSURE_RE = re.compile(r"政府信息公开|政务公开|信息公开")
TITLE_REPORT_RE = re.compile(
    r"(?:政府信息公开|政务公开|信息公开)(?:工作)?(?:的)?(?:年度报告|年报|年度工作报告|工作报告|报告)"
)
TITLE_SPACE_RE = re.compile(r"[\s\u3000]+")

# (regex, label): titles in the same columns that are NOT reports (docs/PORTALS.md), checked first.
LOOKALIKE_TITLES = (
    (re.compile(r"工作要点"), "work plan (工作要点)"),
    (re.compile(r"落实情况|的函|函$"), "letter (落实情况 / 函)"),
    (re.compile(r"政府工作报告"), "government work report (政府工作报告)"),
    (re.compile(r"预算|决算"), "budget or final accounts (预算/决算)"),
    (re.compile(r"企业年报|年报公示|企业年度报告|年度报告公示"), "enterprise annual report (企业年报)"),
    (re.compile(r"统计年报|统计公报|统计年鉴|统计报表"), "statistical report (统计年报)"),
    (re.compile(r"解读|图解|一图读懂|答记者问"), "explainer of a report (解读/图解)"),
    (re.compile(r"通知$|的通知|^关于.*通知|征求意见"), "notice (通知)"),
)

# Content markers: a report talks about proactive disclosure and requests.
CONTENT_PROACTIVE_RE = re.compile(r"主动公开")
CONTENT_REQUESTS_RE = re.compile(r"依申请|申请公开|公开申请|收到和处理")
SECTION_MARKERS = (
    re.compile(r"总体情况|概述"),
    re.compile(r"主动公开政府信息"),
    re.compile(r"收到和处理政府信息公开申请|依申请公开"),
    re.compile(r"行政复议|行政诉讼"),
    re.compile(r"存在的主要问题|主要问题和改进|改进情况|改进措施"),
    re.compile(r"其他需要报告的事项"),
)
MIN_REPORT_CHARS = 200
MIN_SECTIONS_UNTITLED = 4


def lookalike_reason(title: str) -> str | None:
    """Return which look-alike a title is (工作要点, 函, 政府工作报告 …), or None."""
    for regex, label in LOOKALIKE_TITLES:
        if regex.search(title):
            return f"look-alike: {label}"
    return None


def title_verdict(title: str | None) -> tuple[bool, str]:
    """Return (True, why) if a title names a 政府信息公开工作年度报告, else (False, why not)."""
    text = TITLE_SPACE_RE.sub("", title or "")
    if not text:
        return False, "empty title"
    lookalike = lookalike_reason(text)
    if lookalike:
        return False, lookalike
    if not TITLE_DISCLOSURE_RE.search(text):
        return False, "no 政府信息公开/政务公开/信息公开 in title"
    kind = TITLE_REPORT_RE.search(text)
    if not kind:
        return False, "no 年度报告/年报 after the disclosure phrase"
    year = TITLE_YEAR_RE.search(text)
    if not year:
        return False, "no year in title"
    return True, f"report title: year {year.group(0)}, {kind.group(0)}"


def is_report_title(title: str | None) -> bool:
    """Tell whether a title names an annual disclosure report."""
    return title_verdict(title)[0]


def content_verdict(text: str, *, untitled: bool) -> tuple[bool, str]:
    """Check that the text has a report's structure (stricter when no title names it)."""
    if len(text) < MIN_REPORT_CHARS:
        return False, f"content too short for a report ({len(text)} characters)"
    if not (CONTENT_PROACTIVE_RE.search(text) and CONTENT_REQUESTS_RE.search(text)):
        return False, "content lacks a report's structure (主动公开 and 依申请 parts)"
    sections = sum(bool(regex.search(text)) for regex in SECTION_MARKERS)
    if untitled and sections < MIN_SECTIONS_UNTITLED:
        return False, f"no report title and only {sections} of the report's sections found"
    return True, "annual report"


def recognize_report(title: str | None, text: str, list_title: str | None = None) -> tuple[bool, str]:
    """Decide whether title (or list title) and content make an annual disclosure report; say why."""
    titles = [t for t in (title, list_title) if t]
    verdicts = [title_verdict(t) for t in titles]
    for candidate, (_, why) in zip(titles, verdicts):
        if why.startswith("look-alike"):
            return False, f"{why}: {candidate!r}"
    if titles and not any(ok for ok, _ in verdicts):
        return False, f"title does not name a 政府信息公开 annual report ({verdicts[0][1]}): {titles[0]!r}"
    return content_verdict(text, untitled=not any(ok for ok, _ in verdicts))
