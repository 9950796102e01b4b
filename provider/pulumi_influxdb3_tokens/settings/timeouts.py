"""How long a transport waits for one answer, and keeps retrying one operation."""

from __future__ import annotations

from typing import Any, Mapping, Optional, TypedDict

from .sources import lookup, seconds
from .table import DEFAULT_REQUEST_TIMEOUT, REQUEST_TIMEOUT, RETRY_TIMEOUT


class Timeouts(TypedDict):
    request_timeout: float
    retry_timeout: float


def timeouts(stack_config: Mapping[str, Any], transport: str, environ: Optional[Mapping[str, str]] = None) -> Timeouts:
    return {
        "request_timeout": seconds(
            REQUEST_TIMEOUT, lookup(REQUEST_TIMEOUT, stack_config, {}, environ), DEFAULT_REQUEST_TIMEOUT[transport]
        ),
        "retry_timeout": seconds(RETRY_TIMEOUT, lookup(RETRY_TIMEOUT, stack_config, {}, environ), 60.0),
    }
