"""Deterministic, internally consistent statistics for synthetic reports."""

from __future__ import annotations

import random

from .render_tables import APPLICANT_COLUMNS, SUIT_COLUMNS, SUIT_GROUPS

APPLICANTS = APPLICANT_COLUMNS[:-1]
RESULT_WEIGHTS_COMMON = (
    ("granted", 50),
    ("partly_granted", 8),
    ("denied_state_secret", 1),
    ("denied_law_prohibited", 1),
    ("denied_three_safety_one_stability", 1),
    ("denied_third_party", 2),
    ("denied_internal_affairs", 2),
    ("denied_process_info", 3),
    ("denied_enforcement_file", 1),
    ("denied_inquiry", 2),
    ("unavailable_not_held", 20),
    ("unavailable_needs_creation", 4),
    ("unavailable_unclear", 3),
    ("not_processed_petition", 3),
    ("not_processed_duplicate", 2),
    ("not_processed_publication", 1),
    ("not_processed_excessive", 1),
    ("not_processed_confirm", 1),
)
OTHER_2019 = (("other", 2),)
OTHER_2021 = (("other_no_correction", 2), ("other_no_fee", 1), ("other_other", 1))
APPLICANT_WEIGHTS = {
    "natural_person": (0, 40),
    "commercial": (0, 4),
    "research": (0, 1),
    "social_welfare": (0, 1),
    "legal_services": (0, 3),
    "other_org": (0, 2),
}


def _result_rows(fmt: str) -> tuple[tuple[str, int], ...]:
    """Return the result rows of table 三 with how often each outcome happens."""
    return RESULT_WEIGHTS_COMMON + (OTHER_2021 if fmt == "2021" else OTHER_2019)


def _column_counts(rng: random.Random, scale: int) -> dict[str, int]:
    """Draw new applications per applicant column."""
    counts = {}
    for column, (low, high) in APPLICANT_WEIGHTS.items():
        high = high * scale if column == "natural_person" else high
        counts[column] = rng.randint(low, high) if rng.random() < 0.6 or column == "natural_person" else 0
    return counts


def applications_stats(
    rng: random.Random, fmt: str, scale: int, new_received: dict | None = None, carried_over: dict | None = None
) -> dict:
    """Return table 三 where 一+二 = 三(七) + 四 and each row adds up to its total (一, 二 drawn unless given)."""
    rows_meta = _result_rows(fmt)
    keys = [k for k, _ in rows_meta]
    weights = [w for _, w in rows_meta]
    new = dict(new_received) if new_received is not None else _column_counts(rng, scale)
    if carried_over is not None:
        carried = {c: carried_over.get(c, 0) for c in APPLICANTS}
    else:
        carried = {c: (rng.randint(0, 2) if c == "natural_person" else 0) for c in APPLICANTS}
    table: dict[str, dict[str, int]] = {k: dict.fromkeys(APPLICANTS, 0) for k in keys}
    forward = {}
    for column in APPLICANTS:
        incoming = new[column] + carried[column]
        forward[column] = rng.randint(0, min(2, incoming))
        for key in rng.choices(keys, weights=weights, k=incoming - forward[column]):
            table[key][column] += 1
    processed = {c: sum(table[k][c] for k in keys) for c in APPLICANTS}
    ordered = {
        "new_received": new,
        "carried_over": carried,
        **table,
        "total_processed": processed,
        "carried_forward": forward,
    }
    return {row: {**values, "total": sum(values.values())} for row, values in ordered.items()}


def suits_stats(rng: random.Random, busy: bool) -> dict:
    """Return table 四 groups whose outcomes add up to their totals."""
    stats = {}
    for group in SUIT_GROUPS:
        high = 3 if busy and group != "litigation_after_review" else 1 if busy else 0
        values = {c: rng.randint(0, high) if rng.random() < 0.5 else 0 for c in SUIT_COLUMNS[:-1]}
        stats[group] = {**values, "total": sum(values.values())}
    return stats


def _licensing_rows(rng: random.Random, busy: bool) -> dict[str, tuple[int, int, int]]:
    """Draw (previous items, change, decisions) for licensing and enforcement rows."""
    rows = {}
    for key, prev_high, decision_high in (
        ("licensing", 220, 3000),
        ("other_services", 60, 400),
        ("penalties", 120, 900),
        ("enforcement", 30, 60),
    ):
        if not busy and rng.random() < 0.6:
            rows[key] = (0, 0, 0)
            continue
        prev = rng.randint(0, prev_high)
        rows[key] = (prev, rng.randint(-min(prev, 8), 8), rng.randint(0, decision_high))
    return rows


def proactive_stats(rng: random.Random, fmt: str, busy: bool) -> dict:
    """Return table 二 in the requested template."""
    made = rng.randint(0, 12 if busy else 3)
    rows = _licensing_rows(rng, busy)
    if fmt == "2021":
        return {
            "regulations": {"issued": 0, "repealed": 0, "in_force": 0},
            "normative_documents": {
                "issued": made,
                "repealed": rng.randint(0, 4),
                "in_force": made + rng.randint(0, 60),
            },
            "licensing": {"decisions": rows["licensing"][2]},
            "penalties": {"decisions": rows["penalties"][2]},
            "enforcement": {"decisions": rows["enforcement"][2]},
            "fees": {"amount_10k_yuan": round(rng.uniform(0, 300), 2) if busy else 0},
        }
    proactive: dict[str, dict[str, int | float]] = {
        "regulations": {"new_made": 0, "new_published": 0, "total_published": 0},
        "normative_documents": {"new_made": made, "new_published": made, "total_published": made + rng.randint(0, 80)},
    }
    for key, (prev, change, decisions) in rows.items():
        proactive[key] = {"prev_items": prev, "change": change, "decisions": decisions}
    proactive["fees"] = {
        "prev_items": (fee := rng.randint(0, 12) if busy else 0),
        "change": rng.randint(-min(fee, 2), 1),
    }
    items = rng.randint(0, 30) if busy else 0
    proactive["procurement"] = {"items": items, "amount_10k_yuan": round(rng.uniform(10, 2000), 2) if items else 0}
    return proactive


def report_stats(
    rng: random.Random, fmt: str, busy: bool, new_received: dict | None = None, carried_over: dict | None = None
) -> dict:
    """Return a full stats object (RECORD.md shape) for a 2019- or 2021-format report (table 三 一/二 as given)."""
    return {
        "proactive": proactive_stats(rng, fmt, busy),
        "applications": applications_stats(rng, fmt, 3 if busy else 1, new_received, carried_over),
        **suits_stats(rng, busy),
    }
