"""How well PDF reports are read: every table cell of a PDF's record against the record of its original.

Three kinds of PDF, each with gold from the file it was made from:
  chromium     the sample portal's HTML report pages printed by headless Chromium, as a browser prints them;
               gold: the record of the HTML page.
  libreoffice  a DOCX written for every report (as the portal writes its DOCX attachment) converted by
               LibreOffice (`soffice --convert-to pdf`), as agencies export them; gold: the DOCX record.
  reportlab    the portal's own PDF attachments (gold: /_truth.json) and a PDF written like them for every
               report (gold: the record of a DOCX written from the same text).
For each report: filled table cells of the gold (`stats` leaves that are not null), how many the PDF's record
has equal, and whether title, agency, report year and published date agree. Each PDF is read twice: `layout`
(indexer/load/pdf.py) and `pypdf` (pypdf's text layer, the project's PDF reading before layout).
Run: python -m bench.pdf_tables [--kinds chromium libreoffice reportlab] [--limit N] [--readers layout pypdf]
"""

from __future__ import annotations

import argparse
import io
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from indexer.errors import NotAReport, UnreadablePage
from indexer.record import build_record
from sample_portal.documents import docx_bytes, pdf_bytes
from sample_portal.model import Document
from sample_portal.portal import build_portal
from sample_portal.server import start_server

CHROMIUM = "/usr/bin/chromium"
SOFFICE = "soffice"
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
PRINT_TIMEOUT = 120  # seconds for one page
CONVERT_TIMEOUT = 600  # seconds for one LibreOffice batch
PRINTERS = 3  # Chromium processes at once
FIELDS = ("title", "agency", "report_year", "published")
KINDS = ("chromium", "libreoffice", "reportlab")


@dataclass
class Case:
    """One PDF and the record of the file it was made from."""

    name: str
    pdf: bytes
    gold: dict[str, Any]


@dataclass
class Score:
    """How a PDF's record compares with its gold."""

    name: str
    cells: int
    equal: int
    fields: dict[str, bool]
    error: str | None = None


