"""A record keeps at most REPORTS_MAX_TEXT_CHARS characters of cleaned text, and says when it was cut."""

from __future__ import annotations

import pytest

from indexer.config import DEFAULT_MAX_TEXT_CHARS, StorageSettings
from indexer.record import build_record
from sample_files import PINGTAN, SAMPLES, sample_file, sample_files

LONGEST_SAMPLE_CHARS = 6_789  # Pingtan 2019 (80576.html): the longest report among the samples


@pytest.fixture(scope="module")
def sample() -> bytes:
    """A real report page."""
    return sample_file(PINGTAN / "80576.html").read_bytes()


def test_whole_text_is_kept_and_says_so(sample):
    record = build_record(sample)
    assert record["text_truncated_from"] is None
    assert len(record["text"]) == LONGEST_SAMPLE_CHARS


def test_text_over_the_cap_is_cut_and_the_record_says_from_what_length(sample):
    whole = build_record(sample)
    cut = build_record(sample, max_text_chars=1000)
    assert cut["text"] == whole["text"][:1000]
    assert cut["text_truncated_from"] == len(whole["text"])
    for field in ("id", "title", "agency", "report_year", "published", "stats", "checks", "content_hash"):
        assert cut[field] == whole[field], field  # read from the whole text


def test_every_sample_is_far_below_the_default_cap():
    paths = sample_files(SAMPLES, "*.txt", at_least=3) + sample_files(PINGTAN, "[0-9]*.html", at_least=6)
    longest = max(len(build_record(p.read_bytes())["text"]) for p in paths)
    assert longest == LONGEST_SAMPLE_CHARS and longest * 40 < DEFAULT_MAX_TEXT_CHARS


def test_the_cap_is_a_setting(monkeypatch):
    assert StorageSettings().reports_max_text_chars == DEFAULT_MAX_TEXT_CHARS == 300_000
    monkeypatch.setenv("REPORTS_MAX_TEXT_CHARS", "50000")
    assert StorageSettings().reports_max_text_chars == 50_000
