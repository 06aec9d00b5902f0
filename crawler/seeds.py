"""Seed files (CSV or YAML): the portals a crawl starts from, parsed and validated.

Overrides for sites where discovery fails: `columns:` lists 年报 column URLs crawled as columns
directly (a YAML list, or a CSV cell separated by spaces or ;), and `search_url:` is the site
search URL with `{query}` where the words go (used when no column is found). Both may use `{portal}`.

Provenance (optional): `site_code` is the 网站标识码 of the site's footer (10 characters: ten digits such
as 3501280003, or `bm` and eight digits for a State Council department); `source` says where the entry
comes from (a citation or URL); `verified` is false, or the ISO date a `reports-seeds check` confirmed it.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlparse

import yaml

from crawler.errors import SeedError

PORTAL_PLACEHOLDER = "{portal}"
REGION_KEYS = ("province", "city", "county")
REQUIRED_KEYS = ("name", "start_url", "allowed_domains")
OVERRIDE_KEYS = ("columns", "search_url")
PROVENANCE_KEYS = ("site_code", "source", "verified")
KNOWN_KEYS = frozenset(REQUIRED_KEYS + REGION_KEYS + OVERRIDE_KEYS + PROVENANCE_KEYS + ("region", "notes"))
SITE_CODE_RE = re.compile(r"[0-9]{10}|bm[0-9]{8}")  # 网站标识码: 3501280003; bm01000001 for a State Council department
QUERY_PLACEHOLDER = "{query}"
DOMAIN_SEPARATORS = (";", ",", " ")
YAML_SUFFIXES = (".yaml", ".yml")
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: the national list loads in a second


@dataclass(frozen=True)
class Seed:
    """One portal to crawl: where to start, which hosts belong to it, which region it covers."""

    name: str
    start_url: str
    allowed_domains: tuple[str, ...]
    region: dict[str, str] = field(default_factory=dict)
    notes: str | None = None
    columns: tuple[str, ...] = ()  # 年报 column URLs crawled directly (override)
    search_url: str | None = None  # site search URL template with {query} (override)
    site_code: str | None = None  # 网站标识码 from the site's footer
    source: str | None = None  # where this entry comes from (citation or URL)
    verified: date | None = None  # when a seed check confirmed it (None: not verified)

    @property
    def site_root(self) -> str:
        """Return the directory of the start URL (the root of the site's own paths)."""
        return urljoin(self.start_url, ".")

    def allows(self, url: str) -> bool:
        """Tell whether a URL's host is one of this seed's domains or a subdomain of one."""
        host = (urlparse(url).hostname or "").lower()
        return bool(host) and any(host == d or host.endswith("." + d) for d in self.allowed_domains)


def load_seeds(path: str | Path, *, portal: str | None = None) -> list[Seed]:
    """Read a CSV or YAML seed file, fill in `{portal}` and validate every row."""
    path = Path(path)
    if not path.is_file():
        raise SeedError(f"{path}: seed file not found")
    rows = _read_yaml(path) if path.suffix.lower() in YAML_SUFFIXES else _read_csv(path)
    seeds = [_seed_from_row(row, f"{path}, row {n}") for n, row in rows]
    _check_unique_names(seeds, path)
    return [apply_portal(seed, portal, f"{path}, seed {seed.name!r}") for seed in seeds]


def apply_portal(seed: Seed, portal: str | None, where: str = "seed") -> Seed:
    """Replace `{portal}` in the start URL by the portal base URL and allow its host."""
    templated = [seed.start_url, *seed.columns, seed.search_url or ""]
    if not any(PORTAL_PLACEHOLDER in url for url in templated):
        return seed
    if not portal:
        raise SeedError(
            f"{where}: start_url uses {PORTAL_PLACEHOLDER}; pass -a portal=BASE_URL (reports-crawl: --portal)"
        )
    base = portal.rstrip("/")
    host = urlparse(base).hostname
    if not host:
        raise SeedError(f"{where}: portal {portal!r} is not an absolute URL")
    domains = seed.allowed_domains if host in seed.allowed_domains else seed.allowed_domains + (host,)
    return replace(
        seed,
        start_url=seed.start_url.replace(PORTAL_PLACEHOLDER, base),
        allowed_domains=domains,
        columns=tuple(url.replace(PORTAL_PLACEHOLDER, base) for url in seed.columns),
        search_url=seed.search_url.replace(PORTAL_PLACEHOLDER, base) if seed.search_url else None,
    )


def _read_yaml(path: Path) -> list[tuple[int, Any]]:
    """Return (row number, mapping) pairs from a YAML list or a `{seeds: [...]}` mapping."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    except yaml.YAMLError as exc:
        raise SeedError(f"{path}: not valid YAML: {exc}") from exc
    if isinstance(data, dict) and "seeds" in data:
        data = data["seeds"]
    if not isinstance(data, list) or not data:
        raise SeedError(f"{path}: expected a non-empty list of seeds (or a 'seeds:' list)")
    return list(enumerate(data, start=1))


def _read_csv(path: Path) -> list[tuple[int, Any]]:
    """Return (data row number, row dict) pairs from a CSV file with a header line."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(row for row in handle if not row.lstrip().startswith("#"))
        missing = [key for key in REQUIRED_KEYS if key not in (reader.fieldnames or [])]
        if missing:
            raise SeedError(f"{path}: CSV header lacks column(s) {', '.join(missing)}")
        rows = list(enumerate(reader, start=1))
    if not rows:
        raise SeedError(f"{path}: no seed rows")
    return rows


def _seed_from_row(row: Any, where: str) -> Seed:
    """Validate one raw row (dict) and build a Seed, or raise SeedError naming the row."""
    if not isinstance(row, dict):
        raise SeedError(f"{where}: expected a mapping, got {type(row).__name__}")
    unknown = sorted(str(key) for key in row if key is not None and key not in KNOWN_KEYS)
    if unknown:
        raise SeedError(f"{where}: unknown field(s) {', '.join(unknown)}")
    name = _text(row.get("name"))
    if not name:
        raise SeedError(f"{where}: 'name' is missing or empty")
    return Seed(
        name=name,
        start_url=_start_url(row.get("start_url"), f"{where} ({name})"),
        allowed_domains=_domains(row.get("allowed_domains"), f"{where} ({name})"),
        region=_region(row, f"{where} ({name})"),
        notes=_text(row.get("notes")) or None,
        columns=_columns(row.get("columns"), f"{where} ({name})"),
        search_url=_search_url(row.get("search_url"), f"{where} ({name})"),
        site_code=_site_code(row.get("site_code"), f"{where} ({name})"),
        source=_text(row.get("source")) or None,
        verified=_verified(row.get("verified"), f"{where} ({name})"),
    )


def _site_code(value: Any, where: str) -> str | None:
    """Validate the 网站标识码: ten digits (3501280003) or `bm` and eight digits (bm01000001)."""
    code = _text(value).lower()
    if not code:
        return None
    if not SITE_CODE_RE.fullmatch(code):
        raise SeedError(
            f"{where}: site_code {code!r} is not a 网站标识码 (10 characters: ten digits like 3501280003, "
            "or bm and eight digits like bm01000001)"
        )
    return code


def _verified(value: Any, where: str) -> date | None:
    """Validate `verified`: false / empty (not verified) or an ISO date (YAML date or YYYY-MM-DD text)."""
    if value is None or value is False or _text(value).lower() in ("", "false", "no"):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(_text(value))
    except ValueError:
        raise SeedError(f"{where}: verified {value!r} must be false or an ISO date (2026-12-06)") from None


def _columns(value: Any, where: str) -> tuple[str, ...]:
    """Validate the `columns:` override: http(s) URLs, as a YAML list or a CSV cell separated by spaces or ;."""
    if value is None or value == "":
        return ()
    if not isinstance(value, (list, str)):
        raise SeedError(f"{where}: 'columns' must be a list of URLs")
    items = value if isinstance(value, list) else _text(value).replace(";", " ").split()
    return tuple(_start_url(item, where, "column") for item in items if _text(item))


def _search_url(value: Any, where: str) -> str | None:
    """Validate the `search_url:` override: an http(s) URL holding {query}."""
    url = _text(value)
    if not url:
        return None
    if QUERY_PLACEHOLDER not in url:
        raise SeedError(f"{where}: search_url {url!r} must contain {QUERY_PLACEHOLDER} where the search words go")
    _start_url(url, where, "search_url")
    return url


def _text(value: Any) -> str:
    """Return a stripped string for a scalar cell ('' for None)."""
    return "" if value is None else str(value).strip()


def _start_url(value: Any, where: str, key: str = "start_url") -> str:
    """Validate an http(s) URL (start_url, a column, the search URL), allowing the `{portal}` placeholder."""
    url = _text(value)
    probe = url.replace(PORTAL_PLACEHOLDER, "http://portal.invalid")
    parsed = urlparse(probe)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise SeedError(f"{where}: {key} {url!r} is not an http(s) URL")
    return url


def _domains(value: Any, where: str) -> tuple[str, ...]:
    """Split and validate allowed domains (a YAML list or a CSV cell separated by ; , or space)."""
    items: Iterable[Any] = value if isinstance(value, list) else _split_cell(_text(value))
    domains = tuple(_text(item).lower() for item in items if _text(item))
    if not domains:
        raise SeedError(f"{where}: 'allowed_domains' is missing or empty")
    bad = [d for d in domains if "/" in d or ":" in d or " " in d]
    if bad:
        raise SeedError(f"{where}: allowed_domains must be bare host names, not {bad}")
    return domains


def _split_cell(cell: str) -> list[str]:
    """Split a CSV cell on the first separator it contains."""
    for separator in DOMAIN_SEPARATORS:
        if separator in cell:
            return cell.split(separator)
    return [cell]


def _region(row: dict, where: str) -> dict[str, str]:
    """Collect province/city/county hints from a nested `region:` mapping or flat columns."""
    nested = row.get("region") or {}
    if not isinstance(nested, dict):
        raise SeedError(f"{where}: 'region' must be a mapping of {'/'.join(REGION_KEYS)}")
    extra = sorted(set(nested) - set(REGION_KEYS))
    if extra:
        raise SeedError(f"{where}: unknown region key(s) {', '.join(map(str, extra))}")
    merged = {key: _text(nested.get(key)) or _text(row.get(key)) for key in REGION_KEYS}
    return {key: value for key, value in merged.items() if value}


def _check_unique_names(seeds: list[Seed], path: Path) -> None:
    """Reject a file that uses one seed name twice (names key the crawl's bookkeeping)."""
    seen: set[str] = set()
    for seed in seeds:
        if seed.name in seen:
            raise SeedError(f"{path}: seed name {seed.name!r} is used twice")
        seen.add(seed.name)
