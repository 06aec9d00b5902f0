"""Assemble the documents of one site's 年报 column (sample, synthetic, attachments, series, look-alikes, missing)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..attached import AttachedCase, PathFor, attached_documents
from ..lookalikes import lookalikes
from ..model import KIND_LOOKALIKE, KIND_MISSING, KIND_REPORT, Block, Document, ReportFacts
from ..samples import Sample, load_sample
from ..series import series_documents, site_series
from ..synthetic import AgencyNames, synthetic_reports
from .common import SiteInfo


@dataclass(frozen=True)
class ColumnPlan:
    """What goes into a site's column."""

    site: SiteInfo
    names: AgencyNames
    sample_key: str
    sample_title: str
    sample_date: date  # where the sample sits in the list (and its URL date)
    missing: tuple[tuple[str, date], ...] = ()
    synthetic_count: int = 20
    half_width: bool = False
    first_id: int = 7000
    attached: tuple[AttachedCase, ...] = ()  # reports published as DOCX/PDF attachments (attached.py)


@dataclass(frozen=True)
class _Entry:
    """A document before it has a URL."""

    title: str
    kind: str
    published: date | None
    sort_date: date
    source: str
    blocks: tuple[Block, ...]
    facts: ReportFacts | None


def _sample_entry(plan: ColumnPlan, sample: Sample) -> _Entry:
    """Return the hand-checked sample report as a column entry."""
    published = date.fromisoformat(sample.published) if sample.published else None
    return _Entry(
        plan.sample_title,
        KIND_REPORT,
        published,
        published or plan.sample_date,
        sample.facts.agency,
        sample.blocks,
        sample.facts,
    )


def _entries(plan: ColumnPlan) -> list[_Entry]:
    """Collect every entry of the column, in no particular order."""
    sample = load_sample(plan.sample_key, plan.half_width)
    entries = [_sample_entry(plan, sample)]
    exclude = (sample.facts.agency_type, sample.facts.report_year)
    for report in synthetic_reports(plan.site.key, plan.names, exclude, plan.synthetic_count, plan.half_width):
        entries.append(
            _Entry(
                report.title,
                KIND_REPORT,
                report.published,
                report.published,
                report.facts.agency,
                report.blocks,
                report.facts,
            )
        )
    for item in lookalikes(plan.site.name, plan.site.short):
        entries.append(
            _Entry(item.title, KIND_LOOKALIKE, item.published, item.published, item.source, item.blocks, None)
        )
    for title, day in plan.missing:
        entries.append(_Entry(title, KIND_MISSING, day, day, "", (), None))
    return entries


def column_documents(plan: ColumnPlan, path_for: PathFor) -> list[Document]:
    """Return the column's documents, newest first, each with its URL path."""
    entries = sorted(_entries(plan), key=lambda e: (e.sort_date, e.title))
    documents = []
    for index, entry in enumerate(entries):
        doc_id = plan.first_id + index * 7 + (index * 13) % 5
        documents.append(
            Document(
                site=plan.site.key,
                path=path_for(entry.sort_date, doc_id),
                title=entry.title,
                kind=entry.kind,
                published=entry.published,
                sort_date=entry.sort_date,
                source=entry.source,
                blocks=entry.blocks,
                facts=entry.facts,
                list_date=entry.published,
            )
        )
    documents += attached_documents(plan.attached, plan.site.key, plan.names, plan.half_width, path_for, plan.first_id)
    series = site_series(plan.site.key)
    documents += series_documents(series, plan.site.region, plan.half_width, path_for, plan.first_id, documents)
    return sorted(documents, key=lambda d: (d.sort_date, d.title), reverse=True)


def pages(documents: list[Document], size: int) -> list[list[Document]]:
    """Split a column into list pages."""
    return [documents[i : i + size] for i in range(0, len(documents), size)]
