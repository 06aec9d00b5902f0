"""Old Word files (.doc, .wps, RTF named .doc) are converted by LibreOffice and read like the DOCX they came from;
every record says how its text was obtained (`extraction`)."""

from __future__ import annotations

import os
import shutil

import pytest

from indexer.errors import UnreadablePage
from indexer.load.documents import docx_text, read_document
from indexer.load.sniff import OLE_MAGIC
from indexer.record import build_record
from sample_portal.attached import CONVERSION_CASES, DOC_ONLY, WPS_ONLY, case_report
from sample_portal.documents import docx_bytes
from sample_portal.model import Document
from sample_portal.portal import build_portal
from sample_portal.sites.trs import saihan

SAIHAN_HINTS = {"province": "内蒙古自治区", "city": "呼和浩特市", "county": "赛罕区"}
# An RTF file (as Word saves "RTF" under a .doc name): a title and one paragraph, Chinese as \uN escapes.
RTF_REPORT = (
    r"{\rtf1\ansi\ansicpg936\deff0{\fonttbl{\f0\fnil SimSun;}}"
    r"\f0\fs24 \u36187?\u32597?\u21306?\u20892?\u19994?\u20892?\u26449?\u23616?\par "
    r"\u25919?\u24220?\u20449?\u24687?\u20844?\u24320?\u24037?\u20316?\u24180?\u24230?\u25253?\u21578?\par }"
).encode("ascii")


def needs_libreoffice() -> None:
    """Skip when LibreOffice is not installed (fail under CI, whose .ci/run installs it)."""
    if shutil.which("soffice") is None:
        if os.environ.get("CI"):
            pytest.fail("CI is set and LibreOffice (soffice) is not installed", pytrace=False)
        pytest.skip("LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui")


def old_format_report(kind: str) -> tuple[Document, bytes]:
    """Return the sample portal's report published as a .doc or .wps, and the DOCX that file was made from."""
    case = next(case for case in CONVERSION_CASES["saihan"] if case.kind == kind)
    plan = saihan().plan
    title, blocks, _ = case_report(case, "saihan", plan.names, plan.half_width)
    doc = next(d for d in build_portal().documents if d.title == title)
    return doc, docx_bytes(title, blocks)


@pytest.mark.parametrize("kind", [DOC_ONLY, WPS_ONLY])
def test_old_word_file_reads_exactly_like_the_docx_it_was_made_from(kind, record_validator):
    needs_libreoffice()
    doc, docx = old_format_report(kind)
    body = doc.files[0].body
    assert body.startswith(OLE_MAGIC)  # a real Word 97-2003 binary file, not a renamed DOCX
    assert read_document(body, doc.source_format).text == docx_text(docx)

    url = "http://127.0.0.1:8765" + doc.record_path
    record = build_record(body, url=url, hints=SAIHAN_HINTS, source_format=doc.source_format)  # as the crawler declares
    assert record_validator.is_valid(record), list(record_validator.iter_errors(record))[:3]
    assert record["source_format"] == doc.source_format  # what the file is, not what it became
    assert record["extraction"] == {
        "method": "converted",
        "tool": record["extraction"]["tool"],
        "withheld_cells": {},
    }
    assert record["extraction"]["tool"].startswith("LibreOffice ")
    assert record["extraction"]["tool"].endswith(f"({doc.source_format} → docx)")
    facts = doc.facts
    assert (record["title"], record["agency"], record["agency_type"]) == (doc.title, facts.agency, facts.agency_type)
    assert (record["report_year"], record["published"]) == (facts.report_year, doc.published.isoformat())
    assert record["stats"] == facts.stats
    assert all(check["ok"] for check in record["checks"])


def test_rtf_named_doc_is_converted_too():
    needs_libreoffice()
    read = read_document(RTF_REPORT, "doc")
    assert read.text.splitlines() == ["赛罕区农业农村局", "政府信息公开工作年度报告"]
    assert read.extraction["method"] == "converted"
    assert read.extraction["tool"].endswith("(rtf → docx)")


def test_without_libreoffice_the_reason_says_so(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no soffice, no libreoffice
    doc = next(d for d in build_portal().documents if d.source_format == "wps")
    with pytest.raises(UnreadablePage, match=r"\.wps file needs LibreOffice .* not installed"):
        build_record(doc.files[0].body, source_format="wps")


def test_a_file_libreoffice_cannot_read_is_refused_with_the_reason():
    needs_libreoffice()
    broken = OLE_MAGIC + b"\x00" * 4000  # the compound-file signature, then nothing a reader can use
    with pytest.raises(UnreadablePage, match=r"LibreOffice could not convert the \.doc file"):
        read_document(broken, "doc")


def test_a_conversion_over_its_time_is_stopped(monkeypatch):
    needs_libreoffice()
    monkeypatch.setenv("REPORTS_CONVERT_TIMEOUT", "0.05")
    doc = next(d for d in build_portal().documents if d.source_format == "doc")
    with pytest.raises(UnreadablePage, match=r"did not convert the \.doc file within 0\.05 s"):
        read_document(doc.files[0].body, "doc")


@pytest.mark.parametrize(
    ("source", "source_format", "method"),
    [
        ("<html><body><h1>赛罕区民政局2019年政府信息公开工作年度报告</h1></body></html>", "html", "html"),
        ("赛罕区民政局2019年政府信息公开工作年度报告\n一、总体情况", "txt", "text"),
    ],
)
def test_pages_and_texts_say_how_they_were_read(source, source_format, method):
    from indexer.load.source import load_source

    page = load_source(source.encode("utf-8"), source_format)
    assert page.extraction == {"method": method, "tool": None, "withheld_cells": {}}


def test_docx_record_says_docx():
    doc = next(d for d in build_portal().documents if d.source_format == "docx")
    record = build_record(doc.files[0].body, source_format="docx", hints=SAIHAN_HINTS)
    assert record["extraction"] == {"method": "docx", "tool": None, "withheld_cells": {}}
