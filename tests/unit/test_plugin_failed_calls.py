"""The plugin's servicer marks a failed call (process_gc.py): that process keeps CPython's whole exit."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from pulumi_influxdb3_tokens import process_gc
from pulumi_influxdb3_tokens.core.errors import ManagementApiError
from pulumi_influxdb3_tokens.plugin.server import _Servicer


class Aborted(Exception):
    pass


class Context:
    async def abort(self, _code: Any, details: str) -> None:
        raise Aborted(details)


async def failing(_request: Any, _context: Any) -> Any:
    raise ManagementApiError("Could not create a management token (HTTP 500).")


async def answering(_request: Any, _context: Any) -> Any:
    return "answer"


def test_a_failed_call_marks_the_process_and_an_answered_one_does_not(monkeypatch: pytest.MonkeyPatch):
    """A command that fails ends with the engine shutting its resource monitor down right after the providers exit,
    while the SDK's program may still report failed registrations (tests/e2e/test_faults_e2e.py saw its Python
    tracebacks when every exit was quick): a process that failed a call does not freeze its objects at exit."""
    failed: list[bool] = []
    monkeypatch.setattr(process_gc, "_FAILED", failed)
    servicer = _Servicer.__new__(_Servicer)  # _clean reads nothing the constructor sets
    assert asyncio.run(servicer._clean(answering, None, Context())) == "answer"
    assert failed == []
    with pytest.raises(Aborted, match="HTTP 500"):
        asyncio.run(servicer._clean(failing, None, Context()))
    assert failed == [True]
