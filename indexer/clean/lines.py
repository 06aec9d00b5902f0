"""Line rules applied to flattened text: spaces, site furniture, related-link lists, a body printed twice."""

from __future__ import annotations

import re

# Site furniture: a whole line of toolbar words, a QR-code prompt, a meta line (来源：…), a footer line.
TOOLBAR_LINE_RE = re.compile(
    r"^(?:[【】\[\]（）()<>\s:：|/、·•]|字号|字体|默认|大|中|小|打印本页|打印|关闭窗口|关闭|返回顶部"
    r"|收藏|分享到?|保存|纠错|我要纠错|视力保护色|朗读)+$"
)
TOOLBAR_KEYWORD_RE = re.compile(r"字号|字体|打印|关闭|返回顶部|收藏|分享|纠错|朗读")
QR_LINE_RE = re.compile(
    r"^(?:扫一扫在手机[上中]?(?:查看|打开|浏览)?(?:当前|本)?页面?|(?:微信|手机)扫一扫.{0,20}|扫一扫.{0,12})$"
)
META_LINE_RE = re.compile(
    r"^(?:来源|信息来源|文章来源|稿件来源|撰稿|撰稿人|作者|校对|责任编辑|编辑|审核|一审|二审|三审|初审|复审|终审"
    r"|浏览次数|访问量|点击数|阅读次数|发布时间|发布日期|时间|日期|上一篇|下一篇)\s*[:：]"
)
META_LINE_MAX = 80
FOOTER_LINE_RE = re.compile(
    r"主办单位\s*[:：]|承办单位\s*[:：]|主办\s*[:：]|技术支持\s*[:：]?|ICP[备证]\s*\d|公网安备\s*\d|公安备案号"
    r"|网站标识码\s*[:：]?\s*\d|版权所有|Copyright|©|网站地图\s*[|｜]|建议使用.{0,20}浏览器"
)
FOOTER_LINE_MAX = 160

# A related-links box: its heading and the short link titles under it.
RELATED_HEADING_RE = re.compile(
    r"^(?:相关链接|相关解读|相关文件|相关新闻|相关阅读|相关附件|政策解读|解读材料)\s*[:：]?$"
)
RELATED_ITEM_MAX = 80

SPACE_RUN_RE = re.compile(r"[ \t\xa0\u3000\u2002\u2003\u200b\ufeff]+")
DUPLICATE_MIN_SHARE = 0.8  # a repeated tail must cover this share of the head to count as a copy


def normalize_space(line: str) -> str:
    """Collapse runs of spaces (incl. NBSP and ideographic space) and strip the line."""
    return SPACE_RUN_RE.sub(" ", line).strip()


def is_boilerplate(line: str) -> bool:
    """Tell whether a single line is site furniture rather than report content."""
    if TOOLBAR_LINE_RE.match(line) and TOOLBAR_KEYWORD_RE.search(line):
        return True
    if QR_LINE_RE.match(line):
        return True
    if len(line) <= META_LINE_MAX and META_LINE_RE.match(line):
        return True
    return len(line) <= FOOTER_LINE_MAX and bool(FOOTER_LINE_RE.search(line))


def drop_related_lists(lines: list[str]) -> list[str]:
    """Drop a 相关链接/相关解读 heading and the short link titles that follow it."""
    out: list[str] = []
    skipping = False
    for line in lines:
        if RELATED_HEADING_RE.match(line):
            skipping = True
            continue
        if skipping and len(line) <= RELATED_ITEM_MAX and "。" not in line:
            continue
        skipping = False
        out.append(line)
    return out


def drop_repeated_body(lines: list[str]) -> list[str]:
    """Keep a body printed twice (screen + print view) once."""
    if not lines:
        return lines
    for start in (i for i in range(1, len(lines)) if lines[i] == lines[0]):
        tail = lines[start:]
        if len(tail) >= DUPLICATE_MIN_SHARE * start and tail == lines[: len(tail)]:
            return lines[:start]
        if start >= DUPLICATE_MIN_SHARE * len(tail) and lines[:start] == tail[:start]:
            return tail
    return lines


def clean_lines(text: str) -> str:
    """Apply the line rules (spaces, boilerplate, related lists, duplicate body) to flattened text."""
    lines = [normalize_space(line) for line in text.splitlines()]
    lines = [line for line in lines if line and not is_boilerplate(line)]
    return "\n".join(drop_repeated_body(drop_related_lists(lines)))
