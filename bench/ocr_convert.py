"""How well scans and old Word files are read: OCR accuracy per table cell and conversion fidelity, with times.

  scan     sample portal reports printed to PDF and scanned (sample_portal.documents.scanned_pdf_bytes: black-
           and-white page images at 300 dpi or --scan-dpi, 0.4° askew, no text layer), read by OCR; gold: truth.
           Per report: filled cells, cells read equal, cells withheld (arithmetic failed), cells read wrong
           and still trusted (the ones that matter), whether title/agency/year/published agree, seconds per page.
  convert  the same reports' DOCX converted to Word 97 (.doc) by LibreOffice, read back through LibreOffice;
           gold: the DOCX's own record. Per report: text identical, cells equal, seconds per conversion.
Run: python -m bench.ocr_convert [--kinds scan convert] [--limit N] [--scan-dpi 300]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pypdfium2 as pdfium  # type: ignore[import-untyped]  # no type information

from indexer.errors import NotAReport, UnreadablePage
from indexer.record import build_record
from sample_portal.documents import SCAN_DPI, docx_bytes, scanned_pdf_bytes, word97_bytes
from sample_portal.model import KIND_REPORT, Document
from sample_portal.portal import build_portal


@dataclass
class Row:
    """One report's result."""

    title: str
    filled: int
    equal: int
    withheld: int
    wrong_trusted: int
    fields_agree: bool
    seconds: float
    unit_seconds: float  # per page (scan) or per conversion (convert)


def leaves(stats: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every (path, cell) of a stats tree."""
    for key, value in (stats or {}).items():
        if isinstance(value, dict):
            yield from leaves(value, (*path, key))
        else:
            yield (*path, key), value


def compare(gold: Any, read: Any) -> tuple[int, int, int]:
    """Filled gold cells, how many read equal, how many read wrong but present (trusted)."""
    cells = dict(leaves(read))
    filled = [(path, value) for path, value in leaves(gold) if value is not None]
    equal = sum(cells.get(path) == value for path, value in filled)
    wrong = sum(cells.get(path) is not None and cells.get(path) != value for path, value in filled)
    return len(filled), equal, wrong


def reports(limit: int) -> list[Document]:
    """Sample portal HTML reports with tables (both templates), spread over the sites."""
    found = [
        d
        for d in build_portal().documents
        if d.kind == KIND_REPORT and d.facts and d.facts.stats and d.blocks and not d.files and d.report_path is None
    ]
    step = max(len(found) // limit, 1)
    return found[::step][:limit]


def scan_row(doc: Document, dpi: int) -> Row:
    """OCR one report's scan (at `dpi`) and compare it with its truth."""
    scan = scanned_pdf_bytes(doc.title, doc.blocks, dpi)
    with pdfium.PdfDocument(scan) as pdf:
        pages = len(pdf)
    started = time.monotonic()
    assert doc.facts is not None
    try:
        record = build_record(scan, source_format="pdf")
    except (NotAReport, UnreadablePage) as exc:
        print(f"  {doc.title}: not read ({exc})")
        return Row(doc.title, compare(doc.facts.stats, None)[0], 0, 0, 0, False, 0.0, 0.0)
    seconds = time.monotonic() - started
    filled, equal, wrong = compare(doc.facts.stats, record["stats"])
    extraction = record.get("extraction") or {}
    agree = (record["title"], record["agency"], record["report_year"]) == (
        doc.title,
        doc.facts.agency,
        doc.facts.report_year,
    )
    withheld = len(extraction.get("withheld_cells") or {})
    return Row(doc.title, filled, equal, withheld, wrong, agree, seconds, seconds / pages)


def convert_row(doc: Document) -> Row:
    """Convert one report's DOCX to .doc and read it back through LibreOffice; compare with the DOCX record."""
    docx = docx_bytes(doc.title, doc.blocks)
    gold = build_record(docx, source_format="docx")
    doc_file = word97_bytes(docx)
    started = time.monotonic()
    record = build_record(doc_file, source_format="doc")
    seconds = time.monotonic() - started
    filled, equal, wrong = compare(gold["stats"], record["stats"])
    agree = record["text"] == gold["text"]
    return Row(doc.title, filled, equal, 0, wrong, agree, seconds, seconds)


def report(kind: str, rows: list[Row]) -> None:
    """Print one kind's table and totals."""
    agree_name = "title/agency/year" if kind.startswith("scan") else "same text"
    print(f"\n== {kind}: {len(rows)} reports")
    print(f"{'cells':>7} {'equal':>6} {'withheld':>8} {'wrong':>6} {agree_name:>17} {'s/unit':>7}  title")
    for row in rows:
        print(
            f"{row.filled:>7} {row.equal:>6} {row.withheld:>8} {row.wrong_trusted:>6} {str(row.fields_agree):>17}"
            f" {row.unit_seconds:>7.1f}  {row.title}"
        )
    filled, equal = sum(r.filled for r in rows), sum(r.equal for r in rows)
    units = [r.unit_seconds for r in rows]
    print(
        f"total: {equal}/{filled} cells equal ({equal / max(filled, 1):.1%}), "
        f"{sum(r.withheld for r in rows)} withheld, {sum(r.wrong_trusted for r in rows)} wrong and trusted, "
        f"{sum(r.fields_agree for r in rows)}/{len(rows)} {agree_name}; "
        f"seconds per {'page' if kind.startswith('scan') else 'file'}: mean {sum(units) / max(len(units), 1):.1f}, "
        f"max {max(units, default=0):.1f}"
    )


def main() -> None:
    """Run the chosen measurements and print their tables."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kinds", nargs="+", choices=("scan", "convert"), default=["scan", "convert"])
    parser.add_argument("--limit", type=int, default=6, help="reports per kind")
    parser.add_argument("--scan-dpi", type=int, default=SCAN_DPI, help="resolution of the scans (default 300)")
    args = parser.parse_args()
    chosen = reports(args.limit)
    for kind in args.kinds:
        rows = [scan_row(doc, args.scan_dpi) if kind == "scan" else convert_row(doc) for doc in chosen]
        report(f"{kind} ({args.scan_dpi} dpi)" if kind == "scan" else kind, rows)


if __name__ == "__main__":
    main()
