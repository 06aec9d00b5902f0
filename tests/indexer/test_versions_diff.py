"""Diffs between two versions of a report (indexer/versions/diff.py), on a real report."""

from __future__ import annotations

from indexer.record import build_record
from indexer.versions.diff import cell_diff, change_summary, char_parts, sentences, text_diff
from sample_files import PINGTAN


def pingtan_2021() -> dict:
    """The real Pingtan 2021 report, as indexed."""
    return build_record((PINGTAN / "80613.html").read_bytes())


def test_sentences_leave_table_rows_out():
    found = sentences("一、总体情况\n我局共收到申请26件。全部办结。\n本年新收 | 26 | 0")
    assert found == ["一、总体情况", "我局共收到申请26件。", "全部办结。"]


def test_a_changed_number_is_one_changed_sentence_with_character_parts():
    record = pingtan_2021()
    sentence = next(s for s in sentences(record["text"]) if "70" in s)
    edited = record["text"].replace(sentence, sentence.replace("70", "72"), 1) + "\n补充说明：本报告于2022年3月更正。"
    changes = text_diff(record["text"], edited)
    assert [c["change"] for c in changes] == ["changed", "added"]
    changed = changes[0]
    assert changed["old"] == sentence and "72" in (changed["new"] or "")
    assert {"op": "delete", "text": "0"} in changed["parts"] and {"op": "insert", "text": "2"} in changed["parts"]
    assert changes[1]["new"] == "补充说明：本报告于2022年3月更正。"


def test_unchanged_text_and_spacing_changes_are_no_diff():
    text = pingtan_2021()["text"]
    assert text_diff(text, text) == []
    assert text_diff("我局  共收到申请。", "我局 共收到申请。") == []


def test_cells_old_to_new_with_labels_and_a_summary():
    stats = pingtan_2021()["stats"]
    edited = {
        **stats,
        "applications": {
            **stats["applications"],
            "new_received": {**stats["applications"]["new_received"], "natural_person": 66},
        },
    }
    cells = cell_diff(stats, edited)
    assert [(c["cell"], c["new"]) for c in cells] == [("applications.new_received.natural_person", 66)]
    assert cells[0]["label"] == "三·本年新收政府信息公开申请数量·自然人"
    summary = change_summary([], cells)
    assert "本年新收政府信息公开申请数量·自然人" in summary and f"{cells[0]['old']:g} → 66" in summary
    assert change_summary([], []) == "无实质变化"


def test_char_parts_rebuild_both_sentences():
    parts = char_parts("共收到申请26件", "共受理申请28件")
    assert "".join(p["text"] for p in parts if p["op"] != "insert") == "共收到申请26件"
    assert "".join(p["text"] for p in parts if p["op"] != "delete") == "共受理申请28件"
