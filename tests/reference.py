"""Plain-Python readings of search conditions: what a backend must answer, computed from the records."""

from __future__ import annotations

from indexer.storage.plan import Condition


def holds(value: float | None, condition: Condition) -> bool:
    """Whether one value satisfies the condition (None never does, not even for !=)."""
    if value is None:
        return False
    v, target = float(value), condition.value
    return {
        ">=": v >= target,
        "<=": v <= target,
        ">": v > target,
        "<": v < target,
        "=": v == target,
        "!=": v != target,
    }[condition.op]
