"""Source-format sniffing (load/sniff.py): bytes, Content-Type, names, and which evidence wins, as (input, expected) tables."""

from __future__ import annotations

import io
import zipfile

import pytest

from indexer.load.sniff import (
    as_source_format,
    declared_format,
    document_format,
    format_from_content_type,
    format_from_name,
    is_binary,
    sniff_bytes,
    sniff_text,
)
from indexer.load.source import load_source
from sample_files import PINGTAN, SAMPLES, sample_file
from sample_portal.documents import docx_bytes, pdf_bytes
from sample_portal.model import Block

TITLE = "灵武市教育局2022年政府信息公开工作年度报告"
BLOCKS = (Block("p", "一、总体情况"),)
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
RTF = b"{\\rtf1\\ansi ...}"
HTML_PAGE = sample_file(PINGTAN / "87885.html").read_bytes()
TEXT_REPORT = sample_file(SAMPLES / "saihan-minzheng-2019.txt").read_bytes()


def zip_of(name: str) -> bytes:
    """A valid ZIP archive holding one file."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(name, "<x/>")
    return out.getvalue()


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda: pdf_bytes(TITLE, BLOCKS), "pdf"),
        (lambda: b"\r\n" + pdf_bytes(TITLE, BLOCKS), "pdf"),  # a download script's stray newline
        (lambda: docx_bytes(TITLE, BLOCKS), "docx"),
        (lambda: zip_of("word/document.xml"), "docx"),
        (lambda: b"PK\x03\x04" + b"\x00" * 60, "docx"),  # too broken to tell: read (and refused) as DOCX
        (lambda: zip_of("xl/workbook.xml"), "zip"),
        (lambda: OLE, "ole"),
        (lambda: b" " + RTF, "rtf"),
        (lambda: HTML_PAGE, None),
        (lambda: TEXT_REPORT, None),
        (lambda: b"", None),
    ],
)
def test_bytes(make, expected):
    assert sniff_bytes(make()) == expected


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"%PDF-1.4 ...", True),
        (b"\n\n%PDF-1.7", True),
        (b"PK\x03\x04....", True),
        (OLE, True),
        (RTF, False),  # RTF is text: decoding it is not refused here
        (HTML_PAGE, False),
    ],
)
def test_binary_files_are_not_decoded_as_text(data, expected):
    assert is_binary(data) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<!DOCTYPE html><html><body><p>报告</p></body></html>", "html"),
        ("<div class='TRS_Editor'><p>报告</p></div>", "html"),
        ("赛罕区民政局2019年政府信息公开工作年度报告\n一、总体情况", "txt"),
        ("收入 <10万元 的项目 | 3", "txt"),
    ],
)
def test_text(text, expected):
    assert sniff_text(text) == expected


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [
        ("application/pdf", "pdf"),
        ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
        ("Application/MSWord; charset=binary", "doc"),
        ("application/vnd.ms-works", "wps"),
        ("application/kswps", "wps"),
        ("text/html; charset=GBK", None),
        ("application/octet-stream", None),
        (None, None),
    ],
)
def test_content_type(content_type, expected):
    assert format_from_content_type(content_type) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("report.pdf", "pdf"),
        ("REPORT.DOCX", "docx"),
        ("/zwgk/P020230118.doc", "doc"),
        ("附件.wps", "wps"),
        ("lvyuan-minzheng-2020.txt", "txt"),
        ("notes.text", "txt"),
        ("t20240308_87885.htm", "html"),
        ("index.shtml", "html"),
        ("report.pdf.html", "html"),
        ("download.jsp", None),
        ("/zwgk/zfxxgknb/", None),
    ],
)
def test_name(name, expected):
    assert format_from_name(name) == expected


@pytest.mark.parametrize(
    ("name", "content_type", "expected"),
    [
        ("/down.jsp", "application/pdf", "pdf"),
        ("/a/report.doc", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
        ("/a/report.docx", "application/octet-stream", "docx"),  # no format in the type: the name decides
        ("/a/t1.htm", "text/html", "html"),
        ("/a/download.jsp", None, None),
    ],
)
def test_content_type_wins_over_the_name(name, content_type, expected):
    assert declared_format(name, content_type) == expected


@pytest.mark.parametrize(
    ("data", "declared", "expected"),
    [
        (pdf_bytes(TITLE, BLOCKS), "html", "pdf"),  # the bytes win over a wrong declaration
        (docx_bytes(TITLE, BLOCKS), "doc", "docx"),
        (OLE, "wps", "wps"),  # an old binary file keeps its declared name (for the refusal message)
        (OLE, None, "doc"),
        (RTF, "pdf", "pdf"),
        (zip_of("xl/workbook.xml"), "docx", "docx"),
        (HTML_PAGE, "pdf", None),  # a CMS error page named .pdf is a page
        (TEXT_REPORT, "docx", None),
    ],
)
def test_document_format(data, declared, expected):
    assert document_format(data, declared) == expected


@pytest.mark.parametrize(("name", "expected"), [("pdf", "pdf"), ("html", "html"), ("xlsx", None), (None, None)])
def test_unknown_declarations_count_as_none(name, expected):
    assert as_source_format(name) == expected


@pytest.mark.parametrize(
    ("source", "declared", "expected", "parsed"),
    [
        (HTML_PAGE, None, "html", True),
        (HTML_PAGE, "pdf", "html", True),  # declared a document, the bytes are a page
        (HTML_PAGE, "txt", "txt", False),  # a declared text format is taken as it is
        (TEXT_REPORT, None, "txt", False),
        (TEXT_REPORT.decode(), "pdf", "pdf", False),  # text a caller already extracted from a PDF
        (pdf_bytes(TITLE, BLOCKS), "html", "pdf", False),
        (docx_bytes(TITLE, BLOCKS), None, "docx", False),
    ],
)
def test_loaded_source_names_the_format_its_record_states(source, declared, expected, parsed):
    page = load_source(source, declared)
    assert (page.source_format, page.tree is not None) == (expected, parsed)
