"""Property tests: random valid tables of both templates, rendered in every shape, read back exactly."""

from decimal import Decimal

import lxml.html
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.clean.page import CleanText
from indexer.load.html import load_page
from indexer.selectors import ROW_CELLS_XPATH, TABLE_ROWS_XPATH
from indexer.tables.reader import read_tables
from indexer.tables.schema import (
    APPLICANT_COLUMNS,
    APPLICATION_ROWS,
    PROACTIVE_LAYOUT,
    SUIT_GROUPS,
    SUIT_OUTCOMES,
)
from sample_portal.render_tables import render_tables

COUNTS = st.integers(min_value=0, max_value=99999)
CHANGES = st.integers(min_value=-999, max_value=999)
AMOUNTS = st.decimals(min_value=0, max_value=10**6, places=2).map(
    lambda d: int(d) if d == d.to_integral() else float(d)
)
SHAPES = ("html", "bars", "lines", "tabs")


def _proactive_value(column: str) -> st.SearchStrategy:
    """Values of one table 二 column: signed changes, decimal amounts, counts elsewhere."""
    return {"change": CHANGES, "amount_10k_yuan": AMOUNTS}.get(column, COUNTS)


def _application_row(merged: bool) -> st.SearchStrategy:
    """A table 三 row: six applicant columns plus their total, or one merged total."""
    if merged:
        return COUNTS.map(lambda total: {"total": total})
    return st.lists(COUNTS, min_size=6, max_size=6).map(
        lambda parts: {**dict(zip(APPLICANT_COLUMNS, parts)), "total": sum(parts)}
    )


@st.composite
def stats_of(draw, fmt: str) -> dict:
    """Draw a full stats object in a template."""
    proactive = {row: {c: draw(_proactive_value(c)) for c in columns} for row, columns in PROACTIVE_LAYOUT[fmt].items()}
    merged = draw(st.booleans())
    applications = {row: draw(_application_row(merged)) for row in APPLICATION_ROWS[fmt]}
    suits = {g: {o: draw(COUNTS) for o in SUIT_OUTCOMES} for g in SUIT_GROUPS}
    return {"proactive": proactive, "applications": applications, **suits}


def _rows(html: str) -> list[list[str]]:
    """Cells of each rendered table row, as printed."""
    tables = lxml.html.fragments_fromstring(html)
    return [
        [" ".join(td.itertext()).strip() for td in ROW_CELLS_XPATH(tr)]
        for table in tables
        for tr in TABLE_ROWS_XPATH(table)
    ]


def flatten(html: str, shape: str) -> str:
    """Render the tables as one of the flattened text shapes seen in real reports."""
    rows = _rows(html)
    if shape == "bars":  # lingwu: one row per line, cells joined by ' | ', padding bars
        return "\n".join(" | ".join(cells) + " | ||" for cells in rows)
    if shape == "lines":  # saihan: one cell per line, a bar after each, more bars at row end
        return "\n".join("\n".join(f"{cell} |" for cell in cells) + " ||" for cells in rows)
    return "\n\n".join("\n".join(f"\t{cell}" for cell in cells) for cells in rows)  # lvyuan: Word tabs


def read_back(stats: dict, fmt: str, shape: str, half_width: bool):
    """Render stats in a shape and read them with the table reader."""
    tables = render_tables(stats, fmt, half_width=half_width)
    html = "".join(tables[k] for k in ("proactive", "applications", "suits"))
    if shape == "html":
        page = load_page(f"<html><body><div>{html}</div></body></html>", "html")
        return read_tables(CleanText("", page.tree.find("body"), "test"))
    return read_tables(CleanText(flatten(html, shape), None, "text"))


PROPERTY_SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY_SETTINGS
@given(fmt=st.sampled_from(("2019", "2021")), data=st.data(), shape=st.sampled_from(SHAPES), half=st.booleans())
def test_tables_read_back_exactly(fmt, data, shape, half):
    stats = data.draw(stats_of(fmt))
    result = read_back(stats, fmt, shape, half)
    assert result.format == fmt
    assert result.unparsed == []
    assert result.stats == stats


@PROPERTY_SETTINGS
@given(yuan=st.decimals(min_value=0, max_value=10**9, places=2), shape=st.sampled_from(SHAPES))
def test_amounts_printed_in_yuan_become_10k_yuan(yuan, shape):
    """A 元 amount in the cell is converted exactly (75394432.52元 → 7539.443252)."""
    html = (
        "<table><tr><td>信息内容</td><td>采购项目数量</td><td>采购总金额</td></tr>"
        f"<tr><td>政府集中采购</td><td>1</td><td>{yuan}元</td></tr></table>"
    )
    if shape == "html":
        page = load_page(f"<html><body>{html}</body></html>", "html")
        result = read_tables(CleanText("", page.tree.find("body"), "test"))
    else:
        result = read_tables(CleanText(flatten(html, shape), None, "text"))
    expected = yuan / Decimal(10000)
    assert Decimal(str(result.stats["proactive"]["procurement"]["amount_10k_yuan"])) == expected
