"""RFC3339 and duration parsing, normalisation, and the clock seam.

Every "now" in the provider, the policy rules and the audit command comes from :func:`now`, so that
tests can move the clock forward (``INFLUXDB3_TOKENS_FAKE_NOW``) instead of sleeping. The variable
is inherited by the dynamic provider process that the Pulumi engine starts.
"""

from __future__ import annotations

import os
import re
from datetime import datetime, timedelta, timezone

FAKE_NOW_ENV = "INFLUXDB3_TOKENS_FAKE_NOW"

_DURATION_PART = re.compile(r"(\d+)(w|d|h|m|s)")
_DURATION_WHOLE = re.compile(r"^(?:\d+(?:w|d|h|m|s))+$")
_UNIT_SECONDS = {"w": 7 * 86400, "d": 86400, "h": 3600, "m": 60, "s": 1}
_LONGEST = datetime.max.replace(tzinfo=timezone.utc) - datetime.min.replace(tzinfo=timezone.utc)


class TimeFormatError(ValueError):
    """A time or duration string that cannot be used; the message names what is wrong."""


def now() -> datetime:
    """The current instant in UTC, or the instant in ``INFLUXDB3_TOKENS_FAKE_NOW`` when set."""
    fake = os.environ.get(FAKE_NOW_ENV)
    if fake:
        return parse_rfc3339(fake)
    return datetime.now(timezone.utc).replace(microsecond=0)


def parse_rfc3339(value: object) -> datetime:
    """Parse an RFC3339 timestamp (or an aware ``datetime``) into an aware UTC datetime.

    A zone is required: a time without one means different instants on different machines.
    """
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        text = value.strip()
        if not re.match(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}", text):
            raise TimeFormatError(f"'{value}' is not an RFC3339 timestamp such as 2027-03-01T00:00:00Z")
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            raise TimeFormatError(f"'{value}' is not an RFC3339 timestamp such as 2027-03-01T00:00:00Z") from None
    else:
        raise TimeFormatError(f"expected an RFC3339 string or a datetime, got {type(value).__name__}")
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise TimeFormatError(f"'{value}' has no time zone; add Z or an offset such as +02:00")
    try:
        return parsed.astimezone(timezone.utc)
    except OverflowError:  # e.g. 9999-12-31T23:59:59-01:00 is in the year 10000 in UTC
        raise TimeFormatError(f"'{value}' falls outside the years 1 to 9999 in UTC") from None


def format_rfc3339(value: datetime) -> str:
    """Normalised UTC form with second precision: ``2027-03-01T00:00:00Z``."""
    return value.astimezone(timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def normalize_rfc3339(value: object) -> str:
    """One spelling per instant, so ``Z``/``+00:00``/``datetime`` inputs compare equal."""
    return format_rfc3339(parse_rfc3339(value))


def parse_duration(value: object) -> timedelta:
    """Parse ``90d``, ``12h``, ``1w2d``, ``30m`` or ``45s`` (units w, d, h, m, s) into a timedelta."""
    if not isinstance(value, str):
        raise TimeFormatError(f"expected a duration string such as '90d', got {type(value).__name__}")
    text = value.strip().lower()
    if not _DURATION_WHOLE.match(text):
        raise TimeFormatError(
            f"'{value}' is not a duration; use a number with a unit w, d, h, m or s, such as '90d' or '12h'"
        )
    seconds = sum(int(n) * _UNIT_SECONDS[unit] for n, unit in _DURATION_PART.findall(text))
    if seconds <= 0:
        raise TimeFormatError(f"'{value}' is not a positive duration")
    if seconds > _LONGEST.total_seconds():
        raise TimeFormatError(f"'{value}' is longer than any calendar date can reach ({_LONGEST.days}d)")
    return timedelta(seconds=seconds)


def format_duration(value: timedelta) -> str:
    """Shortest exact spelling of a duration in whole units, e.g. ``90d`` or ``1d12h``."""
    seconds = int(value.total_seconds())
    parts = []
    for unit in ("d", "h", "m", "s"):
        size = _UNIT_SECONDS[unit]
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts) or "0s"
