"""Logs never carry secrets: the bot token, or the interaction tokens in webhook and callback URLs.

An interaction token lets anyone answer or edit the bot's reply for 15 minutes, and discord.py logs
every request's URL and every gateway event at DEBUG. `RedactSecrets` is a logging filter the CLI
installs on its handlers, so it sees every record whichever logger made it, at every level, and
rewrites the message, the traceback and the stack before any handler writes them.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

REDACTED = "[redacted]"
# /webhooks/<application id>/<token> and /interactions/<interaction id>/<token>, in any URL or message.
_URL_TOKEN = re.compile(r"(/(?:webhooks|interactions)/\d+/)[^/\s?'\"]+")
# "token": "…" in a payload logged as JSON or as a Python dict (an INTERACTION_CREATE event).
_FIELD_TOKEN = re.compile(r"""(['"]token['"]\s*:\s*['"])[^'"]*""")
_MIN_SECRET = 8  # shorter "secrets" (a test's made-up token, an empty one) would redact ordinary words


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with every secret, and every token in a webhook or interaction URL or payload, replaced."""
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    text = _URL_TOKEN.sub(rf"\g<1>{REDACTED}", text)
    return _FIELD_TOKEN.sub(rf"\g<1>{REDACTED}", text)


class RedactSecrets(logging.Filter):
    """Rewrites each record so that no secret reaches a handler; never drops a record."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = tuple(s for s in secrets if len(s) >= _MIN_SECRET)
        self._formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: let the handler report it as it always does
            return True
        record.msg, record.args = redact(message, self.secrets), None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, self.secrets)
        if record.stack_info:
            record.stack_info = redact(record.stack_info, self.secrets)
        return True


def install(handlers: Iterable[logging.Handler], secrets: Iterable[str] = ()) -> RedactSecrets:
    """Put one `RedactSecrets` on each handler (the root logger's, in the CLI), replacing an earlier one."""
    redactor = RedactSecrets(secrets)
    for handler in handlers:
        for earlier in [f for f in handler.filters if isinstance(f, RedactSecrets)]:
            handler.removeFilter(earlier)
        handler.addFilter(redactor)
    return redactor
