"""PDF layout reading (indexer/load/pdf.py): table rows as ' | ' cells, text lines, page furniture, the record's fields."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from indexer.errors import NoTextLayer
from indexer.fields.title import title_from_text
from indexer.load.pdf import pdf_text, restore_characters
from indexer.record import build_record

FILES = Path(__file__).resolve().parents[1] / "files" / "pdf"
FONT = "STSong-Light"  # reportlab's built-in CID font, as the sample portal writes its PDFs


def canvas_pdf(pages: list[list[tuple[float, float, float, str]]], rules: bool = False) -> bytes:
    """An A4 PDF drawing each (x, y from the top, size, text) run where it says, one text object per run."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4, invariant=1)
    for runs in pages:
        for x, y, size, text in runs:
            page.setFont(FONT, size)
            page.drawString(x, A4[1] - y, text)
        page.showPage()
    page.save()
    return out.getvalue()


def narrow_ruled_table(rows: list[list[str]], widths: list[float]) -> bytes:
    """A PDF with one ruled table of narrow columns in a 6-point font (cells nearly touching)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

    canvas_pdf([[(0, 0, 1, "")]])  # registers the CID font
    style = TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), ("FONTSIZE", (0, 0), (-1, -1), 6)])
    style.add("GRID", (0, 0), (-1, -1), 0.5, "black")
    style.add("LEFTPADDING", (0, 0), (-1, -1), 0.5)
    style.add("RIGHTPADDING", (0, 0), (-1, -1), 0.5)
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, invariant=1).build([Table(rows, colWidths=widths, style=style)])
    return out.getvalue()


def test_browser_printed_tables_are_rows_of_cells():
    """Chromium's print of tests/files/pdf/printed-tables.html: merged and blank cells hold their place."""
    lines = pdf_text((FILES / "printed-tables.pdf").read_bytes()).splitlines()
    assert lines[0] == "示例区民政局2023年政府信息公开工作年度报告"  # no print header; radicals restored (⺠ → 民)
    assert "行政规范性文件 | 1 | 0 | 11" in lines
    assert lines[lines.index("结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计") + 1 :][:3] == [
        "1 | 0 | 11 | 2 | 14",
        "合并 | 3 |  | 4 | 7",  # a rowspan cell printed once, a blank cell kept in its column
        "5 | 6 | 7 | 18",
    ]
    assert lines[-2:] == ["示例区民政局", "2024年1月20日"]  # no print footer (URL, page number)
    assert lines[1].startswith("本报告根据") and lines[1].endswith("均在法定期限内答复。")  # one paragraph, one line


def test_browser_printed_report_becomes_a_record():
    record = build_record((FILES / "printed-tables.pdf").read_bytes(), source_format="pdf")
    assert record["title"] == "示例区民政局2023年政府信息公开工作年度报告"
    assert (record["agency"], record["report_year"], record["published"]) == ("示例区民政局", 2023, "2024-01-20")
    assert record["stats"]["proactive"]["normative_documents"] == {"issued": 1, "repealed": 0, "in_force": 11}
    html = build_record((FILES / "printed-tables.html").read_bytes())
    assert record["stats"]["proactive"] == html["stats"]["proactive"]


def test_adjacent_numbers_in_narrow_ruled_cells_stay_apart():
    rows = [["信息内容", "制发", "废止", "有效", "其他"], ["行政规范性文件", "1", "0", "11", "2"]]
    data = narrow_ruled_table(rows, [60, 14, 14, 14, 14])
    assert pdf_text(data).splitlines() == ["信息内容 | 制发 | 废止 | 有效 | 其他", "行政规范性文件 | 1 | 0 | 11 | 2"]


def test_unruled_columns_become_cells_and_prose_stays_whole():
    from reportlab.pdfbase.pdfmetrics import stringWidth

    row = [(60, 100, 10.5, "规章"), (200, 100, 10.5, "1"), (222, 100, 10.5, "0"), (244, 100, 10.5, "11")]
    first = "全年主动公开政府信息120条，"  # then a second run right after it, as a PDF writer splits a line
    prose = [(60, 130, 10.5, first), (60 + stringWidth(first, FONT, 10.5), 130, 10.5, "均在法定期限内答复。")]
    assert pdf_text(canvas_pdf([row + prose])).splitlines() == [
        "规章 | 1 | 0 | 11",
        "全年主动公开政府信息120条，均在法定期限内答复。",
    ]


def test_running_header_and_page_numbers_are_dropped():
    body = "本机关全年新收政府信息公开申请12件，均在法定期限内答复，无行政复议和行政诉讼。"
    pages = [
        [(60, 40, 9, "示例区民政局政务公开专栏"), (60, 120, 10.5, f"{body}第{n}页正文。"), (280, 800, 9, f"- {n} -")]
        for n in (1, 2, 3)
    ]
    assert pdf_text(canvas_pdf(pages)).splitlines() == [f"{body}第{n}页正文。" for n in (1, 2, 3)]


def test_a_heading_wrapped_over_two_lines_is_one_title():
    runs = [
        (90, 80, 22, "示例区民政局2023年政府信息"),
        (200, 108, 22, "公开工作年度报告"),
        (60, 150, 12, "本报告根据《中华人民共和国政府信息公开条例》要求编制。"),
    ]
    text = pdf_text(canvas_pdf([runs]))
    assert text.splitlines()[0] == "示例区民政局2023年政府信息公开工作年度报告"
    assert title_from_text(text) == "示例区民政局2023年政府信息公开工作年度报告"


def test_title_after_a_printed_sites_navigation_wraps_too():
    text = "首页\n政府信息公开\n首页 > 政府信息公开 > 年报\n示例区民政局2023年政府信息公开工作年\n度报告\n本报告根据《条例》编制。"
    assert title_from_text(text) == "示例区民政局2023年政府信息公开工作年度报告"


def test_radicals_and_ligatures_from_a_browser_print_are_restored():
    assert restore_characters("中华⼈⺠共和国 政府⻔⼾⽹站 ﬁle") == "中华人民共和国 政府门户网站 file"


def test_a_scan_has_no_text_layer():
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out, invariant=1)
    page.rect(50, 50, 400, 600, fill=1)
    page.showPage()
    page.save()
    with pytest.raises(NoTextLayer) as caught:
        pdf_text(out.getvalue())
    assert caught.value.reason.startswith("scanned PDF: no text layer (1 pages, 0 characters")


def test_a_row_cut_by_a_page_break_under_a_merged_group_label_is_one_row():
    """LibreOffice cut row （二）部分公开 across pages; the group label 三、本年度办理结果 goes on beside it."""
    pdf = build_record((FILES / "libreoffice-row-across-pages.pdf").read_bytes(), source_format="pdf")
    docx = build_record((FILES / "libreoffice-row-across-pages.docx").read_bytes(), source_format="docx")
    assert pdf["stats"]["applications"]["partly_granted"] == docx["stats"]["applications"]["partly_granted"]
    assert pdf["stats"]["applications"]["partly_granted"]["total"] == 3
    assert pdf["stats"] == docx["stats"]
    lines = pdf_text((FILES / "libreoffice-row-across-pages.pdf").read_bytes()).splitlines()
    assert "（二）部分公开（区分处理的，只计这一情形，不计其他情形） | 2 | 1 | 0 | 0 | 0 | 0 | 3" in lines
