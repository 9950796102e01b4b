"""Errors the user sees, and the scrubbing that keeps secrets out of them.

The Python dynamic provider sends the whole exception text (with its traceback) to the engine,
and the engine masks only secrets that come from stack config. So every message is built to end
in one sentence naming the cause, and anything that could carry a token passes through
:func:`scrub` first. Raise these ``from None`` so no chained exception text rides along.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from typing import Iterable

REDACTED = "[redacted]"

# Management tokens look like ``M.V1.<random>``; bearer headers carry any token form.
_TOKEN_PATTERN = re.compile(r"M\.V1\.[A-Za-z0-9_\-\.=+/]+")
_BEARER_PATTERN = re.compile(r"(?i)(bearer\s+)[^\s\"',;]+")
_AUTH_HEADER_PATTERN = re.compile(r"(?i)(authorization['\"]?\s*[:=]\s*['\"]?)[^\s\"',;]+(\s+[^\s\"',;]+)?")


def _spellings(secret: str) -> set[str]:
    """The forms a secret takes in URLs, JSON or TOML strings and Python reprs, as errors may quote it."""
    return {
        secret,
        urllib.parse.quote(secret, safe=""),
        urllib.parse.quote(secret),
        urllib.parse.quote_plus(secret),
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
        secret.replace("\\", "\\\\").replace('"', '\\"'),  # a TOML basic string
        repr(secret)[1:-1],
        repr(secret.encode("utf-8"))[2:-1],
    }


def scrub(text: str, secrets: Iterable[str | None] = ()) -> str:
    """Replace known secret values (in any encoding), token-shaped strings and bearer credentials with [redacted]."""
    spellings = {form for secret in secrets if secret and len(secret) >= 4 for form in _spellings(secret)}
    for form in sorted(spellings, key=len, reverse=True):  # longest first: no half-replaced escapes
        text = text.replace(form, REDACTED)
    text = _TOKEN_PATTERN.sub(REDACTED, text)
    text = _AUTH_HEADER_PATTERN.sub(lambda m: m.group(1) + REDACTED, text)
    text = _BEARER_PATTERN.sub(lambda m: m.group(1) + REDACTED, text)
    return text


class InfluxDB3TokensError(Exception):
    """Base class: the message is safe to show (already scrubbed)."""

    def __init__(self, message: str, secrets: Iterable[str | None] = ()) -> None:
        super().__init__(scrub(message, secrets))


class ConfigurationError(InfluxDB3TokensError):
    """A setting is missing or unusable; the message names the config key and env var."""


class ManagementApiError(InfluxDB3TokensError):
    """The Management API refused or failed a request; ``status`` is the HTTP status, if any."""

    def __init__(self, message: str, status: int | None = None, secrets: Iterable[str | None] = ()) -> None:
        super().__init__(message, secrets)
        self.status = status


class TokenNotFoundError(ManagementApiError):
    """The token id is unknown to the server (HTTP 404)."""


class AdoptionError(InfluxDB3TokensError):
    """A token named by ``adopt_token_id`` cannot be adopted; the message says why."""


class LostAnswerError(ManagementApiError):
    """The server says this create's Idempotency-Key already made ``token_id``: an earlier attempt of
    the same create committed and its answer (with the only copy of the token string) was lost."""

    def __init__(self, message: str, token_id: str, secrets: Iterable[str | None] = ()) -> None:
        super().__init__(message, status=409, secrets=secrets)
        self.token_id = token_id


class OutcomeUnknownError(ManagementApiError):
    """A create failed after it may have reached the server: a token may exist that nobody holds."""
