"""PDFs as agencies and browsers make them: every table cell equals the reading of the original (bench/pdf_tables.py).

Chromium prints sample portal report pages (a 2021 table 三 whose merged cells cross a page break, a 2019 report,
a table with blank cells); LibreOffice converts a report's DOCX. Without the converter a test skips, saying why,
or fails when CI is set (.ci/run installs both).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import httpx
import pytest

from bench.pdf_tables import (
    CHROMIUM,
    SOFFICE,
    convert_with_libreoffice,
    filled_cells,
    print_to_pdf,
)
from indexer.record import build_record
from sample_portal.documents import docx_bytes
from sample_portal.portal import build_portal
from sample_portal.server import running_portal

PRINTED_PAGES = (
    "/saihan/zwgk/zfxxgknb/202501/t20250117_7601.html",  # 2021 template, table 三 over two pages
    "/saihan/zwgk/zfxxgknb/202301/t20230117_13479.html",  # blank cells in table 三
    "/saihan/zwgk/zfxxgknb/202101/t20210129_7481.html",  # 2019 template
)
FIELDS = ("title", "agency", "report_year", "published", "format")


def need(tool: str, present: bool) -> None:
    """Skip (or fail under CI) when a converter is not installed."""
    if not present:
        message = f"{tool} is not installed: PDFs cannot be made"
        if os.environ.get("CI"):
            pytest.fail(f"CI is set: {message}", pytrace=False)
        pytest.skip(message)


def unequal_cells(gold: dict, record: dict) -> list[str]:
    """The filled cells of the gold record that the PDF's record does not have equal."""
    read = dict(filled_cells(record["stats"]))
    return [
        f"{path}: {value} read as {read.get(path)}"
        for path, value in filled_cells(gold["stats"])
        if read.get(path) != value
    ]


@pytest.fixture(scope="module")
def portal():
    with running_portal() as server:
        yield server.base_url


@pytest.mark.parametrize("path", PRINTED_PAGES)
def test_page_printed_by_chromium_reads_like_the_page(path, portal, tmp_path):
    need("chromium", Path(CHROMIUM).exists())
    url = portal + path
    gold = build_record(httpx.get(url).content, url=url)
    record = build_record(print_to_pdf(url, tmp_path / "page.pdf"), source_format="pdf")
    assert gold["stats"] and unequal_cells(gold, record) == []
    assert {name: record[name] for name in FIELDS} == {name: gold[name] for name in FIELDS}


def test_docx_converted_by_libreoffice_reads_like_the_docx(tmp_path):
    need("LibreOffice (soffice)", shutil.which(SOFFICE) is not None)
    docs = [d for d in build_portal().documents if d.facts and d.facts.stats and d.facts.format == "2021"][:2]
    originals = {}
    for index, doc in enumerate(docs):
        originals[f"report{index}"] = docx_bytes(doc.title, doc.blocks)
        (tmp_path / f"report{index}.docx").write_bytes(originals[f"report{index}"])
    pdfs = convert_with_libreoffice(sorted(tmp_path.glob("*.docx")), tmp_path)
    for stem, docx in originals.items():
        gold = build_record(docx, source_format="docx")
        record = build_record(pdfs[stem], source_format="pdf")
        assert gold["stats"] and unequal_cells(gold, record) == []
        assert {name: record[name] for name in FIELDS} == {name: gold[name] for name in FIELDS}
