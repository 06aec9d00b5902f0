"""The pure parts of OCR: words back into table rows and prose, label repair, deskew, and which cells to withhold."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from PIL import Image, ImageDraw

from indexer.load.ocr import Rulings, Word, deskew, find_rulings, page_lines, parse_tsv
from indexer.load.ocr_labels import snap_label
from indexer.tables.schema import APPLICANT_COLUMNS, APPLICATION_ROWS
from indexer.withhold import suspect_cells, withhold_failing_cells

TSV_HEADER = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"


def word(text: str, left: int, top: int, line: int, width: int = 40) -> Word:
    """A word of height 30 on tesseract line `line`."""
    return Word(text, left, top, width, 30, (1, 1, line))


def test_words_between_rulings_become_cells_and_wrapped_prose_is_joined():
    rulings = Rulings(np.zeros((1, 1), bool), [(x, 300, 400) for x in (100, 600, 700, 800)])
    words = [
        word("一、总体情况", 100, 100, 1, width=200),
        word("全年新收政府信息公开申请", 160, 150, 2, width=740),  # indented first line, reaches the margin
        word("98件。", 100, 200, 3, width=120),  # its continuation, at the left margin
        word("(一)予以公开", 110, 320, 4, width=300),
        word("4O", 620, 320, 4),  # 40 with the letter O
        word("l", 720, 320, 4, width=10),  # 1 as a lower-case L
    ]
    assert page_lines(words, rulings) == ["一、总体情况", "全年新收政府信息公开申请98件。", "(一)予以公开 | 40 | 1"]


def test_a_wide_gap_without_ruling_is_a_cell_break():
    words = [word("行政许可", 100, 100, 1, width=160), word("1083", 600, 100, 1)]
    assert page_lines(words, Rulings(np.zeros((1, 1), bool), [])) == ["行政许可 | 1083"]


def test_a_word_read_across_a_ruling_is_split_there():
    rulings = Rulings(np.zeros((1, 1), bool), [(300, 0, 500)])
    words = [word("其他处理2申请人", 100, 100, 1, width=400), word("1", 650, 100, 1, width=20)]
    assert page_lines(words, rulings) == ["其他处理 | 2.申请人 | 1"]


@pytest.mark.parametrize(
    ("read", "repaired"),
    [
        ("3危及“三安全一稳定”", "3.危及“三安全一稳定”"),
        ("&属于行政查询事项", "8.属于行政查询事项"),
        ("(七总计", "(七)总计"),
        ("(=)部分公开(区分处理的)", "(二)部分公开(区分处理的)"),
        ("1.申请人无正当理由庆不补正、行政机关不再处理", "1.申请人无正当理由逾期不补正、行政机关不再处理"),
        ("5.属于三类内部事务信息", "5.属于三类内部事务信息"),  # right already: not turned into 四类过程性信息
        ("其它", "其它"),  # too short to snap: one character off is another word
    ],
)
def test_snap_label_repairs_what_ocr_misreads_in_template_labels(read, repaired):
    assert snap_label(read) == repaired


def test_parse_tsv_keeps_words_with_their_boxes_and_drops_latin_noise():
    tsv = "\n".join(
        [
            TSV_HEADER,
            "4\t1\t1\t1\t1\t0\t530\t202\t1422\t58\t-1\t",
            "5\t1\t1\t1\t1\t1\t530\t204\t56\t55\t84.7\t灵",
            "5\t1\t1\t1\t1\t2\t609\t202\t78\t58\t0.0\t武",  # right, whatever tesseract's confidence
            "5\t1\t1\t1\t1\t3\t700\t202\t30\t58\t3.5\tee",  # a speck read as letters
            "5\t1\t1\t1\t2\t1\t530\t300\t30\t58\t91.0\t|",  # a ruling remnant
        ]
    )
    assert [(w.text, w.left, w.line) for w in parse_tsv(tsv)] == [("灵", 530, (1, 1, 1)), ("武", 609, (1, 1, 1))]


def test_rulings_are_found_and_deskew_turns_a_page_straight():
    page = Image.new("L", (800, 1000), 255)
    draw = ImageDraw.Draw(page)
    for y in range(100, 900, 40):
        draw.rectangle((100, y, 700, y + 12), fill=0)  # lines of "text"
    draw.line((400, 100, 400, 900), fill=0, width=2)
    found = find_rulings(np.asarray(page))
    assert [abs(x - 400) <= 2 for x, _, _ in found.vertical] == [True]
    askew = page.rotate(1.0, fillcolor=255)
    straight = deskew(askew)
    assert straight is not askew  # turned back
    rows = (np.asarray(straight) < 128).sum(axis=1)
    assert rows.max() > 0.9 * 600  # a text line lies on one pixel row again
    assert deskew(page) is page


def consistent_stats() -> dict:
    """Table 三 (2019 format) with 3 applications by natural persons, all granted, and one review upheld."""
    applications = {row: dict.fromkeys(APPLICANT_COLUMNS, 0) for row in APPLICATION_ROWS["2019"]}
    for row in ("new_received", "granted", "total_processed"):
        applications[row].update(natural_person=3, total=3)
    return {"applications": applications, "review": {"upheld": 1, "corrected": 0, "other": 0, "pending": 0, "total": 1}}


STATS = consistent_stats()


def test_consistent_tables_withhold_nothing():
    assert withhold_failing_cells(STATS, "2019") == (STATS, {}, [])


def test_one_misread_cell_fails_its_row_and_column_and_alone_is_withheld():
    read = copy.deepcopy(STATS)
    read["applications"]["granted"]["natural_person"] = 8  # 3 misread
    assert suspect_cells(read, "2019") == [("applications", "granted", "natural_person")]
    kept, withheld, checks = withhold_failing_cells(read, "2019")
    assert withheld == {"applications.granted.natural_person": 8}
    assert kept["applications"]["granted"]["natural_person"] is None
    assert read["applications"]["granted"]["natural_person"] == 8  # the input is left as read
    assert checks == [
        {
            "rule": "unparsed",
            "ok": False,
            "detail": "applications.granted: OCR read cells that fail the arithmetic: natural_person 8",
        }
    ]


def test_a_lone_failing_equation_withholds_all_its_cells():
    read = copy.deepcopy(STATS)
    read["review"]["total"] = 7
    assert set(suspect_cells(read, "2019")) == {
        ("review", o) for o in ("upheld", "corrected", "other", "pending", "total")
    }
