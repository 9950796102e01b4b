"""Lines for the user beside the resource, wherever the face can show them.

The engine shows a dynamic provider's stderr, but hides a plugin's (it keeps a plugin's unstructured
output for the crash report only: ``sdk/go/common/resource/plugin/plugin.go``), so a plugin must send
such lines through the engine's ``Log`` call. The core and the clients just ``say``; the face in use
decides where the line goes for the call at hand (a context variable, which ``asyncio.to_thread``
carries into the worker thread).
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Callable, Iterator

Sink = Callable[[str], None]

# The resource's name in every line (a management token's unless the line says another's).
PREFIX = "ManagementToken"


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


_SINK: ContextVar[Sink] = ContextVar("influxdb3_tokens_notice_sink", default=_stderr)


def say(message: str, resource: str = PREFIX) -> None:
    """One line for the user, led by the name of the ``resource`` type it is about."""
    _SINK.get()(f"{resource}: {message}")


@contextmanager
def told_to(sink: Sink) -> Iterator[None]:
    """Within this block (and threads started from it with its context), lines go to ``sink``."""
    token = _SINK.set(sink)
    try:
        yield
    finally:
        _SINK.reset(token)
