"""Reports per second through clean + extract + segment + index, next to bare trafilatura + jieba.

Both sides run in one process on the same pages: every report page the sample portal serves,
fetched once over HTTP before timing. A second pass times each stage of build_record separately
(decode+clean, fields, tables+checks, segment, index) so that no stage hides in the total.
Run: python bench/pipeline_throughput.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import httpx

from indexer.fields.recognize import recognize_report
from indexer.fields.title import extract_title
from indexer.record import (
    build_record,
    choose_title,
    prepare,
    report_fields,
)
from indexer.search_text.segment import segment_text
from indexer.storage import open_backend
from indexer.tables.checks import run_checks
from indexer.tables.reader import read_tables
from sample_portal.server import start_server

STAGES = ("decode+clean", "fields", "tables", "segment", "index")


def fetch_pages() -> list[tuple[str, bytes]]:
    """Start the sample portal and download every report page it serves."""
    server, base = start_server("127.0.0.1", 0)
    try:
        truth = httpx.get(f"{base}/_truth.json").json()
        return [(r["url"], httpx.get(r["url"]).content) for r in truth["reports"]]
    finally:
        server.shutdown()


def run_ours(pages: list[tuple[str, bytes]], db_path: Path) -> float:
    """Time the project's pipeline: build_record (clean + fields) + segment + SQLite write."""
    backend = open_backend(db_path)
    start = time.perf_counter()
    for url, body in pages:
        record = build_record(body, url=url, fetched_at="2026-01-01T00:00:00Z")
        segment_text(record["text"])  # what the index stores; write() segments again internally
        backend.write([record])
    elapsed = time.perf_counter() - start
    backend.close()
    return elapsed


def run_stages(pages: list[tuple[str, bytes]], db_path: Path) -> dict[str, float]:
    """Time each stage of the pipeline on its own (same work as build_record + write)."""
    backend = open_backend(db_path)
    spent = dict.fromkeys(STAGES, 0.0)
    for url, body in pages:
        t0 = time.perf_counter()
        page, cleaned = prepare(body)
        t1 = time.perf_counter()
        title = extract_title(page, cleaned.text)
        recognize_report(title, cleaned.text)
        t2 = time.perf_counter()
        tables = read_tables(cleaned)
        run_checks(tables.stats, tables.format, tables.unparsed)
        t3 = time.perf_counter()
        report_fields(page, cleaned.text, choose_title(title, None), None, tables.format)
        t4 = time.perf_counter()
        segment_text(cleaned.text)
        t5 = time.perf_counter()
        record = build_record(body, url=url, fetched_at="2026-01-01T00:00:00Z")  # not timed: stages above
        t6 = time.perf_counter()
        backend.write([record])
        t7 = time.perf_counter()
        spent["decode+clean"] += t1 - t0
        spent["fields"] += (t2 - t1) + (t4 - t3)
        spent["tables"] += t3 - t2
        spent["segment"] += t5 - t4
        spent["index"] += t7 - t6
    backend.close()
    return spent


def run_baseline(pages: list[tuple[str, bytes]]) -> float:
    """Time bare trafilatura.extract + jieba.cut on the same pages."""
    import jieba
    import trafilatura

    start = time.perf_counter()
    for _, body in pages:
        text = trafilatura.extract(body) or ""
        list(jieba.cut(text))
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3, help="passes over the page set")
    args = parser.parse_args()
    pages = fetch_pages()
    import jieba

    jieba.initialize()
    segment_text("预热")  # load dictionaries before timing
    workload = pages * args.rounds
    with tempfile.TemporaryDirectory() as tmp:
        ours = run_ours(workload, Path(tmp) / "bench.sqlite")
    baseline = run_baseline(workload)
    n = len(workload)
    print(f"pages: {len(pages)} distinct x {args.rounds} rounds = {n}")
    print(f"ours (clean+extract+segment+index): {n / ours:8.1f} reports/s  ({ours / n * 1000:.1f} ms each)")
    print(f"bare trafilatura.extract+jieba.cut: {n / baseline:8.1f} reports/s  ({baseline / n * 1000:.1f} ms each)")
    print(f"ratio ours/baseline time: {ours / baseline:.2f}x (target <= 2x)")
    with tempfile.TemporaryDirectory() as tmp:
        spent = run_stages(workload, Path(tmp) / "stages.sqlite")
    print("per-stage time per report (index = backend.write of the built record, which segments again):")
    for stage in STAGES:
        print(f"  {stage:<13} {spent[stage] / n * 1000:7.2f} ms")
    slowest = max(STAGES, key=spent.__getitem__)
    print(
        f"table parsing: {spent['tables'] / n * 1000:.2f} ms per report; slowest stage: {slowest}"
        f"{' (tables must not be the slowest)' if slowest == 'tables' else ''}"
    )


if __name__ == "__main__":
    main()
