"""Ranking a large match set from the kept BM25 scores of the words equals ranking the filtered rows in SQL."""

from __future__ import annotations

import numpy as np
import pytest
from test_storage_sqlite import synthetic

from indexer.storage import SearchQuery
from indexer.storage.sqlite import search
from indexer.storage.sqlite.backend import SqliteBackend
from indexer.storage.sqlite.search import MatchCache, Matches, Search

PROVINCES = ("北京市", "河北省", "山西省")
SENTENCES = (
    "全年主动公开政府信息{n}条，其中政策文件{m}件。",
    "本年度发生政府信息公开行政复议案件{m}件。",
    "依申请公开工作规范有序，均在法定期限内答复。",
    "组织开展政府信息公开业务培训{m}次。",
)


def report(i: int) -> dict:
    """A report whose words repeat a varying number of times; every seventh has the text of the one before it
    (same length, same counts: equal scores, ranked by id)."""
    k = i - 1 if i % 7 == 0 else i
    province = PROVINCES[i % len(PROVINCES)]
    text = "".join(SENTENCES[j % len(SENTENCES)].format(n=10 + k, m=k % 9) for j in range(k % 5, k % 5 + 2 + k % 6))
    return synthetic(f"r{i:03d}", province, 2019 + k % 4, f"{2020 + k % 4}-01-15", text)


QUERIES = [
    SearchQuery(q="政府信息公开", limit=10),
    SearchQuery(q="政府信息公开", offset=7, limit=9),
    SearchQuery(q="政府信息公开", offset=60, limit=20),
    SearchQuery(q="行政复议", limit=50),
    SearchQuery(q="政府信息公开 依申请公开", limit=15),
    SearchQuery(q="政府信息公开", filters={"province": ["河北省"]}, limit=12),
    SearchQuery(q="政府信息公开", filters={"province": ["河北省", "北京市"], "report_year": ["2020"]}, offset=2),
    SearchQuery(q="行政复议", filters={"report_year": ["2021"]}, published_from="2022-01-01"),
]


@pytest.fixture
def index_path(tmp_path):
    """An index of 90 reports."""
    path = tmp_path / "ranking.sqlite"
    backend = SqliteBackend(path)
    backend.write([report(i) for i in range(90)])
    backend.close()
    return path


def answers(path, queries: list[SearchQuery]) -> list[tuple[int, list[tuple[str, float | None]]]]:
    """Total and (id, score) hits of each query, on a backend of its own (an empty match cache)."""
    backend = SqliteBackend(path, read_only=True)
    try:
        return [(r.total, [(h.id, h.score) for h in r.hits]) for r in map(backend.search, queries)]
    finally:
        backend.close()


def test_kept_scores_rank_exactly_like_sql(index_path, monkeypatch):
    monkeypatch.setattr(search, "SCORE_ALL_MIN", 10**9)  # never score whole: SQL ranks the filtered rows
    monkeypatch.setattr(search, "FEW_MATCHES", 0)
    in_sql = answers(index_path, QUERIES)
    assert any(len({s for _, s in hits}) < len(hits) for _, hits in in_sql)  # some equal scores to break by id

    def no_sql(self, selected):
        raise AssertionError("ranked in SQL although the whole match was scored")

    monkeypatch.setattr(search, "SCORE_ALL_MIN", 0)  # always score the words' matches whole and keep the scores
    monkeypatch.setattr(Search, "_ranked_page", no_sql)
    assert answers(index_path, QUERIES) == in_sql


def test_words_with_few_matches_are_scored_whole_once(index_path, monkeypatch):
    """90 reports select far fewer rows than SCORE_ALL_MIN, but their words match at most FEW_MATCHES reports:
    each distinct query text is scored whole at its first search, and no search ranks in SQL."""
    scored: list[str] = []
    score_all = Search._score_all

    def counted(self, matches):
        scored.append(self.plan.terms)
        return score_all(self, matches)

    def no_sql(self, selected):
        raise AssertionError("ranked in SQL although the words have few matches")

    monkeypatch.setattr(Search, "_score_all", counted)
    monkeypatch.setattr(Search, "_ranked_page", no_sql)
    backend = SqliteBackend(index_path, read_only=True)
    try:
        for query in QUERIES:
            backend.search(query)
    finally:
        backend.close()
    assert len(scored) == len({q.q for q in QUERIES}) == 3


def test_kept_matches_follow_writes(index_path, monkeypatch):
    monkeypatch.setattr(search, "SCORE_ALL_MIN", 0)
    backend = SqliteBackend(index_path)
    query = SearchQuery(q="行政复议", limit=3)
    before = backend.search(query)
    newcomer = {**report(90), "id": "r-new", "title": "行政复议行政复议", "text": "行政复议。" * 20}
    backend.write([newcomer])
    after = backend.search(query)
    backend.close()
    assert after.total == before.total + 1
    assert after.hits[0].id == "r-new"


def test_match_cache_drops_least_recently_used_past_its_budget():
    cache = MatchCache(budget=10)
    cache.put("a", Matches(np.arange(4)))
    cache.put("b", Matches(np.arange(4)))
    assert cache.get("a") is not None  # "a" is now the most recently used
    cache.put("c", Matches(np.arange(4)))
    assert cache.get("b") is None
    assert cache.get("a") is not None and cache.get("c") is not None
    cache.put("huge", Matches(np.arange(11)))  # larger than the whole budget: not kept, nothing dropped
    assert cache.get("huge") is None and cache.get("a") is not None
