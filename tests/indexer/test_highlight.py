"""Snippets: the densest window of the original text, escaped, matches in <mark>."""

from __future__ import annotations

from indexer.search_text.highlight import snippet
from sample_files import SAMPLES


def test_window_with_most_matches_wins():
    text = "开头只提到一次行政复议。" + "无关内容。" * 40 + "行政复议和行政诉讼,行政复议结果维持。" + "结尾。" * 40
    out = snippet(text, ["行政复议", "行政诉讼"], width=40)
    assert out.count("<mark>") == 3
    assert out.startswith("…") and out.endswith("…")


def test_cut_from_original_text_not_segmented_copy():
    text = (SAMPLES / "lingwu-minzheng-2024.txt").read_text(encoding="utf-8")
    out = snippet(text, ["依申请公开"])
    assert "不断加强和规范<mark>依申请公开</mark>工作" in out
    assert len(out.replace("<mark>", "").replace("</mark>", "")) <= 122


def test_html_is_escaped():
    out = snippet('<b>行政复议</b> & "诉讼"', ["行政复议"])
    assert out == "&lt;b&gt;<mark>行政复议</mark>&lt;/b&gt; &amp; &quot;诉讼&quot;"


def test_no_terms_gives_the_start():
    text = "一、总体情况\n" + "内容" * 100
    assert snippet(text, []) == "一、总体情况 " + "内容" * 56 + "内…"  # 120 characters of text
    assert snippet(text, ["不存在的词"]).startswith("一、总体情况")


def test_short_text_has_no_ellipsis():
    assert snippet("本年度未收取信息处理费。", ["信息处理费"]) == "本年度未收取<mark>信息处理费</mark>。"


def test_adjacent_matches_share_one_mark_and_case_is_ignored():
    assert snippet("推进适老化改造", ["适", "老化", "改造"]) == "推进<mark>适老化改造</mark>"
    assert snippet("电话 0951 邮箱 NXLW@163.com", ["nxlw"]) == "电话 0951 邮箱 <mark>NXLW</mark>@163.com"


def test_full_width_text_matches_ascii_terms():
    assert snippet("２０１９年报告", ["2019"]) == "<mark>２０１９</mark>年报告"


def test_empty_text():
    assert snippet("", ["x"]) == "" and snippet(None, None) == ""
