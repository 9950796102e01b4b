"""Our errors reach the user as their one sentence; a genuine bug still shows its traceback.

The SDK's dynamic provider host (``pulumi.dynamic.__main__``, run as the provider process's
``__main__``) aborts every failed call with ``traceback.format_exc()``, so a user would see a
Python traceback wrapped around a message that was written to stand alone. :func:`install` swaps
the ``traceback`` name that host module reads for a stand-in whose ``format_exc`` returns just the
message of an ``InfluxDB3TokensError`` (already scrubbed of secrets) and the real traceback for
anything else. It does nothing outside the provider process (the program, tests, the CLI).
"""

from __future__ import annotations

import sys
import traceback
from types import ModuleType
from typing import Any, Protocol, TypeGuard

from ..core.errors import InfluxDB3TokensError
from ..process_gc import a_call_failed

_HOST_MODULES = ("__main__", "pulumi.dynamic.__main__")


class _TracebackForUsers:
    """Stands in for the ``traceback`` module inside the SDK's provider host."""

    def format_exc(self, limit: int | None = None, chain: bool = True) -> str:
        a_call_failed()  # the host formats the error of every call it fails (process_gc.py)
        error = sys.exc_info()[1]
        if isinstance(error, InfluxDB3TokensError):
            return str(error)
        return traceback.format_exc(limit=limit, chain=chain)

    def __getattr__(self, name: str) -> Any:
        return getattr(traceback, name)


class _ProviderHost(Protocol):
    traceback: Any


def _is_provider_host(module: ModuleType | None) -> TypeGuard[_ProviderHost]:
    return module is not None and hasattr(module, "_abort_with_traceback") and hasattr(module, "traceback")


def install() -> bool:
    """Patch the provider host, once; True when this process is one."""
    patched = False
    for name in _HOST_MODULES:
        host = sys.modules.get(name)
        if _is_provider_host(host):
            if not isinstance(host.traceback, _TracebackForUsers):
                host.traceback = _TracebackForUsers()
            patched = True
    return patched
