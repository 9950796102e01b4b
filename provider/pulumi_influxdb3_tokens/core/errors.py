"""Errors the user sees, and the scrubbing that keeps secrets out of them.

The Python dynamic provider sends the whole exception text (with its traceback) to the engine,
and the engine masks only secrets that come from stack config. So every message is built to end
in one sentence naming the cause, and anything that could carry a token passes through
:func:`scrub` first. Raise these ``from None`` so no chained exception text rides along.

Scrub first, then cut: a text shortened before it is scrubbed keeps the part of a secret before the
cut, which no longer matches the secret. :func:`scrub_then_cut` is the one way to shorten such text.
"""

from __future__ import annotations

import itertools
import json
import re
import urllib.parse
from typing import Iterable

REDACTED = "[redacted]"

# Management tokens look like ``M.V1.<random>``; bearer headers carry any token form.
# Database tokens as the OpenAPI files' examples show them (DatabaseTokenAccessToken): ``apiv1_<64 characters>``.
_TOKEN_PATTERN = re.compile(r"M\.V1\.[A-Za-z0-9_\-\.=+/]+|apiv1_[A-Za-z0-9_\-=+/]{16,}")
_BEARER_PATTERN = re.compile(r"(?i)(bearer\s+)[^\s\"',;]+")
_AUTH_HEADER_PATTERN = re.compile(r"(?i)(authorization['\"]?\s*[:=]\s*['\"]?)[^\s\"',;]+(\s+[^\s\"',;]+)?")

# A token of any other form: a run of 20+ characters of the base64, base64url and hex alphabets that
# looks random (see _random_looking). UUIDs and "/" break a run into pieces judged on their own, so the
# ids that name tokens, accounts and clusters stay readable, and so do the words of a path.
_RUN = re.compile(r"[A-Za-z0-9+/_=-]{20,}")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_ALNUM_PART = re.compile(r"[A-Za-z0-9]+")
_WORDLIKE = re.compile(r"[a-z]{4,}|[A-Z]{4,}")  # 4+ letters of one case in a row: words, not chance


def _kind(char: str) -> int:
    return 0 if char.isdigit() else 1 if char.islower() else 2


def _random_looking(piece: str) -> bool:
    """Random, not words: a part of 10+ letters and digits, two kinds of them mixed (digit, lower, upper),
    letters of one case in runs of 4+ under half of it, and the kind changing at least every 4th character.
    Random base64, base64url and hex of 20+ characters pass more than 9 times in 10; identifiers such as
    InfluxDB3TokensError, paths such as /run/user/1000/pulumi-influxdb3-tokens, numbers and dates do not."""
    parts = _ALNUM_PART.findall(piece)
    if len(piece) < 20 or max(map(len, parts), default=0) < 10:
        return False
    alnum = "".join(parts)
    if len({_kind(c) for c in alnum}) < 2:
        return False
    wordlike = sum(len(word) for word in _WORDLIKE.findall(alnum))
    switches = sum(_kind(a) != _kind(b) for a, b in itertools.pairwise(alnum))
    return wordlike * 2 < len(alnum) and switches * 4 >= len(alnum) - 1


def _token_shaped(run: str) -> bool:
    unhyphened = _UUID.sub("/", run)
    return any(_random_looking(piece) for piece in (unhyphened, *unhyphened.split("/")))


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
    return _RUN.sub(lambda m: REDACTED if _token_shaped(m.group()) else m.group(), text)


def scrub_then_cut(text: str, limit: int, secrets: Iterable[str | None] = (), ellipsis: str = "") -> str:
    """``text`` scrubbed whole, then shortened to ``limit`` characters (``ellipsis`` ending a shortened one).

    Never the other way round: a cut secret no longer matches. A cut that would split ``[redacted]``
    ends before it instead, so the mark is never mistaken for text."""
    text = scrub(text, secrets)
    if len(text) <= limit:
        return text
    cut = text[: max(limit - len(ellipsis), 0)]
    partial = cut.rfind("[", max(len(cut) - len(REDACTED) + 1, 0))
    if partial >= 0 and REDACTED.startswith(cut[partial:]):
        cut = cut[:partial]
    return cut + ellipsis


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


class DatabaseExistsError(ManagementApiError):
    """The cluster already has a database of the name a create or a rename asked for (HTTP 409): it proves
    nothing about who made it, so it is never taken over."""


class DatabaseNotFoundError(ManagementApiError):
    """The cluster has no database of the name a request named (HTTP 404)."""


class TableExistsError(ManagementApiError):
    """The database already has a table of the name a create or a rename asked for (HTTP 409): never taken over."""


class TableNotFoundError(ManagementApiError):
    """The cluster has no such table, or no such database (HTTP 404)."""
