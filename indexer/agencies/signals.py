"""The signals watchdogs look for, each explained in Chinese with its evidence (docs/AGENCIES.md).

Report signals need only the report: `late` (with the agency's kind), `failed_checks`, `blank_cells`,
`text_table_mismatch`, and the two its history sets (storage/revisions.py keeps them in the stored
record as versions and withdrawals change): `revised` and `withdrawn`. Pair signals compare a report with the same agency's report on the year
before: `cross_year`, `copied`. `missing` belongs to an agency-year without a report.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Set
from dataclasses import dataclass
from datetime import date

from indexer.agencies.deadlines import Deadline, days_late
from indexer.load import CELL_SEPARATOR
from indexer.model import Check, Format, GoneHow, Record, Signal, Stats
from indexer.tables.numbers import NUMBERS, TABLE_CELLS, cell
from indexer.tables.schema import APPLICANT_COLUMNS, APPLICATION_ROWS, PROACTIVE_LAYOUT, SUIT_GROUPS, SUIT_OUTCOMES

RULE_NAMES = {
    "applications_balance": "申请情况表：本年新收＋上年结转≠办理结果总计＋结转下年度继续办理",
    "applications_results_sum": "申请情况表：各项办理结果之和≠办理结果总计",
    "applications_row_totals": "申请情况表：各类申请人之和≠总计",
    "suits_totals": "复议诉讼表：各项结果之和≠总计",
    "unparsed": "表格中有无法确认读数的单元格",
}
CELL_LABELS = {c.key: c.label for c in TABLE_CELLS}
MAX_LISTED = 10  # cells, sentences … listed in a detail
COPIED_SHARE = 0.5  # share of distinctive sentences repeated from last year's report (see docs/AGENCIES.md)
COPIED_MIN_SENTENCES = 10  # fewer distinctive sentences than this: no verdict
COPIED_EXAMPLES = 3
# (number, sentence pattern) pairs for numbers the prose states; the first group is the stated number.
STATED_NUMBERS = (
    (
        "applications.new_received.total",
        re.compile(
            r"(?:收到|受理|新收|接收)[^。；;，,|]{0,16}?(?:政府信息公开|信息公开)?申请(?:共|合计|总计)?(\d+)\s*(?:件|个|份|条|人次)"
        ),
    ),
    ("review.total", re.compile(r"行政复议(?:案件|申请)?(?:共|合计)?(\d+)\s*(?:件|起)")),
    ("litigation.total", re.compile(r"行政诉讼(?:案件)?(?:共|合计)?(\d+)\s*(?:件|起)")),
)
SENTENCE_RE = re.compile(r"[^。；;\n]+")
GONE_HOW = {  # how a URL was found gone, for people
    "http_404": "HTTP 404 页面不存在",
    "http_410": "HTTP 410 页面已删除",
    "redirect_parent": "跳转到上级栏目",
    "redirect_home": "跳转到网站首页",
}
HISTORY_SIGNALS = frozenset({"revised", "withdrawn"})  # set from the record's own history fields


def _signal(name: str, detail: str, **evidence: object) -> Signal:
    """Build one signal."""
    return {"signal": name, "detail": detail, "evidence": evidence}  # type: ignore[typeddict-item]


def late_signal(published: date | None, due: Deadline, kind: str) -> Signal | None:
    """`late` when published after the deadline (no verdict without a publication date)."""
    if published is None or published <= due.due:
        return None
    days = days_late(published, due)
    detail = f"发布于{published.isoformat()}，晚于法定期限{due.due.isoformat()}共{days}天（按{kind}适用：{due.rule}）"
    return _signal(
        "late",
        detail,
        published=published.isoformat(),
        deadline=due.due.isoformat(),
        days_late=days,
        kind=kind,
        rule=due.rule,
    )


def failed_checks_signal(checks: list[Check]) -> Signal | None:
    """`failed_checks` when some consistency rule of the report's own tables failed."""
    failed = [c for c in checks if not c["ok"]]
    if not failed:
        return None
    parts = [f"{RULE_NAMES.get(c['rule'], c['rule'])}（{c['detail']}）" for c in failed[:MAX_LISTED]]
    return _signal(
        "failed_checks",
        "；".join(parts),
        rules=sorted({c["rule"] for c in failed}),
        details=[c["detail"] for c in failed],
    )


def _unparsed_rows(checks: list[Check]) -> set[str]:
    """The `table.row` keys an `unparsed` check names (their blanks are reading problems, not blank cells)."""
    return {c["detail"].split(":", 1)[0] for c in checks if c["rule"] == "unparsed"}


