"""Attachment cases of the portal: a 详见附件 page with a DOCX, a PDF listed directly, an HTML page with a PDF copy."""

from __future__ import annotations

import io
import urllib.parse

import lxml.html
from portal_helpers import fetch

MAGIC = {"pdf": b"%PDF-", "docx": b"PK\x03\x04"}


def files_by_role(truth: dict, role: str, linked: bool) -> list[dict]:
    """Attached files of one role ('report' or 'copy'), linked from a page or listed directly."""
    return [f for f in truth["files"] if f["role"] == role and bool(f["linked_from"]) == linked]


def page_links(url: str) -> dict[str, str]:
    """Map the link texts of a detail page to absolute URLs."""
    tree = lxml.html.fromstring(fetch(url).body.decode("utf-8"))
    return {
        " ".join(a.text_content().split()): urllib.parse.urljoin(url, a.get("href")) for a in tree.xpath("//a[@href]")
    }


def test_every_file_is_served_with_its_type_and_magic(truth):
    assert {(f["source_format"], f["role"], bool(f["linked_from"])) for f in truth["files"]} == {
        ("docx", "report", True),
        ("pdf", "report", False),
        ("pdf", "copy", True),
    }
    for file in truth["files"]:
        answer = fetch(file["url"])
        assert answer.status == 200 and answer.body.startswith(MAGIC[file["source_format"]]), file["url"]
        assert "attachment" in answer.headers["Content-Disposition"]


def test_attachment_only_reports_are_in_the_truth_under_the_file_url(truth):
    reports = {r["url"]: r for r in truth["reports"]}
    for file in files_by_role(truth, "report", True) + files_by_role(truth, "report", False):
        assert reports[file["url"]]["source_format"] == file["source_format"]
    (copy,) = files_by_role(truth, "copy", True)
    assert copy["url"] not in reports and reports[copy["linked_from"]]["source_format"] == "html"


def test_wrapper_page_says_see_attachment_and_links_the_docx(truth):
    (docx_file,) = files_by_role(truth, "report", True)
    report = next(r for r in truth["reports"] if r["url"] == docx_file["url"])
    html = fetch(docx_file["linked_from"]).body.decode("utf-8")
    body = lxml.html.fromstring(html).xpath("//div[@class='TRS_Editor']")[0].text_content()
    assert body.strip() == "详见附件。"
    assert page_links(docx_file["linked_from"])[f"附件：{report['title']}.docx"] == docx_file["url"]


def test_docx_holds_prose_and_real_word_tables_with_the_truth_numbers(truth):
    import docx

    (docx_file,) = files_by_role(truth, "report", True)
    report = next(r for r in truth["reports"] if r["url"] == docx_file["url"])
    document = docx.Document(io.BytesIO(fetch(docx_file["url"]).body))
    assert document.paragraphs[0].text == report["title"]
    assert len(document.tables) == 3
    new_total = report["stats"]["applications"]["new_received"]["total"]
    row = next(r for r in document.tables[1].rows if r.cells[0].text == "一、本年新收政府信息公开申请数量")
    assert row.cells[-1].text == str(new_total)


def test_pdf_only_report_is_listed_directly_and_copy_page_offers_full_text_download(truth):
    (pdf_file,) = files_by_role(truth, "report", False)
    assert pdf_file["url"].endswith(".pdf")
    (copy,) = files_by_role(truth, "copy", True)
    title = next(r["title"] for r in truth["reports"] if r["url"] == copy["linked_from"])
    assert page_links(copy["linked_from"])[f"全文下载：{title}.pdf"] == copy["url"]
