"""Is this an annual disclosure report? Title rules (also the crawler's link pre-filter) and content rules."""
from __future__ import annotations

from indexer.patterns import (
    CONTENT_PROACTIVE_RE,
    CONTENT_REQUESTS_RE,
    LOOKALIKE_TITLES,
    MIN_REPORT_CHARS,
    MIN_SECTIONS_UNTITLED,
    SECTION_MARKERS,
    TITLE_DISCLOSURE_RE,
    TITLE_REPORT_RE,
    TITLE_SPACE_RE,
    TITLE_YEAR_RE,
)


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
