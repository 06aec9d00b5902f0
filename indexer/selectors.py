"""XPath selectors of the extraction stages, precompiled, and the two typed ways to run them.

Selectors only: each regex lives beside its one user.
"""

from __future__ import annotations

from lxml import etree
from lxml.html import HtmlElement


def _class_xpath(name: str) -> str:
    """XPath matching elements whose class list contains `name`."""
    return f"//*[contains(concat(' ', normalize-space(@class), ' '), ' {name} ')]"


def _selector_xpath(selector: str) -> str:
    """Turn a '.class', '#id' or 'tag' selector into an XPath expression."""
    if selector.startswith("."):
        return _class_xpath(selector[1:])
    if selector.startswith("#"):
        return f"//*[@id='{selector[1:]}']"
    return f"//{selector}"


def elements(selector: etree.XPath, node: HtmlElement) -> list[HtmlElement]:
    """Run a selector and return the elements it found (text nodes and comments left out)."""
    found = selector(node)
    return [item for item in found if isinstance(item, HtmlElement)] if isinstance(found, list) else []


def texts(selector: etree.XPath, node: HtmlElement, **variables: str) -> list[str]:
    """Run a selector and return the text of each match: an attribute value, a text node, or an element's text."""
    found = selector(node, **variables)
    if not isinstance(found, list):
        return []
    return [
        item if isinstance(item, str) else "".join(item.itertext())
        for item in found
        if isinstance(item, (str, HtmlElement))
    ]


# Body containers, most specific first (clean/page.py).
BODY_SELECTORS = (
    ".TRS_Editor",
    ".TRS_UEDITOR",
    "#zoom",
    "#Zoom",
    ".article_zoom",
    "#zoomcon",
    "ucapcontent",
    "#detailContent",
    "#ivs_content",
    "#webeditorview",
    ".Custom_UnionStyle",
    ".detailContent",
    "#UCAP-CONTENT",
    ".article_content",
    ".article-content",
    ".pages_content",
    "#mainText",
)
BODY_XPATHS = tuple((sel, etree.XPath(_selector_xpath(sel))) for sel in BODY_SELECTORS)
PAGE_BODY_XPATH = etree.XPath("//body")
# Elements dropped from a body container before flattening (widgets living inside it).
NOISE_XPATH = etree.XPath(
    "//script | //style | //noscript | //iframe | //object | //embed | //button | //input"
    " | //select | //textarea | //*[@id='qr_container'] | //*[contains(@id, 'qrcode')]"
    " | //*[contains(@class, 'qrcode')] | //*[contains(concat(' ', @class), ' ewm')] | //*[@id='share']"
    " | //*[contains(concat(' ', normalize-space(@class), ' '), ' share ')]"
    " | //*[contains(@class, 'xglj')] | //*[contains(@class, 'links_con')]"
)

# Tables (clean/page.py flattens them, tables/grid.py reads their grid).
HTML_TABLE_XPATH = etree.XPath("descendant-or-self::table")
TABLE_ROWS_XPATH = etree.XPath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr")
ROW_CELLS_XPATH = etree.XPath("./td | ./th")

# Fields (fields/title.py, fields/dates.py, fields/source.py).
TITLE_XPATHS = (
    etree.XPath("//meta[@name='ArticleTitle']/@content"),
    etree.XPath(f"{_class_xpath('article_title')} | //h1[contains(@class, 'article-title')] | //ucaptitle"),
    etree.XPath("//h1"),
)
HTML_TITLE_XPATH = etree.XPath("//title")
META_CONTENT_XPATH = etree.XPath("//meta[@name=$name]/@content")
VISIBLE_TEXT_XPATH = etree.XPath("//body//text()[not(ancestor::script) and not(ancestor::style)]")
CANONICAL_URL_XPATH = etree.XPath("//meta[@name='Url']/@content | //link[@rel='canonical']/@href")
