"""DOCX and PDF reports: text extraction, records (fields, tables → stats, checks), unreadable files."""

from __future__ import annotations

import io
import logging
import os
import zipfile

import pytest

from indexer.errors import NotAReport, UnreadablePage
from indexer.load.convert import soffice_path
from indexer.load.documents import docx_text, extract_document_text, read_document
from indexer.load.sniff import sniff_bytes
from indexer.record import build_record, report_verdict
from sample_portal.documents import docx_bytes, pdf_bytes
from sample_portal.model import Block
from sample_portal.portal import build_portal

SAIHAN_HINTS = {"province": "内蒙古自治区", "city": "呼和浩特市", "county": "赛罕区"}
LINGWU_HINTS = {"province": "宁夏回族自治区", "city": "银川市", "county": "灵武市"}
MERGED_TABLE = (
    '<table><tr><td colspan="2" rowspan="2">项目</td><td>自然人</td></tr>'
    "<tr><td>3</td></tr><tr><td>甲</td><td>乙</td><td>4</td></tr></table>"
)


def attached(source_format: str, *, copy: bool = False):
    """Return (document, file) of the sample portal's attachment case in that format."""
    for doc in build_portal().documents:
        for file in doc.files:
            if file.source_format == source_format and file.is_copy == copy:
                return doc, file
    raise LookupError(source_format)


@pytest.mark.parametrize(
    ("source_format", "hints", "url"),
    [
        ("docx", SAIHAN_HINTS, "http://127.0.0.1:8765/saihan/zwgk/zfxxgknb/202301/P020230118000000012401.docx"),
        ("pdf", LINGWU_HINTS, "http://127.0.0.1:8765/lingwu/xxgk/c104223/202301/P020230116000004594130.pdf"),
    ],
)
def test_attached_report_becomes_a_full_record(source_format, hints, url, record_validator):
    doc, file = attached(source_format)
    record = build_record(file.body, url=url, hints=hints, source_format=source_format)
    facts = doc.facts
    assert record_validator.is_valid(record), list(record_validator.iter_errors(record))[:3]
    assert (record["title"], record["agency"], record["agency_type"]) == (doc.title, facts.agency, facts.agency_type)
    assert (record["report_year"], record["format"]) == (facts.report_year, facts.format)
    assert record["published"] == doc.published.isoformat()  # the signature date at the end
    assert (record["province"], record["county"]) == (hints["province"], hints["county"])
    assert record["stats"] == facts.stats
    assert record["checks"] and all(check["ok"] for check in record["checks"])
    assert (record["source_format"], record["url"]) == (source_format, url)
    assert record["text"].startswith(doc.title + "\n")
    assert "五、存在的主要问题及改进情况" in record["text"]


def test_pdf_copy_reads_like_its_html_page():
    doc, file = attached("pdf", copy=True)
    record = build_record(file.body, source_format="pdf", hints=LINGWU_HINTS)
    assert record["stats"] == doc.facts.stats and record["title"] == doc.title


def test_docx_tables_are_rows_in_document_order():
    doc, file = attached("docx")
    lines = extract_document_text(file.body, "docx").splitlines()
    heading = lines.index("三、收到和处理政府信息公开申请情况")
    new = doc.facts.stats["applications"]["new_received"]
    assert lines[heading + 1].startswith("(本列数据的勾稽关系为:第一项加第二项之和")  # half-width like the site
    assert lines[heading + 4] == " | ".join(
        ["一、本年新收政府信息公开申请数量"]
        + [
            str(new[k])
            for k in (
                "natural_person",
                "commercial",
                "research",
                "social_welfare",
                "legal_services",
                "other_org",
                "total",
            )
        ]
    )
    assert lines[lines.index("四、政府信息公开行政复议、行政诉讼情况") + 1] == "行政复议 | 行政诉讼"


def test_docx_merged_cells_are_printed_once_like_html_rows():
    data = docx_bytes("表", (Block("html", MERGED_TABLE),))
    assert docx_text(data).splitlines()[1:] == ["项目 | 自然人", "3", "甲 | 乙 | 4"]


def test_pdf_keeps_chinese_text_and_line_breaks():
    data = pdf_bytes(
        "灵武市教育局2022年政府信息公开工作年度报告", (Block("p", "一、总体情况"), Block("p", "全年无申请。"))
    )
    read = read_document(data, "pdf")
    assert read.text.splitlines() == [  # read by layout: no indentation spaces before the paragraphs
        "灵武市教育局2022年政府信息公开工作年度报告",
        "一、总体情况",
        "全年无申请。",
    ]
    assert read.extraction == {"method": "pdf_text", "tool": None, "withheld_cells": {}}


