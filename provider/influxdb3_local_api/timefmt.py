"""RFC3339 helpers: every timestamp on the wire and in the database is UTC, second precision, with a `Z`."""

from __future__ import annotations

from datetime import datetime, timezone


def utc_now() -> datetime:
    """The current time in UTC, truncated to whole seconds."""
    return datetime.now(timezone.utc).replace(microsecond=0)


def format_rfc3339(moment: datetime) -> str:
    """Format an aware datetime as `YYYY-MM-DDTHH:MM:SSZ`."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_rfc3339(text: str) -> datetime:
    """Parse an RFC3339 timestamp that carries a zone; return it in UTC without microseconds.

    Raises ValueError for unparsable text and for naive (zone-less) timestamps.
    """
    if text[-1:] in ("z", "Z"):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError("must be an RFC3339 timestamp such as 2026-11-25T07:00:00Z") from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("must include a time zone (Z or +HH:MM)")
    try:
        return moment.astimezone(timezone.utc).replace(microsecond=0)
    except OverflowError:  # e.g. 9999-12-31T23:59:59-01:00 is in year 10000 in UTC
        raise ValueError("must fall between years 1 and 9999 in UTC") from None
