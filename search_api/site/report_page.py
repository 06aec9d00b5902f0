"""GET /report/{id} (one report: its facts, signals, failed checks, tables, text, links and versions) and
GET /report/{id}/diff (what changed between two of its versions)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from indexer.model import Record, Version
from indexer.storage import Backend
from indexer.versions.diff import cell_diff, change_summary, text_diff

from ..deps import BackendDep
from ..labels import rule_explanation, rule_label, signal_explanation, signal_label
from ..schemas import DiffParams
from .guard import PageError, guarded, not_found
from .render import page
from .report_view import stats_tables, text_blocks
from .urlstate import parse, query_pairs
from .words import VALUE_LABELS

router = APIRouter()
MAX_ID = 200  # characters of a report id (GET /reports/{id} accepts no longer)
WEB_SCHEMES = ("http://", "https://")  # an original URL is a link only with one of these (never javascript:)


@router.get("/report/{report_id}")
def report_page(report_id: str, backend: BackendDep) -> Response:
    """One report as a person reads it."""
    return guarded(lambda: _report_page(report_id, backend))


@router.get("/report/{report_id}/diff")
def diff_page(report_id: str, request: Request, backend: BackendDep) -> Response:
    """What changed from version `from` to version `to` (default: the latest against the one before)."""
    return guarded(lambda: _diff_page(report_id, query_pairs(request.query_params.multi_items()), backend))


def _report_page(report_id: str, backend: Backend) -> Response:
    """The report page, or 404."""
    record = backend.get(report_id) if len(report_id) <= MAX_ID else None
    if record is None:
        raise not_found("这份报告")
    versions = backend.versions(report_id) or []
    return page("report.html", title=record["title"] or "报告", **report_context(record, versions))


def report_context(record: Record, versions: list[Version]) -> dict[str, Any]:
    """What the report template shows."""
    tables = stats_tables(record.get("stats"), record.get("format"))
    region = " ".join(p for p in (record.get("province"), record.get("city"), record.get("county")) if p)
    return {
        "report": record,
        "region": region,
        "level": VALUE_LABELS["level"].get(record.get("level") or "", ""),
        "format": VALUE_LABELS["format"].get(record.get("format") or "", "未识别"),
        "signals": [
            {
                "name": s["signal"],
                "label": signal_label(s["signal"]),
                "meaning": signal_explanation(s["signal"]),
                "detail": s["detail"],
            }
            for s in record.get("signals") or []
        ],
        "failed_checks": [
            {
                "rule": c["rule"],
                "label": rule_label(c["rule"]),
                "explanation": rule_explanation(c["rule"]),
                "detail": c["detail"],
            }
            for c in record.get("checks") or []
            if c.get("ok") is False
        ],
        "checked": bool(record.get("checks")),
        "tables": tables,
        "blocks": text_blocks(record.get("text") or "", [t.name for t in tables]),
        "urls": [
            {"url": u, "linked": u.startswith(WEB_SCHEMES), "gone": u in (record.get("gone_urls") or [])}
            for u in record.get("urls") or []
        ],
        "archived": bool(record.get("capture")),
        "versions": [version_view(v) for v in versions],
    }


def version_view(version: Version) -> dict[str, Any]:
    """One version in the list: number, when served, what it changed, and its archived copy."""
    return {
        "number": version["version"],
        "first_seen": version["first_seen"],
        "last_seen": version["last_seen"],
        "summary": version["change_summary"],
        "archived": version["capture"] is not None,
    }


def _diff_page(report_id: str, pairs: list[tuple[str, str]], backend: Backend) -> Response:
    """The diff page, 404 for an unknown report, 422 for versions it does not have."""
    params = parse(pairs, DiffParams)
    stored = backend.versions(report_id) if len(report_id) <= MAX_ID else None
    if stored is None:
        raise not_found("这份报告")
    versions = {v["version"]: v for v in stored}
    old, new = version_pair(versions, params)
    sentences = text_diff(old["record"]["text"], new["record"]["text"])
    cells = cell_diff(old["record"]["stats"], new["record"]["stats"])
    return page(
        "diff.html",
        title=f"版本 {old['version']} → {new['version']}",
        report=new["record"],
        report_id=report_id,
        old=old["version"],
        new=new["version"],
        sentences=sentences,
        cells=cells,
        summary=change_summary(sentences, cells),
    )


def version_pair(versions: dict[int, Version], params: DiffParams) -> tuple[Version, Version]:
    """The versions to compare: `from` (default: the one before `to`) and `to` (default: the latest)."""
    if len(versions) < 2:
        raise PageError(422, "这份报告只有一个版本，没有可以比较的修改。")
    newer = params.to if params.to is not None else max(versions)
    older = params.from_ if params.from_ is not None else newer - 1
    known = "、".join(map(str, versions))
    for number in (newer, older):
        if number not in versions:
            raise PageError(422, f"这份报告没有版本 {number}（已有版本：{known}）。")
    if older >= newer:
        raise PageError(422, f"起始版本（{older}）必须早于目标版本（{newer}）。")
    return versions[older], versions[newer]
