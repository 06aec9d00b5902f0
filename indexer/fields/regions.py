"""Administrative divisions (cpca's bundled adcodes.csv) and resolution of a report's region.

Resolution order: a small alias table for special zones, then names in the agency, the title and
the head/tail of the text; then the seed hints; then the page's ICP/公网安备 province. A county name
that exists in several places resolves only if something (a parent name in the same string, a hint,
or a 公网安备 code prefix) picks one; otherwise the narrowest common parent is returned (or None).
Municipalities (北京, 天津, 上海, 重庆) report the municipality as both province and city.
"""

from __future__ import annotations

import csv
import importlib.util
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from typing_extensions import TypedDict

from indexer.model import Level

# The division table and how its names are read.
PLACEHOLDER_NAMES = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})
MUNICIPALITY_CODES = frozenset({"11", "12", "31", "50"})
PROVINCE_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市")
RANK_LEVELS: tuple[Level, ...] = ("province", "city", "county")
# Special zones missing from the division data: name → (province code, level).
ZONE_ALIASES: dict[str, tuple[str, Level]] = {
    "平潭综合实验区": ("350000", "city"),  # 福建省; a prefecture-level (正厅级) zone over 平潭县
}
TEXT_HEAD_CHARS = 1000  # names are looked for in the head and the tail of the text only
TEXT_TAIL_CHARS = 300

# Region clues found anywhere on the page (footer included): ICP licence and 公网安备 numbers.
ICP_RE = re.compile(r"([京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川蜀贵黔云滇藏陕秦甘陇青宁新])ICP[备证]")
POLICE_RE = re.compile(r"(?:公网安备|公安备案号?)\s*[:：]?\s*(\d{6})")
ICP_PROVINCE_CODES = {
    "京": "11",
    "津": "12",
    "冀": "13",
    "晋": "14",
    "蒙": "15",
    "辽": "21",
    "吉": "22",
    "黑": "23",
    "沪": "31",
    "苏": "32",
    "浙": "33",
    "皖": "34",
    "闽": "35",
    "赣": "36",
    "鲁": "37",
    "豫": "41",
    "鄂": "42",
    "湘": "43",
    "粤": "44",
    "桂": "45",
    "琼": "46",
    "渝": "50",
    "川": "51",
    "蜀": "51",
    "贵": "52",
    "黔": "52",
    "云": "53",
    "滇": "53",
    "藏": "54",
    "陕": "61",
    "秦": "61",
    "甘": "62",
    "陇": "62",
    "青": "63",
    "宁": "64",
    "新": "65",
}


@dataclass(frozen=True)
class Division:
    """One row of the division table: 6-digit code, official name, rank 0/1/2 (province/city/county)."""

    code: str
    name: str
    rank: int

    def within(self, prefix: str) -> bool:
        """Tell whether this division lies inside the area whose code starts with `prefix`."""
        return self.code.startswith(prefix)

    @property
    def prefix(self) -> str:
        """Return the significant code prefix (2, 4 or 6 digits)."""
        return self.code[: 2 * (self.rank + 1)]


@dataclass(frozen=True)
class Region:
    """A resolved region; `level` is the rank of the deepest known part."""

    province: str | None = None
    city: str | None = None
    county: str | None = None
    code: str | None = None
    level: Level | None = None


class RegionFields(TypedDict):
    """The region fields of a record."""

    province: str | None
    city: str | None
    county: str | None
    region_code: str | None


@dataclass(frozen=True)
class DivisionIndex:
    """Divisions by code and by name (full and short), plus name lengths keyed by first two chars."""

    by_code: dict[str, Division]
    by_name: dict[str, tuple[Division, ...]]
    full_names: frozenset[str]
    lengths: dict[str, tuple[int, ...]]


def adcodes_path() -> Path:
    """Locate cpca's adcodes.csv without importing cpca (its import loads pandas)."""
    spec = importlib.util.find_spec("cpca")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("cpca is not installed (see requirements.txt)")
    return Path(list(spec.submodule_search_locations)[0]) / "resources" / "adcodes.csv"


