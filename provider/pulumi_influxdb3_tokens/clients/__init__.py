"""The transports that carry a management token's calls (``TokenClient``, its seam in the core).

A transport's module is imported when a connection first asks for it: a provider process on the
REST API never loads the influxctl client, and one on influxctl never loads httpx.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ..core.management_token.client import TokenClient
from ..settings import INFLUXCTL, Connection
from . import secret_files

if TYPE_CHECKING:
    from .http import HttpTokenClient
    from .influxctl.client import InfluxctlTokenClient

__all__ = ["HttpTokenClient", "InfluxctlTokenClient", "TokenClient", "client_for"]

# Each transport's client class and the module that holds it.
_TRANSPORTS = {"HttpTokenClient": ".http", "InfluxctlTokenClient": ".influxctl.client"}


def client_for(connection: Connection) -> TokenClient:
    """The client for a resolved connection: the transport is the connection's choice.

    The first client a process makes, of either transport, removes the temporary influxctl profiles
    (with an admin token in them) that killed provider processes left behind (secret_files.py).
    """
    secret_files.remove_stale_once()
    transport = "InfluxctlTokenClient" if connection.transport == INFLUXCTL else "HttpTokenClient"
    client: TokenClient = __getattr__(transport)(connection)
    return client


def __getattr__(name: str) -> Any:
    if name in _TRANSPORTS:
        return getattr(importlib.import_module(_TRANSPORTS[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
