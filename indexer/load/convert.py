"""Old binary Word files (.doc, and WPS Office's .wps) → DOCX with LibreOffice headless, then read as any DOCX.

Each conversion runs `soffice --headless --convert-to docx` in its own temporary folder with its own
LibreOffice profile (-env:UserInstallation), so conversions running at the same time never share a
profile or a lock file; a timeout bounds it and kills the whole LibreOffice process group. Debian
package: libreoffice-writer-nogui.
"""

from __future__ import annotations

import functools
import logging
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from indexer.errors import UnreadablePage

logger = logging.getLogger(__name__)

SOFFICE_NAMES = ("soffice", "libreoffice")
DOCX_FILTER = "docx:MS Word 2007 XML"
VERSION_TIMEOUT_S = 30


def soffice_path() -> str | None:
    """Return the LibreOffice executable on PATH, or None when it is not installed."""
    return next((found for name in SOFFICE_NAMES if (found := shutil.which(name))), None)


@functools.lru_cache(maxsize=4)
def libreoffice_version(soffice: str) -> str:
    """Name LibreOffice as the record states it, e.g. 'LibreOffice 7.4.7.2' (asked once per executable)."""
    try:
        shown = subprocess.run([soffice, "--version"], capture_output=True, text=True, timeout=VERSION_TIMEOUT_S)
    except (OSError, subprocess.TimeoutExpired):
        return "LibreOffice"
    words = shown.stdout.split()
    return " ".join(words[:2]) if len(words) >= 2 else "LibreOffice"


def convert_to_docx(data: bytes, source_format: str, timeout: float) -> tuple[bytes, str]:
    """Convert a .doc/.wps file to DOCX; return the DOCX bytes and the tool, e.g. 'LibreOffice 7.4.7.2 (wps → docx)'.

    Raises UnreadablePage when LibreOffice is missing, fails (corrupt or password-protected file) or
    takes longer than `timeout` seconds.
    """
    soffice = soffice_path()
    if soffice is None:
        raise UnreadablePage(
            f".{source_format} file needs LibreOffice to be read, and it is not installed "
            "(Debian: libreoffice-writer-nogui; `soffice` not on PATH)"
        )
    with tempfile.TemporaryDirectory(prefix="reports-convert-") as folder:
        work = Path(folder)
        source = work / f"report.{source_format}"
        source.write_bytes(data)
        started = time.monotonic()
        _run_soffice(soffice, work, source, source_format, timeout)
        converted = work / "out" / "report.docx"
        if not converted.is_file():
            raise UnreadablePage(
                f"LibreOffice could not convert the .{source_format} file to DOCX (corrupt or password-protected)"
            )
        logger.debug("converted .%s to DOCX in %.1f s", source_format, time.monotonic() - started)
        return converted.read_bytes(), f"{libreoffice_version(soffice)} ({source_format} → docx)"


def _run_soffice(soffice: str, work: Path, source: Path, source_format: str, timeout: float) -> None:
    """Run one headless conversion with a private profile; kill its process group if it overruns."""
    command = [
        soffice,
        f"-env:UserInstallation={(work / 'profile').as_uri()}",
        "--headless",
        "--norestore",
        "--nolockcheck",
        "--convert-to",
        DOCX_FILTER,
        "--outdir",
        str(work / "out"),
        str(source),
    ]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True, env=_environment(work)
    )
    try:
        _, errors = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise UnreadablePage(
            f"LibreOffice did not convert the .{source_format} file within {timeout:g} s (REPORTS_CONVERT_TIMEOUT)"
        ) from exc
    if process.returncode != 0:
        logger.debug("soffice exit %d: %s", process.returncode, errors.decode("utf-8", "replace")[-500:])


def _environment(work: Path) -> dict[str, str]:
    """The environment of a conversion: ours, with HOME in the temporary folder (LibreOffice writes caches there)."""
    return {**os.environ, "HOME": str(work)}
