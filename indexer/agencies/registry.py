"""The agency registry: reports grouped into agencies, each agency's timeline, and every report's signals.

`build_agencies` is a pure function over the facts of every stored report (streamed once), so the
registry can be rebuilt from the index at any time and comes out the same; storage keeps what it
returns. A report's own signals (late, failed_checks, blank_cells, text_table_mismatch) are computed
when it is indexed (`report_signals` with no previous report) and stored with it; storage adds and
removes `revised` and `withdrawn` as the report's history changes (storage/revisions.py). The build
takes them from the stored record (judging `late` again with the agency's kind, and computing them all
for a record stored without signals), then adds the ones that compare it with the same agency's report
on the year before (cross_year, copied) and the `missing` years.
"""

from __future__ import annotations

import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from indexer.agencies.deadlines import FIRST_YEAR, days_late, deadline, last_due_year
from indexer.agencies.identity import AgencyKey, Aliases, agency_key, agency_kind, load_aliases
from indexer.agencies.sentences import sentence_fingerprints
from indexer.agencies.signals import (
    blank_cells_signal,
    copied_measure,
    copied_signal,
    cross_year_cells,
    cross_year_signal,
    failed_checks_signal,
    history_signals,
    late_signal,
    missing_signal,
    text_table_mismatch_signal,
)
from indexer.model import (
    Agency,
    AgencyKind,
    Format,
    Level,
    Number,
    Record,
    Signal,
    SignalName,
    Stats,
    TimelineYear,
)
from indexer.tables.numbers import NUMBER_FIELDS, compute_numbers

COMMON_SENTENCE_AGENCIES = 3  # a sentence found in this many agencies' reports is template text, not the agency's own
BUILD_SIGNALS = frozenset(
    {"missing", "cross_year", "copied"}
)  # what a build adds; a report's other signals are its own


NO_FINGERPRINTS = np.empty(0, dtype=np.int64)


@dataclass(frozen=True)
class ReportFacts:
    """What the registry needs of one report, kept small because a build holds every report's (a build takes about
    8 KB per report with the timelines it makes; 19 KB when these kept the tables and a set of fingerprints):
    no text (its sentence fingerprints stand for it) and of the tables only the timeline's figures and the cells
    the cross-year comparison reads."""

    id: str
    agency: str | None
    region_code: str | None
    province: str | None
    city: str | None
    county: str | None
    level: Level | None
    agency_type: str | None
    report_year: int | None
    published: str | None
    format: Format | None
    figures: dict[str, Number | None]  # compute_numbers of its tables
    cross_year: Stats | None = None  # signals.cross_year_cells of its tables
    own_signals: list[Signal] = field(default_factory=list)
    fingerprints: np.ndarray = field(default_factory=lambda: NO_FINGERPRINTS)  # sorted, distinct int64

    def fingerprint_set(self) -> frozenset[int]:
        """The sentence fingerprints as a set."""
        return frozenset(self.fingerprints.tolist())


def _shared(value: str | None) -> str | None:
    """One string object for the values many reports repeat (regions, kinds), to keep a build's memory down."""
    return sys.intern(value) if value else value


def report_facts(record: Record, aliases: Aliases | None = None) -> ReportFacts:
    """The facts of a stored record, with its own signals and its sentence fingerprints."""
    key = agency_key(record.get("agency"), record.get("region_code"), aliases)
    kind = agency_kind(key.name) if key else None
    fingerprints = sentence_fingerprints(record.get("text") or "")
    return ReportFacts(
        id=record["id"],
        agency=_shared(record.get("agency")),
        region_code=_shared(record.get("region_code")),
        province=_shared(record.get("province")),
        city=_shared(record.get("city")),
        county=_shared(record.get("county")),
        level=record.get("level"),
        agency_type=_shared(record.get("agency_type")),
        report_year=record.get("report_year"),
        published=record.get("published"),
        format=record.get("format"),
        figures=compute_numbers(record.get("stats")),
        cross_year=cross_year_cells(record.get("stats")),
        own_signals=own_signals(record, kind),
        fingerprints=np.unique(np.fromiter(fingerprints, dtype=np.int64, count=len(fingerprints))),
    )


