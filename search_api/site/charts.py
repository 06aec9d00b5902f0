"""Server-side inline SVG charts: one number across years as bars, with axis labels; a year without the number is a
visible gap (a dashed mark labelled 无), never a bar of 0."""

from __future__ import annotations

from html import escape

from markupsafe import Markup

from indexer.model import Number

from .render import number_text

HEIGHT, TOP, BOTTOM, LEFT, RIGHT = 180, 22, 28, 44, 8  # pixels: the plot sits between the margins
STEP, BAR = 36, 22  # pixels per year, bar width (the chart then scales to its box: CSS width 100%)
MIN_BAR = 1.5  # pixels: a 0 still shows as a sliver on the axis
MIN_YEARS = 10  # years of room a chart has at least, so that a chart of one year is not drawn huge


def year_chart(number: str, label: str, values: list[tuple[int, Number | None]]) -> Markup:
    """An SVG bar chart of `values` ((year, value or None), oldest first) for the number `number`."""
    width = LEFT + RIGHT + STEP * max(MIN_YEARS, len(values))
    top = max([v for _, v in values if v is not None] + [0])
    scale = (HEIGHT - TOP - BOTTOM) / top if top > 0 else 0.0
    base = HEIGHT - BOTTOM
    parts = [
        f'<svg class="chart" data-number="{escape(number)}" role="img" viewBox="0 0 {width} {HEIGHT}" '
        f'preserveAspectRatio="xMinYMin meet" aria-label="{escape(label)}">',
        f"<title>{escape(label)}</title>",
        f'<line class="axis" x1="{LEFT}" y1="{base}" x2="{width - RIGHT}" y2="{base}"/>',
        f'<text class="tick" x="{LEFT - 4}" y="{base}" text-anchor="end">0</text>',
    ]
    if top > 0:
        parts.append(
            f'<text class="tick" x="{LEFT - 4}" y="{TOP + 4}" text-anchor="end">{escape(number_text(top))}</text>'
        )
        parts.append(f'<line class="grid" x1="{LEFT}" y1="{TOP}" x2="{width - RIGHT}" y2="{TOP}"/>')
    for index, (year, value) in enumerate(values):
        centre = LEFT + STEP * index + STEP / 2
        parts.append(_bar(year, value, centre, base, scale) if value is not None else _gap(year, centre, base))
        parts.append(f'<text class="year" x="{centre}" y="{HEIGHT - 8}" text-anchor="middle">{year}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _bar(year: int, value: Number, centre: float, base: float, scale: float) -> str:
    """One year's bar with its value above it."""
    height = max(MIN_BAR, max(0.0, float(value)) * scale)
    shown = escape(number_text(value))
    return (
        f'<rect class="point" data-year="{year}" data-value="{shown}" x="{centre - BAR / 2}" y="{base - height}" '
        f'width="{BAR}" height="{height}"><title>{year}年：{shown}</title></rect>'
        f'<text class="value" x="{centre}" y="{base - height - 4}" text-anchor="middle">{shown}</text>'
    )


def _gap(year: int, centre: float, base: float) -> str:
    """A year without the number: a dashed mark and 无."""
    return (
        f'<line class="gap" data-year="{year}" x1="{centre}" y1="{base}" x2="{centre}" y2="{TOP + 20}">'
        f"<title>{year}年：无数据</title></line>"
        f'<text class="gap-label" x="{centre}" y="{base - 6}" text-anchor="middle">无</text>'
    )
