"""Is this an annual disclosure report? Title rules (also the crawler's link pre-filter) and content rules."""

from __future__ import annotations

import re
from typing import Literal

TitleKind = Literal["report", "possible", "no"]

# Title rules, shared by the crawler's link pre-filter and the indexer's verdict.
TITLE_YEAR_RE = re.compile(r"(?<!\d)(?:19[89]\d|20\d\d)(?!\d)|[一二][〇零○Ｏ0一二三四五六七八九]{3}(?=年)")
TITLE_DISCLOSURE_RE = re.compile(r"政府信息公开|政务公开|信息公开")
TITLE_REPORT_RE = re.compile(
    r"(?:政府信息公开|政务公开|信息公开)(?:工作)?(?:的)?(?:年度报告|年报|年度工作报告|工作报告|报告)"
)
# Genuine titles not named like a report (…政府信息公开情况总结, …工作公开年度报告, …年度政府信息公开): the content decides.
TITLE_POSSIBLE_RE = re.compile(
    r"公开(?:工作)?(?:情况)?(?:的)?(?:年度报告|年报|报告|总结)|(?:政府信息公开|政务公开|信息公开)$"
)
REPORT_TITLE = "report title"
POSSIBLE_TITLE = "possible report title (content must confirm)"
TITLE_SPACE_RE = re.compile(r"[\s\u3000]+")

# (regex, label): titles in the same columns that are NOT reports (docs/PORTALS.md), checked first.
LOOKALIKE_TITLES = (
    (re.compile(r"工作要点"), "work plan (工作要点)"),
    (re.compile(r"落实情况|的函|函$"), "letter (落实情况 / 函)"),
    (re.compile(r"自查报告"), "self-check report (自查报告)"),
    (re.compile(r"工作总结暨|工作思路"), "work summary and plan (工作总结暨工作思路)"),
    (re.compile(r"工作计划"), "work plan (工作计划)"),
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


def classify_title(title: str | None) -> tuple[TitleKind, str]:
    """Say whether a title names a report, may name one (the content must confirm), or names none; and why."""
    text = TITLE_SPACE_RE.sub("", title or "")
    if not text:
        return "no", "empty title"
    lookalike = lookalike_reason(text)
    if lookalike:
        return "no", lookalike
    disclosure = TITLE_DISCLOSURE_RE.search(text)
    kind = TITLE_REPORT_RE.search(text) if disclosure else None
    year = TITLE_YEAR_RE.search(text)
    possible = TITLE_POSSIBLE_RE.search(text)
    if year and kind:
        return "report", f"{REPORT_TITLE}: year {year.group(0)}, {kind.group(0)}"
    if year and possible:
        return "possible", f"{POSSIBLE_TITLE}: year {year.group(0)}, {possible.group(0)}"
    if not disclosure:
        return "no", "no 政府信息公开/政务公开/信息公开 in title"
    if not kind:
        return "no", "no 年度报告/年报 after the disclosure phrase"
    return "no", "no year in title"


def title_verdict(title: str | None) -> tuple[bool, str]:
    """Return (True, why) if a title names or may name a 政府信息公开工作年度报告, else (False, why not)."""
    kind, why = classify_title(title)
    return kind != "no", why


def is_report_title(title: str | None) -> bool:
    """Tell whether a title names an annual disclosure report (a possible one does not count)."""
    return classify_title(title)[0] == "report"


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
    """Decide whether title (or list title) and content make an annual disclosure report; say why.

    A title that only may name a report (情况总结, 工作公开年度报告 …) is accepted when the content has a
    report's sections, as for a page without a title.
    """
    titles = [t for t in (title, list_title) if t]
    verdicts = [classify_title(t) for t in titles]
    for candidate, (_, why) in zip(titles, verdicts):
        if why.startswith("look-alike"):
            return False, f"{why}: {candidate!r}"
    kinds = {kind for kind, _ in verdicts}
    if "report" in kinds:
        return content_verdict(text, untitled=False)
    if "possible" not in kinds:
        if titles:
            return False, f"title does not name a 政府信息公开 annual report ({verdicts[0][1]}): {titles[0]!r}"
        return content_verdict(text, untitled=True)
    candidate = next(t for t, (kind, _) in zip(titles, verdicts) if kind == "possible")
    ok, why = content_verdict(text, untitled=True)
    if ok:
        return True, f"{why} (confirmed by its content under the title {candidate!r})"
    return False, f"{POSSIBLE_TITLE} {candidate!r}, but {why}"
