"""One search on the SQLite backend: the in-memory facet index, FTS5 matching, counting, ranking."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import numpy as np

from indexer.search_text.highlight import snippet
from indexer.storage.base import (
    FACET_FIELDS,
    Hit,
    SearchResult,
)
from indexer.storage.plan import FALSE, TRUE, QueryPlan
from indexer.storage.plan import iso_ordinal as _iso_ordinal
from indexer.storage.sqlite.schema import (
    BUCKET_EDGES,
    NULL_CODE,
    NULL_SORT_KEY,
    NUMPY_OPS,
    PARALLEL_RANK_MIN,
    SNIPPET_WIDTH,
    SQL_FACET_ROWS,
    SQL_MATCH_DOCIDS,
    SQL_OPS,
    SQL_RANKED,
    SQL_RECORDS,
    TEXT_COLUMNS,
    TIE_SLACK,
    facet_value,
    quote_fts,
    tag_token,
)
from indexer.tables.numbers import (
    BUCKETS,
    NUMBER_FIELDS,
    NUMBERS,
)


# --------------------------------------------------------------------------- facet cache
@dataclass(frozen=True)
class FacetIndex:
    """Column store of the facet fields for one generation of the database, indexed by docid."""

    generation: int
    alive: np.ndarray  # bool[docid]
    codes: dict[str, np.ndarray]  # field -> int32[docid], NULL_CODE for null
    values: dict[str, list[str]]  # field -> code -> value
    lookup: dict[str, dict[str, int]]  # field -> value -> code
    published: np.ndarray  # int32[docid] day ordinal, NULL_CODE for null
    year: np.ndarray  # int32[docid] report_year, NULL_CODE for null
    id_rank: np.ndarray  # int32[docid] position of the id in sorted order
    has_failed: np.ndarray  # int8[docid] 1 / 0, NULL_CODE when no check was evaluated
    failed: dict[str, np.ndarray]  # rule -> bool[docid] (that rule failed), rules sorted
    numbers: dict[str, np.ndarray]  # number name -> float64[docid], NaN for null

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
        published[docids] = [(_iso_ordinal(r[2]) or NULL_CODE) for r in rows]
        codes, values, lookup = {}, {}, {}
        for offset, name in enumerate(FACET_FIELDS, start=3):
            column = [facet_value(r[offset]) for r in rows]
            uniq = sorted({v for v in column if v is not None})
            table = {v: i for i, v in enumerate(uniq)}
            arr = np.full(size, NULL_CODE, dtype=np.int32)
            arr[docids] = [table.get(v, NULL_CODE) if v is not None else NULL_CODE for v in column]
            codes[name], values[name], lookup[name] = arr, uniq, table
        year[docids] = [r[3] if isinstance(r[3], int) else NULL_CODE for r in rows]
        first = 3 + len(FACET_FIELDS)
        has_failed = np.full(size, NULL_CODE, dtype=np.int8)
        has_failed[docids] = [NULL_CODE if r[first] is None else int(r[first]) for r in rows]
        failed = _failed_rules(size, docids, [r[first + 1] for r in rows])
        numbers = {}
        for offset, field in enumerate(NUMBER_FIELDS, start=first + 2):
            arr = np.full(size, np.nan, dtype=np.float64)
            arr[docids] = np.array([r[offset] for r in rows], dtype=np.float64)  # None -> NaN
            numbers[field.name] = arr
        return cls(generation, alive, codes, values, lookup, published, year, id_rank, has_failed, failed, numbers)


def _failed_rules(size: int, docids: np.ndarray, column: list[str | None]) -> dict[str, np.ndarray]:
    """One bool array per failed rule name found in the `failed_checks` column."""
    failed: dict[str, np.ndarray] = {}
    for docid, names in zip(docids.tolist(), column):
        for rule in (names or "").split():
            failed.setdefault(rule, np.zeros(size, dtype=bool))[docid] = True
    return dict(sorted(failed.items()))


# --------------------------------------------------------------------------- FTS expressions of a plan
def _text_match(plan: QueryPlan) -> str:
    """FTS5 expression for the words: each quoted, ANDed, in the text columns only."""
    return f"{TEXT_COLUMNS} : ({' AND '.join(quote_fts(t) for t in plan.terms)})" if plan.terms else ""


def _full_match(plan: QueryPlan) -> str:
    """FTS5 expression for the words and every facet filter (as tag tokens)."""
    parts = [_text_match(plan)] if plan.terms else []
    for field, values in plan.filters.items():
        if field not in FACET_FIELDS:  # check filters: see Search._row_conditions
            continue
        parts.append("tags : (" + " OR ".join(quote_fts(tag_token(field, v)) for v in values) + ")")
    return " AND ".join(parts)


class Search:
    """One search against one snapshot: candidate docids, masks, facet counts, the page of hits."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        index: FacetIndex,
        plan: QueryPlan,
        parallel: Callable[[list[tuple[str, dict]]], list[list[tuple]]] | None = None,
    ):
        self.conn, self.index, self.plan, self.parallel = conn, index, plan, parallel

    def run(self) -> SearchResult:
        """Compute total, facets and hits."""
        candidates = self._candidates()
        masks = self._masks(candidates)
        final = _all(masks, len(candidates))
        selected = candidates[final]
        facets = {f: self._facet(f, candidates, masks) for f in self.plan.facets}
        page = self._page(selected)
        return SearchResult(total=int(selected.size), hits=self._hits(page), facets=facets)

    def select(self) -> tuple[int, list[int]]:
        """The number of matches and the docids of the requested page, in order (no facets, no records)."""
        candidates = self._candidates()
        selected = candidates[_all(self._masks(candidates), len(candidates))]
        return int(selected.size), [d for d, _ in self._page(selected)]

    def _candidates(self) -> np.ndarray:
        """Docids matching the words (all reports when there are none), ascending."""
        if not self.plan.terms:
            return np.flatnonzero(self.index.alive)
        joined = self.conn.execute(SQL_MATCH_DOCIDS, {"match": _text_match(self.plan)}).fetchone()[0]
        if not joined:
            return np.zeros(0, dtype=np.int64)
        ids = np.fromstring(joined, dtype=np.int64, sep=" ")  # text mode: fast and not deprecated
        ids = ids[ids < self.index.alive.size]  # (same snapshot: a no-op guard)
        ids.sort()
        return ids

    def _masks(self, candidates: np.ndarray) -> dict[str, np.ndarray]:
        """One boolean mask over the candidates per active filter (facet fields and the date range)."""
        masks: dict[str, np.ndarray] = {}
        for field, values in self.plan.filters.items():
            if field not in FACET_FIELDS:  # check filters: _check_masks
                continue
            wanted = [self.index.lookup[field][v] for v in values if v in self.index.lookup[field]]
            masks[field] = np.isin(self.index.codes[field][candidates], np.array(wanted, dtype=np.int32))
        if self.plan.published_from is not None or self.plan.published_to is not None:
            pub = self.index.published[candidates]
            ok = pub != NULL_CODE
            if self.plan.published_from is not None:
                ok &= pub >= self.plan.published_from
            if self.plan.published_to is not None:
                ok &= pub <= self.plan.published_to
            masks["published"] = ok
        self._check_masks(candidates, masks)
        for cond in self.plan.where:  # one mask per number (its own facet ignores it)
            values = self.index.numbers[cond.name][candidates]
            ok = ~np.isnan(values) & NUMPY_OPS[cond.op](values, cond.value)
            masks[cond.name] = masks[cond.name] & ok if cond.name in masks else ok
        return masks

    def _check_masks(self, candidates: np.ndarray, masks: dict[str, np.ndarray]) -> None:
        """Masks of the has_failed_checks and failed_check filters (rules ORed)."""
        wanted = self.plan.filters.get("has_failed_checks")
        if wanted:
            codes = [1 if v == TRUE else 0 for v in wanted]
            masks["has_failed_checks"] = np.isin(self.index.has_failed[candidates], np.array(codes, dtype=np.int8))
        rules = self.plan.filters.get("failed_check")
        if rules:
            ok = np.zeros(candidates.size, dtype=bool)
            for rule in rules:
                if rule in self.index.failed:
                    ok |= self.index.failed[rule][candidates]
            masks["failed_check"] = ok

    def _facet(self, field: str, candidates: np.ndarray, masks: dict[str, np.ndarray]) -> list[tuple[str, int]]:
        """Counts of one facet among candidates passing every filter except the facet's own."""
        if field in FACET_FIELDS:
            return self._facet_counts(field, candidates, masks)
        pool = candidates[_all({k: m for k, m in masks.items() if k != field}, len(candidates))]
        if field == "has_failed_checks":
            codes = self.index.has_failed[pool]
            return self._top(field, {TRUE: int(np.count_nonzero(codes == 1)), FALSE: int(np.count_nonzero(codes == 0))})
        if field == "failed_check":
            return self._top(field, {rule: int(np.count_nonzero(arr[pool])) for rule, arr in self.index.failed.items()})
        return self._bucket_counts(self.index.numbers[field][pool])  # a registered number

    def _top(self, field: str, counts: dict[str, int]) -> list[tuple[str, int]]:
        """Non-zero counts, most frequent first (ties by value), cut to facet_limit; selected values kept."""
        ranked = sorted((item for item in counts.items() if item[1] > 0), key=lambda kv: (-kv[1], kv[0]))
        chosen = ranked[: self.plan.facet_limit]
        for value in self.plan.filters.get(field, ()):
            if value not in dict(chosen):
                chosen.append((value, counts.get(value, 0)))
        return chosen

    @staticmethod
    def _bucket_counts(values: np.ndarray) -> list[tuple[str, int]]:
        """How many values fall in each range bucket (every bucket listed, in order; nulls and negatives left out)."""
        present = values[~np.isnan(values) & (values >= 0)]
        counts = np.bincount(np.searchsorted(BUCKET_EDGES, present, side="right"), minlength=len(BUCKETS))
        return [(label, int(n)) for (label, _, _), n in zip(BUCKETS, counts)]

    def _facet_counts(self, field: str, candidates: np.ndarray, masks: dict[str, np.ndarray]) -> list[tuple[str, int]]:
        """Counts of `field`'s values among candidates passing every filter except this field's own."""
        others = {k: m for k, m in masks.items() if k != field}
        codes = self.index.codes[field][candidates[_all(others, len(candidates))]]
        values = self.index.values[field]
        counts = np.bincount(codes[codes != NULL_CODE], minlength=len(values))
        order = np.lexsort((np.arange(len(values)), -counts))
        chosen = [int(i) for i in order[: self.plan.facet_limit] if counts[i] > 0]
        for value in self.plan.filters.get(field, ()):  # selected values always shown
            code = self.index.lookup[field].get(value)
            if code is not None and code not in chosen:
                chosen.append(code)
        return [(values[i], int(counts[i])) for i in chosen]

    def _page(self, selected: np.ndarray) -> list[tuple[int, float | None]]:
        """The (docid, score) pairs of the requested page, in order."""
        plan = self.plan
        if plan.limit == 0 or plan.offset >= selected.size:
            return []
        if plan.sort == "relevance" and plan.terms:
            return self._ranked_page(selected)
        key = {"relevance": "-published"}.get(plan.sort, plan.sort)
        if key.lstrip("-") in NUMBERS:
            return [(int(d), None) for d in selected[self._number_order(selected, key)]]
        values = (self.index.year if key.endswith("report_year") else self.index.published)[selected]
        values = values.astype(np.int64)
        primary = -values if key.startswith("-") else values
        primary[values == NULL_CODE] = NULL_SORT_KEY  # nulls last either way
        combined = (primary << 32) + self.index.id_rank[selected]  # ties broken by id
        wanted = plan.offset + plan.limit
        if wanted < combined.size:
            part = np.argpartition(combined, wanted - 1)[:wanted]
            order = part[np.argsort(combined[part], kind="stable")]
        else:
            order = np.argsort(combined, kind="stable")
        return [(int(d), None) for d in selected[order[plan.offset : wanted]]]

    def _number_order(self, selected: np.ndarray, key: str) -> np.ndarray:
        """Positions in `selected` of the page sorted by a number (`-` = descending), nulls last, ties by id."""
        plan = self.plan
        values = self.index.numbers[key.lstrip("-")][selected]
        null = np.isnan(values)
        primary = np.where(null, np.inf, -values if key.startswith("-") else values)
        wanted = plan.offset + plan.limit
        if wanted < primary.size:  # only rows up to the page's last value (ties included) are sorted
            cutoff = np.partition(primary, wanted - 1)[wanted - 1]
            pool = np.flatnonzero(primary <= cutoff)
        else:
            pool = np.arange(primary.size)
        order = pool[np.lexsort((self.index.id_rank[selected[pool]], primary[pool], null[pool]))]
        return order[plan.offset : wanted]

    def _ranked_page(self, selected: np.ndarray) -> list[tuple[int, float | None]]:
        """BM25 over the filtered rows only (facet filters ride along in MATCH), best first, ties by id."""
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

    def _best_rows(self, sql: str, params: dict[str, object], selected: np.ndarray) -> list[tuple[int, float]]:
        """The best `:n` (rowid, score) rows; a large set is scored in two rowid halves at once."""
        order = " ORDER BY score, rowid LIMIT :n"
        if self.parallel is None or selected.size < PARALLEL_RANK_MIN:
            return self.conn.execute(sql + order, params).fetchall()
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
        if plan.published_from is not None or plan.published_to is not None:
            conditions.append("r.published BETWEEN :pf AND :pt")
            params["pf"] = date.fromordinal(plan.published_from).isoformat() if plan.published_from else ""
            params["pt"] = (date.fromordinal(plan.published_to).isoformat() if plan.published_to else "9999") + "\uffff"
        if plan.filters.get("has_failed_checks"):
            codes = sorted({1 if v == TRUE else 0 for v in plan.filters["has_failed_checks"]})
            conditions.append(f"r.has_failed_checks IN ({', '.join(map(str, codes))})")
        rules = plan.filters.get("failed_check", ())
        if rules:
            conditions.append(
                "(" + " OR ".join(f"instr(' ' || r.failed_checks || ' ', :fc{i}) > 0" for i in range(len(rules))) + ")"
            )
            params.update({f"fc{i}": f" {rule} " for i, rule in enumerate(rules)})
        for i, cond in enumerate(plan.where):
            conditions.append(f"r.{NUMBERS[cond.name].column} {SQL_OPS[cond.op]} :w{i}")
            params[f"w{i}"] = cond.value
        return conditions, params

    def _hits(self, page: list[tuple[int, float | None]]) -> list[Hit]:
        """Load the page's records and cut their snippets."""
        if not page:
            return []
        marks = ", ".join("?" for _ in page)
        rows = dict(self.conn.execute(SQL_RECORDS.format(marks=marks), [d for d, _ in page]).fetchall())
        hits = []
        for docid, score in page:
            record = json.loads(rows[docid])
            text = record.pop("text", "")
            hits.append(
                Hit(
                    id=record["id"],
                    score=score,
                    record=record,
                    snippet=snippet(text, list(self.plan.terms), SNIPPET_WIDTH),
                )
            )
        return hits


def _members(ids: np.ndarray, sorted_pool: np.ndarray) -> np.ndarray:
    """Mask of the `ids` that occur in the ascending array `sorted_pool`."""
    if sorted_pool.size == 0:
        return np.zeros(ids.size, dtype=bool)
    pos = np.minimum(np.searchsorted(sorted_pool, ids), sorted_pool.size - 1)
    return sorted_pool[pos] == ids


def _all(masks: dict[str, np.ndarray], size: int) -> np.ndarray:
    """AND of the masks (all True when there are none)."""
    out = np.ones(size, dtype=bool)
    for mask in masks.values():
        out &= mask
    return out
