"""Instants relative to now, as tests write them ("expires in 30 days").

``timeutil.now()`` is the provider's own clock: the real time to the second, or
``INFLUXDB3_TOKENS_FAKE_NOW`` when a test sets it, so a test and the code under test agree on "now".
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pulumi_influxdb3_tokens.core import timeutil


def moment_in_days(days: float) -> datetime:
    """Now plus ``days`` (negative: in the past), an aware UTC datetime."""
    return timeutil.now() + timedelta(days=days)


def in_days(days: float) -> str:
    """Now plus ``days`` as RFC3339 UTC, e.g. ``2027-03-01T00:00:00Z``."""
    return timeutil.format_rfc3339(moment_in_days(days))


class Clock:
    """The provider's clock at a few instants of one test, fixed when the test starts."""

    def __init__(self) -> None:
        self.start = moment_in_days(0)

    def at(self, days: float) -> dict[str, str]:
        return {"INFLUXDB3_TOKENS_FAKE_NOW": timeutil.format_rfc3339(self.start + timedelta(days=days))}

    def iso(self, days: float) -> str:
        return timeutil.format_rfc3339(self.start + timedelta(days=days))
