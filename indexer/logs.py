"""No password in any log line: credentials in URLs and registered secret values are masked.

`install_redaction()` wraps the logging record factory once per process, so every record of every
logger (ours, Scrapy's, uvicorn's, the Elasticsearch client's) is masked when it is created, whatever
handler prints it: `https://user:secret@host` becomes `https://user:***@host`, and any value passed
to `register_secret` (ES_PASSWORD, ES_API_KEY …) becomes `***`. `redact` does the same for text
printed without logging.
"""

from __future__ import annotations

import logging
import re
import threading
from typing import Any

MASK = "***"
MIN_SECRET_CHARS = 4  # shorter values would mask ordinary words
URL_CREDENTIALS_RE = re.compile(r"(?P<head>\b[a-zA-Z][a-zA-Z0-9+.\-]*://[^\s:/@]*):(?P<password>[^\s@/]+)@")

_secrets: set[str] = set()
_lock = threading.Lock()
_installed = False


def register_secret(value: str | None) -> None:
    """Mask this exact value wherever it appears in later log lines and `redact` output."""
    if value and len(value) >= MIN_SECRET_CHARS:
        with _lock:
            _secrets.add(value)


def redact(text: str) -> str:
    """Mask URL passwords and registered secrets in `text`."""
    text = URL_CREDENTIALS_RE.sub(lambda m: f"{m['head']}:{MASK}@", text)
    for secret in sorted(_secrets, key=len, reverse=True):
        text = text.replace(secret, MASK)
    return text


def install_redaction() -> None:
    """Mask every log record from now on, in this process (idempotent)."""
    global _installed
    with _lock:
        if _installed:
            return
        _installed = True
    make_record = logging.getLogRecordFactory()

    def redacting_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        message = record.getMessage()
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return record

    logging.setLogRecordFactory(redacting_record)