def _date(value: str | None) -> date | None:
    """An ISO date, or None."""
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def own_signals(record: Record, kind: AgencyKind | None) -> list[Signal]:
    """A stored report's own signals: those indexing and storage stored with it (`revised` and `withdrawn`
    included), `late` judged again with the agency's kind; for a record stored without signals, report_signals
    and the signals of its history fields. The text is not read again."""
    stored = record.get("signals")
    if stored is None:
        return [*report_signals(record, kind), *history_signals(record)]
    late = _late(record, kind)
    return [*([late] if late else []), *(s for s in stored if s["signal"] not in BUILD_SIGNALS | {"late"})]


def _late(record: Record, kind: AgencyKind | None) -> Signal | None:
    """`late` for a report of a body of this kind (no verdict without the kind, the year or the date)."""
    year = record.get("report_year")
    return late_signal(_date(record.get("published")), deadline(year, kind), kind) if year and kind else None


def report_signals(record: Record, kind: AgencyKind | None) -> list[Signal]:
    """The signals a report carries by itself: late (when the kind is known), failed_checks, blank_cells, mismatch."""
    fmt = record.get("format") or "legacy"
    found = [
        _late(record, kind),
        failed_checks_signal(list(record.get("checks") or [])),
        blank_cells_signal(record.get("stats"), fmt, list(record.get("checks") or [])),
        text_table_mismatch_signal(record.get("text") or "", record.get("stats")),
    ]
    return [s for s in found if s is not None]


@dataclass
class AgencyBuild:
    """What a build returns: the agencies, their timelines, and every report's agency and signals."""

    agencies: list[Agency] = field(default_factory=list)
    timelines: dict[str, list[TimelineYear]] = field(default_factory=dict)
    report_agency: dict[str, str] = field(default_factory=dict)
    report_signals: dict[str, list[Signal]] = field(default_factory=dict)


def common_fingerprints(groups: dict[AgencyKey, list[ReportFacts]]) -> frozenset[int]:
    """Sentence fingerprints found in the reports of COMMON_SENTENCE_AGENCIES or more agencies (template text)."""
    per_agency = [np.unique(np.concatenate([r.fingerprints for r in reports])) for reports in groups.values()]
    if not per_agency:
        return frozenset()
    values, counts = np.unique(np.concatenate(per_agency), return_counts=True)
    return frozenset(int(v) for v in values[counts >= COMMON_SENTENCE_AGENCIES])


def build_agencies(
    reports: Iterable[ReportFacts],
    *,
    today: date,
    sentences_of: Callable[[str], dict[int, str]],
    aliases: Aliases | None = None,
) -> AgencyBuild:
    """Group reports into agencies and build every timeline; `sentences_of(report_id)` gives a report's sentences
    (fingerprint → sentence) when a `copied` signal needs examples."""
    aliases = aliases or load_aliases()
    groups: dict[AgencyKey, list[ReportFacts]] = defaultdict(list)
    build = AgencyBuild()
    for facts in reports:
        key = agency_key(facts.agency, facts.region_code, aliases)
        if key is None or facts.report_year is None:
            build.report_signals[facts.id] = list(facts.own_signals)
            continue
        groups[key].append(facts)
    common = common_fingerprints(groups)
    for key, members in groups.items():
        agency, timeline = _agency(key, members, today, common, sentences_of, build)
        build.agencies.append(agency)
        build.timelines[agency["id"]] = timeline
    build.agencies.sort(key=lambda a: a["id"])
    return build


def _primary(members: Sequence[ReportFacts]) -> dict[int, ReportFacts]:
    """The report standing for each year: the earliest published (then by id); the others keep their own signals."""
    by_year: dict[int, ReportFacts] = {}
    for facts in sorted(members, key=lambda r: (r.published or "9999", r.id)):
        by_year.setdefault(facts.report_year or 0, facts)
    return by_year


