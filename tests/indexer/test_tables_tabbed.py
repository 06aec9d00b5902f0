"""Reports saved as text whose tables are one line per row with tab-separated cells (Word 'save as text')."""

import json
import re

import pytest

from indexer.record import build_record, prepare
from sample_files import PINGTAN

CELL_BAR_RE = re.compile(r"[ ]*\|[ ]*")
TEMPLATE_PAGES = ["80576", "80613", "87885"]  # 2019 template; 2021 template (2021 and 2023 reports)


def tabbed_report(name: str) -> str:
    """The real Pingtan report as plain text, each table row one line of tab-separated cells."""
    _, cleaned = prepare((PINGTAN / f"{name}.html").read_bytes())
    return CELL_BAR_RE.sub("\t", cleaned.text)


def gold_cells(stats: dict) -> dict[str, object]:
    """Every cell of a stats object, by its path."""
    cells: dict[str, object] = {}
    for key, value in stats.items():
        if isinstance(value, dict):
            cells.update({f"{key}.{path}": cell for path, cell in gold_cells(value).items()})
        else:
            cells[key] = value
    return cells


@pytest.mark.parametrize("name", TEMPLATE_PAGES)
def test_tab_separated_rows_read_every_cell(name):
    expected = json.loads((PINGTAN / f"{name}.gold.json").read_text(encoding="utf-8"))
    text = tabbed_report(name)
    assert "\t" in text and " | " not in text
    record = build_record(text.encode("utf-8"), source_format="txt")
    assert record["format"] == expected["format"]
    read = gold_cells(record["stats"])
    wrong = {
        path: (read.get(path), cell) for path, cell in gold_cells(expected["stats"]).items() if read.get(path) != cell
    }
    assert wrong == {}
    assert [c["detail"] for c in record["checks"] if c["rule"] == "unparsed"] == []
