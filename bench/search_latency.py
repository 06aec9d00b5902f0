"""Search latency at scale on synthetic reports, SQLite by default or Elasticsearch (not a unit test).

Generates realistic synthetic annual reports with a fixed seed (agencies reporting year after year; chunks of
CHUNK records made in a separate process), indexes N of them through the backend's own ``write()``, then
times several queries (p50/p95/max of warm runs, and the median of cold runs with the backend's kept word
matches forgotten), the agency registry build (``rebuild_agencies``, as at the end of a crawl) and reads of
timelines and agencies. Progress is printed while indexing; at the end a table of every size (write() time and
bytes on disk per 100,000 reports, peak RSS, p50/p95/cold per query) is printed and merged into
bench/results/search_latency.json (one entry per backend and size). Issue 13's p95 targets are marked.

    python bench/search_latency.py --sizes 10000 100000 1000000 --keep data/bench
    ES_URL=http://127.0.0.1:9200 python bench/search_latency.py --backend es --sizes 100000

``--keep DIR`` keeps the SQLite files: a file of the same size and seed is reused (no rebuild), and a larger
size grows a copy of the largest smaller one (its records are the first ones of any larger size).
``--backend es`` writes to the alias bench-search-<size> at $ES_URL and stops with one line when ES_URL is
unset or the cluster does not answer.
"""

from __future__ import annotations

import argparse
import csv
import functools
import hashlib
import importlib.util
import json
import os
import random
import resource
import shutil
import sqlite3
import statistics
import tempfile
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import asdict, dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path

from indexer.agencies.build import rebuild_agencies
from indexer.agencies.identity import agency_key, agency_kind
from indexer.agencies.registry import report_signals
from indexer.errors import QueryTimeout
from indexer.model import Record
from indexer.search_text.segment import segment_text
from indexer.storage.base import AgencyQuery, Backend, SearchQuery
from indexer.storage.facets import DEFAULT_FACETS
from indexer.storage.sqlite.backend import SqliteBackend
from indexer.tables import schema

COMMON_TERM = "政府信息公开"
RARE_TERMS = (
    "适老化改造",
    "数字人民币",
    "电子证照",
    "一网通办",
    "跨省通办",
    "营商环境",
    "乡村振兴",
    "碳达峰",
    "无障碍环境",
    "城市更新",
    "智慧停车",
    "河长制",
    "林长制",
    "网格化管理",
)
RESULTS = Path(__file__).resolve().parent / "results" / "search_latency.json"
ES_ALIAS_PREFIX = "bench-search"  # the ES bench writes to alias bench-search-<size> (left in place)
TARGETS_100K = {"common + 3 facets": 50.0, "common, 3 facets counted": 50.0}  # issue 13, p95 ms
TARGETS_1M = {
    "common + 3 facets": 200.0,
    "common, 3 facets counted": 200.0,
    "rare term": 50.0,
    "rare + 3 facets": 50.0,
    "rare, 3 facets counted": 50.0,
    "timeline(id)": 50.0,
    "agency(id) + timeline(id)": 50.0,
}
CHUNK = 2_000  # records per generated chunk (each from its own random stream, so chunks are made in parallel)
REBUILD_AGAIN_MAX = 100_000  # the registry rebuild with nothing changed is timed up to this many reports only
COLD_ROUNDS = 3  # timed runs per query kind with the kept word matches forgotten first
SAMPLE_SIZE = 200  # indexed records the query parameters are drawn from
RARE_RATE = 0.004  # each rare term lands in about 0.4% of reports
AGENCY_TYPES = (
    "人民政府",
    "民政局",
    "信访局",
    "税务局",
    "财政局",
    "教育局",
    "公安局",
    "司法局",
    "卫生健康委员会",
    "自然资源局",
    "生态环境局",
    "交通运输局",
    "农业农村局",
    "商务局",
    "应急管理局",
    "市场监督管理局",
    "统计局",
    "医疗保障局",
    "审计局",
    "水利局",
)
LEGACY_HEADINGS = (
    "一、概述",
    "二、主动公开政府信息情况",
    "三、依申请公开政府信息情况",
    "四、政府信息公开的收费及减免情况",
    "五、因政府信息公开申请行政复议、提起行政诉讼的情况",
    "六、政府信息公开工作存在的主要问题及改进情况",
)
HEADINGS = (
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
)
SENTENCES = (
    "{year}年,{agency}认真贯彻落实《中华人民共和国政府信息公开条例》,坚持以公开为常态、不公开为例外。",
    "全年主动公开政府信息{n1}条,其中政策文件{n2}件,政策解读{n3}篇。",
    "通过政府网站、政务新媒体等渠道发布信息{n1}条,回应公众关切{n3}次。",
    "严格落实保密审查制度,坚持先审查、后公开,全年未发生泄密事件。",
    "全年共收到政府信息公开申请{n2}件,均在法定期限内答复。",
    "依申请公开工作规范有序,按照受理、登记、审查、办理、答复等程序办理。",
    "本年度未发生因政府信息公开引起的行政复议、行政诉讼案件。",
    "本年度发生政府信息公开行政复议案件{n3}件,结果维持{n3}件。",
    "加强政府信息管理,及时清理过时信息,规范发布流程。",
    "组织开展政府信息公开业务培训{n3}次,参训人员{n2}人次。",
    "进一步完善政府信息公开指南和目录,方便公众查阅。",
    "存在的主要问题是公开内容不够全面,解读形式较为单一,更新不够及时。",
    "下一步将加强业务培训,提高工作人员的业务能力和服务水平。",
    "本年度未收取政府信息公开信息处理费。",
    "积极推进{region}重点领域信息公开,做好财政预决算、重大建设项目、社会救助等信息公开。",
    "将政府信息公开工作纳入年度绩效考核,强化监督保障。",
    "在{region}政府门户网站开设专栏,集中发布规划计划、统计数据和政策法规。",
    "办理人大代表建议{n3}件、政协委员提案{n2}件,办复率100%。",
)
TABLE_ROWS = (
    "规章 | {a} | {b} | {c} |",
    "行政规范性文件 | {a} | {b} | {c} |",
    "行政许可 | {c} |",
    "行政处罚 | {b} |",
    "行政强制 | {a} |",
    "(一)予以公开 | {a} | 0 | 0 | 0 | 0 | 0 | {a} |",
    "(二)部分公开 | {b} | 0 | 0 | 0 | 0 | 0 | {b} |",
    "3.危及“三安全一稳定” | 0 | 0 | 0 | 0 | 0 | 0 | 0 |",
    "1.本机关不掌握相关政府信息 | {c} | 0 | 0 | 0 | 0 | 0 | {c} |",
    "(七)总计 | {a} | 0 | 0 | 0 | 0 | 0 | {a} |",
)