def mandated_cells(fmt: Format) -> list[tuple[str, ...]]:
    """Every cell the template of `fmt` asks for (tables 二, 三, 四), as paths into `stats`."""
    if fmt not in ("2019", "2021"):
        return []
    cells: list[tuple[str, ...]] = [
        ("proactive", row, col) for row, cols in PROACTIVE_LAYOUT[fmt].items() for col in cols
    ]
    cells += [("applications", row, col) for row in APPLICATION_ROWS[fmt] for col in APPLICANT_COLUMNS]
    cells += [(group, outcome) for group in SUIT_GROUPS for outcome in SUIT_OUTCOMES]
    return cells


def _row(stats: Stats, path: tuple[str, ...]) -> dict[str, object] | None:
    """The row (or 复议/诉讼 group) holding the cell at `path`, None when the report lacks it."""
    node: object = stats
    for key in path[:-1]:
        node = node.get(key) if isinstance(node, dict) else None
    return node if isinstance(node, dict) else None


def blank_cells_signal(stats: Stats | None, fmt: Format, checks: list[Check]) -> Signal | None:
    """`blank_cells` when cells of a printed row are blank (merged rows and unreadable rows excluded)."""
    if stats is None:
        return None
    unreadable = _unparsed_rows(checks)
    blank = []
    for path in mandated_cells(fmt):
        row = _row(stats, path)
        if row is None or set(row) == {"total"} or ".".join(path[:-1]) in unreadable:
            continue
        if row.get(path[-1]) is None:
            blank.append(".".join(path))
    if not blank:
        return None
    labels = [CELL_LABELS.get(key, key) for key in blank]
    detail = (
        f"{len(blank)}个法定单元格空白：" + "、".join(labels[:MAX_LISTED]) + ("等" if len(blank) > MAX_LISTED else "")
    )
    return _signal("blank_cells", detail, count=len(blank), cells=blank)


def text_table_mismatch_signal(text: str, stats: Stats | None) -> Signal | None:
    """`text_table_mismatch` when a number the prose states differs from the same number in the tables."""
    if stats is None:
        return None
    found = []
    for line in text.splitlines():
        if CELL_SEPARATOR in line:
            continue
        for sentence in SENTENCE_RE.findall(line):
            found += _mismatches(sentence.strip(), stats)
    if not found:
        return None
    detail = "；".join(f"正文称“{m['sentence']}”，表格中{m['label']}为{m['table']}" for m in found[:MAX_LISTED])
    return _signal("text_table_mismatch", detail, mismatches=found)


def _mismatches(sentence: str, stats: Stats) -> list[dict[str, object]]:
    """The stated numbers of one sentence that contradict the tables."""
    out: list[dict[str, object]] = []
    for name, pattern in STATED_NUMBERS:
        match = pattern.search(sentence)
        table = NUMBERS[name].compute(stats)
        if match is None or table is None:
            continue
        stated = int(match.group(1))
        accepted = {table}
        if name == "applications.new_received.total":  # "共受理…申请N件" may include last year's carried-over ones
            accepted.add(table + (cell(stats, "applications", "carried_over", "total") or 0))
        if stated not in accepted:
            out.append(
                {"number": name, "label": NUMBERS[name].label, "stated": stated, "table": table, "sentence": sentence}
            )
    return out


def cross_year_signal(
    previous: Stats | None, previous_format: Format, stats: Stats | None, fmt: Format, previous_year: int
) -> Signal | None:
    """`cross_year` when last year's closing figures are not this year's opening ones."""
    if previous is None or stats is None:
        return None
    found = _carried_over_differences(previous, stats, previous_year)
    if previous_format == "2021" and fmt == "2021":
        found += _in_force_differences(previous, stats, previous_year)
    if not found:
        return None
    return _signal("cross_year", "；".join(str(d["detail"]) for d in found[:MAX_LISTED]), differences=found)


def cross_year_cells(stats: Stats | None) -> Stats | None:
    """Only the cells cross_year_signal reads (table 三's carried-over rows, table 二's in-force rows), so that a
    registry build can keep them for every report without the whole table."""
    if stats is None:
        return None
    applications, proactive = stats.get("applications") or {}, stats.get("proactive") or {}
    kept = {
        "applications": {row: applications[row] for row in ("carried_forward", "carried_over") if row in applications},
        "proactive": {
            row: {col: proactive[row][col] for col in ("in_force", "issued", "repealed") if col in proactive[row]}
            for row in ("regulations", "normative_documents")
            if isinstance(proactive.get(row), dict)
        },
    }
    return kept  # type: ignore[return-value]  # a partial Stats


def _carried_over_differences(previous: Stats, stats: Stats, previous_year: int) -> list[dict[str, object]]:
    """Per column of table 三: last year's 结转下年度继续办理 against this year's 上年结转."""
    out: list[dict[str, object]] = []
    for column, label in APPLICANT_COLUMNS.items():
        closing = cell(previous, "applications", "carried_forward", column)
        opening = cell(stats, "applications", "carried_over", column)
        if closing is not None and opening is not None and closing != opening:
            detail = f"{previous_year}年报告“结转下年度继续办理”（{label}）为{closing:g}，本年“上年结转”为{opening:g}"
            out.append(
                {
                    "cells": ["applications.carried_forward." + column, "applications.carried_over." + column],
                    "previous": closing,
                    "this": opening,
                    "detail": detail,
                }
            )
    return out


