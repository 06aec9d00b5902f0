"""Exceptions raised by the crawler package."""


class SeedError(ValueError):
    """A seed file or row is malformed, or none was given; the message names the file and the row."""


class MissingSetting(LookupError):
    """A REPORTS_* setting the crawler needs is not set (crawler/settings.py defines every one)."""