def test_sniffing_beats_a_wrong_declared_format():
    _, file = attached("pdf")
    assert sniff_bytes(file.body) == "pdf"
    assert build_record(file.body, source_format="html")["source_format"] == "pdf"
    html = "<html><body><div class='TRS_Editor'><p>详见附件。</p></div></body></html>".encode()
    assert sniff_bytes(html) is None
    assert report_verdict(html, source_format="pdf")[1].startswith("content too short")


def test_how_a_document_was_read_is_logged(caplog):
    _, file = attached("pdf")
    with caplog.at_level(logging.DEBUG, logger="indexer"):
        build_record(file.body, source_format="html")
    assert "read as a pdf file (declared html)" in caplog.text and "read PDF: 2 pages" in caplog.text


def scanned_pdf() -> bytes:
    """A PDF page with only a drawing (like a scan: no text layer)."""
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out, invariant=1)
    page.rect(50, 50, 400, 600, fill=1)
    page.showPage()
    page.save()
    return out.getvalue()


def encrypted_pdf(user_password: str) -> bytes:
    """The sample PDF report encrypted with a user password ('' = view-only protection)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(attached("pdf")[1].body)))
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def zip_of(name: str) -> bytes:
    """A valid ZIP archive holding one file (e.g. a spreadsheet's part, not a Word document)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(name, "<workbook/>")
    return out.getvalue()


@pytest.mark.parametrize(
    ("make", "source_format", "reason"),
    [
        (lambda: attached("pdf")[1].body[:900], "pdf", "corrupt PDF file"),
        (lambda: b"%PDF-1.4\n" + b"\x00garbage" * 50, "pdf", "corrupt PDF file"),
        (scanned_pdf, "pdf", "scanned PDF: no text layer"),
        (lambda: encrypted_pdf("secret"), "pdf", "encrypted PDF: a password is required"),
        (lambda: zip_of("xl/workbook.xml"), "docx", "not a DOCX file"),
        (lambda: b"PK\x03\x04" + b"\x00" * 60, "docx", "corrupt DOCX file"),
        (lambda: attached("docx")[1].body[:2000], "docx", "corrupt DOCX file"),
        (lambda: b"", "pdf", "empty"),
    ],
)
def test_unreadable_documents_say_why(make, source_format, reason):
    with pytest.raises(UnreadablePage) as caught:
        build_record(make(), source_format=source_format)
    assert reason in caught.value.reason


@pytest.mark.parametrize("source_format", ["doc", "wps"])
def test_unconvertible_old_word_files_say_why(source_format):
    """A corrupt Word 97-2003 file (OLE header, no document) fails in LibreOffice, or says LibreOffice is missing."""
    if soffice_path() is None:
        reason = f".{source_format} file needs LibreOffice to be read, and it is not installed"
    else:
        reason = f"LibreOffice could not convert the .{source_format} file to DOCX (corrupt or password-protected)"
    with pytest.raises(UnreadablePage) as caught:
        build_record(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, source_format=source_format)
    assert reason in caught.value.reason


def test_rtf_named_doc_is_read_then_judged_on_its_content():
    """An RTF file under a .doc name is converted and read, not refused: too short, it is no report."""
    if soffice_path() is None:
        if os.environ.get("CI"):
            pytest.fail("CI is set and LibreOffice (soffice) is not installed", pytrace=False)
        pytest.skip("LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui")
    rtf = b"{\\rtf1\\ansi ...}"
    read = read_document(rtf, "doc")
    assert read.text == "..."
    assert read.extraction["method"] == "converted" and read.extraction["tool"].endswith("(rtf → docx)")
    with pytest.raises(NotAReport) as caught:
        build_record(rtf, source_format="doc")
    assert caught.value.reason == "content too short for a report (3 characters)"


def test_view_only_encrypted_pdf_is_read():
    doc, _ = attached("pdf")
    assert build_record(encrypted_pdf(""), source_format="pdf")["stats"] == doc.facts.stats


def test_cli_extracts_docx_and_pdf_files(tmp_path):
    import json
    import subprocess
    import sys
    from pathlib import Path

    paths = []
    for source_format in ("docx", "pdf"):
        path = tmp_path / f"report.{source_format}"
        path.write_bytes(attached(source_format)[1].body)
        paths.append(str(path))
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\n" + b"\x00" * 40)
    result = subprocess.run(
        [sys.executable, "-m", "indexer", "extract", *paths, str(broken)],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=120,
    )
    docx_record, pdf_record = (json.loads(line) for line in result.stdout.splitlines())
    assert (docx_record["source_format"], pdf_record["source_format"]) == ("docx", "pdf")
    assert docx_record["stats"] == attached("docx")[0].facts.stats
    assert result.returncode == 1 and "broken.pdf: unreadable input: corrupt PDF file" in result.stderr
