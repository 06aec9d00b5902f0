"""Scanned PDFs (no text layer) are read by OCR: the record says so, and cells whose arithmetic fails are withheld."""

from __future__ import annotations

import os

import lxml.html
import pytest

from indexer.errors import NoTextLayer, UnreadablePage
from indexer.load.documents import read_document
from indexer.load.pdf import pdf_text
from indexer.record import build_record
from indexer.tables.numbers import compute_numbers
from sample_portal.attached import CONVERSION_CASES, SCAN_ONLY, case_report
from sample_portal.documents import scanned_pdf_bytes
from sample_portal.model import Block, Document
from sample_portal.portal import build_portal
from sample_portal.sites.trs import lingwu

LINGWU_HINTS = {"province": "宁夏回族自治区", "city": "银川市", "county": "灵武市"}


def needs_tesseract() -> None:
    """Skip when tesseract with chi_sim is not installed (fail under CI, whose .ci/run installs it)."""
    from indexer.load.ocr import tesseract_missing

    problem = tesseract_missing()
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"CI is set and OCR cannot run: {problem}", pytrace=False)
        pytest.skip(problem)


def scanned_report() -> Document:
    """The sample portal's report published as a scanned PDF."""
    case = next(case for case in CONVERSION_CASES["lingwu"] if case.kind == SCAN_ONLY)
    return next(
        d
        for d in build_portal().documents
        if d.site == "lingwu"
        and d.facts
        and (d.facts.agency_type, d.facts.report_year) == (case.agency_type, case.year)
    )


def test_scanned_report_is_read_by_ocr(record_validator):
    needs_tesseract()
    doc = scanned_report()
    with pytest.raises(NoTextLayer):  # no text layer at all: only OCR can read it
        pdf_text(doc.files[0].body)
    url = "http://127.0.0.1:8765" + doc.record_path
    record = build_record(doc.files[0].body, url=url, hints=LINGWU_HINTS, source_format="pdf")
    assert record_validator.is_valid(record), list(record_validator.iter_errors(record))[:3]
    assert record["source_format"] == "pdf"
    assert record["extraction"]["method"] == "ocr"
    assert record["extraction"]["tool"].startswith("tesseract ")
    facts = doc.facts
    assert (record["title"], record["agency"], record["agency_type"]) == (doc.title, facts.agency, facts.agency_type)
    assert (record["report_year"], record["format"], record["published"]) == (
        facts.report_year,
        facts.format,
        doc.published.isoformat(),
    )
    assert record["stats"] == facts.stats  # every one of its 200 cells read right
    assert record["extraction"]["withheld_cells"] == {}
    assert record["checks"] and all(check["ok"] for check in record["checks"])
    assert "五、存在的主要问题及改进情况" in record["text"]


def misprinted(blocks: tuple[Block, ...], label: str, total: int) -> tuple[Block, ...]:
    """Return the blocks with the total of table 三's row `label` printed as `total` (as a misread digit reads)."""
    changed = []
    for block in blocks:
        if block.kind == "html" and label in block.text:
            table = lxml.html.fragment_fromstring(block.text)
            row = table.xpath(f'.//tr[td[contains(., "{label}")]]')[0]
            row.xpath("./td")[-1].text = str(total)
            block = Block("html", lxml.html.tostring(table, encoding="unicode"))
        changed.append(block)
    return tuple(changed)


def test_a_cell_ocr_misread_is_withheld_not_trusted():
    """The sample scan with 办理结果 予以公开·总计 printed wrong: its row and its column fail, it alone is withheld."""
    needs_tesseract()
    case = next(case for case in CONVERSION_CASES["lingwu"] if case.kind == SCAN_ONLY)
    plan = lingwu().plan
    title, blocks, facts = case_report(case, "lingwu", plan.names, plan.half_width)
    granted = facts.stats["applications"]["granted"]
    wrong = granted["total"] + 50
    record = build_record(
        scanned_pdf_bytes(title, misprinted(blocks, "予以公开", wrong)), hints=LINGWU_HINTS, source_format="pdf"
    )
    assert record["extraction"]["method"] == "ocr"
    assert record["extraction"]["withheld_cells"] == {"applications.granted.total": wrong}
    read = record["stats"]["applications"]["granted"]
    assert read == {**granted, "total": None}  # the rest of the row is trusted: it adds up with its column
    assert compute_numbers(record["stats"])["applications.granted.total"] is None  # out of the searchable numbers
    failed = {check["rule"] for check in record["checks"] if not check["ok"]}
    assert failed == {"applications_results_sum", "applications_row_totals", "unparsed"}
    assert "applications.granted: OCR read cells that fail the arithmetic: total " + str(wrong) in [
        check["detail"] for check in record["checks"]
    ]
    assert not [s for s in record["signals"] if s["signal"] == "blank_cells"]  # withheld is not left blank


def test_ocr_off_refuses_scans_as_before(monkeypatch):
    monkeypatch.setenv("REPORTS_OCR", "off")
    with pytest.raises(UnreadablePage, match=r"^scanned PDF: no text layer \(2 pages, 0 characters"):
        read_document(scanned_report().files[0].body, "pdf")


def test_auto_without_tesseract_refuses_as_before_and_on_says_why(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no tesseract
    body = scanned_report().files[0].body
    with pytest.raises(UnreadablePage, match=r"^scanned PDF: no text layer \(2 pages"):
        read_document(body, "pdf")
    monkeypatch.setenv("REPORTS_OCR", "on")
    with pytest.raises(UnreadablePage, match=r"OCR cannot run: tesseract is not installed"):
        read_document(body, "pdf")


def test_a_scan_over_the_page_limit_is_refused(monkeypatch):
    needs_tesseract()
    monkeypatch.setenv("REPORTS_OCR_MAX_PAGES", "1")
    with pytest.raises(UnreadablePage, match=r"scanned PDF of 2 pages: over the OCR limit of 1"):
        read_document(scanned_report().files[0].body, "pdf")


def test_ocr_over_its_time_is_stopped(monkeypatch):
    needs_tesseract()
    monkeypatch.setenv("REPORTS_OCR_PAGE_TIMEOUT", "0.01")
    with pytest.raises(UnreadablePage, match=r"OCR of page 1 took over 0\.01 s"):
        read_document(scanned_report().files[0].body, "pdf")
