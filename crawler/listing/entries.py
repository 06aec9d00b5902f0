"""The items of a list page, whatever the CMS: links with a date in their row, or titled like a report."""

from __future__ import annotations

import copy
import re

import lxml.html
from lxml import etree
from lxml.html import HtmlElement

from crawler.discovery import iter_links, link_text
from crawler.listing.model import Entry
from crawler.recognize import looks_like_report_title

DATE_RE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")


MAX_ROW_LEVELS = 4  # how far above a link its list row (li/dl/tr/div) may sit


# Generic pagers: 下一页/尾页 links, page-number links and selects, hidden index_N links.
PAGER_TEXT_RE = re.compile(r"^(?:下一页|下页|后页|尾页|末页|最后一页|next|>|>>|»)$", re.I)


def unwrap_commented_markup(tree: HtmlElement) -> HtmlElement:
    """Return a copy of the tree where HTML comments holding list markup are turned into markup."""
    comments = [c for c in tree.iter(etree.Comment) if _holds_links(c.text or "")]
    if not comments:
        return tree
    tree = copy.deepcopy(tree)
    for comment in [c for c in tree.iter(etree.Comment) if _holds_links(c.text or "")]:
        _replace_comment(comment)
    return tree


def _holds_links(text: str) -> bool:
    """Tell whether a comment's text is commented-out markup with links."""
    lowered = text.lower()
    return "<a " in lowered and "href" in lowered


def _replace_comment(comment: etree._Comment) -> None:
    """Put the elements parsed from a comment in its place."""
    parent = comment.getparent()
    if parent is None or not comment.text:
        return
    try:
        nodes = lxml.html.fragments_fromstring(comment.text)
    except (etree.ParserError, ValueError):
        return
    index = parent.index(comment)
    for offset, node in enumerate(n for n in nodes if not isinstance(n, str)):
        parent.insert(index + 1 + offset, node)
    parent.remove(comment)


def list_entries(tree: HtmlElement, url: str) -> list[Entry]:
    """Return the list's items: links with a date in their row, plus links titled like a report."""
    entries: dict[str, Entry] = {}
    for anchor, link in iter_links(tree, url):
        if link.url.rstrip("/") == url.rstrip("/") or PAGER_TEXT_RE.match(link.text):
            continue
        title = entry_title(anchor)
        date = row_date(anchor)
        if (date or looks_like_report_title(title)[0]) and link.url not in entries:
            entries[link.url] = Entry(link.url, title, date)
    return list(entries.values())


def entry_title(anchor: HtmlElement) -> str:
    """Return a list item's title: the title/alt attribute when it is the fuller text."""
    text = link_text(anchor)
    attr = (anchor.get("title") or anchor.get("alt") or "").strip()
    if attr and len(attr) >= len(text.rstrip("…. ")):
        return " ".join(attr.split())
    return text


def row_date(anchor: HtmlElement) -> str | None:
    """Find the date printed in the link's own list row (li, dl, tr, div ...), if any."""
    node = anchor
    own_text = anchor.text_content()
    for _ in range(MAX_ROW_LEVELS):
        node = node.getparent()
        if node is None or _content_links(node) > 1:
            return None
        date = find_date(node.text_content().replace(own_text, " ", 1))
        if date:
            return date
    return None


def _content_links(node: HtmlElement) -> int:
    """Count links with an href and some text inside a node."""
    return sum(1 for a in node.iter("a") if a.get("href") and a.text_content().strip())


def find_date(text: str) -> str | None:
    """Return the first plausible date in a text as YYYY-MM-DD."""
    for match in DATE_RE.finditer(text):
        year, month, day = (int(g) for g in match.groups())
        if 1 <= month <= 12 and 1 <= day <= 31:
            return f"{year:04d}-{month:02d}-{day:02d}"
    return None
