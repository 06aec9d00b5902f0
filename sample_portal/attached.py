"""Reports published as attachments: a wrapper page with a DOCX, a PDF listed directly, an HTML page with a PDF copy.

Each case is one extra report of a column, generated deterministically with its own random stream
(the other reports of the column are unchanged).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

from .documents import docx_bytes, pdf_bytes
from .model import KIND_REPORT, AttachedFile, Block, Document, ReportFacts
from .prose import standard_blocks
from .render_tables import render_tables
from .synthetic import AgencyNames
from .synthetic_stats import report_stats

DOCX_ONLY = "docx_only"  # the detail page says 详见附件 and links the report as a DOCX
PDF_ONLY = "pdf_only"  # the list links the PDF itself; there is no HTML page
PDF_COPY = "pdf_copy"  # an HTML report page that also offers 全文下载 of a PDF copy (one report, not two)
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
WRAPPER_BLOCKS = (Block("p", "详见附件。"),)
FILE_ID_OFFSET = 5000  # document ids of attachment cases, apart from the column's generated ids

PathFor = Callable[[date, int], str]  # (publication date, document id) -> path on the site


@dataclass(frozen=True)
class AttachedCase:
    """One attachment case of a column: how it is published and which report it is."""

    kind: str
    agency_type: str
    year: int
    fmt: str
    published: date


def file_path(page_path: str, day: date, doc_id: int, extension: str) -> str:
    """Return a TRS-style attachment path (P0 + date + number) in the detail page's folder."""
    folder = page_path.rsplit("/", 1)[0]
    return f"{folder}/P0{day:%Y%m%d}{doc_id:012d}.{extension}"


def _report(
    case: AttachedCase, site: str, names: AgencyNames, half_width: bool
) -> tuple[str, tuple[Block, ...], ReportFacts]:
    """Generate the title, body blocks (signed on the publication day) and truth of a case's report."""
    rng = random.Random(f"sample-portal/{site}/{case.kind}")
    agency = names.name(case.agency_type)
    stats = report_stats(rng, case.fmt, busy=True)
    tables = render_tables(stats, case.fmt, half_width=half_width)
    blocks = tuple(standard_blocks(rng, agency, case.year, case.fmt, stats, tables, case.published))
    title = f"{agency}{case.year}年政府信息公开工作年度报告"
    return title, blocks, ReportFacts(agency, case.agency_type, case.year, case.fmt, stats)


def _file(path: str, label: str, kind: str, body: bytes, is_copy: bool = False) -> AttachedFile:
    """Build an attached file of a format."""
    return AttachedFile(path, label, CONTENT_TYPES[kind], body, kind, is_copy)


def attached_document(
    case: AttachedCase, site: str, source: str, names: AgencyNames, half_width: bool, path_for: PathFor, doc_id: int
) -> Document:
    """Return the column entry of one attachment case, with its files."""
    title, blocks, facts = _report(case, site, names, half_width)
    day = case.published
    page = path_for(day, doc_id)
    listed = Document(site, page, title, KIND_REPORT, day, day, source, facts=facts, list_date=day)
    if case.kind == DOCX_ONLY:
        docx = _file(file_path(page, day, doc_id, "docx"), f"附件：{title}.docx", "docx", docx_bytes(title, blocks))
        return replace(listed, blocks=WRAPPER_BLOCKS, files=(docx,), report_path=docx.path, source_format="docx")
    if case.kind == PDF_ONLY:
        pdf = _file(file_path(page, day, doc_id, "pdf"), f"{title}.pdf", "pdf", pdf_bytes(title, blocks))
        return replace(listed, path=pdf.path, files=(pdf,), source_format="pdf")
    copy = _file(
        file_path(page, day, doc_id, "pdf"), f"全文下载：{title}.pdf", "pdf", pdf_bytes(title, blocks), is_copy=True
    )
    return replace(listed, blocks=blocks, files=(copy,))


def attached_documents(
    cases: tuple[AttachedCase, ...], site: str, names: AgencyNames, half_width: bool, path_for: PathFor, first_id: int
) -> list[Document]:
    """Return the column entries of a site's attachment cases."""
    return [
        attached_document(
            case,
            site,
            names.name(case.agency_type),
            names,
            half_width,
            path_for,
            first_id + FILE_ID_OFFSET + index * 11,
        )
        for index, case in enumerate(cases)
    ]
