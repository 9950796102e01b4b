"""What is retried and how long to wait: connection errors, timeouts, 429 (honouring ``Retry-After``), 502-504."""

from __future__ import annotations

from typing import Optional

import httpx
import tenacity

from ...core import timeutil

RETRYABLE_STATUS = frozenset({429, 502, 503, 504})
MAX_ATTEMPTS = 12
MAX_SINGLE_WAIT = 10.0


class RetryableStatus(Exception):
    def __init__(self, response: httpx.Response) -> None:
        super().__init__(response.status_code)
        self.response = response
        self.retry_after = _retry_after_seconds(response)


def _retry_after_seconds(response: httpx.Response) -> Optional[float]:
    raw = response.headers.get("Retry-After")
    if raw is None:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        try:
            return max(0.0, (timeutil.parse_rfc3339(raw) - timeutil.now()).total_seconds())
        except timeutil.TimeFormatError:
            return None


_jitter = tenacity.wait_exponential_jitter(multiplier=0.25, max=MAX_SINGLE_WAIT, jitter=0.5)


def backoff(state: tenacity.RetryCallState) -> float:
    """Honour Retry-After on 429/503, else exponential backoff with jitter."""
    error = state.outcome.exception() if state.outcome else None
    if isinstance(error, RetryableStatus) and error.retry_after is not None:
        return min(error.retry_after, MAX_SINGLE_WAIT)
    return _jitter(state)
