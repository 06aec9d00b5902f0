"""Ground truth of the sample portal: which URLs are reports (with their facts), look-alikes, gone."""

from __future__ import annotations

from datetime import UTC, date, datetime

from .agency_truth import agencies_truth
from .evolution import evolution_truth
from .model import KIND_LOOKALIKE, KIND_MISSING, KIND_REPORT, Document, Hosts, Portal
from .sites.hostile import hostile_base, hostile_truth, robots_down_base


def report_truth(doc: Document, portal: Portal, base_url: str) -> dict:
    """Return the truth entry of one report (its body's region, which is its site's unless the facts say)."""
    facts = doc.facts
    if facts is None:
        raise ValueError(f"report {doc.path} has no facts")
    region = facts.region or portal.regions[doc.site]
    return {
        "url": base_url + doc.record_path,
        "site": doc.site,
        "title": doc.title,
        "agency": facts.agency,
        "agency_type": facts.agency_type,
        "province": region.province,
        "city": region.city,
        "county": region.county,
        "report_year": facts.report_year,
        "published": doc.published.isoformat() if doc.published else None,
        "format": facts.format,
        "stats": facts.stats,
        "failed_checks": list(facts.failed_checks),
        "source_format": doc.source_format,
    }


def file_truth(doc: Document, base_url: str) -> list[dict]:
    """Return the attached files of one document: URL, the page linking them (None if listed), format, role."""
    return [
        {
            "url": base_url + f.path,
            "linked_from": None if f.path == doc.path else base_url + doc.path,
            "source_format": f.source_format,
            "role": "copy" if f.is_copy else "report",
        }
        for f in doc.files
    ]


def portal_truth(portal: Portal, hosts: Hosts, today: date | None = None) -> dict:
    """Return {reports, lookalikes, missing, files, hostile …, agencies, evolution} with absolute URLs under the
    portal's base URL.

    A report published only as an attachment is listed under its file's URL (the record's URL);
    `files` lists every attachment with the page linking it and whether it is the report or a copy.
    The hostile site (crawled apart, at `hostile_portal`) lists what must happen to each of its URLs.
    `agencies` lists every publishing body with its timeline up to the latest year already due on
    `today` (default: the UTC day asked, as crawls count it), which the truth also states (agency_truth.py).
    `reports` lists what the portal serves in its state; `evolution` says which state that is and what
    moving to state 2 changes (evolution.py): a report withdrawn in state 2 leaves `reports` and stays in
    `agencies`, as an index that crawled state 1 keeps it.
    """
    base = hosts.base_url.rstrip("/")
    docs = portal.documents
    today = today or datetime.now(UTC).date()
    return {
        "reports": [report_truth(d, portal, base) for d in docs if d.kind == KIND_REPORT and d.gone is None],
        "lookalikes": [
            {"url": base + d.path, "site": d.site, "title": d.title} for d in docs if d.kind == KIND_LOOKALIKE
        ],
        "missing": [base + d.path for d in docs if d.kind == KIND_MISSING],
        "files": [entry for d in docs for entry in file_truth(d, base)],
        "hostile_portal": hostile_base(hosts),
        "robots_unreachable": robots_down_base(hosts),
        "hostile": hostile_truth(portal, hosts),
        "today": today.isoformat(),
        "agencies": agencies_truth(portal, base, today),
        "evolution": evolution_truth(portal, base),
    }
