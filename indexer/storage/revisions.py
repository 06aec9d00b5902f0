"""One record per report across recrawls and URLs, with its version history and withdrawals (pure rules).

RECORD.md: a record stands for one canonical document, "whichever URLs it was found at"; `version`
says which distinct version (by `content_hash`: cleaned text and table rows) it is. Both backends
call `reconcile` inside `write()` and `gone` inside `mark_gone()`, and store what they return:

* first time: version 1 (or the version a copied record carries), `first_seen = last_seen = fetched_at`;
* the same id again (a recrawl), same content: the record is replaced by the new reading (fields may
  be re-extracted), its history kept, `last_seen` moved on;
* the same id, other content: `version` + 1, `changed_at` = the fetch time, `change_summary` from
  indexer/versions/diff.py; the stored record, as it was, becomes a superseded Version kept for good;
* another id, same content (the same report reached through a department site and a government
  column): nothing new is stored; the existing record gains the URL and is seen again;
* every write of a URL takes it out of `gone_urls` and ends a withdrawal (`returned` = the fetch time);
* `gone`: the URL joins `gone_urls`; once every URL is gone the report is withdrawn (`withdrawn`, a
  Withdrawal). A URL that dies while another still serves the report is not a withdrawal.

The current version is the stored record itself (`version_of`); only superseded versions are kept
apart, so a report never edited costs nothing more. The `revised` and `withdrawn` signals are set
from these fields (agencies/signals.py) whenever they change.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import NamedTuple
from urllib.parse import urlsplit

from indexer.agencies.signals import HISTORY_SIGNALS, history_signals
from indexer.model import GoneHow, Record, Version, Withdrawal
from indexer.storage.plan import iso_instant
from indexer.versions.diff import cell_diff, change_summary, text_diff

HISTORY_FIELDS = (  # the Record fields storage keeps (build_record leaves them out; every write sets them)
    "first_seen",
    "last_seen",
    "changed_at",
    "change_summary",
    "withdrawn",
    "withdrawals",
    "gone_urls",
    "capture",
)


def union_urls(*records: Record) -> list[str]:
    """Every URL of the records, first seen first, without repeats."""
    urls: list[str] = []
    for record in records:
        for url in [record.get("url"), *(record.get("urls") or [])]:
            if url and url not in urls:
                urls.append(url)
    return urls


@dataclass(frozen=True)
class Reconciled:
    """What a write stores: the record (under its own id) and the version it supersedes, if any."""

    record: Record
    superseded: Version | None  # the stored version the write replaced (kept in the history); None: same version


def reconcile(new: Record, same_id: Record | None, same_content: Record | None) -> Reconciled:
    """The record to store for `new`, given the stored record with its id or (else) with its content hash."""
    at = new.get("fetched_at")
    if same_id is not None:
        return _sighting(new, same_id, at)
    if same_content is not None and same_content.get("id") != new.get("id"):
        joined: Record = {
            **same_content,
            "urls": union_urls(same_content, new),
            "last_seen": _later(same_content.get("last_seen"), at),
            "capture": same_content.get("capture") or new.get("capture"),
        }
        return Reconciled(_served(joined, new, at), None)
    return Reconciled(_first(new, at), None)


def _first(new: Record, at: str | None) -> Record:
    """A report stored for the first time: version 1, first and last seen now (a copied record keeps its history)."""
    return _signed(
        {
            **new,
            "version": new.get("version") or 1,
            "first_seen": new.get("first_seen") or at,
            "last_seen": new.get("last_seen") or at,
            "changed_at": new.get("changed_at"),
            "change_summary": new.get("change_summary"),
            "withdrawn": new.get("withdrawn"),
            "withdrawals": list(new.get("withdrawals") or []),
            "gone_urls": list(new.get("gone_urls") or []),
            "capture": new.get("capture"),
        }
    )


def _sighting(new: Record, stored: Record, at: str | None) -> Reconciled:
    """The same report fetched again: the same version seen again, or a new version superseding the stored one."""
    base: Record = {
        **new,
        "urls": union_urls(stored, new),
        "first_seen": stored.get("first_seen") or stored.get("fetched_at"),
        "withdrawn": stored.get("withdrawn"),
        "withdrawals": list(stored.get("withdrawals") or []),
        "gone_urls": list(stored.get("gone_urls") or []),
    }
    version = stored.get("version") or 1
    if stored.get("content_hash") == new.get("content_hash"):
        seen: Record = {
            **base,
            "version": version,
            "changed_at": stored.get("changed_at"),
            "change_summary": stored.get("change_summary"),
            "last_seen": _later(stored.get("last_seen"), at),
            "capture": stored.get("capture") or new.get("capture"),
        }
        return Reconciled(_served(seen, new, at), None)
    changed: Record = {
        **base,
        "version": version + 1,
        "changed_at": at,
        "change_summary": summarize(stored, new),
        "last_seen": at,
        "capture": new.get("capture"),
    }
    return Reconciled(_served(changed, new, at), version_of(stored))


def summarize(old: Record, new: Record) -> str:
    """What changed from `old` to `new`, in one Chinese line (versions/diff.py)."""
    return change_summary(
        text_diff(old.get("text") or "", new.get("text") or ""), cell_diff(old.get("stats"), new.get("stats"))
    )


def _later(stored: str | None, at: str | None) -> str | None:
    """The later of two fetch times (either may be missing)."""
    if stored is None or at is None:
        return at or stored
    first, second = iso_instant(stored), iso_instant(at)
    if first is not None and second is not None and first > second:
        return stored
    return at


def _served(record: Record, new: Record, at: str | None) -> Record:
    """`record` after a fetch of `new`'s URLs served it: those URLs are not gone, and a withdrawal ends."""
    written = union_urls(new)
    served: Record = {**record, "gone_urls": [u for u in record.get("gone_urls") or [] if u not in written]}
    if record.get("withdrawn"):
        withdrawals = list(record.get("withdrawals") or [])
        if withdrawals:
            withdrawals[-1] = {**withdrawals[-1], "returned": at}
        served = {**served, "withdrawn": None, "withdrawals": withdrawals}
    return _signed(served)


