"""A record's `extraction` is stored, read back (older records: null) and noted on its report page."""

from __future__ import annotations

import lxml.html
import pytest
from fastapi.testclient import TestClient

from indexer.record import build_record
from indexer.storage import open_backend
from sample_files import SAMPLES, sample_file
from search_api.config import Settings
from search_api.main import create_app

OCR = {"method": "ocr", "tool": "tesseract 5.3.0 (chi_sim+eng, 300 dpi)", "withheld_cells": {"review.total": 7}}
CONVERTED = {"method": "converted", "tool": "LibreOffice 7.4.7.2 (wps → docx)", "withheld_cells": {}}


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    """The site over an index of one real report stored three times: as if OCR'd, converted, and as an older record."""
    source = sample_file(SAMPLES / "lingwu-minzheng-2024.txt").read_bytes()
    record = build_record(source, source_format="txt")
    assert record["extraction"] == {"method": "text", "tool": None, "withheld_cells": {}}
    older = {key: value for key, value in record.items() if key != "extraction"}
    db = tmp_path_factory.mktemp("extraction") / "reports.sqlite"
    backend = open_backend(str(db))
    backend.write(
        [
            {**record, **stored_as("ocr", "pdf"), "extraction": OCR},
            {**record, **stored_as("wps", "wps"), "extraction": CONVERTED},
            {**older, **stored_as("older", "txt")},
        ]
    )
    backend.close()
    with TestClient(create_app(Settings(reports_db=db))) as client:
        yield client


def stored_as(report_id: str, extension: str) -> dict:
    """The fields that make a copy of the record another report (storage joins reports of equal content)."""
    url = f"http://127.0.0.1/{report_id}.{extension}"
    return {"id": report_id, "url": url, "urls": [url], "content_hash": report_id * 8, "source_format": extension}


def note(client: TestClient, report_id: str) -> str | None:
    """The text of a report page's extraction note, None when it has none."""
    response = client.get(f"/report/{report_id}")
    assert response.status_code == 200, response.text[:300]
    found = lxml.html.fromstring(response.text).cssselect("#extraction-note")
    return found[0].text_content() if found else None


def test_ocr_record_keeps_its_extraction_and_its_page_says_ocr(client):
    assert client.get("/reports/ocr").json()["extraction"] == OCR
    text = note(client, "ocr")
    assert "文字识别（OCR：tesseract 5.3.0" in text
    assert "1 个数字未通过表内核对" in text and "review.total（识别为 7）" in text


def test_converted_record_page_names_the_converter(client):
    assert "原文是 .wps 文件，正文由 LibreOffice 7.4.7.2 (wps → docx) 转换后读取" in note(client, "wps")


def test_older_record_reads_as_null_and_has_no_note(client):
    assert client.get("/reports/older").json().get("extraction") is None
    assert note(client, "older") is None
