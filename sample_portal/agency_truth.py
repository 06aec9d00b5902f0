"""Ground truth of the agencies on the portal: every publishing body with its years and signals.

Computed from what the portal itself made (who published each report, in which region, when, with
which tables and prose), never from the indexer; the rules are the law's and docs/AGENCIES.md's:
- a body is (region code, body) — ReportFacts.body_of; its kind is 政府 for a 人民政府 or a zone's
  管理委员会, 部门 otherwise;
- deadline: reports on 2008–2018 by 31 March of the next year; from 2019 by 31 January (部门) or
  31 March (政府); published on the deadline is on time; no publication date, no verdict;
- the timeline runs from the body's first report to the latest year already due on `today`;
- signals: missing, late, failed_checks (the hand-read gold), blank_cells (cells printed empty),
  text_table_mismatch (the prose states another 本年新收), cross_year (上年结转 vs last year's
  结转下年度继续办理 per column; in the 2021 template 现行有效 vs last year's + 制发 − 废止), copied
  (the prose was made from last year's report); in the portal's state 2 (evolution.py), revised (the
  report was edited after a first crawl saw it) and withdrawn (its URL no longer serves it).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

from .model import KIND_REPORT, Document, Portal, Region, ReportFacts
from .render_tables import APPLICANT_COLUMNS

NEW_RULES_FROM = 2019  # reports on this year and later follow the 2019 条例
GOVERNING_TYPES = frozenset({"人民政府", "管理委员会", "街道办事处"})
IN_FORCE_ROWS = ("regulations", "normative_documents")  # table 二 rows whose 现行有效 carries over
SIGNAL_ORDER = (
    "missing",
    "late",
    "failed_checks",
    "blank_cells",
    "text_table_mismatch",
    "cross_year",
    "copied",
    "revised",
    "withdrawn",
)

BodyKey = tuple[str, str]


def kind_of(agency_type: str | None) -> str:
    """政府 for a body governing a territory, 部门 for any other."""
    return "政府" if agency_type in GOVERNING_TYPES else "部门"


def due_date(year: int, kind: str) -> date:
    """The legal deadline of the report on `year` of a body of this kind."""
    if year < NEW_RULES_FROM or kind == "政府":
        return date(year + 1, 3, 31)
    return date(year + 1, 1, 31)


def last_due_year(kind: str, today: date) -> int:
    """The latest year whose report was already due on `today`."""
    year = today.year - 1
    while due_date(year, kind) >= today:
        year -= 1
    return year


def _cell(stats: dict | None, *path: str) -> float | None:
    """The number at `path` in a stats object (None when absent or blank)."""
    node: object = stats
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
    return node if isinstance(node, (int, float)) else None


def blank_cells(stats: dict | None) -> list[str]:
    """Paths of the cells the report prints empty."""
    found = []
    for table, rows in (stats or {}).items():
        for row, cells in rows.items() if isinstance(rows, dict) else ():
            found += [f"{table}.{row}.{c}" for c, v in (cells.items() if isinstance(cells, dict) else ()) if v is None]
    return found


def prose_contradicts_table(facts: ReportFacts) -> bool:
    """Whether the prose states a 本年新收 the table does not have (with or without 上年结转)."""
    table = _cell(facts.stats, "applications", "new_received", "total")
    if facts.stated_new_received is None or table is None:
        return False
    carried = _cell(facts.stats, "applications", "carried_over", "total") or 0
    return facts.stated_new_received not in (table, table + carried)


def carries_over(before: ReportFacts, now: ReportFacts) -> bool:
    """Whether this year's opening figures are last year's closing ones (where both reports print them)."""
    for column in APPLICANT_COLUMNS:
        closing = _cell(before.stats, "applications", "carried_forward", column)
        opening = _cell(now.stats, "applications", "carried_over", column)
        if closing is not None and opening is not None and closing != opening:
            return False
    if before.format != "2021" or now.format != "2021":
        return True
    for row in IN_FORCE_ROWS:
        prior = _cell(before.stats, "proactive", row, "in_force")
        issued, repealed, in_force = (_cell(now.stats, "proactive", row, c) for c in ("issued", "repealed", "in_force"))
        if prior is None or issued is None or repealed is None or in_force is None:
            continue
        if prior + issued - repealed != in_force:
            return False
    return True


def year_signals(doc: Document | None, before: Document | None, kind: str, year: int) -> list[str]:
    """The signal names of one agency-year."""
    if doc is None or doc.facts is None:
        return ["missing"]
    facts = doc.facts
    found = {
        "late": doc.published is not None and doc.published > due_date(year, kind),
        "failed_checks": bool(facts.failed_checks),
        "blank_cells": bool(blank_cells(facts.stats)),
        "text_table_mismatch": prose_contradicts_table(facts),
        "cross_year": before is not None and before.facts is not None and not carries_over(before.facts, facts),
        "copied": facts.copied and before is not None,
        "revised": doc.version > 1,
        "withdrawn": doc.gone is not None,
    }
    return [name for name in SIGNAL_ORDER if found.get(name)]


def year_dates(doc: Document | None, kind: str, year: int) -> dict:
    """Publication day, deadline and verdict of one agency-year."""
    due = due_date(year, kind)
    published = doc.published if doc else None
    return {
        "published": published.isoformat() if published else None,
        "deadline": due.isoformat(),
        "late": published > due if published else None,
        "days_late": max(0, (published - due).days) if published else None,
    }


def agency_truth(region: Region, reports: list[Document], base_url: str, today: date) -> dict:
    """The truth entry of one body: names, region, kind, and per year its report, dates and signals."""
    facts = [d.facts for d in reports if d.facts]
    kind = kind_of(facts[0].agency_type)
    by_year = {f.report_year: d for d, f in zip(reports, facts, strict=True)}
    names = Counter(f.agency for f in facts)
    years = range(min(by_year), max(max(by_year), last_due_year(kind, today)) + 1)
    return {
        "name": max(names, key=lambda n: (names[n], len(n), n)),
        "names": sorted(names),
        "region_code": region.code,
        "province": region.province,
        "city": region.city,
        "county": region.county,
        "kind": kind,
        "years": {str(y): base_url + by_year[y].record_path if y in by_year else None for y in years},
        "dates": {str(y): year_dates(by_year.get(y), kind, y) for y in years},
        "signals": {str(y): year_signals(by_year.get(y), by_year.get(y - 1), kind, y) for y in years},
    }


def agencies_truth(portal: Portal, base_url: str, today: date) -> list[dict]:
    """Every publishing body of the portal's reports, ordered by region code and name."""
    bodies: dict[BodyKey, list[Document]] = defaultdict(list)
    regions: dict[BodyKey, Region] = {}
    for doc in portal.documents:
        if doc.kind == KIND_REPORT and doc.facts is not None:
            site_region = portal.regions[doc.site]
            key = doc.facts.body_of(site_region)
            bodies[key].append(doc)
            regions[key] = doc.facts.region or site_region
    entries = [agency_truth(regions[key], docs, base_url, today) for key, docs in bodies.items()]
    return sorted(entries, key=lambda a: (a["region_code"], a["name"]))
