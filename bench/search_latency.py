"""Search latency check for the SQLite backend on synthetic reports (not a unit test).

Generates realistic synthetic annual reports with a fixed seed (agencies reporting year after
year), indexes N of them into a temporary SQLite file through the backend's own ``write()``, then
times several queries and prints p50/p95 in milliseconds; then times the agency registry build
(``rebuild_agencies``, as at the end of a crawl) and reads of timelines and agencies.

    python bench/search_latency.py --sizes 10000 100000
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import importlib.util
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from indexer.agencies.build import rebuild_agencies
from indexer.agencies.identity import agency_key, agency_kind
from indexer.agencies.registry import report_signals
from indexer.model import Record
from indexer.storage.base import AgencyQuery, SearchQuery
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


def generate_records(n: int, seed: int = 20240601) -> Iterator[Record]:
    """Yield `n` synthetic records shaped like record.schema.json (deterministic for a seed).

    Agencies report year after year: each picked agency reports from a random first year to LAST_YEAR,
    skipping a year now and then, so the agency registry has timelines of several years. Records carry
    their agency id and own signals as build_record gives them.
    """
    rng = random.Random(seed)
    regions = load_regions()
    weights = [1 + int(r.code[:2]) % 5 for r in regions]  # uneven provinces, stable per run
    made = 0
    while made < n:
        region = rng.choices(regions, weights=weights)[0]
        level, agency_type, agency, scoped = _pick_agency(rng, region)
        for year in range(rng.randint(FIRST_YEAR, LAST_YEAR), LAST_YEAR + 1):
            if made == n:
                return
            if rng.random() >= SKIPPED_YEAR_RATE:
                yield _record(rng, made, year, agency, agency_type, level, scoped)
                made += 1


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


def run(size: int, repeats: int, seed: int, batch: int) -> None:
    """Index `size` records into a temp file and print latency per query kind."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.sqlite"
        backend = SqliteBackend(path)
        sample: list[dict] = []
        started = time.perf_counter()
        chunk: list[Record] = []
        agency_ids: set[str] = set()
        for rec in generate_records(size, seed):
            chunk.append(rec)
            if (agency_id := rec.get("agency_id")) is not None:
                agency_ids.add(agency_id)
            if len(sample) < SAMPLE_SIZE and any(t in rec["text"] for t in RARE_TERMS):
                sample.append({k: v for k, v in rec.items() if k != "stats"})
            if len(chunk) >= batch:
                backend.write(chunk)
                chunk = []
        if chunk:
            backend.write(chunk)
        backend.optimize()
        build = time.perf_counter() - started
        print(f"\nN={size:,}: indexed in {build:.1f}s, file {path.stat().st_size / 1e6:.0f} MB")
        timings: dict[str, list[float]] = {}
        rng = random.Random(seed + size)
        for i in range(repeats + 2):
            for name, query in _queries(rng, sample).items():
                t0 = time.perf_counter()
                result = backend.search(query)
                elapsed = (time.perf_counter() - t0) * 1000
                if i >= 2:  # the first rounds warm the caches
                    timings.setdefault(name, []).append(elapsed)
                timings.setdefault(f"_total {name}", []).append(result.total)
        print(f"{'query':<24}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'median hits':>13}")
        for name, values in timings.items():
            if not name.startswith("_"):
                totals = timings[f"_total {name}"]
                print(
                    f"{name:<24}{statistics.median(values):9.1f}{_percentile(values, 95):9.1f}"
                    f"{max(values):9.1f}{statistics.median(totals):13,.0f}"
                )
        time_registry(backend, sorted(agency_ids), random.Random(seed), repeats)
        backend.close()


def time_registry(backend: SqliteBackend, agency_ids: list[str], rng: random.Random, repeats: int) -> None:
    """Time the agency registry build (first, then again with nothing changed), timelines and agency queries."""
    started = time.perf_counter()
    summary = rebuild_agencies(backend, REGISTRY_TODAY)
    first = time.perf_counter() - started
    started = time.perf_counter()
    rebuild_agencies(backend, REGISTRY_TODAY)
    again = time.perf_counter() - started
    print(
        f"agency registry: {summary.agencies:,} agencies from {summary.reports:,} reports, "
        f"built and saved in {first:.1f}s, rebuilt with nothing changed in {again:.1f}s"
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
    print(f"{'registry read':<26}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'reads':>8}")
    for name, read in reads.items():
        ids = sample * max(1, repeats // 10) if "id" in name else sample[:repeats]
        read(ids[0])  # warm the caches
        values = []
        for agency_id in ids:
            t0 = time.perf_counter()
            read(agency_id)
            values.append((time.perf_counter() - t0) * 1000)
        print(
            f"{name:<26}{statistics.median(values):9.2f}{_percentile(values, 95):9.2f}"
            f"{max(values):9.1f}{len(values):8,}"
        )


def main(argv: list[str] | None = None) -> None:
    """Parse arguments and run the benchmark for each size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeats", type=int, default=40, help="timed runs per query kind")
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--batch", type=int, default=2000, help="records per write() call")
    args = parser.parse_args(argv)
    for size in args.sizes:
        run(size, args.repeats, args.seed, args.batch)


if __name__ == "__main__":
    main()
