"""Which publishing body a report belongs to: its canonical name within its region, a stable id and its kind.

Matching rules (docs/AGENCIES.md):
1. Names are folded: spaces and full-width brackets normalised, 管委会 → 管理委员会, and a zone's bare
   name (平潭综合实验区, …新区) read as its 管理委员会, the body that governs the zone.
2. The names of the report's own region and of the regions above it are removed wherever they stand
   (长春市绿园区民政局 and 绿园区民政局 in 绿园区 are both 民政局 of 220106); a bare region name is its
   人民政府. Names of other regions stay, so a predecessor (平潭县人民政府, region 350128) is not its
   successor (平潭综合实验区管理委员会, region 350000).
3. The agency is (region code, folded name): two bodies of the same name in different regions
   (朝阳区民政局 of 北京市 and of 长春市) stay apart. A report without a region keeps its full name.
4. aliases.yaml corrects the rules: `same` folds variants into one agency, `apart` keeps a name apart.
The id is a hash of (region code, folded name), so it is the same after re-indexing.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from indexer.fields.agency import ZONE_AGENCY_RE
from indexer.fields.regions import remove_own_region_names, resolve_region
from indexer.model import AgencyKind

ALIASES_FILE = Path(__file__).with_name("aliases.yaml")
ID_HEX_CHARS = 16
GOVERNMENT = "人民政府"
ZONE_COMMITTEE = "管理委员会"
FOLD_MAP = str.maketrans({"（": "(", "）": ")", "　": "", " ": ""})
# Bodies that govern a territory: a people's government, a zone's 管理委员会, a street office (派出机关).
GOVERNING_RE = re.compile(r"(?:^|[^办])(?:人民政府|街道办事处)$|(?:" + ZONE_AGENCY_RE.pattern[3:-2] + r")管理委员会$")
OFFICE_OF_GOVERNMENT_RE = re.compile(r"人民政府(?:办公室|办公厅)$")


@dataclass(frozen=True)
class AgencyKey:
    """An agency: the region code of the body (None when unknown) and its folded name there."""

    region_code: str | None
    name: str

    @property
    def id(self) -> str:
        """The stable agency id."""
        text = f"{self.region_code or ''}|{self.name}"
        return "ag" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:ID_HEX_CHARS]


@dataclass(frozen=True)
class Aliases:
    """People's corrections: (region, folded variant) → folded name; (region, exact name) kept apart."""

    same: dict[tuple[str | None, str], str]
    apart: frozenset[tuple[str | None, str]]


def fold_name(name: str) -> str:
    """Fold an agency name: no spaces, half-width brackets, 管委会 as 管理委员会, a zone as its committee."""
    folded = name.translate(FOLD_MAP).replace("管委会", ZONE_COMMITTEE)
    return folded + ZONE_COMMITTEE if ZONE_AGENCY_RE.search(folded) else folded


def local_name(name: str, region_code: str | None) -> str:
    """The folded name without the names of its own region (a bare region name is its 人民政府)."""
    folded = fold_name(name)
    if not region_code:
        return folded
    return remove_own_region_names(folded, region_code) or GOVERNMENT


def agency_key(agency: str | None, region_code: str | None, aliases: Aliases | None = None) -> AgencyKey | None:
    """The agency a report's `agency` and `region_code` name (None without an agency name)."""
    if not agency or not agency.strip():
        return None
    aliases = aliases or load_aliases()
    if (region_code, agency.strip()) in aliases.apart:
        return AgencyKey(region_code, fold_name(agency))
    name = local_name(agency, region_code)
    return AgencyKey(region_code, aliases.same.get((region_code, name), name))


def agency_kind(name: str) -> AgencyKind:
    """政府 for a body governing a territory (人民政府, a zone's 管理委员会, 街道办事处), else 部门."""
    if OFFICE_OF_GOVERNMENT_RE.search(name):
        return "部门"
    return "政府" if name == GOVERNMENT or GOVERNING_RE.search(name) else "部门"


def _region_code(text: str) -> str | None:
    """A 6-digit code as given, or the code of a region name."""
    if text.isdigit() and len(text) == 6:
        return text
    region = resolve_region(text)
    return region.code if region else None


def parse_aliases(data: object) -> Aliases:
    """Read the aliases document; ValueError naming the entry that is malformed."""
    if not isinstance(data, dict):
        raise ValueError("aliases: expected a mapping with `same` and `apart` lists")
    same: dict[tuple[str | None, str], str] = {}
    for n, entry in enumerate(data.get("same") or [], start=1):
        if not isinstance(entry, dict) or not entry.get("name") or not isinstance(entry.get("variants"), list):
            raise ValueError(f"aliases: same entry {n} needs `region`, `name` and a `variants` list")
        code = _region_code(str(entry.get("region", "")))
        target = local_name(str(entry["name"]), code)
        for variant in entry["variants"]:
            same[(code, local_name(str(variant), code))] = target
    apart = set()
    for n, entry in enumerate(data.get("apart") or [], start=1):
        if not isinstance(entry, dict) or not entry.get("name"):
            raise ValueError(f"aliases: apart entry {n} needs `region` and `name`")
        apart.add((_region_code(str(entry.get("region", ""))), str(entry["name"]).strip()))
    return Aliases(same, frozenset(apart))


@lru_cache(maxsize=4)
def load_aliases(path: Path = ALIASES_FILE) -> Aliases:
    """The aliases file (read once per process)."""
    return parse_aliases(yaml.safe_load(path.read_text(encoding="utf-8")) or {})
