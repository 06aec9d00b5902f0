"""HTML tables whose table 三 leaves cells blank (a real province-level report prints no zeros there)."""

import json

import lxml.html
import pytest

from indexer.record import build_record
from sample_files import PINGTAN

TEMPLATE_PAGES = ["80576", "80613", "87885"]  # 2019 template; 2021 template (2021 and 2023 reports)


def cell_text(td: lxml.html.HtmlElement) -> str:
    """Printed text of a table cell."""
    return "".join(td.itertext()).strip()


def blank(td: lxml.html.HtmlElement) -> None:
    """Empty a cell, keeping the cell itself (and its spans) in the grid."""
    for child in list(td):
        td.remove(child)
    td.text = None


def page_with_blank_cells(name: str, blank_cell) -> tuple[bytes, int]:
    """The Pingtan page with the table 三 cells `blank_cell` picks left blank; and how many were blanked."""
    tree = lxml.html.fromstring((PINGTAN / f"{name}.html").read_bytes())
    table = next(t for t in tree.iter("table") if "申请人情况" in t.text_content())
    chosen = [td for tr in table.iter("tr") for td in blank_cell(list(tr.iterchildren("td", "th")))]
    for td in chosen:
        blank(td)
    return lxml.html.tostring(tree, encoding="utf-8"), len(chosen)


def zero_cells(tds: list) -> list:
    """Every 0 cell of a row."""
    return [td for td in tds if cell_text(td) == "0"]


def applications_gold(name: str) -> dict:
    """Table 三 as read by hand."""
    return json.loads((PINGTAN / f"{name}.gold.json").read_text(encoding="utf-8"))["stats"]["applications"]


def unparsed(record: dict) -> list[str]:
    """Details of the record's unparsed checks."""
    return [c["detail"] for c in record["checks"] if c["rule"] == "unparsed"]


@pytest.mark.parametrize("name", TEMPLATE_PAGES)
def test_zeros_left_blank_read_as_null_and_every_other_cell_in_its_column(name):
    page, blanked = page_with_blank_cells(name, zero_cells)
    assert blanked > 50
    record = build_record(page)
    assert unparsed(record) == []
    expected = {
        key: {column: value or None for column, value in row.items()} for key, row in applications_gold(name).items()
    }
    assert record["stats"]["applications"] == expected


@pytest.mark.parametrize("name", TEMPLATE_PAGES)
def test_leading_and_trailing_blank_cells_keep_the_columns(name):
    """Rows whose 自然人 and 总计 cells are blank: the filled cells between stay in their columns."""

    def first_and_last_value(tds: list) -> list:
        values = [td for td in tds if cell_text(td).isdigit()]
        return [values[0], values[-1]] if len(values) == 7 else []

    page, blanked = page_with_blank_cells(name, first_and_last_value)
    assert blanked > 20
    record = build_record(page)
    assert unparsed(record) == []
    for key, row in applications_gold(name).items():
        assert record["stats"]["applications"][key] == {**row, "natural_person": None, "total": None}, key


def test_a_row_with_one_filled_cell_keeps_its_column():
    """Only 自然人 filled in 本年新收 (others blank): it is the 自然人 cell, not a merged total."""

    def all_but_first_value_of_new_received(tds: list) -> list:
        if not any("本年新收" in cell_text(td) for td in tds):
            return []
        return [td for td in tds if cell_text(td).isdigit()][1:]

    page, blanked = page_with_blank_cells("80613", all_but_first_value_of_new_received)
    assert blanked == 6
    record = build_record(page)
    assert unparsed(record) == []
    new_received = dict.fromkeys(applications_gold("80613")["new_received"])
    assert record["stats"]["applications"]["new_received"] == {**new_received, "natural_person": 64}
