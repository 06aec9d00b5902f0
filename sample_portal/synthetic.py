"""Deterministic synthetic reports of the other agencies of a site's region."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from .model import Block, ReportFacts
from .prose import legacy_blocks, standard_blocks
from .render_tables import render_tables
from .synthetic_stats import report_stats

LEGACY_TYPES = ("人民政府", "教育局", "财政局", "信访局", "民政局", "司法局")
MODERN_TYPES = LEGACY_TYPES + ("卫生健康委员会", "税务局", "市场监督管理局", "自然资源局")
BUSY_TYPES = ("人民政府", "市场监督管理局", "自然资源局", "卫生健康委员会", "税务局")
TITLE_PATTERNS = (
    ("{agency}{year}年政府信息公开工作年度报告", 6),
    ("{agency}{year}年度政府信息公开工作年度报告", 2),
    ("{agency}{year}年政府信息公开年度报告", 1),
    ("{year}年{agency}政府信息公开工作年度报告", 1),
)
QUOTAS = (("legacy", range(2015, 2019), 5), ("2019", range(2019, 2021), 5), ("2021", range(2021, 2025), 10))


@dataclass(frozen=True)
class AgencyNames:
    """How a region's bodies are named (prefix for departments, government, tax bureau)."""

    government: str
    department_prefix: str
    tax: str

    def name(self, agency_type: str) -> str:
        """Return the full name of the region's body of this type."""
        if agency_type == "人民政府":
            return self.government
        if agency_type == "税务局":
            return self.tax
        return self.department_prefix + agency_type


@dataclass(frozen=True)
class SyntheticReport:
    """One generated report with its truth."""

    title: str
    facts: ReportFacts
    published: date
    blocks: tuple[Block, ...]


def published_on(rng: random.Random, agency_type: str, year: int) -> date:
    """Pick a publication date: departments in January, governments by the end of March."""
    start = date(year + 1, 1, 5) if agency_type != "人民政府" else date(year + 1, 2, 1)
    end = date(year + 1, 1, 31) if agency_type != "人民政府" else date(year + 1, 3, 31)
    return start + timedelta(days=rng.randint(0, (end - start).days))


def plan(rng: random.Random, taken: set[tuple[str | None, int]], total: int) -> list[tuple[str, int, str]]:
    """Choose (agency type, year, format) triples: legacy, 2019-format and 2021-format reports."""
    chosen: list[tuple[str, int, str]] = []
    for fmt, years, quota in QUOTAS:
        types = LEGACY_TYPES if fmt == "legacy" else MODERN_TYPES
        pool = [(t, y) for t in types for y in years if (t, y) not in taken]
        rng.shuffle(pool)
        count = quota if fmt != "2021" else total - len(chosen)
        for agency_type, year in pool[:count]:
            chosen.append((agency_type, year, fmt))
            taken.add((agency_type, year))
    if not any(t == "人民政府" and f == "2021" for t, _, f in chosen):
        chosen[-1] = ("人民政府", 2023, "2021")
    return chosen


def make_report(
    rng: random.Random, names: AgencyNames, agency_type: str, year: int, fmt: str, legacy_review: bool, half_width: bool
) -> SyntheticReport:
    """Build one synthetic report (title, body blocks, truth)."""
    agency = names.name(agency_type)
    pattern = rng.choices([p for p, _ in TITLE_PATTERNS], weights=[w for _, w in TITLE_PATTERNS])[0]
    title = pattern.format(agency=agency, year=year)
    published = published_on(rng, agency_type, year)
    if fmt == "legacy":
        blocks = legacy_blocks(rng, agency, year, published, legacy_review)
        return SyntheticReport(title, ReportFacts(agency, agency_type, year, "legacy", None), published, tuple(blocks))
    stats = report_stats(rng, fmt, agency_type in BUSY_TYPES)
    tables = render_tables(stats, fmt, half_width=half_width)
    signed = published if rng.random() < 0.7 else None
    blocks = standard_blocks(rng, agency, year, fmt, stats, tables, signed)
    return SyntheticReport(title, ReportFacts(agency, agency_type, year, fmt, stats), published, tuple(blocks))


def synthetic_reports(
    site: str, names: AgencyNames, exclude: tuple[str | None, int], total: int = 20, half_width: bool = False
) -> list[SyntheticReport]:
    """Return `total` deterministic reports for a site, one 2021-year report kept in 2019 format."""
    rng = random.Random(f"sample-portal/{site}")
    triples = plan(rng, {exclude}, total)
    late_old_format = next(
        i
        for i, (_, y, f) in enumerate(triples)
        if f == "2021" and y == min(y2 for _, y2, f2 in triples if f2 == "2021")
    )
    reports = []
    legacy_index = 0
    for index, (agency_type, year, fmt) in enumerate(triples):
        if index == late_old_format:
            fmt = "2019"  # some later reports keep the old template: format is a fact, not the year
        legacy_review = legacy_index % 2 == 0
        legacy_index += fmt == "legacy"
        reports.append(make_report(rng, names, agency_type, year, fmt, legacy_review, half_width))
    return reports
