"""Where the IndexPipeline stores reports: a Scrapy REPORTS_DB setting if given, else indexer.config (the environment)."""

from __future__ import annotations

import pytest
from scrapy.utils.test import get_crawler

from crawler.pipelines import IndexPipeline
from indexer.config import DEFAULT_REPORTS_DB


def test_environment_through_the_storage_settings(monkeypatch, tmp_path):
    monkeypatch.setenv("REPORTS_DB", str(tmp_path / "env.sqlite"))
    assert IndexPipeline.from_crawler(get_crawler()).db_path == tmp_path / "env.sqlite"
    monkeypatch.delenv("REPORTS_DB")
    assert str(IndexPipeline.from_crawler(get_crawler()).db_path) == DEFAULT_REPORTS_DB


def test_a_scrapy_setting_wins(monkeypatch, tmp_path):
    monkeypatch.setenv("REPORTS_DB", str(tmp_path / "env.sqlite"))
    crawler = get_crawler(settings_dict={"REPORTS_DB": str(tmp_path / "setting.sqlite")})
    assert IndexPipeline.from_crawler(crawler).db_path == tmp_path / "setting.sqlite"


def test_an_elasticsearch_url_stays_a_url(monkeypatch):
    monkeypatch.setenv("REPORTS_DB", "http://127.0.0.1:9200?alias=reports")
    assert IndexPipeline.from_crawler(get_crawler()).db_path == "http://127.0.0.1:9200?alias=reports"


def test_a_directory_is_refused(monkeypatch, tmp_path):
    monkeypatch.setenv("REPORTS_DB", str(tmp_path))
    with pytest.raises(ValueError, match="directory"):
        IndexPipeline.from_crawler(get_crawler())
