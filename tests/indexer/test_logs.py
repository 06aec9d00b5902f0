"""Credentials never reach a log line (indexer.logs)."""

from __future__ import annotations

import logging

from indexer.logs import install_redaction, redact, register_secret


def test_url_passwords_are_masked_in_text():
    assert (
        redact("open https://elastic:s3cr%40t@es.example:9200/reports")
        == "open https://elastic:***@es.example:9200/reports"
    )
    assert (
        redact("http://host:9200 and sqlite:///data/reports.sqlite")
        == "http://host:9200 and sqlite:///data/reports.sqlite"
    )


def test_log_records_are_masked_whatever_logger_and_arguments(caplog):
    install_redaction()
    register_secret("TopSecretApiKey==")
    logger = logging.getLogger("elastic_transport.any")
    with caplog.at_level(logging.INFO):
        logger.info("connecting to %s with key %s", "https://user:hunter22@es:9200", "TopSecretApiKey==")
        try:
            raise ConnectionError("refused: https://user:hunter22@es:9200/_bulk")
        except ConnectionError:
            logger.exception("bulk failed")
    text = caplog.text
    assert "hunter22" not in text and "TopSecretApiKey" not in text
    assert "https://user:***@es:9200" in text and "key ***" in text
