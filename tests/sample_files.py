"""Where the tests find their saved real pages, gold files and the record schema: all inside the repository.

Nothing here reads outside the project (a user's clone has nothing beside it). `sample_files` fails
loudly when a folder holds fewer files than expected, so a missing fixture is an error, never an
empty parametrisation that silently runs nothing.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_portal" / "data" / "samples"  # three real report texts (.txt) with hand-read .gold.json
PINGTAN = ROOT / "sample_portal" / "data" / "pingtan"  # six real Pingtan report pages + list page, with gold
PORTAL_PAGES = ROOT / "tests" / "files" / "portals"  # real list and detail pages of other portals (no reports)
RECORD_SCHEMA = ROOT / "docs" / "record.schema.json"  # the record contract (docs/RECORD.md)


def sample_files(folder: Path, pattern: str, *, at_least: int = 1) -> list[Path]:
    """The files of `folder` matching `pattern`, sorted; raise if fewer than `at_least` exist."""
    found = sorted(folder.glob(pattern))
    if len(found) < at_least:
        raise FileNotFoundError(
            f"expected at least {at_least} files {pattern!r} in {folder}, found {len(found)}: "
            "the repository's test fixtures are incomplete"
        )
    return found


def sample_file(path: Path) -> Path:
    """`path` itself, after checking it exists (a clear error instead of a confusing one later)."""
    if not path.is_file():
        raise FileNotFoundError(f"test fixture missing: {path}")
    return path
