"""One search on the SQLite backend: the in-memory facet index, FTS5 matching, counting, ranking."""

from __future__ import annotations

import dataclasses
import itertools
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt

from indexer.errors import QueryTimeout
from indexer.storage.base import Hit, SearchResult, make_hit
from indexer.storage.facets import (
    AGENCY,
    BUCKETS,
    FALSE,
    HAS_FAILED_CHECKS,
    KEYWORD_FIELDS,
    REVISED,
    TRUE,
    VERSION,
    WITHDRAWN,
    FacetKind,
    facet_value,
    top_values,
)
from indexer.storage.plan import Facet, QueryPlan, iso_instant, iso_ordinal
from indexer.storage.sqlite.agencies import agency_names
from indexer.storage.sqlite.schema import (
    BUCKET_EDGES,
    MULTI_COLUMNS,
    NULL_CODE,
    NULL_SORT_KEY,
    NUMPY_OPS,
    PARALLEL_RANK_MIN,
    SQL_FACET_ROWS,
    SQL_HIT_RECORD,
    SQL_MATCH_DOCIDS,
    SQL_OPS,
    SQL_RANKED,
    TEXT_COLUMNS,
    TIE_SLACK,
    parse_record,
    quote_fts,
    tag_token,
)
from indexer.tables.numbers import NUMBER_FIELDS, NUMBERS

Ids = npt.NDArray[np.int64]  # docids
Codes = npt.NDArray[np.int32]  # per docid: a value's code, a day ordinal or a year; NULL_CODE for null
Flags = npt.NDArray[np.int8]  # per docid: 1 / 0, NULL_CODE for null
Mask = npt.NDArray[np.bool_]
Values = npt.NDArray[np.float64]  # per docid: a number, NaN for null
Row = tuple[object, ...]
FLAG_SQL = {  # a flag filter as SQL over `reports r` (true: 1), as FacetIndex.flags reads it
    REVISED: "coalesce(r.version, 1) > 1",
    WITHDRAWN: "coalesce(r.withdrawn, '') != ''",
}
ParallelRun = Callable[[list[tuple[str, dict[str, object]]]], list[list[Row]]]
SCORE_ALL_MIN = PARALLEL_RANK_MIN  # a ranked set this large has its words' matches scored whole, once per generation
# Words matching at most this many reports have all their matches scored at their first ranked search. That costs
# about one SQL ranking, which words holding a common token (网格化管理 is searched as 网格化 AND 管理) would pay on
# every search: BM25 counts the common token's reports, reading its whole list (70-90 ms at a million reports,
# ~10 ms from kept scores).
FEW_MATCHES = 20_000
MATCH_CACHE_ROWS = 8_000_000  # docids (and scores) of recent word matches kept per generation, in all (~16 B each)
FILL_LIMIT_S = 30.0  # a match-cache fill (Deadline.paused) may take this long beyond the search's own limit


