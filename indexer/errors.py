"""Exceptions shared by the indexer's stages."""


class NotAReport(Exception):
    """The page is readable but is not an annual report; `reason` says why."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class UnreadablePage(Exception):
    """The page could not be decoded or parsed at all; `reason` says why."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason
