"""One record per report across recrawls and URLs: merge what a write brings with what is stored.

RECORD.md: a record stands for one canonical document, "whichever URLs it was found at", and
`version` says which revision it is. Both backends call `reconcile` inside `write()`:

* the same id again (a recrawl): the URLs seen so far are kept, and `version` goes up by one
  when the cleaned text changed (a report edited after publication is something watchdogs track);
* another id with the same content hash (the same report reached through a department site and a
  government column): nothing new is stored; the existing record gains the URL;
* otherwise the record is stored as it came.
"""

from __future__ import annotations

from indexer.model import Record


def union_urls(*records: Record) -> list[str]:
    """Every URL of the records, first seen first, without repeats."""
    urls: list[str] = []
    for record in records:
        for url in [record.get("url"), *(record.get("urls") or [])]:
            if url and url not in urls:
                urls.append(url)
    return urls


def reconcile(new: Record, same_id: Record | None, same_content: Record | None) -> Record:
    """Return the record to store for `new`, given the stored record with its id or its content."""
    if same_id is not None:
        changed = same_id.get("content_hash") != new.get("content_hash")
        version = (same_id.get("version") or 1) + (1 if changed else 0)
        return {**new, "urls": union_urls(same_id, new), "version": version}
    if same_content is not None and same_content.get("id") != new.get("id"):
        return {**same_content, "urls": union_urls(same_content, new)}
    return new
