"""Cleaning: the report body of a page (known CMS containers, else trafilatura) flattened to text lines, boilerplate removed."""

from __future__ import annotations

import copy
import logging
from dataclasses import dataclass

import lxml.html

from indexer.clean.lines import clean_lines, normalize_space
from indexer.load import CELL_SEPARATOR
from indexer.load.html import Page
from indexer.selectors import (
    BODY_XPATHS,
    NOISE_XPATH,
    PAGE_BODY_XPATH,
    ROW_CELLS_XPATH,
    TABLE_ROWS_XPATH,
    elements,
)

logger = logging.getLogger(__name__)

MIN_BODY_CHARS = 40  # a container with less text is an empty template slot
BLOCK_TAGS = frozenset(
    "address article aside blockquote br caption center dd div dl dt fieldset figcaption figure footer form"
    " h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section table title tr ucapcontent ul".split()
)
SKIP_TAGS = frozenset("script style noscript iframe head object embed select textarea button".split())


@dataclass(frozen=True)
class CleanText:
    """Cleaned body text, the (pruned copy of the) body element, and how it was found."""

    text: str
    body: lxml.html.HtmlElement | None
    method: str  # "container:<selector>", "trafilatura" or "text"


def find_body(tree: lxml.html.HtmlElement) -> tuple[str, lxml.html.HtmlElement] | None:
    """Return (selector, element) of the first known body container holding real text."""
    for selector, xpath in BODY_XPATHS:
        for element in elements(xpath, tree):
            if _has_text(element):
                return selector, element
    return None


def _has_text(element: lxml.html.HtmlElement, minimum: int = MIN_BODY_CHARS) -> bool:
    """Tell whether an element holds at least `minimum` non-space characters of text."""
    size = 0
    for piece in element.itertext():
        size += len("".join(piece.split()))
        if size >= minimum:
            return True
    return False


def prune(element: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """Return a copy of `element` without scripts, widgets (QR code, share bar) and related-link boxes."""
    element = copy.deepcopy(element)
    for noise in elements(NOISE_XPATH, element):
        if noise is not element and noise.getparent() is not None:
            noise.drop_tree()
    return element


def table_lines(table: lxml.html.HtmlElement) -> list[str]:
    """Flatten a table: one line per row, cells joined by ' | '."""
    lines = []
    for row in elements(TABLE_ROWS_XPATH, table):
        cells = [normalize_space("".join(cell.itertext())) for cell in elements(ROW_CELLS_XPATH, row)]
        if any(cells):
            lines.append(CELL_SEPARATOR.join(cells))
    return lines


def _flatten(element: lxml.html.HtmlElement, parts: list[str]) -> None:
    """Append the text of `element` to `parts`, with newlines around blocks and tables as rows."""
    tag = element.tag if isinstance(element.tag, str) else None
    if tag is not None and tag.lower() not in SKIP_TAGS:
        tag = tag.lower()
        if tag == "table":
            parts.append("\n" + "\n".join(table_lines(element)) + "\n")
        else:
            block = tag in BLOCK_TAGS
            parts.append("\n" if block else "")
            parts.append(element.text or "")
            for child in element:
                _flatten(child, parts)
            parts.append("\n" if block else "")
    parts.append(element.tail or "")


def element_text(element: lxml.html.HtmlElement) -> str:
    """Flatten an element to text lines (tail excluded)."""
    parts: list[str] = []
    _flatten(element, parts)
    if element.tail:
        parts.pop()
    return "".join(parts)


def trafilatura_text(tree: lxml.html.HtmlElement) -> str:
    """Extract the main text with trafilatura (fallback when no known container matched)."""
    import trafilatura  # imported lazily: only pages without a known container need it

    result = trafilatura.extract(
        copy.deepcopy(tree), include_tables=True, include_comments=False, include_links=False, output_format="txt"
    )
    return result or ""


def _trafilatura_row(line: str) -> str:
    """Rewrite trafilatura's '| a | b |' table rows as 'a | b' like our own tables."""
    if not line.lstrip().startswith("|"):
        return line
    return CELL_SEPARATOR.join(cell.strip() for cell in line.strip().strip("|").split("|"))


def page_body(tree: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """Return the page's <body> (or root) for callers that need a tree when no container matched."""
    bodies = elements(PAGE_BODY_XPATH, tree)
    return prune(bodies[0] if bodies else tree)


def clean_html(tree: lxml.html.HtmlElement) -> CleanText:
    """Clean an HTML page: container text if a known one is found, else trafilatura's."""
    found = find_body(tree)
    if found:
        selector, element = found
        body = prune(element)
        logger.debug("body: container %s", selector)
        return CleanText(clean_lines(element_text(body)), body, f"container:{selector}")
    logger.debug("body: no known container, trafilatura's main text")
    text = "\n".join(_trafilatura_row(line) for line in trafilatura_text(tree).splitlines())
    return CleanText(clean_lines(text), page_body(tree), "trafilatura")


def clean_page(page: Page) -> CleanText:
    """Clean a loaded page, HTML or plain text, with the same line rules."""
    if page.tree is not None:
        return clean_html(page.tree)
    return CleanText(clean_lines(page.raw), None, "text")
