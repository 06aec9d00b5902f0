"""Reports published as attachments: a wrapper page with a DOCX (or an old .doc/.wps), a PDF listed directly (or
a scan of one, without text layer), an HTML page with a PDF copy.

Each case is one extra report of a column, generated deterministically with its own random stream
(the other reports of the column are unchanged). The .doc and .wps files are made from the case's DOCX by
LibreOffice and committed in data/attached/ (users running the portal may lack LibreOffice; see its README).
The old-format and scanned cases of a site are listed here (CONVERSION_CASES), added to its column's own.
"""

from __future__ import annotations

import logging
import random
import shutil
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from .documents import docx_bytes, pdf_bytes, scanned_pdf_bytes, word97_bytes
from .model import KIND_REPORT, AttachedFile, Block, Document, ReportFacts
from .prose import standard_blocks
from .render_tables import render_tables
from .synthetic import AgencyNames
from .synthetic_stats import report_stats

DOCX_ONLY = "docx_only"  # the detail page says 详见附件 and links the report as a DOCX
PDF_ONLY = "pdf_only"  # the list links the PDF itself; there is no HTML page
PDF_COPY = "pdf_copy"  # an HTML report page that also offers 全文下载 of a PDF copy (one report, not two)
DOC_ONLY = "doc_only"  # like DOCX_ONLY, the report as a Word 97-2003 .doc
WPS_ONLY = "wps_only"  # like DOCX_ONLY, the report as a WPS Office .wps (Word 97-2003 binary format)
SCAN_ONLY = "scan_only"  # like PDF_ONLY, the PDF a scan: page images without text layer
WRAPPED = {DOCX_ONLY: "docx", DOC_ONLY: "doc", WPS_ONLY: "wps"}  # wrapper page cases -> format of their file
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "doc": "application/msword",
    "wps": "application/vnd.ms-works",  # what common servers (Apache, nginx mime.types) send for .wps
}
OLD_FORMAT_DIR = Path(__file__).parent / "data" / "attached"
WRAPPER_BLOCKS = (Block("p", "详见附件。"),)
FILE_ID_OFFSET = 5000  # document ids of attachment cases, apart from the column's generated ids

logger = logging.getLogger(__name__)

PathFor = Callable[[date, int], str]  # (publication date, document id) -> path on the site


@dataclass(frozen=True)
class AttachedCase:
    """One attachment case of a column: how it is published and which report it is."""

    kind: str
    agency_type: str
    year: int
    fmt: str
    published: date


# Reports that need a converter or OCR to be read, by site (after the site's own attachment cases).
CONVERSION_CASES: dict[str, tuple[AttachedCase, ...]] = {
    "saihan": (
        AttachedCase(DOC_ONLY, "农业农村局", 2022, "2021", date(2023, 1, 12)),
        AttachedCase(WPS_ONLY, "文化旅游体育局", 2021, "2021", date(2022, 1, 20)),
    ),
    "lingwu": (AttachedCase(SCAN_ONLY, "生态环境局", 2022, "2021", date(2023, 1, 10)),),
}


def file_path(page_path: str, day: date, doc_id: int, extension: str) -> str:
    """Return a TRS-style attachment path (P0 + date + number) in the detail page's folder."""
    folder = page_path.rsplit("/", 1)[0]
    return f"{folder}/P0{day:%Y%m%d}{doc_id:012d}.{extension}"


def case_report(
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
    title, blocks, facts = case_report(case, site, names, half_width)
    day = case.published
    page = path_for(day, doc_id)
    listed = Document(site, page, title, KIND_REPORT, day, day, source, facts=facts, list_date=day)
    if case.kind in WRAPPED:
        kind = WRAPPED[case.kind]
        body = docx_bytes(title, blocks)
        if kind != "docx":
            body = old_format_file(f"{site}-{case.kind}.{kind}", body)
        file = _file(file_path(page, day, doc_id, kind), f"附件：{title}.{kind}", kind, body)
        return replace(listed, blocks=WRAPPER_BLOCKS, files=(file,), report_path=file.path, source_format=kind)
    if case.kind in (PDF_ONLY, SCAN_ONLY):
        body = (scanned_pdf_bytes if case.kind == SCAN_ONLY else pdf_bytes)(title, blocks)
        pdf = _file(file_path(page, day, doc_id, "pdf"), f"{title}.pdf", "pdf", body)
        return replace(listed, path=pdf.path, files=(pdf,), source_format="pdf")
    copy = _file(
        file_path(page, day, doc_id, "pdf"), f"全文下载：{title}.pdf", "pdf", pdf_bytes(title, blocks), is_copy=True
    )
    return replace(listed, blocks=blocks, files=(copy,))


def old_format_file(name: str, docx: bytes) -> bytes:
    """Return the committed .doc/.wps file `name`; made from the DOCX by LibreOffice when it is missing."""
    path = OLD_FORMAT_DIR / name
    if not path.is_file():
        if shutil.which("soffice") is None:
            raise FileNotFoundError(f"{path} is missing and LibreOffice (soffice) is not installed to make it")
        logger.warning("making %s from its DOCX with LibreOffice", path)
        path.write_bytes(word97_bytes(docx))
    return path.read_bytes()


def attached_documents(
    cases: tuple[AttachedCase, ...], site: str, names: AgencyNames, half_width: bool, path_for: PathFor, first_id: int
) -> list[Document]:
    """Return the column entries of a site's attachment cases (its own, then its CONVERSION_CASES)."""
    cases = cases + CONVERSION_CASES.get(site, ())
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
