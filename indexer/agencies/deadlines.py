"""When a report was due (docs/REPORTS.md) and whether it was late.

Reports on 2008–2018 (2008 条例 第三十一条): 31 March of the next year, for every body.
Reports on 2019 and later (2019 条例 第四十九条): 31 January of the next year for a 部门 (department),
31 March for a 政府 (the government itself). A report published on its deadline is on time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from indexer.model import AgencyKind

FIRST_YEAR = 2008  # the first year a report covers (条例 in force from 1 May 2008)
NEW_RULES_FROM = 2019  # reports on this year and later follow the 2019 条例


@dataclass(frozen=True)
class Deadline:
    """A report's deadline and the rule it comes from, in Chinese."""

    due: date
    rule: str


def deadline(report_year: int, kind: AgencyKind) -> Deadline:
    """The legal deadline of the report on `report_year` of a body of this kind."""
    if report_year < NEW_RULES_FROM:
        return Deadline(date(report_year + 1, 3, 31), "2008年《政府信息公开条例》第三十一条：每年3月31日前公布")
    if kind == "部门":
        return Deadline(date(report_year + 1, 1, 31), "2019年《政府信息公开条例》第四十九条：政府部门每年1月31日前公布")
    return Deadline(date(report_year + 1, 3, 31), "2019年《政府信息公开条例》第四十九条：人民政府每年3月31日前公布")


def days_late(published: date, due: Deadline) -> int:
    """Days past the deadline (0 when on time or early)."""
    return max(0, (published - due.due).days)


def last_due_year(kind: AgencyKind, today: date) -> int:
    """The latest year whose report was already due on `today`."""
    year = today.year - 1
    while deadline(year, kind).due >= today:
        year -= 1
    return year
