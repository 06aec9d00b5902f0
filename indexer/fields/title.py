"""The report's title: page metadata and headings, or the first line / a quoted title of a plain text."""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from indexer.clean.lines import normalize_space
from indexer.fields.recognize import classify_title, is_report_title
from indexer.load.html import Page
from indexer.selectors import HTML_TITLE_XPATH, TITLE_XPATHS, texts

CJK_GAP_RE = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])\s+(?=[\u3000-\u9fff\uff00-\uffef])")
TITLE_SITE_SEPARATORS_RE = re.compile(r"\s*(?:_|\||-{1,2}|—|–)\s*")  # <title>: 报告标题_网站名称
MAX_TITLE_LINE = 80
MAX_HEADING_LINES = 40  # lines above the body searched for a title (a site's navigation may come first)
SENTENCE_MARK_RE = re.compile(r"[《。，,；;！!？?]")  # a first line with these is prose, not a title
QUOTED_TITLE_RE = re.compile(r"《([^《》\n]{4,80}?(?:年度报告|年报))》")
QUOTED_TITLE_SEARCH_CHARS = 500


def tidy_title(value: str) -> str:
    """Collapse whitespace in a title and drop spaces between CJK characters (line-wrap artefacts)."""
    return CJK_GAP_RE.sub("", normalize_space(value.replace("\n", " ")))


def title_candidates(tree: HtmlElement) -> list[str]:
    """Titles a page offers, best first: meta ArticleTitle, article heading, h1, <title> minus site name."""
    found = [tidy_title(text) for xpath in TITLE_XPATHS for text in texts(xpath, tree)]
    html_titles = texts(HTML_TITLE_XPATH, tree)
    if html_titles:
        found.append(max(TITLE_SITE_SEPARATORS_RE.split(tidy_title(html_titles[0])), key=len))
    return [title for title in found if title]


def title_from_tree(tree: HtmlElement) -> str | None:
    """Return the first title candidate naming a report, else the first candidate (None if none)."""
    candidates = title_candidates(tree)
    return next((t for t in candidates if is_report_title(t)), candidates[0] if candidates else None)


def title_from_text(text: str) -> str | None:
    """Title of a plain text: a heading above its body that names a report, else a quoted 《…年度报告》 near the top.

    The heading may sit under a site's navigation (a page printed to PDF) and may wrap over two lines; a heading
    that only may name a report (…情况总结) is taken when nothing better is there (the content must confirm it).
    """
    heading = heading_title(heading_lines(text))
    if heading:
        return heading
    match = QUOTED_TITLE_RE.search(text[:QUOTED_TITLE_SEARCH_CHARS])
    return tidy_title(match.group(1)) if match else None


def heading_lines(text: str) -> list[str]:
    """The short lines above a text's body (up to its first sentence), where its title is."""
    lines: list[str] = []
    for line in (line.strip() for line in text.splitlines()):
        if len(lines) == MAX_HEADING_LINES or SENTENCE_MARK_RE.search(line):
            break
        if line and len(line) <= MAX_TITLE_LINE:
            lines.append(line)
    return lines


def heading_title(lines: list[str]) -> str | None:
    """The first line naming a report, or two that do together (a title wrapped over two lines), else one that may."""
    for index, line in enumerate(lines):
        if is_report_title(line):
            return tidy_title(line)
        following = lines[index + 1] if index + 1 < len(lines) else ""
        wrapped = tidy_title(f"{line} {following}")
        if following and classify_title(following)[0] == "no" and len(wrapped) <= MAX_TITLE_LINE:
            if is_report_title(wrapped):
                return wrapped
    return next((tidy_title(line) for line in lines if classify_title(line)[0] == "possible"), None)


def extract_title(page: Page, text: str) -> str | None:
    """Return the page's title as published, or None if it has none."""
    title = title_from_tree(page.tree) if page.tree is not None else None
    return title or title_from_text(text)
