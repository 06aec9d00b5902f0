"""Template variants inside one table: a 2021 table 三 printing （六）其他处理 as one row of seven numbers."""

import json
import logging
import re

import lxml.html
import pytest

from indexer.record import build_record, prepare
from indexer.tables.schema import APPLICANT_COLUMNS
from sample_files import PINGTAN

OTHER_2021_ROWS = ("other_no_correction", "other_no_fee", "other_other")
PAGES_2021 = ["80613", "87885"]


def cell_text(td: lxml.html.HtmlElement) -> str:
    """Printed text of a table cell."""
    return "".join(td.itertext()).strip()


def applications_gold(name: str) -> dict:
    """Table 三 as read by hand."""
    return json.loads((PINGTAN / f"{name}.gold.json").read_text(encoding="utf-8"))["stats"]["applications"]


def other_as_one_row(name: str) -> dict:
    """The (六)其他处理 row a report prints in place of its three 2021 rows: their sums."""
    gold = applications_gold(name)
    return {column: sum(gold[row][column] for row in OTHER_2021_ROWS) for column in APPLICANT_COLUMNS}


def html_with_other_as_one_row(name: str) -> bytes:
    """The 2021 Pingtan page with its three 其他处理 rows printed as one row (label over two columns)."""
    tree = lxml.html.fromstring((PINGTAN / f"{name}.html").read_bytes())
    first = next(tr for tr in tree.iter("tr") if "其他处理" in tr.text_content() and "逾期不补正" in tr.text_content())
    group, sub_label, *values = list(first.iterchildren("td"))
    group.attrib.pop("rowspan")
    group.set("colspan", "2")
    first.remove(sub_label)
    for td, value in zip(values, other_as_one_row(name).values()):
        number = next(e for e in td.iter() if e.text and e.text.strip().isdigit())
        number.text = str(value)
    for tr in (first.getnext().getnext(), first.getnext()):
        tr.getparent().remove(tr)
    return lxml.html.tostring(tree, encoding="utf-8")


def text_with_other_as_one_row(name: str) -> str:
    """The 2021 Pingtan report as flattened text, its three 其他处理 lines printed as one."""
    _, cleaned = prepare((PINGTAN / f"{name}.html").read_bytes())
    one_line = "（六）其他处理 | " + " | ".join(str(v) for v in other_as_one_row(name).values())
    text, replaced = re.subn(
        r"（六）其他处理 \| 1\.申请人无正当理由[^\n]*\n[^\n]*\n3\.其他[^\n]*", one_line, cleaned.text
    )
    assert replaced == 1
    return text


def assert_other_read_as_one_row(record: dict, name: str) -> None:
    """The single 其他处理 row is kept under `other`, the table stays 2021 and its sums check out."""
    assert record["format"] == "2021"
    applications = record["stats"]["applications"]
    assert applications["other"] == other_as_one_row(name)
    assert not set(OTHER_2021_ROWS) & set(applications)
    checks = {c["rule"]: c for c in record["checks"]}
    assert checks["applications_results_sum"]["ok"], checks["applications_results_sum"]
    assert "unparsed" not in checks


@pytest.mark.parametrize("name", PAGES_2021)
def test_html_other_row_of_seven_numbers_in_a_2021_table(name):
    assert_other_read_as_one_row(build_record(html_with_other_as_one_row(name)), name)


@pytest.mark.parametrize("name", PAGES_2021)
def test_text_other_row_of_seven_numbers_in_a_2021_table(name):
    assert_other_read_as_one_row(build_record(text_with_other_as_one_row(name).encode(), source_format="txt"), name)


def test_the_variant_read_is_said(caplog):
    with caplog.at_level(logging.DEBUG, logger="indexer"):
        build_record(html_with_other_as_one_row("80613"))
        build_record((PINGTAN / "87885.html").read_bytes())
    said = [r.getMessage() for r in caplog.records if "variant" in r.getMessage()]
    assert said == ["tables: variant: 三（六）其他处理 printed as in the 2019 template (one row, `other`)"]
