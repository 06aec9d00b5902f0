"""Rebuild the agency registry from what a backend stores: one pass over the records, then one save.

`rebuild_agencies` is what the end of every crawl (crawler/run.py) and `reports-index agencies` run:
it streams the stored records once (`RecordSource.records()`), keeps the facts the registry needs
(registry.report_facts: no text, sentence fingerprints instead), builds every agency and timeline
(registry.build_agencies, re-reading one report's text by id when a `copied` signal needs its
sentences) and hands the result to `Backend.save_agencies`.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from datetime import date

from indexer.agencies.registry import AgencyBuild, build_agencies, report_facts
from indexer.agencies.sentences import sentence_fingerprints
from indexer.storage import Backend


@dataclass(frozen=True)
class RebuildSummary:
    """What a rebuild found and how long it took."""

    agencies: int
    reports: int
    signals: Counter[str]  # signal name -> how many reports (and, for `missing`, agency-years) carry it
    seconds: float

    def line(self) -> str:
        """One line for a person: agencies, reports, signals by name, seconds."""
        counted = ", ".join(f"{name} {n}" for name, n in sorted(self.signals.items())) or "none"
        return f"{self.agencies} agencies from {self.reports} reports; signals: {counted}; {self.seconds:.1f} s"


def rebuild_agencies(backend: Backend, today: date) -> RebuildSummary:
    """Build the registry from every stored record as of `today` (which deadlines have passed) and save it."""
    started = time.monotonic()
    build = build_agencies(
        (report_facts(record) for record in backend.records()),
        today=today,
        sentences_of=lambda report_id: stored_sentences(backend, report_id),
    )
    backend.save_agencies(build)
    return RebuildSummary(
        len(build.agencies), len(build.report_signals), count_signals(build), time.monotonic() - started
    )


def stored_sentences(backend: Backend, report_id: str) -> dict[int, str]:
    """The sentence fingerprints of one stored report's text (none when it is gone)."""
    record = backend.get(report_id)
    return sentence_fingerprints(record.get("text") or "") if record else {}


def count_signals(build: AgencyBuild) -> Counter[str]:
    """Signals by name: every report's, plus those of the agency-years without a report (`missing`)."""
    counted: Counter[str] = Counter(s["signal"] for signals in build.report_signals.values() for s in signals)
    counted.update(
        s["signal"] for years in build.timelines.values() for y in years if y["report_id"] is None for s in y["signals"]
    )
    return counted