def _rank(code: str) -> int:
    """Rank of a 6-digit code: 0 province, 1 city, 2 county."""
    return 0 if code.endswith("0000") else 1 if code.endswith("00") else 2


def short_name(division: Division) -> str | None:
    """Return the common short form of a province or city name (内蒙古, 呼和浩特), if any."""
    if division.rank == 2:
        return None
    suffixes = PROVINCE_SUFFIXES if division.rank == 0 else ("市",)
    for suffix in suffixes:
        if division.name.endswith(suffix) and len(division.name) - len(suffix) >= 2:
            return division.name[: -len(suffix)]
    return None


def read_divisions(path: Path) -> list[Division]:
    """Read the division table, skipping placeholder rows such as 市辖区."""
    with path.open(encoding="utf-8") as handle:
        rows = [(row["adcode"][:6], row["name"]) for row in csv.DictReader(handle)]
    return [Division(code, name, _rank(code)) for code, name in rows if name not in PLACEHOLDER_NAMES]


@lru_cache(maxsize=1)
def division_index() -> DivisionIndex:
    """Load and index the division table once."""
    divisions = read_divisions(adcodes_path())
    by_name: dict[str, list[Division]] = {}
    for division in divisions:
        for name in filter(None, (division.name, short_name(division))):
            by_name.setdefault(name, []).append(division)
    lengths: dict[str, set[int]] = {}
    for name in by_name:
        lengths.setdefault(name[:2], set()).add(len(name))
    return DivisionIndex(
        by_code={d.code: d for d in divisions},
        by_name={name: tuple(ds) for name, ds in by_name.items()},
        full_names=frozenset(d.name for d in divisions),
        lengths={k: tuple(sorted(v, reverse=True)) for k, v in lengths.items()},
    )


def scan(text: str, *, short: bool = True) -> list[Division]:
    """Find division names in `text` (longest match at each position); `short` allows 内蒙古-style names."""
    index = division_index()
    found: list[Division] = []
    i = 0
    while i < len(text) - 1:
        name = _longest_name_at(text, i, index, short)
        if name:
            found.extend(index.by_name[name])
            i += len(name)
        else:
            i += 1
    return found


def _longest_name_at(text: str, i: int, index: DivisionIndex, short: bool) -> str | None:
    """Return the longest division name starting at position `i`, if any."""
    for length in index.lengths.get(text[i : i + 2], ()):
        name = text[i : i + length]
        if name in index.by_name and (short or name in index.full_names):
            return name
    return None


def _common_prefix(divisions: list[Division]) -> str:
    """Return the longest shared province/city prefix of several divisions ('' if none)."""
    for size in (4, 2):
        if len({d.code[:size] for d in divisions}) == 1:
            return divisions[0].code[:size]
    return ""


def pick(found: list[Division], prefixes: list[str]) -> Division | None:
    """Choose the deepest division supported by its parents in `found` or by hint `prefixes`."""
    for rank in (2, 1, 0):
        level = [d for d in found if d.rank == rank]
        if not level:
            continue
        parents = [p for p in found if p.rank < rank]
        level = [d for d in level if any(d.within(p.prefix) for p in parents)] or level
        level = [d for d in level if any(d.within(p) for p in prefixes)] or level
        if len({d.code for d in level}) == 1:
            return level[0]
        return parent_division(_common_prefix(level))
    return None


def parent_division(prefix: str) -> Division | None:
    """Return the division for a 2- or 4-digit code prefix."""
    if not prefix:
        return None
    return division_index().by_code.get(prefix.ljust(6, "0"))


def region_of(division: Division) -> Region:
    """Expand a division into province/city/county names."""
    by_code = division_index().by_code
    province = by_code.get(division.code[:2] + "0000")
    city = by_code.get(division.code[:4] + "00") if division.rank >= 1 else None
    if city is None and division.code[:2] in MUNICIPALITY_CODES:
        city = province
    return Region(
        province=province.name if province else None,
        city=city.name if city else None,
        county=division.name if division.rank == 2 else None,
        code=division.code,
        level=RANK_LEVELS[division.rank],
    )


