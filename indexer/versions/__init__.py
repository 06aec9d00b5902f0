"""Versions of a report: what changed between two copies a site served (text sentences and table cells)."""
