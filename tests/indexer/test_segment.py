"""Segmentation: domain words stay whole, queries and documents are cut alike."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indexer.search_text.segment import query_terms, segment_text
from sample_files import SAMPLES

SAMPLE_STEMS = ("saihan-minzheng-2019", "lvyuan-minzheng-2020", "lingwu-minzheng-2024")


@pytest.mark.parametrize(
    "word",
    [
        "政府信息公开",
        "依申请公开",
        "主动公开",
        "三安全一稳定",
        "行政复议",
        "行政诉讼",
        "政策解读",
        "信息处理费",
        "不予公开",
        "部分公开",
        "政府信息公开工作年度报告",
        "民政局",
        "信访局",
        "税务局",
        "人民政府",
        "卫生健康委员会",
    ],
)
def test_domain_words_are_one_term(word):
    assert query_terms(word) == [word]


@pytest.mark.parametrize(
    "name", ["赛罕区", "绿园区", "灵武市", "宁夏回族自治区", "内蒙古自治区", "呼和浩特市", "平潭综合实验区"]
)
def test_region_names_are_one_term(name):
    assert query_terms(name) == [name]


def test_agency_names_split_into_region_and_body():
    assert query_terms("长春市绿园区民政局") == ["长春市", "绿园区", "民政局"]


def test_index_tokens_include_words_inside_longer_words():
    tokens = segment_text("赛罕区政府信息公开工作年度报告").split()
    for word in ("赛罕区", "政府信息公开工作年度报告", "政府信息公开", "信息公开", "年度报告", "政府", "公开"):
        assert word in tokens


def test_punctuation_and_fts_operators_are_dropped():
    assert query_terms('"行政复议" AND (诉讼) OR NOT NEAR * ^ : -') == ["行政复议", "诉讼"]
    assert query_terms("“三安全一稳定”、《条例》") == ["三安全一稳定", "条例"]
    assert query_terms("") == [] and query_terms("   ") == [] and query_terms("🙂!!") == []


def test_full_width_forms_fold_to_ascii():
    assert query_terms("２０１９年") == ["2019", "年"]
    assert segment_text("ＡＢＣ２０１９") == segment_text("ABC2019")


def test_terms_are_unique():
    assert query_terms("行政复议 行政复议") == ["行政复议"]


@pytest.mark.parametrize("stem", SAMPLE_STEMS)
def test_phrases_of_a_sample_are_found_in_its_index_tokens(stem):
    text = (SAMPLES / f"{stem}.txt").read_text(encoding="utf-8")
    tokens = set(segment_text(text).split())
    phrases = ["主动公开", "政府信息公开", "行政复议", "结果维持", "尚未审结", "予以公开", "不予处理"]
    for phrase in (p for p in phrases if p in text):
        assert set(query_terms(phrase)) <= tokens, phrase


def test_index_text_keeps_no_punctuation():
    text = (SAMPLES / "lingwu-minzheng-2024.txt").read_text(encoding="utf-8")
    tokens = segment_text(text).split()
    assert tokens and all(any(ch.isalnum() for ch in t) for t in tokens)
    assert "nxlwmzj" in tokens and "163" in tokens


@given(st.text(max_size=80))
def test_any_text_gives_clean_tokens(text):
    for token in query_terms(text) + segment_text(text).split():
        assert token and not any(ch.isspace() for ch in token)
        assert token not in ("AND", "OR", "NOT", "NEAR") or token in segment_text(text).split()