def page_clues(raw: str) -> list[str]:
    """Read province/area code prefixes from ICP (闽ICP备) and 公网安备 numbers anywhere on the page."""
    clues = [ICP_PROVINCE_CODES[m.group(1)] for m in ICP_RE.finditer(raw)]
    for match in POLICE_RE.finditer(raw):
        code = match.group(1)
        clues += [code, code[:4], code[:2]]
    return list(dict.fromkeys(c for c in clues if parent_division(c[:2])))


def hint_prefixes(hints: Mapping[str, str] | None) -> list[str]:
    """Turn seed hints ({'province': …, 'city': …, 'county': …}) into code prefixes."""
    if not hints:
        return []
    found = [d for key in ("province", "city", "county") if hints.get(key) for d in scan(hints[key])]
    chosen = pick(found, [])
    return [chosen.prefix] if chosen else []


def zone_region(name: str | None) -> Region | None:
    """Return the region of a special zone named in `name` (alias table), if any."""
    for zone, (code, level) in ZONE_ALIASES.items():
        if name and zone in name:
            province = division_index().by_code[code]
            return Region(province=province.name, code=code, level=level)
    return None


def resolve_region(
    agency: str | None,
    title: str | None = None,
    text: str | None = None,
    hints: Mapping[str, str] | None = None,
    clues: list[str] | None = None,
) -> Region | None:
    """Resolve the report's region from agency, title, text, then seed hints, then page clues."""
    hinted = hint_prefixes(hints)
    prefixes = hinted + list(clues or [])
    head_tail = (text[:TEXT_HEAD_CHARS] + "\n" + text[-TEXT_TAIL_CHARS:]) if text else ""
    for source in (agency, title):
        zone = zone_region(source)
        found = scan(source) if source and not zone else []
        if zone or found:
            return zone or _settle(found, prefixes, f"{title or ''}\n{head_tail}")
    found = scan(head_tail, short=False)
    if found:
        return _settle(found, prefixes, "")
    return _fallback_region(hinted, list(clues or []))


def _settle(found: list[Division], prefixes: list[str], context: str) -> Region | None:
    """Pick among names found in one string, using names in `context` only to break a tie."""
    chosen = pick(found, prefixes)
    if chosen is None and context:
        chosen = pick(found, prefixes + [d.prefix for d in scan(context, short=False) if d.rank < 2])
    return region_of(chosen) if chosen else None


def _fallback_region(hinted: list[str], clues: list[str]) -> Region | None:
    """Use the seed hint, else the province of the page's ICP/公网安备 clue, when no name was found."""
    division = parent_division(hinted[0]) if hinted else None
    division = division or (parent_division(clues[0][:2]) if clues else None)
    return region_of(division) if division else None


def _resolve_in(source: str | None, prefixes: list[str], *, short: bool) -> Region | None:
    """Resolve the names found in one string."""
    chosen = pick(scan(source, short=short), prefixes) if source else None
    return region_of(chosen) if chosen else None


def agency_level(agency: str | None) -> Level | None:
    """Return the level implied by region names inside the agency name itself (None if none)."""
    region = zone_region(agency) or _resolve_in(agency, [], short=True)
    return region.level if region else None


def strip_region_prefix(name: str) -> str:
    """Remove leading division names (长春市绿园区…) from an agency name."""
    index = division_index()
    while True:
        found = _longest_name_at(name, 0, index, True)
        if not found:
            return name
        name = name[len(found) :]


def remove_own_region_names(name: str, region_code: str) -> str:
    """Remove, wherever they stand, the names of `region_code` and of the divisions above it (长春市, 绿园区 …)."""
    index, kept, i = division_index(), [], 0
    while i < len(name):
        found = _longest_name_at(name, i, index, True)
        if found and any(region_code.startswith(d.prefix) for d in index.by_name[found]):
            i += len(found)
            continue
        kept.append(name[i])
        i += 1
    return "".join(kept)


def region_fields(region: Region | None) -> RegionFields:
    """Return province/city/county/region_code for a resolved region (all None if unresolved)."""
    region = region or Region()
    return {"province": region.province, "city": region.city, "county": region.county, "region_code": region.code}