def _signed(record: Record) -> Record:
    """The record with its `revised` and `withdrawn` signals as its fields say (other signals untouched)."""
    history = history_signals(record)
    if "signals" not in record and not history:
        return record
    kept = [s for s in record.get("signals") or [] if s["signal"] not in HISTORY_SIGNALS]
    return {**record, "signals": [*kept, *history]}


def version_of(record: Record) -> Version:
    """The version a stored record is: its number, hash, when it was first and last served, what it changed."""
    version = record.get("version") or 1
    first_seen = record.get("changed_at") if version > 1 else record.get("first_seen") or record.get("fetched_at")
    return {
        "version": version,
        "content_hash": record.get("content_hash"),
        "first_seen": first_seen,
        "last_seen": record.get("last_seen") or record.get("fetched_at"),
        "change_summary": record.get("change_summary") if version > 1 else None,
        "capture": record.get("capture"),
        "record": record,
    }


def history(superseded: list[Version], current: Record) -> list[Version]:
    """Every version of a report, oldest first: the superseded ones kept, then the stored record's own."""
    number = current.get("version") or 1
    past = sorted((v for v in superseded if v["version"] < number), key=lambda v: v["version"])
    return [*past, version_of(current)]


class Gone(NamedTuple):
    """What `gone` changed: the record to store, and whether this made it withdrawn."""

    record: Record
    withdrawn: bool


def gone(record: Record, url: str, at: str, how: GoneHow) -> Gone | None:
    """`record` after `url` was found gone at `at`; None when nothing changes (already known)."""
    urls = union_urls(record)
    gone_urls = list(record.get("gone_urls") or [])
    newly = url not in gone_urls
    if newly:
        gone_urls.append(url)
    withdraw = not record.get("withdrawn") and set(urls) <= set(gone_urls)
    if not newly and not withdraw:
        return None
    updated: Record = {**record, "gone_urls": gone_urls}
    if withdraw:
        missed: Withdrawal = {"missed": at, "returned": None, "how": how, "url": url}
        updated = {**updated, "withdrawn": at, "withdrawals": [*(record.get("withdrawals") or []), missed]}
    return Gone(_signed(updated), withdraw)


def url_host(url: str) -> str:
    """The host name of a URL, lower case, without port ("" when it has none)."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def on_hosts(url: str, hosts: Collection[str]) -> bool:
    """Whether a URL is on one of `hosts` or a subdomain of one, as a seed's domains allow (a host name matches
    any port; "host:port" only that port)."""
    try:
        netloc = urlsplit(url).netloc.lower().rsplit("@", 1)[-1]
    except ValueError:
        return False
    return netloc in hosts or any(name in hosts for name in parent_domains(url_host(url)))


def parent_domains(host: str) -> list[str]:
    """The host and every domain above it: www.fj.gov.cn -> [www.fj.gov.cn, fj.gov.cn, gov.cn, cn]; an IP address
    has none above it."""
    if not host or ":" in host or host.replace(".", "").isdigit():
        return [host] if host else []
    parts = host.split(".")
    return [".".join(parts[i:]) for i in range(len(parts))]


def host_names(hosts: Collection[str]) -> list[str]:
    """The host names of `hosts` (ports dropped, lower case), for a lookup by host."""
    return sorted({url_host(f"//{h.strip().lower()}") for h in hosts if h.strip()} - {""})