def print_to_pdf(url: str, out: Path) -> bytes:
    """Print a page to PDF with headless Chromium (a fresh profile each time), as a browser prints it."""
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        subprocess.run(
            [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={out}", url],
            capture_output=True,
            timeout=PRINT_TIMEOUT,
            check=True,
        )
    return out.read_bytes()


def convert_with_libreoffice(docx_files: list[Path], out_dir: Path) -> dict[str, bytes]:
    """Convert DOCX files to PDF with LibreOffice in one batch; return PDF bytes by file stem."""
    with tempfile.TemporaryDirectory(prefix="soffice-profile-") as profile:
        subprocess.run(
            [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf"]
            + ["--outdir", str(out_dir), *map(str, docx_files)],
            capture_output=True,
            timeout=CONVERT_TIMEOUT,
            check=True,
        )
    return {path.stem: path.read_bytes() for path in out_dir.glob("*.pdf")}


def filled_cells(stats: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Yield (path, value) of every table cell in a stats object that holds a value."""
    if isinstance(stats, dict):
        for key, value in stats.items():
            yield from filled_cells(value, f"{path}.{key}" if path else key)
    elif stats is not None:
        yield path, stats


def cell_at(stats: Any, path: str) -> Any:
    """Return the value at a dotted path of a stats object (None when absent)."""
    for key in path.split("."):
        stats = stats.get(key) if isinstance(stats, dict) else None
    return stats


def pypdf_text(data: bytes) -> str:
    """The project's PDF reading before layout: pypdf's text layer, page after page."""
    from pypdf import PdfReader

    return "\n".join((page.extract_text() or "").strip("\n") for page in PdfReader(io.BytesIO(data)).pages)


def score(case: Case, reader: str) -> Score:
    """Build the PDF's record (with the chosen reader) and compare it with the gold record."""
    gold_cells = dict(filled_cells(case.gold.get("stats")))
    try:
        source: bytes | str = case.pdf if reader == "layout" else pypdf_text(case.pdf)
        record = build_record(source, source_format="pdf")
    except (NotAReport, UnreadablePage) as exc:
        return Score(case.name, len(gold_cells), 0, dict.fromkeys(FIELDS, False), exc.reason)
    equal = sum(cell_at(record["stats"], path) == value for path, value in gold_cells.items())
    fields = {name: record[name] == case.gold.get(name) for name in FIELDS}
    return Score(case.name, len(gold_cells), equal, fields)


def report_documents(limit: int | None) -> list[Document]:
    """The sample portal's report pages with statistics tables (a report in an attachment has no text of its own)."""
    docs = [
        d for d in build_portal().documents if d.facts and d.facts.stats and d.source_format == "html" and not d.gone
    ]
    return docs[:limit] if limit else docs


def chromium_cases(limit: int | None, work: Path) -> list[Case]:
    """Print every HTML report page of the sample portal; gold is the record of the page."""
    server, base = start_server("127.0.0.1", 0)
    try:
        truth = httpx.get(f"{base}/_truth.json").json()
        urls = [r["url"] for r in truth["reports"] if r["source_format"] == "html"][: limit or None]

        def case(index_url: tuple[int, str]) -> Case:
            index, url = index_url
            page = httpx.get(url).content
            pdf = print_to_pdf(url, work / f"page{index}.pdf")
            return Case(url.removeprefix(base), pdf, dict(build_record(page, url=url)))

        with ThreadPoolExecutor(PRINTERS) as pool:
            return list(pool.map(case, enumerate(urls)))
    finally:
        server.shutdown()
        server.server_close()


def libreoffice_cases(limit: int | None, work: Path) -> list[Case]:
    """Convert the DOCX of every report (as the portal attaches them) with LibreOffice; gold is the DOCX record."""
    golds = {}
    for index, (doc, docx, gold) in enumerate(written_reports(limit)):
        (work / f"report{index}.docx").write_bytes(docx)
        golds[f"report{index}"] = (doc, gold)
    pdfs = convert_with_libreoffice([work / f"{stem}.docx" for stem in golds], work)
    return [Case(doc.record_path, pdfs[stem], gold) for stem, (doc, gold) in golds.items()]


def written_reports(limit: int | None) -> Iterator[tuple[Document, bytes, dict[str, Any]]]:
    """Each report page's text written as a DOCX (as the portal writes attachments), with the DOCX's record.

    A page whose own text is not a report (a short note linking its attachment) is left out.
    """
    for doc in report_documents(limit):
        docx = docx_bytes(doc.title, doc.blocks)
        try:
            yield doc, docx, dict(build_record(docx, source_format="docx"))
        except NotAReport:
            continue


def reportlab_cases(limit: int | None, work: Path) -> list[Case]:
    """The portal's own PDF attachments and a PDF of every report written like them; gold is the truth."""
    del work
    cases = []
    for doc in build_portal().documents:
        for file in doc.files:
            if file.source_format == "pdf" and doc.facts is not None:
                cases.append(Case(file.path, file.body, _truth_record(doc)))
    for doc, _, gold in written_reports(limit):
        cases.append(Case(doc.record_path + " (written)", pdf_bytes(doc.title, doc.blocks), gold))
    return cases


def _truth_record(doc: Document) -> dict[str, Any]:
    """The fields and stats the truth gives a report."""
    facts = doc.facts
    assert facts is not None
    published = doc.published.isoformat() if doc.published else None
    fields = {"title": doc.title, "agency": facts.agency, "report_year": facts.report_year, "published": published}
    return fields | {"stats": facts.stats}


CASE_MAKERS: dict[str, Callable[[int | None, Path], list[Case]]] = {
    "chromium": chromium_cases,
    "libreoffice": libreoffice_cases,
    "reportlab": reportlab_cases,
}


def available(kind: str) -> bool:
    """Tell whether the tool a kind of PDF needs is installed."""
    return {"chromium": Path(CHROMIUM).exists(), "libreoffice": shutil.which(SOFFICE) is not None}.get(kind, True)


def print_scores(kind: str, scores: list[Score], verbose: bool) -> None:
    """Print one table: per report (when `verbose` or imperfect) and the total."""
    print(f"\n== {kind}: {len(scores)} PDFs")
    print(f"{'report':70} {'cells':>11}  " + " ".join(f"{name[:9]:>9}" for name in FIELDS))
    for s in scores:
        perfect = s.equal == s.cells and all(s.fields.values())
        if verbose or not perfect:
            marks = " ".join(f"{'ok' if s.fields[name] else 'DIFF':>9}" for name in FIELDS)
            print(f"{s.name[-70:]:70} {s.equal:>5}/{s.cells:<5}  {marks}" + (f"  ({s.error})" if s.error else ""))
    cells, equal = sum(s.cells for s in scores), sum(s.equal for s in scores)
    agree = " ".join(f"{sum(s.fields[name] for s in scores):>9}" for name in FIELDS)
    share = f"{100 * equal / cells:.1f}%" if cells else "-"
    print(f"{'TOTAL (fields: reports agreeing)':70} {equal:>5}/{cells:<5}  {agree}   cells equal: {share}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kinds", nargs="+", choices=KINDS, default=list(KINDS))
    parser.add_argument("--limit", type=int, default=None, help="at most this many reports per kind")
    parser.add_argument("--readers", nargs="+", choices=("layout", "pypdf"), default=["layout", "pypdf"])
    parser.add_argument("--verbose", action="store_true", help="print every report, not only imperfect ones")
    args = parser.parse_args()
    for kind in args.kinds:
        if not available(kind):
            print(f"\n== {kind}: skipped (its converter is not installed)")
            continue
        with tempfile.TemporaryDirectory(prefix=f"pdf-{kind}-") as work:
            cases = CASE_MAKERS[kind](args.limit, Path(work))
        for reader in args.readers:
            print_scores(f"{kind}, read by {reader}", [score(case, reader) for case in cases], args.verbose)


if __name__ == "__main__":
    main()