def _agency(
    key: AgencyKey,
    members: list[ReportFacts],
    today: date,
    common: frozenset[int],
    sentences_of: Callable[[str], dict[int, str]],
    build: AgencyBuild,
) -> tuple[Agency, list[TimelineYear]]:
    """One agency and its timeline; records each member's agency and signals in `build`."""
    kind = agency_kind(key.name)
    by_year = _primary(members)
    first = max(min(by_year), FIRST_YEAR)
    last = max(max(by_year), last_due_year(kind, today))
    timeline: list[TimelineYear] = []
    previous_figures: dict[str, Number | None] | None = None
    for year in range(first, last + 1):
        facts = by_year.get(year)
        signals = _year_signals(facts, by_year.get(year - 1), kind, year, common, sentences_of)
        timeline.append(_year(year, facts, kind, signals, previous_figures))
        previous_figures = timeline[-1]["figures"] if facts else None
    for facts in members:
        build.report_agency[facts.id] = key.id
        primary = by_year.get(facts.report_year or 0)
        year_signals = next((t["signals"] for t in timeline if t["report_id"] == facts.id), None)
        build.report_signals[facts.id] = (
            year_signals if primary is facts and year_signals is not None else list(facts.own_signals)
        )
    return _agency_row(key, kind, members, timeline), timeline


def _year_signals(
    facts: ReportFacts | None,
    previous: ReportFacts | None,
    kind: AgencyKind,
    year: int,
    common: frozenset[int],
    sentences_of: Callable[[str], dict[int, str]],
) -> list[Signal]:
    """The signals of one agency-year: `missing`, or the report's own plus the ones comparing it with last year."""
    if facts is None:
        return [missing_signal(year, deadline(year, kind))]
    signals = list(facts.own_signals)
    if previous is not None:
        cross = cross_year_signal(
            previous.cross_year, previous.format or "legacy", facts.cross_year, facts.format or "legacy", year - 1
        )
        signals += [cross] if cross else []
        before = previous.fingerprint_set()
        if copied_measure(facts.fingerprint_set(), before, common).copied:  # only then read its text
            copied = copied_signal(sentences_of(facts.id), before, common, year - 1)
            signals += [copied] if copied else []
    return signals


def _year(
    year: int,
    facts: ReportFacts | None,
    kind: AgencyKind,
    signals: list[Signal],
    previous: dict[str, Number | None] | None,
) -> TimelineYear:
    """One timeline entry."""
    due = deadline(year, kind)
    published = _date(facts.published) if facts else None
    figures = facts.figures if facts else dict.fromkeys(f.name for f in NUMBER_FIELDS)
    return {
        "report_year": year,
        "report_id": facts.id if facts else None,
        "published": facts.published if facts else None,
        "deadline": due.due.isoformat(),
        "late": (published > due.due) if published else None,
        "days_late": days_late(published, due) if published else None,
        "figures": figures,
        "change": {name: _difference(value, (previous or {}).get(name)) for name, value in figures.items()},
        "signals": signals,
    }


def _difference(value: Number | None, before: Number | None) -> Number | None:
    """value − before, None when either is missing."""
    return None if value is None or before is None else value - before


def _agency_row(key: AgencyKey, kind: AgencyKind, members: list[ReportFacts], timeline: list[TimelineYear]) -> Agency:
    """The agency's row: name variants, region, kind, years, signals."""
    names = Counter(r.agency for r in members if r.agency)
    shown = max(names, key=lambda n: (names[n], len(n), n))
    sample = max(members, key=lambda r: (r.report_year or 0, r.id))
    signals: set[SignalName] = {s["signal"] for year in timeline for s in year["signals"]}
    return {
        "id": key.id,
        "name": shown,
        "names": sorted(names, key=lambda n: (-names[n], n)),
        "province": sample.province,
        "city": sample.city,
        "county": sample.county,
        "region_code": key.region_code,
        "level": sample.level,
        "agency_type": sample.agency_type,
        "kind": kind,
        "first_year": timeline[0]["report_year"],
        "last_year": timeline[-1]["report_year"],
        "reports": len(members),
        "signals": sorted(signals),
    }
