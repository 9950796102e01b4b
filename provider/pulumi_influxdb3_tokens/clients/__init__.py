"""The transports that carry a resource's calls (``TokenClient``, ``DatabaseClient``: their seams in the core).

A transport's module is imported when a connection first asks for it: a provider process on the
REST API never loads the influxctl client, and one on influxctl never loads httpx.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ..core.errors import ConfigurationError
from ..core.management_token.client import TokenClient
from ..settings import INFLUXCTL, Connection
from . import secret_files

if TYPE_CHECKING:
    from ..core.database.client import DatabaseClient
    from .http import HttpTokenClient
    from .influxctl.client import InfluxctlTokenClient

__all__ = ["HttpTokenClient", "InfluxctlTokenClient", "TokenClient", "client_for", "database_client_for"]

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


def database_client_for(connection: Connection) -> DatabaseClient:
    """The client of a database (``resources.DATABASE``): the documented Management API over HTTP, the only
    transport that manages databases; a connection on influxctl is refused in one sentence."""
    if connection.transport == INFLUXCTL:
        raise ConfigurationError(
            "A Database is managed over the documented Management API only, and this connection uses influxctl: "
            "set influxdb3:apiUrl (INFLUXDB3_API_URL) and influxdb3:transport to http."
        )
    secret_files.remove_stale_once()
    from .http.databases import HttpDatabaseClient

    return HttpDatabaseClient(connection)


def __getattr__(name: str) -> Any:
    if name in _TRANSPORTS:
        return getattr(importlib.import_module(_TRANSPORTS[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
