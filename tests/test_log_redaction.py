"""No log line carries the bot token or an interaction token, whatever the level and whoever logs it."""

from __future__ import annotations

import io
import logging

from bot.log_redaction import REDACTED, install, redact

TOKEN = "MTIzNDU2Nzg5.Gabcde.the-secret-part"  # noqa: S105 - made up, to prove it never shows
INTERACTION_TOKEN = "aW50ZXJhY3Rpb246MTIzOjE2ODAwMDAwMDA"  # noqa: S105


def test_urls_and_payload_fields_lose_their_tokens() -> None:
    text = (
        f"POST https://discord.com/api/v10/interactions/123/{INTERACTION_TOKEN}/callback; "
        f"PATCH /webhooks/456/{INTERACTION_TOKEN}/messages/@original; "
        f"event {{'type': 2, 'token': '{INTERACTION_TOKEN}'}} and {{\"token\": \"{INTERACTION_TOKEN}\"}}"
    )
    cleaned = redact(text)
    assert INTERACTION_TOKEN not in cleaned
    assert f"/interactions/123/{REDACTED}/callback" in cleaned
    assert f"/webhooks/456/{REDACTED}/messages/@original" in cleaned


def test_every_logger_at_every_level_is_redacted_messages_arguments_and_tracebacks() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    logger = logging.getLogger("discord.http.test")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    install([handler], [TOKEN])
    try:
        logger.debug("token %s in an argument", TOKEN)
        logger.info("a URL: /webhooks/1/%s", INTERACTION_TOKEN)
        try:
            raise RuntimeError(f"failed at /interactions/9/{INTERACTION_TOKEN}/callback with {TOKEN}")
        except RuntimeError:
            logger.exception("request failed")
    finally:
        logger.removeHandler(handler)
    written = stream.getvalue()
    assert TOKEN not in written
    assert INTERACTION_TOKEN not in written
    assert written.count(REDACTED) >= 4  # argument, URL, and the exception message twice (source line, text)
    assert "RuntimeError" in written  # the traceback is kept, only the secrets go