CHECK_FAIL_RATE = 0.08  # share of reports with a failing consistency rule
APPLICANT_WEIGHTS = (80, 8, 1, 1, 2, 8)  # natural persons file most applications


def _split(rng: random.Random, n: int, weights: tuple[int, ...]) -> list[int]:
    """`n` spread over len(weights) parts at random."""
    parts = [0] * len(weights)
    for i in rng.choices(range(len(weights)), weights=weights, k=n):
        parts[i] += 1
    return parts


def _row(rng: random.Random, n: int) -> dict[str, int]:
    """A table-三 row of `n` applications: the six applicant columns plus total."""
    return {**dict(zip(schema.APPLICANT_GROUPS, _split(rng, n, APPLICANT_WEIGHTS))), "total": n}


def _suits(rng: random.Random, busy: float) -> dict[str, int]:
    """A 复议/诉讼 group whose outcomes add up (most agencies have none)."""
    outcomes = [rng.choice((0, 0, 1, 2)) if rng.random() < busy else 0 for _ in schema.SUIT_RESULT_OUTCOMES]
    return {**dict(zip(schema.SUIT_RESULT_OUTCOMES, outcomes)), "total": sum(outcomes)}


def _stats(rng: random.Random, fmt: str, level: str) -> dict:
    """Tables 三 and 四 (and a little of 二) that add up: heavy-tailed application counts."""
    scale = {"county": 1.0, "city": 4.0, "province": 15.0}[level]
    new = int(rng.paretovariate(1.2) * scale) - 1 if rng.random() > 0.35 else 0
    carried = rng.randint(0, max(0, new // 10))
    handled = new + carried
    forward = rng.randint(0, handled // 8) if handled else 0
    results = list(schema.RESULT_ROWS[fmt])
    weights = [40 if r == "granted" else 10 if r in ("partly_granted", "unavailable_not_held") else 1 for r in results]
    counts = dict(zip(results, _split(rng, handled - forward, tuple(weights))))
    applications = {
        "new_received": _row(rng, new),
        "carried_over": _row(rng, carried),
        **{r: _row(rng, counts[r]) for r in results},
        "total_processed": _row(rng, handled - forward),
        "carried_forward": _row(rng, forward),
    }
    busy = min(0.9, 0.05 + new / 200)
    proactive = {
        "regulations": {"new_made" if fmt == "2019" else "issued": rng.randint(0, 5)},
        "fees": {"amount_10k_yuan": round(rng.random() * 100, 4)},
    }
    return {
        "proactive": proactive,
        "applications": applications,
        "review": _suits(rng, busy),
        "litigation_direct": _suits(rng, busy / 2),
        "litigation_after_review": _suits(rng, busy / 4),
    }


def _checks(rng: random.Random) -> list[dict]:
    """Every rule evaluated; now and then one or two fail."""
    failed = set(rng.sample(schema.CHECK_RULES, rng.choice((1, 1, 2)))) if rng.random() < CHECK_FAIL_RATE else set()
    return [{"rule": r, "ok": r not in failed, "detail": "总计" if r in failed else ""} for r in schema.CHECK_RULES]


@dataclass(frozen=True)
class Region:
    """A county with its city and province names."""

    province: str
    city: str | None
    county: str | None
    code: str


@functools.cache
def load_regions() -> list[Region]:
    """Read the administrative divisions bundled with cpca (a project dependency)."""
    spec = importlib.util.find_spec("cpca")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("cpca (a project dependency) is not installed")
    path = Path(spec.origin).parent / "resources" / "adcodes.csv"
    names: dict[str, str] = {}
    with open(path, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            names[row["adcode"][:6]] = row["name"]
    regions = []
    for code, name in names.items():
        if code[4:] != "00" and name not in ("市辖区",):
            province = names.get(code[:2] + "0000")
            city = names.get(code[:4] + "00")
            if province:
                regions.append(Region(province, None if city in (None, "市辖区") else city, name, code))
    return sorted(regions, key=lambda r: r.code)


def _pick_agency(rng: random.Random, region: Region) -> tuple[str, str, str, Region]:
    """Choose level, agency type and the agency's name."""
    level = rng.choices(("county", "city", "province"), weights=(70, 22, 8))[0]
    agency_type = rng.choices(AGENCY_TYPES, weights=[8] + [2] * (len(AGENCY_TYPES) - 1))[0]
    if level == "county" or region.city is None and level == "city":
        scoped, place = region, region.county
    elif level == "city":
        scoped, place = replace(region, county=None, code=region.code[:4] + "00"), region.city
    else:
        scoped, place = replace(region, city=None, county=None, code=region.code[:2] + "0000"), region.province
    return level, agency_type, f"{place}{agency_type}", scoped


def _paragraph(rng: random.Random, year: int, agency: str, region: str) -> str:
    """Four to eight sentences, with a rare term now and then."""
    parts = []
    for _ in range(rng.randint(4, 8)):
        tpl = rng.choice(SENTENCES)
        parts.append(
            tpl.format(
                year=year,
                agency=agency,
                region=region,
                n1=rng.randint(10, 900),
                n2=rng.randint(0, 60),
                n3=rng.randint(0, 9),
            )
        )
    for term in RARE_TERMS:
        if rng.random() < RARE_RATE / 4:
            parts.append(f"着力推进{term}相关工作,取得阶段性成效。")
    return "".join(parts)


def _text(rng: random.Random, year: int, fmt: str, agency: str, region: str) -> str:
    """A report of roughly 3–5 KB: sections of prose plus table rows."""
    lines = [f"根据《中华人民共和国政府信息公开条例》,现发布{agency}{year}年{COMMON_TERM}工作年度报告。"]
    for heading in LEGACY_HEADINGS if fmt == "legacy" else HEADINGS:
        lines.append(heading)
        lines.append(_paragraph(rng, year, agency, region))
        if fmt != "legacy" and heading[0] in "二三":
            for row in rng.sample(TABLE_ROWS, 4):
                lines.append(row.format(a=rng.randint(0, 30), b=rng.randint(0, 9), c=rng.randint(0, 99)))
    lines.append(f"如对本报告有疑问,请与{agency}办公室联系。")
    return "\n".join(lines)


FIRST_YEAR, LAST_YEAR = 2014, 2024  # years the synthetic agencies report on
SKIPPED_YEAR_RATE = 0.1  # share of an agency's years without a report (the `missing` signal)


def generate_records(n: int, seed: int = 20240601, start: int = 0) -> Iterator[Record]:
    """Yield synthetic records `start` to `n` - 1 shaped like record.schema.json (deterministic for a seed: the
    first k records are the same whatever `n`), made in chunks of CHUNK with a random stream each."""
    for first in range(start - start % CHUNK, n, CHUNK):
        chunk = generate_chunk(seed, first // CHUNK, min(CHUNK, n - first))
        yield from chunk[max(0, start - first) :]


def generate_in_parallel(n: int, seed: int, start: int, workers: int) -> Iterator[Record]:
    """generate_records(n, seed, start), its chunks made by `workers` processes, a few chunks ahead at most."""
    if workers == 0:
        yield from generate_records(n, seed, start)
        return
    with ProcessPoolExecutor(workers) as pool:
        ahead: deque[Future[list[Record]]] = deque()
        for first in range(start - start % CHUNK, n, CHUNK):
            ahead.append(pool.submit(generate_chunk, seed, first // CHUNK, min(CHUNK, n - first)))
            if len(ahead) > 2 * workers:
                yield from ahead.popleft().result()
        while ahead:
            yield from ahead.popleft().result()


def generate_chunk(seed: int, index: int, count: int) -> list[Record]:
    """Chunk `index` of the synthetic records: `count` records from a random stream of its own.

    Agencies report year after year: each picked agency reports from a random first year to LAST_YEAR,
    skipping a year now and then, so the agency registry has timelines of several years. Records carry
    their agency id and own signals as build_record gives them.
    """
    rng = random.Random(f"{seed}-{index}")
    regions = load_regions()
    weights = [1 + int(r.code[:2]) % 5 for r in regions]  # uneven provinces, stable per run
    records: list[Record] = []
    while len(records) < count:
        region = rng.choices(regions, weights=weights)[0]
        level, agency_type, agency, scoped = _pick_agency(rng, region)
        for year in range(rng.randint(FIRST_YEAR, LAST_YEAR), LAST_YEAR + 1):
            if len(records) == count:
                break
            if rng.random() >= SKIPPED_YEAR_RATE:
                i = index * CHUNK + len(records)
                records.append(_record(rng, i, year, agency, agency_type, level, scoped))
    return records


def _record(rng: random.Random, i: int, year: int, agency: str, agency_type: str, level: str, scoped: Region) -> Record:
    """One synthetic report of `agency` on `year`."""
    fmt = "legacy" if year < 2019 else ("2019" if year < 2021 else "2021")
    url = f"https://www.site{i % 997}.gov.cn/zwgk/zfxxgknb/{year + 1}01/t{year + 1}0115_{i}.html"
    record: Record = {  # type: ignore[typeddict-item]  # synthetic stats and checks: plain dicts of the same shape
        "id": hashlib.sha1(url.encode()).hexdigest()[:16],
        "url": url,
        "urls": [url],
        "title": f"{agency}{year}年政府信息公开工作年度报告",
        "agency": agency,
        "agency_type": agency_type,
        "level": level,
        "province": scoped.province,
        "city": scoped.city,
        "county": scoped.county,
        "region_code": scoped.code,
        "report_year": year,
        "published": f"{year + 1}-{rng.randint(1, 3):02d}-{rng.randint(1, 28):02d}",
        "format": fmt,
        "text": _text(rng, year, fmt, agency, scoped.county or scoped.city or scoped.province),
        "stats": None if fmt == "legacy" else _stats(rng, fmt, level),
        "checks": [] if fmt == "legacy" else _checks(rng),
        "source_format": "html",
        "fetched_at": "2025-01-01T00:00:00+00:00",
        "content_hash": None,
        "version": 1,
    }
    key = agency_key(agency, scoped.code)
    return {
        **record,
        "agency_id": key.id if key else None,
        "signals": report_signals(record, agency_kind(key.name) if key else None),
    }


NEW = "applications.new_received.total"
REGISTRY_TODAY = date(2025, 6, 1)  # reports on 2024 are due: the registry's years end there
TIMELINE_SAMPLE = 500  # agencies whose timeline is read
FACETS_WITH_NUMBERS = (*DEFAULT_FACETS, NEW, "review.total")


def _queries(rng: random.Random, sample: list[dict]) -> dict[str, SearchQuery]:
    """One query of each kind, with facet values taken from a random indexed record.

    The target case is "common+rare + 3 facets": a common and a rare word plus three facet
    filters, every facet counted; "common/rare, 3 facets counted" read the target as one word each
    with three facet counts and no filter. "common term" alone ranks every report by BM25 (the worst case).
    The last three add number conditions (`where`), check filters, numeric sorts and bucket facets;
    "common + where, ranked" checks the conditions per FTS row while BM25 ranks.
    """
    rec = rng.choice(sample)  # records holding a rare term, so the narrow queries have hits
    three = {
        "province": [rec["province"]],
        "report_year": [str(rec["report_year"])],
        "agency_type": [rec["agency_type"]],
    }
    rare = rng.choice([t for t in RARE_TERMS if t in rec["text"]] or list(RARE_TERMS))
    return {
        "list all": SearchQuery(),
        "common term": SearchQuery(q=COMMON_TERM),
        "rare term": SearchQuery(q=rare),
        "two terms": SearchQuery(q="行政复议 依申请公开"),
        "three facets": SearchQuery(filters=three),
        "common + 3 facets": SearchQuery(q=COMMON_TERM, filters=three),
        "rare + 3 facets": SearchQuery(q=rare, filters=three),
        "common+rare + 3 facets": SearchQuery(q=f"{COMMON_TERM} {rare}", filters=three),
        # the other reading of "three facets": three facet counts asked for, no filter selected
        "common, 3 facets counted": SearchQuery(q=COMMON_TERM, facets=tuple(three)),
        "rare, 3 facets counted": SearchQuery(q=rare, facets=tuple(three)),
        "common + 1 broad facet": SearchQuery(q=COMMON_TERM, filters={"level": ["county"]}),
        "common, by published": SearchQuery(q=COMMON_TERM, sort="-published"),
        "common, page 50": SearchQuery(q=COMMON_TERM, offset=980, limit=20),
        "where + number sort": SearchQuery(
            where=[f"{NEW}>=10"], filters={"province": three["province"]}, sort=f"-{NEW}", facets=FACETS_WITH_NUMBERS
        ),
        "common + where, ranked": SearchQuery(
            q=COMMON_TERM, where=[f"{NEW}>=10"], filters={"failed_check": ["applications_balance", "suits_totals"]}
        ),
        "common + where, by number": SearchQuery(
            q=COMMON_TERM,
            where=[f"{NEW}>=10", "review.total>=1"],
            filters={"has_failed_checks": ["false"]},
            sort=f"-{NEW}",
        ),
    }


def _percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))]


def _peak_rss_mb() -> float:
    """This process's resident memory high water mark so far, in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass
class Built:
    """What indexing left for the queries: records to draw parameters from, the agency ids, the time it took."""

    sample: list[dict]
    agency_ids: list[str]
    seconds: float  # in write() and the final optimize
    size: int = 0  # records written


def build(backend: Backend, size: int, args: argparse.Namespace, prior: Built | None = None) -> Built:
    """Write synthetic records up to `size` through the backend's own write() (after the `prior` ones already in
    it), printing progress every args.progress; the time counted is write() and the final optimize only."""
    built = prior or Built([], [], 0.0)
    start = built.size
    agency_ids = set(built.agency_ids)
    started = time.perf_counter()
    chunk: list[Record] = []
    done = start
    for rec in generate_in_parallel(size, args.seed, start, args.workers):
        chunk.append(rec)
        if (agency_id := rec.get("agency_id")) is not None:
            agency_ids.add(agency_id)
        if len(built.sample) < SAMPLE_SIZE and any(t in rec["text"] for t in RARE_TERMS):
            built.sample.append({k: v for k, v in rec.items() if k != "stats"})
        if len(chunk) >= args.batch or done + len(chunk) == size:
            t0 = time.perf_counter()
            backend.write(chunk)
            built.seconds += time.perf_counter() - t0
            done += len(chunk)
            chunk = []
            if done % args.progress < args.batch or done == size:
                print(
                    f"  indexed {done:>9,}/{size:,}: write() {built.seconds:6.0f}s "
                    f"({built.seconds / done * 100_000:4.0f}s per 100k), wall {time.perf_counter() - started:6.0f}s, "
                    f"peak RSS {_peak_rss_mb():,.0f} MB",
                    flush=True,
                )
    if isinstance(backend, SqliteBackend):
        t0 = time.perf_counter()
        backend.optimize()
        built.seconds += time.perf_counter() - t0
    return Built(built.sample, sorted(agency_ids), built.seconds, size)


def _sidecar(path: Path) -> Path:
    """The JSON beside a kept index file: the sample, agency ids and build time of its build."""
    return path.with_name(path.name + ".bench.json")


def _kept(path: Path, seed: int) -> Built | None:
    """What the sidecar of a kept index file says about its build, if it was made with `seed`."""
    side = _sidecar(path)
    if not (path.exists() and side.exists()):
        return None
    saved = json.loads(side.read_text(encoding="utf-8"))
    return (
        Built(saved["sample"], saved["agency_ids"], saved["seconds"], saved["size"]) if saved["seed"] == seed else None
    )


def kept_build(path: Path, size: int, args: argparse.Namespace) -> tuple[SqliteBackend, Built]:
    """Open the index file at `path`, building it first unless it already holds this size and seed; a kept
    smaller file of the same seed is copied and grown (its records are the first ones of any larger size)."""
    kept = _kept(path, args.seed)
    if kept is not None and kept.size == size:
        print(f"  reusing {path} (write() took {kept.seconds:.0f}s)", flush=True)
        return SqliteBackend(path), kept
    for old in (path, _sidecar(path), path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        old.unlink(missing_ok=True)
    smaller = [
        (built.size, other, built)
        for other in path.parent.glob("bench-*.sqlite")
        if (built := _kept(other, args.seed)) is not None and built.size < size and built.size % CHUNK == 0
    ]
    prior = None
    if smaller:
        _, other, prior = max(smaller, key=lambda found: found[0])
        file_bytes(other)  # checkpoint its WAL into the file
        shutil.copyfile(other, path)
        print(f"  growing a copy of {other} ({prior.size:,} records)", flush=True)
    backend = SqliteBackend(path)
    built = build(backend, size, args, prior)
    _sidecar(path).write_text(json.dumps({"seed": args.seed, **asdict(built)}, ensure_ascii=False), encoding="utf-8")
    return backend, built


def file_bytes(path: Path) -> int:
    """Bytes on disk of a SQLite file with its WAL, once the WAL is checkpointed into the file and truncated."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    return sum(p.stat().st_size for p in (path, path.with_name(path.name + "-wal")) if p.exists())


def forget_matches(backend: Backend) -> None:
    """Empty the SQLite backend's kept word matches (search.MatchCache), so the next search runs cold."""
    matches = getattr(getattr(backend, "_facets", None), "matches", None)
    if matches is not None:
        matches.clear()


def time_first_searches(backend: Backend) -> dict[str, dict]:
    """The facet cache load, then the first search of every word (and word pair) the query rounds draw from, with
    the kept word matches forgotten first, as after a write: median and max ms per group, and the slowest word.
    This also warms the caches for all of them, so that the rounds' p95 is of searches asked before (the rounds
    draw rare words at random; without this a word's first appearance after the warm-up rounds counted as warm)."""
    groups = {
        "rare word": list(RARE_TERMS),
        "common + rare word": [f"{COMMON_TERM} {term}" for term in RARE_TERMS],
        "common word": [COMMON_TERM, "行政复议 依申请公开"],
    }
    segment_text("政府信息公开")  # jieba's dictionary loads once per process, not per write: not counted here
    t0 = time.perf_counter()
    backend.search(SearchQuery())  # the first search of a process (or after a write) loads the facet cache
    loaded = round((time.perf_counter() - t0) * 1000, 2)
    figures = {"list all, facet cache load": {"p50_ms": loaded, "max_ms": loaded, "slowest": "", "searches": 1}}
    forget_matches(backend)
    for group, texts in groups.items():
        times = {}
        for text in texts:
            t0 = time.perf_counter()
            backend.search(SearchQuery(q=text))
            times[text] = (time.perf_counter() - t0) * 1000
        slowest = max(times, key=times.__getitem__)
        figures[group] = {
            "p50_ms": round(statistics.median(times.values()), 2),
            "max_ms": round(times[slowest], 2),
            "slowest": slowest,
            "searches": len(times),
        }
    return figures


def _print_first_searches(figures: dict[str, dict]) -> None:
    """One line per group of first searches."""
    print(f"{'first search after a write':<26}{'p50 ms':>9}{'max ms':>9}  slowest")
    for group, row in figures.items():
        print(f"{group:<26}{row['p50_ms']:9.1f}{row['max_ms']:9.1f}  {row['slowest']} ({row['searches']} words)")


def time_queries(backend: Backend, sample: list[dict], rng: random.Random, repeats: int) -> dict[str, dict]:
    """p50/p95/max ms and median hits per query kind (the first two rounds warm the caches), then the median of
    COLD_ROUNDS runs of each kind with the kept word matches forgotten first (the first search after a write)."""
    timings: dict[str, list[float]] = {}
    totals: dict[str, list[int]] = {}
    timeouts: dict[str, int] = {}
    for i in range(repeats + 2 + COLD_ROUNDS):
        cold = i >= repeats + 2
        for name, query in _queries(rng, sample).items():
            if cold:
                forget_matches(backend)
            t0 = time.perf_counter()
            try:
                total = backend.search(query).total
            except QueryTimeout:
                total = -1
                timeouts[name] = timeouts.get(name, 0) + 1
            elapsed = (time.perf_counter() - t0) * 1000
            if i >= 2:
                timings.setdefault(f"cold {name}" if cold else name, []).append(elapsed)
            totals.setdefault(name, []).append(total)
    return {
        name: {
            "p50_ms": round(statistics.median(values), 2),
            "p95_ms": round(_percentile(values, 95), 2),
            "max_ms": round(max(values), 2),
            "cold_ms": round(statistics.median(timings[f"cold {name}"]), 2),
            "median_hits": statistics.median(totals[name]),
            "timeouts": timeouts.get(name, 0),
        }
        for name, values in timings.items()
        if not name.startswith("cold ")
    }


def _print_latencies(title: str, rows: dict[str, dict], targets: dict[str, float]) -> None:
    """One line per query or read: p50, p95, max, hits (or reads) and the target p95 when there is one."""
    print(f"{title:<26}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'cold ms':>9}{'hits/reads':>12}  target p95")
    for name, row in rows.items():
        target = targets.get(name)
        verdict = "" if target is None else f"< {target:g} ms {'ok' if row['p95_ms'] < target else 'MISSED'}"
        count = row.get("median_hits", row.get("reads", 0))
        cold = f"{row['cold_ms']:9.1f}" if "cold_ms" in row else f"{'':9}"
        timeouts = f"  ({row['timeouts']} timed out)" if row.get("timeouts") else ""
        print(
            f"{name:<26}{row['p50_ms']:9.1f}{row['p95_ms']:9.1f}{row['max_ms']:9.1f}{cold}{count:12,.0f}"
            f"  {verdict}{timeouts}"
        )


def targets_for(size: int) -> dict[str, float]:
    """The p95 targets (ms) of issue 13 that apply at `size` reports."""
    if size >= 1_000_000:
        return TARGETS_1M
    return TARGETS_100K if size >= 100_000 else {}


def run(size: int, args: argparse.Namespace) -> dict | None:
    """Index `size` records (or reuse a kept file), time the queries and registry reads; return the figures."""
    print(f"\nN={size:,} ({args.backend})", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        if args.backend == "es":
            backend: Backend = open_es(f"{ES_ALIAS_PREFIX}-{size}")
            built = build(backend, size, args)
            on_disk = None
        else:
            folder = args.keep or Path(tmp)
            path = folder / f"bench-{size}.sqlite"
            folder.mkdir(parents=True, exist_ok=True)
            backend, built = kept_build(path, size, args)
            on_disk = file_bytes(path)
        size_text = "" if on_disk is None else f", {on_disk / 1e6:,.0f} MB on disk"
        print(f"indexed: write() took {built.seconds:.1f}s{size_text}", flush=True)
        if args.build_only:
            backend.close()
            return None
        first = time_first_searches(backend)
        _print_first_searches(first)
        queries = time_queries(backend, built.sample, random.Random(args.seed + size), args.repeats)
        targets = targets_for(size)
        _print_latencies("query", queries, targets)
        registry = None
        if not args.no_registry:
            registry = time_registry(backend, built.agency_ids, random.Random(args.seed), args.repeats)
            _print_latencies("registry read", registry["reads"], targets)
        backend.close()
    per_100k = 100_000 / size
    return {
        "backend": args.backend,
        "size": size,
        "build_s": round(built.seconds, 1),
        "build_s_per_100k": round(built.seconds * per_100k, 1),
        "bytes": on_disk,
        "bytes_per_100k": None if on_disk is None else round(on_disk * per_100k),
        "peak_rss_mb": round(_peak_rss_mb()),
        "first_search": first,
        "queries": queries,
        "registry": registry,
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def time_registry(backend: Backend, agency_ids: list[str], rng: random.Random, repeats: int) -> dict:
    """Time the agency registry build (first, then again with nothing changed), timelines and agency queries."""
    started = time.perf_counter()
    summary = rebuild_agencies(backend, REGISTRY_TODAY)
    first = time.perf_counter() - started
    again = None
    if summary.reports <= REBUILD_AGAIN_MAX:
        started = time.perf_counter()
        rebuild_agencies(backend, REGISTRY_TODAY)
        again = time.perf_counter() - started
    print(
        f"agency registry: {summary.agencies:,} agencies from {summary.reports:,} reports, "
        f"built and saved in {first:.1f}s"
        + ("" if again is None else f", rebuilt with nothing changed in {again:.1f}s"),
        flush=True,
    )
    sample = rng.sample(agency_ids, min(TIMELINE_SAMPLE, len(agency_ids)))
    some = backend.agency(sample[0])
    province = some["province"] if some else None
    reads: dict[str, Callable[[str], object]] = {
        "timeline(id)": backend.timeline,
        "agency(id) + timeline(id)": lambda agency_id: (backend.agency(agency_id), backend.timeline(agency_id)),
        "agencies: all, facets": lambda _: backend.agencies(AgencyQuery()),
        "agencies: q + signal": lambda _: backend.agencies(AgencyQuery(q="民政", filters={"signal": ["late"]})),
        "agencies: province+kind": lambda _: backend.agencies(
            AgencyQuery(filters={"province": [str(province)], "kind": ["部门"]})
        ),
    }
    figures: dict[str, dict] = {}
    for name, read in reads.items():
        ids = sample * max(1, repeats // 10) if "id" in name else sample[:repeats]
        values, timeouts = [], 0
        for agency_id in [ids[0], *ids]:  # the first warms the caches
            t0 = time.perf_counter()
            try:
                read(agency_id)
            except QueryTimeout:
                timeouts += 1
            values.append((time.perf_counter() - t0) * 1000)
        values = values[1:]
        figures[name] = {
            "p50_ms": round(statistics.median(values), 2),
            "p95_ms": round(_percentile(values, 95), 2),
            "max_ms": round(max(values), 2),
            "reads": len(values),
            "timeouts": timeouts,
        }
    return {
        "agencies": summary.agencies,
        "build_s": round(first, 1),
        "rebuild_s": None if again is None else round(again, 1),
        "reads": figures,
    }


def open_es(alias: str) -> Backend:
    """The Elasticsearch backend on a bench alias at $ES_URL; SystemExit with a one-line reason when there is none."""
    from pydantic import ValidationError

    from indexer.config import StorageSettings
    from indexer.errors import StorageUnavailable

    if not os.environ.get("ES_URL"):
        raise SystemExit(
            "ES_URL not set: point it at a cluster (e.g. ES_URL=http://127.0.0.1:9200) to bench --backend es"
        )
    try:
        return StorageSettings(search_backend="elasticsearch", es_index=alias).open_backend()
    except ValidationError as exc:
        raise SystemExit(f"ES settings are not usable: {exc.errors()[0]['msg']}") from None
    except StorageUnavailable as exc:
        raise SystemExit(f"ES_URL unreachable: {exc}") from None


def summary_table(results: list[dict]) -> str:
    """The figures of every size side by side: build, size, peak memory, then p50/p95 per query and read."""
    head = "".join(f"{r['size']:>20,}" for r in results)
    lines = [f"{'':<28}{head}"]

    def line(label: str, cells: list[str]) -> None:
        lines.append(f"{label:<28}" + "".join(f"{c:>20}" for c in cells))

    line("build s per 100k", [f"{r['build_s_per_100k']:.0f}" for r in results])
    line("MB on disk per 100k", ["-" if r["bytes"] is None else f"{r['bytes_per_100k'] / 1e6:,.0f}" for r in results])
    line("peak RSS MB (so far)", [f"{r['peak_rss_mb']:,}" for r in results])
    line("registry build s", ["-" if r["registry"] is None else f"{r['registry']['build_s']:.1f}" for r in results])
    line("first search: p50 / max ms", ["" for _ in results])
    for group in results[0]["first_search"]:
        line(
            f"  {group}",
            [f"{r['first_search'][group]['p50_ms']:.0f} / {r['first_search'][group]['max_ms']:.0f}" for r in results],
        )
    line("query: p50 / p95 / cold ms", ["" for _ in results])
    for name in results[0]["queries"]:
        cells = [results_cell(r["queries"][name]) for r in results]
        line(f"  {name}", cells)
    for name in next((r["registry"]["reads"] for r in results if r["registry"]), {}):
        reads = [r["registry"]["reads"].get(name) if r["registry"] else None for r in results]
        line(f"  {name}", ["-" if x is None else f"{x['p50_ms']:.1f} / {x['p95_ms']:.1f}" for x in reads])
    return "\n".join(lines)


def results_cell(row: dict) -> str:
    """p50 / p95 / cold of one query kind."""
    return f"{row['p50_ms']:.0f} / {row['p95_ms']:.0f} / {row['cold_ms']:.0f}"


def save_results(results: list[dict], path: Path) -> None:
    """Merge these figures into the JSON file at `path`, one entry per backend and size (the latest kept)."""
    saved = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    for r in results:
        saved[f"{r['backend']}-{r['size']}"] = r
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(saved, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    """Parse arguments and run the benchmark for each size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeats", type=int, default=40, help="timed runs per query kind")
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--batch", type=int, default=2000, help="records per write() call")
    parser.add_argument("--progress", type=int, default=50_000, help="print progress every this many records")
    parser.add_argument(
        "--backend", choices=("sqlite", "es"), default="es" if os.environ.get("BENCH_BACKEND") == "es" else "sqlite"
    )
    parser.add_argument(
        "--keep", type=Path, help="folder to keep the SQLite files in; a file of the same size and seed is reused"
    )
    parser.add_argument(
        "--workers", type=int, default=1, help="processes generating the synthetic records (0: in this one)"
    )
    parser.add_argument("--no-registry", action="store_true", help="time no agency registry build or read")
    parser.add_argument("--build-only", action="store_true", help="index (or reuse) the files, time no query")
    parser.add_argument("--results", type=Path, default=RESULTS, help="JSON file the figures are merged into")
    args = parser.parse_args(argv)
    results = []
    for size in args.sizes:
        figures = run(size, args)
        if figures is not None:
            results.append(figures)
            save_results(results, args.results)
    if results:
        print(f"\nsummary ({args.backend}; figures also in {args.results})\n{summary_table(results)}")


if __name__ == "__main__":
    main()
