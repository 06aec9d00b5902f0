"""What list parsing returns: entries, further list pages and list-API calls."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple


class Entry(NamedTuple):
    """One item of a list: the linked page, its title as listed, and the date shown (ISO) if any."""

    url: str
    title: str
    date: str | None


@dataclass(frozen=True)
class SearchCall:
    """A POST to a JSON list API (Pingtan `fjdzapp/search`) for one page of a column."""

    url: str
    formdata: dict[str, str]

    @property
    def page(self) -> int:
        """Return the page number this call asks for."""
        return int(self.formdata.get("page", "1"))


@dataclass
class ListPage:
    """What a list page (or list API answer) offers: entries, further list pages, API calls."""

    entries: list[Entry] = field(default_factory=list)
    next_pages: list[str] = field(default_factory=list)
    searches: list[SearchCall] = field(default_factory=list)
    family: str = "generic"


def unique_urls(urls: Iterable[str], current: str) -> list[str]:
    """Drop duplicates and the current page, keeping order."""
    seen = {current}
    unique = []
    for url in urls:
        if url not in seen:
            seen.add(url)
            unique.append(url)
    return unique
