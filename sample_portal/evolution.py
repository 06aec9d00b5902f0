"""The portal's next state: what changes on the saihan column between two crawls, and what a recrawl must record.

State 2 (`POST /_admin/evolve`, or `reports-portal --state 2`) differs from state 1 by:
- one report edited: two more applications from natural persons, granted, in table 三 (本年新收, 予以公开 and
  办理结果总计 of the 自然人 column and of 总计) and in the prose sentence stating 本年新收, so the report still adds
  up and still agrees with its text; its page is published again (and its related links with it);
- one report deleted: its URL answers 404 and no list links it;
- one report moved: its URL redirects (301) to its parent folder, which answers a short page; no list links it;
- one report added (a body's missing year, carried over from the year before like a series), listed in the column;
- one report no longer listed while its page is still served;
- one report's list entry now linking the department's own copy, served byte for byte at a second path.
In both states one report page is rendered on each request: its 浏览次数 and the day in its header change
(sites/trs.py `counted_page`), and nothing else does. The column's list pages change with its entries; every
other page stays byte for byte the same.

The truth of state 2 is what a crawl of state 1 followed by a recrawl of state 2 must record: the deleted
and moved reports leave `reports` (what the portal serves) but stay in `agencies`, with a `withdrawn`
signal, as an index keeps them; the edited one carries `revised`.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from .model import KIND_REPORT, Block, Document, Evolution, Portal, Response, midday
from .prose import received_phrase
from .render_tables import render_tables
from .series import Series, SeriesYear, series_document, series_facts
from .sites.common import simple_page
from .sites.trs import TrsSite, detail_page, detail_path, list_routes, saihan

FINAL_STATE = 2
EVOLVED_ON = date(2025, 6, 20)  # Last-Modified of what state 2 changed (after every page of state 1)
EDITED = "赛罕区教育局2022年政府信息公开工作年度报告"
DELETED = "赛罕区财政局2020年政府信息公开年度报告"
MOVED = "赛罕区信访局2019年政府信息公开工作年度报告"
UNLISTED = "赛罕区司法局2023年政府信息公开工作年度报告"
SECOND_URL = "赛罕区自然资源局2024年政府信息公开年度报告"
DEPARTMENT_FOLDER = "/saihan/bmxxgk/zrzyj/zfxxgknb/"  # the 自然资源局's own disclosure column
ADDED = Series(
    "saihan",
    "国家税务总局呼和浩特市赛罕区税务局",
    "税务局",
    (SeriesYear(2023, "2021", date(2024, 1, 19)),),  # its 2023 report, missing in state 1
    busy=True,
)
ADDED_ID = 7623
MORE_APPLICATIONS = 2  # what the edit adds to 本年新收 (自然人), all granted
EDITED_ROWS = ("new_received", "granted", "total_processed")
EDITED_COLUMNS = ("natural_person", "total")
SENTENCE = re.compile(r"[^。！？；]+[。！？；]?")
GONE_DELETED, GONE_MOVED = "http_404", "redirect_parent"


def _by_title(documents: list[Document], title: str) -> Document:
    """The saihan report with this title (ValueError when the column has none)."""
    found = [d for d in documents if d.site == "saihan" and d.kind == KIND_REPORT and d.title == title]
    if len(found) != 1:
        raise ValueError(f"evolution: {len(found)} saihan reports titled {title}")
    return found[0]


def edited_stats(stats: dict) -> dict:
    """Table 三 with MORE_APPLICATIONS more natural persons' applications, granted: every sum still holds."""
    applications = {row: dict(cells) for row, cells in stats["applications"].items()}
    for row in EDITED_ROWS:
        for column in EDITED_COLUMNS:
            applications[row][column] += MORE_APPLICATIONS
    return {**stats, "applications": applications}


def edited_document(doc: Document, half_width: bool) -> Document:
    """The report as its second version serves it (ValueError unless exactly its table and one paragraph change)."""
    facts = doc.facts
    if facts is None or facts.stats is None or facts.stated_new_received is not None:
        raise ValueError(f"evolution: {doc.title} has no table 三 its prose restates")
    stats = edited_stats(facts.stats)
    old_table, new_table = (
        render_tables(s, facts.format, half_width=half_width)["applications"] for s in (facts.stats, stats)
    )
    old_phrase, new_phrase = received_phrase(facts.stats, None), received_phrase(stats, None)
    blocks = tuple(
        Block("html", new_table)
        if b.kind == "html" and b.text == old_table
        else Block(b.kind, b.text.replace(old_phrase, new_phrase))
        for b in doc.blocks
    )
    if sum(old != new for old, new in zip(doc.blocks, blocks, strict=True)) != 2:
        raise ValueError(f"evolution: editing {doc.title} did not change exactly its table and one paragraph")
    return replace(doc, blocks=blocks, facts=replace(facts, stats=stats), version=2)


def added_document(site: TrsSite, documents: list[Document]) -> Document:
    """The report state 2 adds, carried over from its body's report on the year before."""
    item = ADDED.years[0]
    previous = next(
        d.facts
        for d in documents
        if d.site == ADDED.site and d.facts and d.facts.agency == ADDED.agency and d.facts.report_year == item.year - 1
    )
    facts = series_facts(ADDED, item, previous)
    path = detail_path(site, item.published, ADDED_ID)
    if any(d.path == path for d in documents):
        raise ValueError(f"evolution: {path} is taken")
    return series_document(ADDED, item, facts, site.plan.half_width, path)


def plan_evolution(portal: Portal) -> Evolution:
    """Choose the documents state 2 changes, from the built portal."""
    site, docs = saihan(), portal.documents
    before, second = _by_title(docs, EDITED), _by_title(docs, SECOND_URL)
    if site.counted is None:
        raise ValueError("evolution: saihan has no counted page")
    return Evolution(
        edited=(before, edited_document(before, site.plan.half_width)),
        deleted=_by_title(docs, DELETED),
        moved=_by_title(docs, MOVED),
        added=added_document(site, docs),
        counted=_by_title(docs, site.counted),
        unlisted=_by_title(docs, UNLISTED),
        second_url=(second, DEPARTMENT_FOLDER + second.path.removeprefix(site.column_dir)),
    )


def parent_folder(path: str) -> str:
    """The folder holding a page, e.g. /saihan/zwgk/zfxxgknb/202001/."""
    return path.rsplit("/", 1)[0] + "/"


def _folder_page(site: TrsSite) -> Response:
    """The short page a moved report's parent folder answers."""
    inner = (
        f'<div class="main"><p>本栏目信息已调整，请访问<a href="{site.paths.column}">{site.paths.column_text}</a>。</p>'
        "</div>"
    )
    html = simple_page(site.info, site.paths.column_text, inner)
    return Response(html.encode(), last_modified=midday(EVOLVED_ON))


def _moved_away(path: str) -> Response:
    """The 301 answer of a report moved to its parent folder."""
    body = b"<html><body><h1>301 Moved Permanently</h1></body></html>"
    return Response(body, status=301, extra_headers=(("Location", parent_folder(path)),))


def _documents(portal: Portal, evolution: Evolution) -> list[Document]:
    """Every document of state 2: the edit in place, the deleted and moved ones gone, the added one in its place."""
    before, after = evolution.edited
    changed = {
        before.path: after,
        evolution.deleted.path: replace(evolution.deleted, gone=GONE_DELETED),
        evolution.moved.path: replace(evolution.moved, gone=GONE_MOVED),
    }
    documents = [changed.get(d.path, d) for d in portal.documents]
    added = evolution.added
    at = next(
        i
        for i, d in enumerate(documents)
        if d.site == added.site and (d.sort_date, d.title) < (added.sort_date, added.title)
    )
    return [*documents[:at], added, *documents[at:]]


