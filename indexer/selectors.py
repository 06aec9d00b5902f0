"""XPath selectors of the extraction stages, precompiled (selectors only: regexes live beside their users)."""

from __future__ import annotations

from lxml import etree


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


# --- body containers, most specific first ----------------------------------------------------
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


# Elements dropped from a body container before flattening (widgets living inside it).
NOISE_XPATH = etree.XPath(
    "//script | //style | //noscript | //iframe | //object | //embed | //button | //input"
    " | //select | //textarea | //*[@id='qr_container'] | //*[contains(@id, 'qrcode')]"
    " | //*[contains(@class, 'qrcode')] | //*[contains(concat(' ', @class), ' ewm')] | //*[@id='share']"
    " | //*[contains(concat(' ', normalize-space(@class), ' '), ' share ')]"
    " | //*[contains(@class, 'xglj')] | //*[contains(@class, 'links_con')]"
)


VISIBLE_TEXT_XPATH = etree.XPath("//body//text()[not(ancestor::script) and not(ancestor::style)]")


TABLE_ROWS_XPATH = etree.XPath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr")


ROW_CELLS_XPATH = etree.XPath("./td | ./th")


# --- title ----------------------------------------------------------------------------------
TITLE_XPATHS = (
    etree.XPath("//meta[@name='ArticleTitle']/@content"),
    etree.XPath(f"{_class_xpath('article_title')} | //h1[contains(@class, 'article-title')] | //ucaptitle"),
    etree.XPath("//h1"),
)


HTML_TITLE_XPATH = etree.XPath("//title")


CANONICAL_URL_XPATH = etree.XPath("//meta[@name='Url']/@content | //link[@rel='canonical']/@href")


HTML_TABLE_XPATH = etree.XPath("descendant-or-self::table")