# --------------------------------------------------------------------------- time limit
class Deadline:
    """When a search must be done: SQLite's progress handler (on every connection the search uses) and the Python
    steps between statements check it.

    A fill of the generation's match cache (a word's matches, or BM25 of all of them) runs `paused`: its time is
    not counted, up to FILL_LIMIT_S. It is paid once per word and write, and at a million reports it alone can
    take longer than the limit, which would otherwise fail every search for a common word, since an interrupted
    fill keeps nothing."""

    def __init__(self, at: float, limit: float):
        self.at = at  # time.monotonic()
        self.limit = limit  # seconds, for the message
        self._fill_until: float | None = None

    @classmethod
    def after(cls, seconds: float) -> Deadline:
        """The deadline `seconds` from now."""
        return cls(time.monotonic() + seconds, seconds)

    def passed(self) -> bool:
        """Whether the time is up (during a fill, the fill's own)."""
        return time.monotonic() > (self.at if self._fill_until is None else self._fill_until)

    def timeout(self) -> QueryTimeout:
        """The error of a search past its deadline."""
        return QueryTimeout(f"search took longer than {self.limit:g} s")

    def check(self) -> None:
        """Raise QueryTimeout when the time is up."""
        if self.passed():
            raise self.timeout()

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Do a cache fill: the time it takes (up to FILL_LIMIT_S) moves the deadline on."""
        started = time.monotonic()
        self._fill_until = started + FILL_LIMIT_S
        try:
            yield
        finally:
            self._fill_until = None
            self.at += time.monotonic() - started


# --------------------------------------------------------------------------- match cache
@dataclass(frozen=True)
class Matches:
    """The reports matching one FTS expression: docids ascending and, once ranked whole, their BM25 scores."""

    docids: Ids
    scores: Values | None = None  # [i] bm25 of docids[i] (lower is better)


class MatchCache:
    """Recent word matches of one generation by FTS expression, least recently used dropped past MATCH_CACHE_ROWS.

    A common word matches most reports: finding them (and BM25 over all of them) dominates a search, and the
    answer only changes with a write, which starts a new generation and so an empty cache.
    """

    def __init__(self, budget: int = MATCH_CACHE_ROWS):
        self.budget = budget
        self._entries: OrderedDict[str, Matches] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, match: str) -> Matches | None:
        """The kept matches of `match`, or None."""
        with self._lock:
            found = self._entries.get(match)
            if found is not None:
                self._entries.move_to_end(match)
            return found

    def put(self, match: str, matches: Matches) -> None:
        """Keep `matches` (unless larger than the whole budget), dropping the least recently used past the budget."""
        if matches.docids.size > self.budget:
            return
        with self._lock:
            self._entries[match] = matches
            self._entries.move_to_end(match)
            while sum(m.docids.size for m in self._entries.values()) > self.budget:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        """Forget every kept match (the bench times cold searches this way)."""
        with self._lock:
            self._entries.clear()


# --------------------------------------------------------------------------- facet cache
@dataclass(frozen=True)
class FacetIndex:
    """Column store of the facet fields for one generation of the database, indexed by docid."""

    generation: int
    alive: Mask  # [docid]
    codes: dict[str, Codes]  # keyword field -> [docid] code of the value
    values: dict[str, list[str]]  # keyword field -> code -> value
    lookup: dict[str, dict[str, int]]  # keyword field -> value -> code
    published: Codes  # [docid] day ordinal
    year: Codes  # [docid] report_year
    id_rank: Codes  # [docid] position of the id in sorted order
    has_failed: Flags  # [docid] some check failed; NULL_CODE when no check was evaluated
    multi: dict[str, dict[str, Mask]]  # failed_check / signal -> value -> [docid] has it, values sorted
    numbers: dict[str, Values]  # number name -> [docid]
    version: Codes  # [docid] version number (NULL_CODE when none)
    changed: Codes  # [docid] rank of changed_at among the stored change times (NULL_CODE when none)
    flags: dict[str, Mask]  # revised / withdrawn -> [docid] true
    # the word matches of this generation, filled by searches
    matches: MatchCache = dataclasses.field(default_factory=MatchCache, compare=False)

    @classmethod
    def load(cls, conn: sqlite3.Connection, generation: int) -> FacetIndex:
        """Read the facet columns of every report."""
        rows = conn.execute(SQL_FACET_ROWS).fetchall()
        size = (max((r[0] for r in rows), default=0)) + 1
        alive = np.zeros(size, dtype=bool)
        published = np.full(size, NULL_CODE, dtype=np.int32)
        year = np.full(size, NULL_CODE, dtype=np.int32)
        id_rank = np.zeros(size, dtype=np.int32)
        docids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        alive[docids] = True
        order = sorted(range(len(rows)), key=lambda i: rows[i][1])
        id_rank[docids[order]] = np.arange(len(rows), dtype=np.int32)
        published[docids] = [(iso_ordinal(r[2]) or NULL_CODE) for r in rows]
        codes, values, lookup = {}, {}, {}
        for offset, name in enumerate(KEYWORD_FIELDS, start=3):
            raw, stored = _distinct([r[offset] for r in rows])  # a few values for a million reports
            uniq = sorted({v for v in map(facet_value, raw) if v is not None})
            table = {v: i for i, v in enumerate(uniq)}
            raw_codes = np.array(
                [table.get(facet_value(v) or "", NULL_CODE) for v in raw] or [NULL_CODE], dtype=np.int32
            )
            arr = np.full(size, NULL_CODE, dtype=np.int32)
            arr[docids] = raw_codes[stored]
            codes[name], values[name], lookup[name] = arr, uniq, table
        year[docids] = [r[3] if isinstance(r[3], int) else NULL_CODE for r in rows]
        first = 3 + len(KEYWORD_FIELDS)
        has_failed = np.full(size, NULL_CODE, dtype=np.int8)
        has_failed[docids] = [NULL_CODE if r[first] is None else int(r[first]) for r in rows]
        multi = {
            name: _value_masks(size, docids, [r[first + i] for r in rows]) for i, name in enumerate(MULTI_COLUMNS, 1)
        }
        numbers = {}
        for offset, field in enumerate(NUMBER_FIELDS, start=first + 1 + len(MULTI_COLUMNS)):
            arr_n = np.full(size, np.nan, dtype=np.float64)
            arr_n[docids] = np.array([r[offset] for r in rows], dtype=np.float64)  # None -> NaN
            numbers[field.name] = arr_n
        history = first + 1 + len(MULTI_COLUMNS) + len(NUMBER_FIELDS)  # version, changed_at, withdrawn
        version = np.full(size, NULL_CODE, dtype=np.int32)
        version[docids] = [r[history] if isinstance(r[history], int) else NULL_CODE for r in rows]
        changed = np.full(size, NULL_CODE, dtype=np.int32)
        changed[docids] = _instant_ranks([r[history + 1] for r in rows])
        flags = {REVISED: version > 1, WITHDRAWN: np.zeros(size, dtype=bool)}
        flags[WITHDRAWN][docids] = [bool(r[history + 2]) for r in rows]
        return cls(
            generation,
            alive,
            codes,
            values,
            lookup,
            published,
            year,
            id_rank,
            has_failed,
            multi,
            numbers,
            version,
            changed,
            flags,
        )


def _instant_ranks(times: list[object]) -> list[int]:
    """Each ISO time's rank among the distinct moments (plan.iso_instant: any zone, UTC when none); NULL_CODE
    for a missing or unreadable one."""
    moments = [iso_instant(t) for t in times]
    rank = {m: i for i, m in enumerate(sorted({m for m in moments if m is not None}))}
    return [NULL_CODE if m is None else rank[m] for m in moments]


def _distinct(column: Sequence[object]) -> tuple[list[object], Codes]:
    """The distinct values of a column (first seen first) and, per row, the position of its value among them."""
    distinct = list(dict.fromkeys(column))
    position = {v: i for i, v in enumerate(distinct)}
    return distinct, np.fromiter(map(position.__getitem__, column), dtype=np.int32, count=len(column))


def _value_masks(size: int, docids: Ids, column: list[str | None]) -> dict[str, Mask]:
    """One bool array per name found in a column of space-separated names (failed_checks, signals)."""
    raw, stored = _distinct(column)  # a few combinations of names for a million reports
    masks: dict[str, Mask] = {}
    for position, names in enumerate(raw):
        holders = docids[stored == position]
        for name in str(names or "").split():
            if name not in masks:
                masks[name] = np.zeros(size, dtype=bool)
            masks[name][holders] = True
    return dict(sorted(masks.items()))


# --------------------------------------------------------------------------- FTS expressions of a plan
def _text_match(plan: QueryPlan) -> str:
    """FTS5 expression for the words: each quoted, ANDed, in the text columns only."""
    return f"{TEXT_COLUMNS} : ({' AND '.join(quote_fts(t) for t in plan.terms)})" if plan.terms else ""


def _full_match(plan: QueryPlan) -> str:
    """FTS5 expression for the words and every keyword filter (as tag tokens)."""
    parts = [_text_match(plan)] if plan.terms else []
    for field, values in plan.keyword_filters.items():
        parts.append("tags : (" + " OR ".join(quote_fts(tag_token(field, v)) for v in values) + ")")
    return " AND ".join(parts)


class Search:
    """One search against one snapshot: candidate docids, masks, facet counts, the page of hits."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        index: FacetIndex,
        plan: QueryPlan,
        deadline: Deadline,
        parallel: ParallelRun | None = None,
    ):
        self.conn, self.index, self.plan, self.deadline, self.parallel = conn, index, plan, deadline, parallel
        self._matches: Matches | None = None  # the words' matches, once found

    def run(self) -> SearchResult:
        """Compute total, facets and hits, checking the deadline between steps."""
        candidates = self._candidates()
        self.deadline.check()
        masks = self._masks(candidates)
        keep = _all(masks, len(candidates))
        selected = candidates[keep]
        facets = {}
        for facet in self.plan.facets:
            self.deadline.check()
            facets[facet.name] = self._facet(facet, candidates, masks)
        page = self._page(selected, keep)
        self.deadline.check()
        labels = {AGENCY: agency_names(self.conn, [v for v, _ in facets[AGENCY]])} if AGENCY in facets else {}
        return SearchResult(total=int(selected.size), hits=self._hits(page), facets=facets, labels=labels)

    def select(self) -> tuple[int, list[int]]:
        """The number of matches and the docids of the requested page, in order (no facets, no records)."""
        candidates = self._candidates()
        self.deadline.check()
        keep = _all(self._masks(candidates), len(candidates))
        selected = candidates[keep]
        page = self._page(selected, keep)
        self.deadline.check()
        return int(selected.size), [d for d, _ in page]

    def _candidates(self) -> Ids:
        """Docids matching the words (all reports when there are none), ascending; kept for the generation."""
        if not self.plan.terms:
            return np.flatnonzero(self.index.alive)
        match = _text_match(self.plan)
        found = self.index.matches.get(match)
        if found is None:
            with self.deadline.paused():
                found = Matches(self._match_docids(match))
            self.index.matches.put(match, found)
        self._matches = found
        return found.docids

    def _match_docids(self, match: str) -> Ids:
        """Docids matching an FTS expression, ascending (one statement)."""
        joined = self.conn.execute(SQL_MATCH_DOCIDS, {"match": match}).fetchone()[0]
        if not joined:
            return np.zeros(0, dtype=np.int64)
        ids = np.fromstring(joined, dtype=np.int64, sep=" ")  # text mode: fast and not deprecated
        ids = ids[ids < self.index.alive.size]  # (same snapshot: a no-op guard)
        ids.sort()
        return ids

    def _masks(self, candidates: Ids) -> dict[str, Mask]:
        """One boolean mask over the candidates per filter group, keyed like the facets (plus the date range)."""
        masks = {
            field: self._keyword_mask(field, values, candidates) for field, values in self.plan.keyword_filters.items()
        }
        if self.plan.published.bounded:
            masks["published"] = self._date_mask(candidates)
        if self.plan.has_failed_checks:
            codes = np.array([int(v) for v in self.plan.has_failed_checks], dtype=np.int8)
            masks[HAS_FAILED_CHECKS] = np.isin(self.index.has_failed[candidates], codes)
        for name, values in self.plan.multi_filters().items():
            masks[name] = self._any_mask(name, values, candidates)
        if self.plan.versions:
            masks[VERSION] = np.isin(self.index.version[candidates], np.array(self.plan.versions, dtype=np.int32))
        for name, accepted in self.plan.flags.items():
            flag = self.index.flags[name][candidates]
            masks[name] = flag if accepted == (True,) else ~flag if accepted == (False,) else np.ones_like(flag)
        for name, conditions in self.plan.number_filters.items():  # a number's own facet ignores its conditions
            numbers = self.index.numbers[name][candidates]
            ok = ~np.isnan(numbers)
            for cond in conditions:
                ok &= NUMPY_OPS[cond.op](numbers, cond.value)
            masks[name] = ok
        return masks

    def _keyword_mask(self, field: str, values: tuple[str, ...], candidates: Ids) -> Mask:
        """Candidates whose `field` has one of `values`."""
        lookup = self.index.lookup[field]
        wanted = np.array([lookup[v] for v in values if v in lookup], dtype=np.int32)
        return np.isin(self.index.codes[field][candidates], wanted)

    def _date_mask(self, candidates: Ids) -> Mask:
        """Candidates published within the date range (never those without a date)."""
        pub = self.index.published[candidates]
        ok: Mask = pub != NULL_CODE
        if self.plan.published.start is not None:
            ok &= pub >= self.plan.published.start
        if self.plan.published.end is not None:
            ok &= pub <= self.plan.published.end
        return ok

    def _any_mask(self, name: str, values: tuple[str, ...], candidates: Ids) -> Mask:
        """Candidates that have one of `values` in the multi-valued field `name` (failed_check, signal)."""
        ok = np.zeros(candidates.size, dtype=bool)
        masks = self.index.multi[name]
        for value in values:
            if value in masks:
                ok |= masks[value][candidates]
        return ok

    def _facet(self, facet: Facet, candidates: Ids, masks: dict[str, Mask]) -> list[tuple[str, int]]:
        """Counts of one facet among candidates passing every filter except the facet's own."""
        pool = candidates[_all({k: m for k, m in masks.items() if k != facet.field}, len(candidates))]
        if facet.kind is FacetKind.KEYWORD:
            return self._keyword_counts(facet, pool)
        if facet.kind is FacetKind.NUMBER:
            return self._bucket_counts(self.index.numbers[facet.name][pool])
        if facet.name == HAS_FAILED_CHECKS:
            flags = self.index.has_failed[pool]
            counts = {TRUE: int(np.count_nonzero(flags == 1)), FALSE: int(np.count_nonzero(flags == 0))}
        elif facet.kind is FacetKind.FLAG:
            true = int(np.count_nonzero(self.index.flags[facet.name][pool]))
            counts = {TRUE: true, FALSE: int(pool.size) - true}
        else:
            counts = {value: int(np.count_nonzero(has[pool])) for value, has in self.index.multi[facet.name].items()}
        return top_values(counts, self.plan.facet_limit, self.plan.selected(facet.name))

    def _keyword_counts(self, facet: Facet, pool: Ids) -> list[tuple[str, int]]:
        """Counts of the facet's field values in `pool`; a selected value is listed only if some report has it."""
        codes = self.index.codes[facet.field][pool]
        values, lookup = self.index.values[facet.field], self.index.lookup[facet.field]
        counts = np.bincount(codes[codes != NULL_CODE], minlength=len(values))
        # only the facet_limit most frequent can be listed: pick them in numpy (codes follow value order,
        # so ties go by value as in top_values), then let top_values list them with the selected values
        top = np.lexsort((np.arange(len(values)), -counts))[: self.plan.facet_limit].tolist()
        selected = [v for v in self.plan.selected(facet.name) if v in lookup]
        candidates = {values[code]: int(counts[code]) for code in [*top, *(lookup[v] for v in selected)]}
        return top_values(candidates, self.plan.facet_limit, selected)

    @staticmethod
    def _bucket_counts(values: Values) -> list[tuple[str, int]]:
        """How many values fall in each range bucket (every bucket listed, in order; nulls and negatives left out)."""
        present = values[~np.isnan(values) & (values >= 0)]
        counts = np.bincount(np.searchsorted(BUCKET_EDGES, present, side="right"), minlength=len(BUCKETS))
        return [(label, int(n)) for (label, _, _), n in zip(BUCKETS, counts)]

    def _page(self, selected: Ids, keep: Mask) -> list[tuple[int, float | None]]:
        """The (docid, score) pairs of the requested page, in order (`keep`: the selected among the candidates)."""
        plan = self.plan
        if plan.limit == 0 or plan.offset >= selected.size:
            return []
        if plan.ranked:
            scores = self._selected_scores(keep)
            return self._ranked_page(selected) if scores is None else self._scored_page(selected, scores)
        if plan.order.by_number:
            return [(int(d), None) for d in selected[self._number_order(selected)]]
        values = self._order_codes()[selected].astype(np.int64)
        primary = -values if plan.order.descending else values
        primary[values == NULL_CODE] = NULL_SORT_KEY  # nulls last either way
        combined = (primary << 32) + self.index.id_rank[selected]  # ties broken by id
        wanted = plan.offset + plan.limit
        if wanted < combined.size:
            part = np.argpartition(combined, wanted - 1)[:wanted]
            order = part[np.argsort(combined[part], kind="stable")]
        else:
            order = np.argsort(combined, kind="stable")
        return [(int(d), None) for d in selected[order[plan.offset : wanted]]]

    def _order_codes(self) -> Codes:
        """The per-docid values the plan's order sorts by (a year, a day, a version or a change rank)."""
        index = self.index
        by_key = {"report_year": index.year, "version": index.version, "changed_at": index.changed}
        return by_key.get(self.plan.order.key, index.published)

    def _number_order(self, selected: Ids) -> Ids:
        """Positions in `selected` of the page sorted by a number, nulls last, ties by id."""
        plan = self.plan
        values = self.index.numbers[plan.order.key][selected]
        null = np.isnan(values)
        primary = np.where(null, np.inf, -values if plan.order.descending else values)
        wanted = plan.offset + plan.limit
        if wanted < primary.size:  # only rows up to the page's last value (ties included) are sorted
            cutoff = np.partition(primary, wanted - 1)[wanted - 1]
            pool = np.flatnonzero(primary <= cutoff)
        else:
            pool = np.arange(primary.size)
        order: Ids = pool[np.lexsort((self.index.id_rank[selected[pool]], primary[pool], null[pool]))]
        return order[plan.offset : wanted]

    def _selected_scores(self, keep: Mask) -> Values | None:
        """BM25 of the selected rows taken from the scores of all the words' matches: kept ones, or computed now
        (and kept) when at least SCORE_ALL_MIN rows are selected or the words have at most FEW_MATCHES matches;
        None otherwise (SQL then ranks only those rows).

        A keyword filter's tag token has weight 0 in BM25, so a row's score is the same with or without the
        filters: scores of the words alone rank any filtered subset exactly as _ranked_page would."""
        matches = self._matches
        if matches is None:
            return None
        few = 0 < matches.docids.size <= FEW_MATCHES
        if matches.scores is None and (few or np.count_nonzero(keep) >= SCORE_ALL_MIN):
            matches = self._score_all(matches)
        return None if matches is None or matches.scores is None else matches.scores[keep]

    def _score_all(self, matches: Matches) -> Matches | None:
        """Score every match of the words (two rowid halves on two threads when large) and keep the scores;
        None when the ranking threads saw another generation than this snapshot (a write in between)."""
        match = _text_match(self.plan)
        params: dict[str, object] = {"match": match}
        with self.deadline.paused():
            if self.parallel is None or matches.docids.size < PARALLEL_RANK_MIN:
                rows: list[Row] = self.conn.execute(SQL_RANKED, params).fetchall()
            else:
                middle = {**params, "mid": int(matches.docids[matches.docids.size // 2])}
                halves = self.parallel(
                    [(f"{SQL_RANKED} AND rowid < :mid", middle), (f"{SQL_RANKED} AND rowid >= :mid", middle)]
                )
                rows = halves[0] + halves[1]
        table = np.fromiter(itertools.chain.from_iterable(rows), dtype=np.float64, count=2 * len(rows)).reshape(-1, 2)
        ids = table[:, 0].astype(np.int64)
        order = np.argsort(ids, kind="stable")
        if not np.array_equal(ids[order], matches.docids):
            return None
        scored = Matches(matches.docids, table[order, 1])
        self.index.matches.put(match, scored)
        self._matches = scored
        return scored

    def _scored_page(self, selected: Ids, scores: Values) -> list[tuple[int, float | None]]:
        """The page of `selected` by BM25 `scores` (aligned), best first, ties by id: only rows up to the page's
        last score (ties included) are sorted."""
        plan = self.plan
        wanted = plan.offset + plan.limit
        if wanted < scores.size:
            cutoff = np.partition(scores, wanted - 1)[wanted - 1]
            pool = np.flatnonzero(scores <= cutoff)
        else:
            pool = np.arange(scores.size)
        order = pool[np.lexsort((self.index.id_rank[selected[pool]], scores[pool]))][plan.offset : wanted]
        return [(int(selected[i]), -float(scores[i])) for i in order]

    def _ranked_page(self, selected: Ids) -> list[tuple[int, float | None]]:
        """BM25 over the filtered rows only (keyword filters ride along in MATCH), best first, ties by id."""
        plan = self.plan
        wanted = plan.offset + plan.limit
        sql, params = self._ranked_sql()
        limit = wanted + TIE_SLACK  # rows past the page, so a run of equal scores is seen whole
        rows = self._best_rows(sql, {**params, "n": limit}, selected)[:limit]
        if len(rows) == limit and rows[-1][1] == rows[wanted - 1][1]:
            # the run of equal scores at the page end is longer than the slack: fetch all of it
            last = rows[wanted - 1][1]
            tied = self.conn.execute(
                f"SELECT rowid, score FROM ({sql}) WHERE score = :s", {**params, "s": last}
            ).fetchall()
            rows = [r for r in rows if r[1] != last] + tied
        ids = np.array([r[0] for r in rows], dtype=np.int64)
        scores = np.array([r[1] for r in rows], dtype=np.float64)
        keep = _members(ids, selected)  # same rows as the facets, by construction
        ids, scores = ids[keep], scores[keep]
        order = np.lexsort((self.index.id_rank[ids], scores))[plan.offset : wanted]
        return [(int(ids[i]), -float(scores[i])) for i in order]

    def _best_rows(self, sql: str, params: dict[str, object], selected: Ids) -> list[Row]:
        """The best `:n` (rowid, score) rows; a large set is scored in two rowid halves at once."""
        order = " ORDER BY score, rowid LIMIT :n"
        if self.parallel is None or selected.size < PARALLEL_RANK_MIN:
            rows: list[Row] = self.conn.execute(sql + order, params).fetchall()
            return rows
        middle = {**params, "mid": int(selected[selected.size // 2])}
        halves = self.parallel(
            [(f"{sql} AND rowid < :mid{order}", middle), (f"{sql} AND rowid >= :mid{order}", middle)]
        )
        return sorted(halves[0] + halves[1], key=lambda row: (row[1], row[0]))

    def _ranked_sql(self) -> tuple[str, dict[str, object]]:
        """The scoring SELECT (rowid, score) with its parameters, the row filters checked per FTS row."""
        conditions, params = self._row_conditions()
        sql = SQL_RANKED
        if conditions:
            sql += (
                " AND EXISTS (SELECT 1 FROM reports r WHERE r.docid = reports_fts.rowid AND "
                + " AND ".join(conditions)
                + ")"
            )
        return sql, {**params, "match": _full_match(self.plan)}

    def _row_conditions(self) -> tuple[list[str], dict[str, object]]:
        """SQL conditions on `reports r` for the filters FTS tags do not carry: dates, checks, numbers."""
        plan = self.plan
        conditions: list[str] = []
        params: dict[str, object] = {}
        if plan.published.bounded:
            start, end = plan.published.start, plan.published.end
            conditions.append("r.published BETWEEN :pf AND :pt")
            params["pf"] = date.fromordinal(start).isoformat() if start else ""
            params["pt"] = (date.fromordinal(end).isoformat() if end else "9999") + "\uffff"
        if plan.has_failed_checks:
            conditions.append(f"r.has_failed_checks IN ({', '.join(str(int(v)) for v in plan.has_failed_checks)})")
        for n, (name, values) in enumerate(plan.multi_filters().items()):
            column, key = MULTI_COLUMNS[name], f"m{n}_"
            any_of = [f"instr(' ' || r.{column} || ' ', :{key}{i}) > 0" for i in range(len(values))]
            conditions.append("(" + " OR ".join(any_of) + ")")
            params.update({f"{key}{i}": f" {value} " for i, value in enumerate(values)})
        if plan.versions:
            conditions.append(f"r.version IN ({', '.join(str(v) for v in plan.versions)})")
        for name, accepted in plan.flags.items():
            conditions.append(f"({FLAG_SQL[name]}) IN ({', '.join(str(int(v)) for v in accepted)})")
        conds = [c for group in plan.number_filters.values() for c in group]
        for i, cond in enumerate(conds):
            conditions.append(f"r.{NUMBERS[cond.name].column} {SQL_OPS[cond.op]} :w{i}")
            params[f"w{i}"] = cond.value
        return conditions, params

    def _hits(self, page: list[tuple[int, float | None]]) -> list[Hit]:
        """Load the page's records one by one (a long one's head only) and cut snippets, checking the deadline."""
        hits = []
        for docid, score in page:
            (stored,) = self.conn.execute(SQL_HIT_RECORD, {"docid": docid}).fetchone()
            hits.append(make_hit(parse_record(stored), score, self.plan.terms, self.plan.figures))
            self.deadline.check()
        return hits


def _members(ids: Ids, sorted_pool: Ids) -> Mask:
    """Mask of the `ids` that occur in the ascending array `sorted_pool`."""
    if sorted_pool.size == 0:
        return np.zeros(ids.size, dtype=bool)
    pos = np.minimum(np.searchsorted(sorted_pool, ids), sorted_pool.size - 1)
    found: Mask = sorted_pool[pos] == ids
    return found


def _all(masks: dict[str, Mask], size: int) -> Mask:
    """AND of the masks (all True when there are none)."""
    out = np.ones(size, dtype=bool)
    for mask in masks.values():
        out &= mask
    return out
