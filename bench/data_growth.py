"""Disk space per 1,000 reports: the SQLite index, the HTTP cache and the crawl log (a measurement, not a test).

Crawls the sample portal once with the HTTP cache on and the log in a file (its reports are real
Pingtan pages and realistic synthetic ones, HTML, DOCX and PDF), then writes copies of the crawled
records under new ids, each text made distinct, into a fresh index until it holds N reports,
printing the index's size after every 1,000 (WAL checkpointed, so the size is the file's own).

    python bench/data_growth.py --reports 5000
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

from indexer.model import Record
from indexer.storage import StorageOptions, open_backend
from sample_portal.server import start_server

ROOT = Path(__file__).resolve().parents[1]
STEP = 1000
BATCH = 200  # records per write()


def tree_size(path: Path) -> int:
    """Bytes of every file under `path` (or of the file itself)."""
    if path.is_file():
        return path.stat().st_size
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def crawl_sample(folder: Path) -> tuple[Path, Path, Path]:
    """Crawl the sample portal into folder/reports.sqlite with the HTTP cache and log there; return the three paths."""
    db, cache, log = folder / "reports.sqlite", folder / "httpcache", folder / "crawl.log"
    server, portal = start_server("127.0.0.1", 0)
    try:
        env = dict(os.environ, REPORTS_INCREMENTAL="1", REPORTS_HTTPCACHE_DIR=str(cache))
        command = [str(Path(sys.executable).with_name("reports-crawl")), str(ROOT / "seeds" / "sample_portal.yaml")]
        command += ["--portal", portal, "--local", "--db", str(db), "-s", f"LOG_FILE={log}"]
        subprocess.run(command, cwd=folder, env=env, check=True, timeout=900)
    finally:
        server.shutdown()
        server.server_close()
    return db, cache, log


def numbered(record: Record, n: int) -> Record:
    """A copy of `record` as a distinct report n (its own id, URL, text and content hash)."""
    url = f"https://example.gov.cn/copy/{n}.html"
    text = f"{record['text']}\n（第{n}号）"
    return {**record, "id": f"copy-{n:07d}", "url": url, "urls": [url], "text": text, "content_hash": f"copy-{n}"}


def index_growth(records: list[Record], path: Path, total: int) -> list[tuple[int, int]]:
    """Write `total` copies of `records` into a fresh index; (reports, bytes) after every STEP."""
    backend = open_backend(path)
    sizes = []
    try:
        for start in range(0, total, BATCH):
            backend.write([numbered(records[n % len(records)], n) for n in range(start, min(start + BATCH, total))])
            written = min(start + BATCH, total)
            if written % STEP == 0 or written == total:
                with sqlite3.connect(path) as conn:
                    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                conn.close()
                sizes.append((written, path.stat().st_size))
    finally:
        backend.close()
    return sizes


def main(argv: list[str] | None = None) -> None:
    """Crawl, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=5000, help="reports in the grown index")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db, cache, log = crawl_sample(folder)
        source = open_backend(db, StorageOptions(read_only=True))
        records = list(source.records())
        source.close()
        n = len(records)
        mean_text = sum(len(r["text"]) for r in records) / n
        print(f"sample portal crawl: {n} reports, mean text {mean_text:,.0f} characters")
        for name, path in (("index", db), ("HTTP cache", cache), ("crawl log (INFO)", log)):
            size = tree_size(path)
            print(f"  {name:<18}{size / 1e6:8.2f} MB  = {size / n * 1000 / 1e6:7.1f} MB per 1,000 reports")
        sizes = index_growth(records, folder / "grown.sqlite", args.reports)
        print("index grown with distinct copies of those reports:")
        previous = (0, 0)
        for count, size in sizes:
            per_thousand = (size - previous[1]) / (count - previous[0]) * 1000
            print(f"  {count:>7,} reports {size / 1e6:8.1f} MB   (+{per_thousand / 1e6:.1f} MB per 1,000)")
            previous = (count, size)


if __name__ == "__main__":
    main()