def _in_force_differences(previous: Stats, stats: Stats, previous_year: int) -> list[dict[str, object]]:
    """2021 format, rows 规章 and 行政规范性文件: last 现行有效 + 本年制发 − 本年废止 against this 现行有效."""
    out: list[dict[str, object]] = []
    for row, label in (("regulations", "规章"), ("normative_documents", "行政规范性文件")):
        before = cell(previous, "proactive", row, "in_force")
        issued, repealed = cell(stats, "proactive", row, "issued"), cell(stats, "proactive", row, "repealed")
        now = cell(stats, "proactive", row, "in_force")
        if None in (before, issued, repealed, now):
            continue
        expected = before + issued - repealed  # type: ignore[operator]
        if expected != now:
            detail = (
                f"{label}：{previous_year}年现行有效{before:g}＋本年制发{issued:g}－本年废止{repealed:g}"
                f"＝{expected:g}，本年报告现行有效件数为{now:g}"
            )
            out.append(
                {
                    "cells": [f"proactive.{row}.in_force", f"proactive.{row}.issued", f"proactive.{row}.repealed"],
                    "previous": before,
                    "expected": expected,
                    "this": now,
                    "detail": detail,
                }
            )
    return out


@dataclass(frozen=True)
class CopiedMeasure:
    """How much of a report's distinctive prose repeats the previous report."""

    counted: int  # distinctive sentences of this report (template sentences left out)
    repeated: int  # of them, found in last year's report

    @property
    def share(self) -> float:
        """Repeated / counted (0 when nothing was counted)."""
        return self.repeated / self.counted if self.counted else 0.0

    @property
    def copied(self) -> bool:
        """Whether at least COPIED_SHARE of at least COPIED_MIN_SENTENCES distinctive sentences are repeated."""
        return self.counted >= COPIED_MIN_SENTENCES and self.share >= COPIED_SHARE


def copied_measure(this: Set[int], previous: Set[int], common: Set[int]) -> CopiedMeasure:
    """Share of this report's distinctive sentence fingerprints also in the previous report."""
    distinctive = this - common
    return CopiedMeasure(len(distinctive), len(distinctive & previous))


def copied_signal(this: Mapping[int, str], previous: Set[int], common: Set[int], previous_year: int) -> Signal | None:
    """`copied` when at least COPIED_SHARE of enough distinctive sentences repeat last year's report."""
    measure = copied_measure(set(this), previous, common)
    if not measure.copied:
        return None
    examples = [this[h] for h in this if h in previous and h not in common][:COPIED_EXAMPLES]
    detail = (
        f"{measure.counted}句非模板语句中有{measure.repeated}句（{measure.share:.0%}）与{previous_year}年报告相同"
        f"（年份、数字不计），例如：" + "；".join(f"“{s}”" for s in examples)
    )
    return _signal(
        "copied",
        detail,
        share=round(measure.share, 3),
        counted=measure.counted,
        repeated=measure.repeated,
        previous_year=previous_year,
        examples=examples,
    )


def missing_signal(year: int, due: Deadline) -> Signal:
    """`missing` for an agency-year without a report after its deadline."""
    return _signal(
        "missing",
        f"未找到{year}年度报告（法定期限{due.due.isoformat()}已过）",
        report_year=year,
        deadline=due.due.isoformat(),
        rule=due.rule,
    )


def revised_signal(record: Record) -> Signal | None:
    """`revised` when the report changed after it was first seen (version > 1): when, which version, what changed."""
    version = record.get("version") or 1
    if version <= 1:
        return None
    changed_at, summary = record.get("changed_at"), record.get("change_summary")
    detail = f"于{(changed_at or '')[:10] or '未知日期'}修改（第{version}版）：{summary or '无实质变化'}"
    return _signal("revised", detail, versions=version, changed_at=changed_at, summary=summary)


def withdrawn_signal(record: Record) -> Signal | None:
    """`withdrawn` while no URL serves the report: since when, how and where its last URL was found gone."""
    missed = record.get("withdrawn")
    if not missed:
        return None
    withdrawals = record.get("withdrawals") or []
    how: GoneHow | None = withdrawals[-1]["how"] if withdrawals else None
    url = withdrawals[-1]["url"] if withdrawals else None
    detail = f"自{missed[:10]}起无法访问（{GONE_HOW.get(how or '', '原因不明')}：{url or '网址不明'}）"
    return _signal("withdrawn", detail, missed=missed, how=how, url=url)


def history_signals(record: Record) -> list[Signal]:
    """The signals of a report's history: `revised` and `withdrawn`, each when it applies."""
    return [s for s in (revised_signal(record), withdrawn_signal(record)) if s is not None]