def _listed(documents: list[Document], evolution: Evolution) -> list[Document]:
    """The saihan column's entries in state 2, newest first (the second-URL report by its department path)."""
    report, department_path = evolution.second_url
    hidden = {evolution.unlisted.path}
    listed = [d for d in documents if d.site == "saihan" and d.gone is None and d.path not in hidden]
    return [replace(d, path=department_path) if d.path == report.path else d for d in listed]


def evolved(portal: Portal) -> Portal:
    """Return the portal in state 2, built from the portal in state 1 (left as it is)."""
    evolution = portal.evolution
    if evolution is None or portal.state != 1:
        raise ValueError("evolution: only a portal built in state 1 evolves")
    site = saihan()
    documents = _documents(portal, evolution)
    listed = _listed(documents, evolution)
    routes = {path: answer for path, answer in portal.routes.items() if not site.is_list_path(path)}
    routes.update(list_routes(site, listed, midday(EVOLVED_ON)))
    after, added = evolution.edited[1], evolution.added
    routes[after.path] = Response(detail_page(site, after, listed).encode(), last_modified=midday(EVOLVED_ON))
    routes[added.path] = Response(detail_page(site, added, listed).encode(), last_modified=midday(added.sort_date))
    del routes[evolution.deleted.path]
    routes[evolution.moved.path] = _moved_away(evolution.moved.path)
    routes.setdefault(parent_folder(evolution.moved.path), _folder_page(site))
    report, department_path = evolution.second_url
    routes[department_path] = routes[report.path]
    return replace(portal, routes=routes, documents=documents, state=FINAL_STATE)


def _cells(node: object, key: str = "") -> dict[str, object]:
    """Every cell of a stats object by dotted key (applications.new_received.natural_person)."""
    if not isinstance(node, dict):
        return {key: node}
    return {k: v for name, child in node.items() for k, v in _cells(child, f"{key}.{name}" if key else name).items()}


def _changed_cells(before: Document, after: Document) -> list[dict]:
    """The table cells whose value the edit changed: dotted key, old and new value, in table order."""
    old, new = (_cells(d.facts.stats if d.facts else None) for d in (before, after))
    return [{"key": key, "old": value, "new": new[key]} for key, value in old.items() if new[key] != value]


def _changed_sentence(before: Document, after: Document) -> dict:
    """The one prose sentence the edit changed, old and new (ValueError when not exactly one)."""
    pairs = [
        (old, new)
        for a, b in zip(before.blocks, after.blocks, strict=True)
        if a.kind != "html"
        for old, new in zip(SENTENCE.findall(a.text), SENTENCE.findall(b.text), strict=True)
        if old != new
    ]
    if len(pairs) != 1:
        raise ValueError(f"evolution: {len(pairs)} sentences changed in {before.title}")
    return {"old": pairs[0][0], "new": pairs[0][1]}


def evolution_truth(portal: Portal, base_url: str) -> dict:
    """What moving to state 2 changes and a recrawl must record (the same plan in both states; `state` says which)."""
    evolution = portal.evolution
    if evolution is None:
        raise ValueError("evolution: the portal has no plan")
    before, after = evolution.edited
    report, department_path = evolution.second_url
    return {
        "state": portal.state,
        "edited": {
            "url": base_url + before.path,
            "version_after": after.version,
            "changed_cells": _changed_cells(before, after),
            "changed_sentence": _changed_sentence(before, after),
        },
        "deleted": {"url": base_url + evolution.deleted.path, "how": GONE_DELETED},
        "moved": {"url": base_url + evolution.moved.path, "how": GONE_MOVED},
        "added": {"url": base_url + evolution.added.path},
        "unchanged_chrome": {"url": base_url + evolution.counted.path},
        "unlisted_live": {"url": base_url + evolution.unlisted.path},
        "second_url": {"urls": [base_url + report.path, base_url + department_path]},
    }
