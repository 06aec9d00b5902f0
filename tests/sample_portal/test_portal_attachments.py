"""Attachment cases of the portal: 详见附件 pages with a DOCX, a .doc and a .wps, PDFs listed directly (one a scan
without text layer), an HTML page with a PDF copy."""

from __future__ import annotations

import io
import urllib.parse
from collections import Counter

import lxml.html
import pytest
from portal_helpers import fetch

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97-2003 binary files (WPS Office's .wps too)
MAGIC = {"pdf": b"%PDF-", "docx": b"PK\x03\x04", "doc": OLE_MAGIC, "wps": OLE_MAGIC}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "doc": "application/msword",
    "wps": "application/vnd.ms-works",
}
SCAN_DPI = 300


def files_by_role(truth: dict, role: str, linked: bool) -> list[dict]:
    """Attached files of one role ('report' or 'copy'), linked from a page or listed directly."""
    return [f for f in truth["files"] if f["role"] == role and bool(f["linked_from"]) == linked]


def wrapped_file(truth: dict, source_format: str) -> dict:
    """The one report file of that format linked from a 详见附件 page."""
    (file,) = [f for f in files_by_role(truth, "report", True) if f["source_format"] == source_format]
    return file


def report_of(truth: dict, url: str) -> dict:
    """The truth entry of the report at a URL."""
    return next(r for r in truth["reports"] if r["url"] == url)


def page_links(url: str) -> dict[str, str]:
    """Map the link texts of a detail page to absolute URLs."""
    tree = lxml.html.fromstring(fetch(url).body.decode("utf-8"))
    return {
        " ".join(a.text_content().split()): urllib.parse.urljoin(url, a.get("href")) for a in tree.xpath("//a[@href]")
    }


def test_every_file_is_served_with_its_type_and_magic(truth):
    assert Counter((f["source_format"], f["role"], bool(f["linked_from"])) for f in truth["files"]) == {
        ("docx", "report", True): 1,
        ("doc", "report", True): 1,
        ("wps", "report", True): 1,
        ("pdf", "report", False): 2,  # one with a text layer, one scanned
        ("pdf", "copy", True): 1,
    }
    for file in truth["files"]:
        answer = fetch(file["url"])
        assert answer.status == 200 and answer.body.startswith(MAGIC[file["source_format"]]), file["url"]
        assert answer.headers["Content-Type"] == CONTENT_TYPES[file["source_format"]]
        assert "attachment" in answer.headers["Content-Disposition"]


def test_attachment_only_reports_are_in_the_truth_under_the_file_url(truth):
    reports = {r["url"]: r for r in truth["reports"]}
    for file in files_by_role(truth, "report", True) + files_by_role(truth, "report", False):
        assert reports[file["url"]]["source_format"] == file["source_format"]
    (copy,) = files_by_role(truth, "copy", True)
    assert copy["url"] not in reports and reports[copy["linked_from"]]["source_format"] == "html"


@pytest.mark.parametrize("source_format", ["docx", "doc", "wps"])
def test_wrapper_page_says_see_attachment_and_links_the_file(truth, source_format):
    file = wrapped_file(truth, source_format)
    report = report_of(truth, file["url"])
    html = fetch(file["linked_from"]).body.decode("utf-8")
    body = lxml.html.fromstring(html).xpath("//div[@class='TRS_Editor']")[0].text_content()
    assert body.strip() == "详见附件。"
    assert page_links(file["linked_from"])[f"附件：{report['title']}.{source_format}"] == file["url"]


def test_docx_holds_prose_and_real_word_tables_with_the_truth_numbers(truth):
    import docx

    docx_file = wrapped_file(truth, "docx")
    report = report_of(truth, docx_file["url"])
    document = docx.Document(io.BytesIO(fetch(docx_file["url"]).body))
    assert document.paragraphs[0].text == report["title"]
    assert len(document.tables) == 3
    new_total = report["stats"]["applications"]["new_received"]["total"]
    row = next(r for r in document.tables[1].rows if r.cells[0].text == "一、本年新收政府信息公开申请数量")
    assert row.cells[-1].text == str(new_total)


@pytest.mark.parametrize("source_format", ["doc", "wps"])
def test_old_word_files_are_word_97_binaries_holding_the_report(truth, source_format):
    """Real Word 97-2003 files (an OLE compound file with a WordDocument stream), text stored as UTF-16."""
    file = wrapped_file(truth, source_format)
    body = fetch(file["url"]).body
    assert body.startswith(OLE_MAGIC) and "WordDocument".encode("utf-16-le") in body
    assert report_of(truth, file["url"])["title"].encode("utf-16-le") in body


def listed_pdfs(truth: dict) -> dict[str, bytes]:
    """The bodies of the PDFs listed directly (reports without an HTML page), by URL."""
    return {f["url"]: fetch(f["url"]).body for f in files_by_role(truth, "report", False)}


def test_pdf_only_report_is_listed_directly_and_copy_page_offers_full_text_download(truth):
    import pdfplumber

    with_text = []
    for url, body in listed_pdfs(truth).items():
        assert url.endswith(".pdf")
        with pdfplumber.open(io.BytesIO(body)) as pdf:
            if pdf.pages[0].chars:
                with_text.append((url, pdf.pages[0].extract_text()))
    ((url, first_page),) = with_text  # the other one is the scan
    assert first_page.startswith(report_of(truth, url)["title"] + "\n")
    (copy,) = files_by_role(truth, "copy", True)
    title = next(r["title"] for r in truth["reports"] if r["url"] == copy["linked_from"])
    assert page_links(copy["linked_from"])[f"全文下载：{title}.pdf"] == copy["url"]


def test_scanned_pdf_is_page_images_without_text_layer(truth):
    """The scan: each page one black-and-white image filling it at 300 dpi, no characters; the title as metadata."""
    import pdfplumber

    scans = []
    for url, body in listed_pdfs(truth).items():
        with pdfplumber.open(io.BytesIO(body)) as pdf:
            if not any(page.chars for page in pdf.pages):
                scans.append(url)
                assert pdf.metadata["Title"] == report_of(truth, url)["title"]
                for page in pdf.pages:
                    (image,) = page.images
                    assert image["bits"] == 1 and (image["x0"], image["x1"]) == (0, page.width)
                    assert image["srcsize"] == (round(page.width / 72 * SCAN_DPI), round(page.height / 72 * SCAN_DPI))
    assert len(scans) == 1
