"""Region filters in the forms people type: 吉林 or 吉林省, 长春 or 长春市, 绿园 or 绿园区 (cpca's division table).

`resolve_regions` turns the province/city/county values of a request into the full names the index stores (a
short form naming several places at one level resolves to all of them: the filter is OR anyway) and lists the
values it does not know, each with close names to suggest. The JSON routes, the feeds and the site share it.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TypeVar

from fastapi import HTTPException
from pydantic import BaseModel

from indexer.fields.regions import MUNICIPALITY_CODES, Division, division_index, short_name

REGION_FIELDS = ("province", "city", "county")
FIELD_NAMES = {"province": "省份", "city": "城市", "county": "区县"}  # what each field is called in messages
ParamsT = TypeVar("ParamsT", bound=BaseModel)  # a query model with province, city and county lists
MAX_SUGGESTIONS = 5
SUGGESTION_CUTOFF = 0.5  # difflib similarity a suggested name needs at least
# Ethnic groups in the names of autonomous divisions (延边朝鲜族自治州, 伊犁哈萨克自治州): stripped for the short form.
ETHNIC_NAMES = (
    "蒙古|维吾尔|布依|朝鲜|土家|哈尼|哈萨克|傈僳|高山|拉祜|东乡|纳西|景颇|柯尔克孜|达斡尔|仫佬|布朗|撒拉|毛南|仡佬"
    "|锡伯|阿昌|普米|塔吉克|乌孜别克|俄罗斯|鄂温克|德昂|保安|裕固|塔塔尔|独龙|鄂伦春|赫哲|门巴|珞巴|基诺"
)
ONE_CHARACTER_ETHNIC = "回|藏|苗|彝|壮|满|侗|瑶|白|傣|黎|佤|畲|水|土|羌|怒|京|各"  # only with 族 after them
SHORT_FORM_RE = re.compile(
    rf"^(?P<base>.{{2,}}?)(?:(?:(?:{ETHNIC_NAMES})族?|(?:{ONE_CHARACTER_ETHNIC})族)+(?:自治州|自治县|自治旗)"
    r"|地区|林区|特区|新区|盟|市|区|县|旗)$"
)


@dataclass(frozen=True)
class RegionError:
    """A region value the division table does not know, with close full names to suggest."""

    field: str
    value: str
    suggestions: list[str]
    elsewhere: dict[str, list[str]]  # the other fields where the value is a known name, and what it stands for there

    @property
    def message(self) -> str:
        """The error in one Chinese line, with what to try instead."""
        text = f"未知的{FIELD_NAMES[self.field]}「{self.value}」(unknown {self.field})"
        if self.suggestions:
            text += f"；是否要找：{'、'.join(self.suggestions)}"
        for other, names in self.elsewhere.items():
            text += f"；「{self.value}」是{FIELD_NAMES[other]}：{other}={'、'.join(names)}"
        return text


def division_short_form(division: Division) -> str | None:
    """The short form of a division's name (吉林, 长春, 绿园, 延边), or None when it has none."""
    if division.rank == 0:
        return short_name(division)
    match = SHORT_FORM_RE.match(division.name)
    return match.group("base") if match else None


def _field_divisions(name: str) -> list[Division]:
    """The divisions one region field holds (the city of a municipality is the municipality: 北京市)."""
    divisions = division_index().by_code.values()
    if name == "province":
        return [d for d in divisions if d.rank == 0]
    if name == "city":
        return [d for d in divisions if d.rank == 1 or (d.rank == 0 and d.code[:2] in MUNICIPALITY_CODES)]
    return [d for d in divisions if d.rank == 2]


@lru_cache(maxsize=len(REGION_FIELDS))
def field_names(name: str) -> dict[str, tuple[str, ...]]:
    """Every full and short name one region field accepts → the full names it stands for (in code order)."""
    divisions = sorted(_field_divisions(name), key=lambda d: d.code)
    names: dict[str, list[str]] = {}
    for division in divisions:
        short = division_short_form(division)
        if short:
            names.setdefault(short, []).append(division.name)
    names.update({d.name: [d.name] for d in divisions})  # a full name means itself, even where it is another's short
    return {key: tuple(dict.fromkeys(full)) for key, full in names.items()}


def resolve_value(name: str, value: str) -> list[str]:
    """The full names a value of region field `name` stands for ([] when none): itself when it is one."""
    return list(field_names(name).get(value.strip(), ()))


def suggest(name: str, value: str) -> list[str]:
    """Full names of field `name` close to an unknown value (difflib over the full and short names)."""
    names = field_names(name)
    close = difflib.get_close_matches(value, names, n=MAX_SUGGESTIONS, cutoff=SUGGESTION_CUTOFF)
    return list(dict.fromkeys(full for match in close for full in names[match]))[:MAX_SUGGESTIONS]


def _unknown(name: str, value: str) -> RegionError:
    """The error for an unknown value of field `name`: close names, and the other fields that know it."""
    elsewhere = {other: resolve_value(other, value) for other in REGION_FIELDS if other != name}
    return RegionError(name, value, suggest(name, value), {k: v for k, v in elsewhere.items() if v})


def resolve_regions(
    params: Mapping[str, Sequence[str]],
) -> tuple[dict[str, list[str]], list[RegionError]]:
    """The full names the province/city/county values of `params` resolve to (only the fields given), and the
    values no division has, each with suggestions.

    `{"province": ["吉林"], "county": ["朝阳"]}` → `({"province": ["吉林省"], "county": ["朝阳区", "朝阳县"]}, [])`.
    """
    resolved: dict[str, list[str]] = {}
    errors: list[RegionError] = []
    for name in REGION_FIELDS:
        values = [v.strip() for v in params.get(name, ()) if v.strip()]
        if not values:
            continue
        full: list[str] = []
        for value in values:
            found = resolve_value(name, value)
            full += found
            if not found:
                errors.append(_unknown(name, value))
        resolved[name] = list(dict.fromkeys(full))
    return resolved, errors


def region_errors(errors: list[RegionError]) -> HTTPException:
    """The 422 the JSON routes answer for unknown regions, shaped like a validation error, with suggestions."""
    detail = [
        {
            "loc": ["query", e.field],
            "msg": e.message,
            "type": "unknown_region",
            "input": e.value,
            "suggestions": e.suggestions,
        }
        for e in errors
    ]
    return HTTPException(status_code=422, detail=detail)


def apply_regions(params: ParamsT) -> tuple[ParamsT, dict[str, list[str]]]:
    """`params` with its region filters replaced by the full names they stand for, and those names by field.

    Raises the 422 of `region_errors` when a value names no division.
    """
    resolved, errors = resolve_regions({name: getattr(params, name) for name in REGION_FIELDS})
    if errors:
        raise region_errors(errors)
    return params.model_copy(update=resolved), resolved
