"""Reports per second through clean + extract + segment + index, next to bare trafilatura + jieba.

Both sides run in one process on the same pages: every report page the sample portal serves,
fetched once over HTTP before timing. Run: python bench/pipeline_throughput.py [--rounds 3]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from indexer.record import build_record  # noqa: E402
from indexer.segment import segment_text  # noqa: E402
from indexer.storage import open_backend  # noqa: E402
from sample_portal.server import start_server  # noqa: E402


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


if __name__ == "__main__":
    main()
