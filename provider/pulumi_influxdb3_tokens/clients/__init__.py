"""The transports that carry each resource's calls (``TokenClient``, ``DatabaseClient``, ``DatabaseTokenClient``,
``TableClient``: their seams in the core).

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
    from ..core.database.client import DatabaseClient
    from ..core.database_token.client import DatabaseTokenClient
    from ..core.table.client import TableClient
    from .http import HttpTokenClient
    from .http.database_tokens import HttpDatabaseTokenClient
    from .influxctl.client import InfluxctlTokenClient

__all__ = [
    "HttpDatabaseTokenClient",
    "HttpTokenClient",
    "InfluxctlTokenClient",
    "TokenClient",
    "client_for",
    "database_client_for",
    "database_token_client_for",
    "table_client_for",
]

# Each transport's client class and the module that holds it.
_TRANSPORTS = {
    "HttpTokenClient": ".http",
    "InfluxctlTokenClient": ".influxctl.client",
    "HttpDatabaseTokenClient": ".http.database_tokens",
    "HttpDatabaseClient": ".http.databases",
    "InfluxctlDatabaseClient": ".influxctl.databases",
    "InfluxctlDatabaseTokenClient": ".influxctl.database_tokens",
    "HttpTableClient": ".http.tables",
    "InfluxctlTableClient": ".influxctl.tables",
}


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
    """The client of a database (``resources.DATABASE``): the documented Management API over HTTP, or influxctl
    when the connection was resolved for it (``transport: influxctl``)."""
    secret_files.remove_stale_once()
    name = "InfluxctlDatabaseClient" if connection.transport == INFLUXCTL else "HttpDatabaseClient"
    client: DatabaseClient = __getattr__(name)(connection)
    return client


def database_token_client_for(connection: Connection) -> DatabaseTokenClient:
    """The client of a database token (``resources.DATABASE_TOKEN``): the documented Management API over HTTP (Cloud
    Dedicated or Clustered paths, by ``connection.product``), or influxctl (``transport: influxctl``)."""
    secret_files.remove_stale_once()
    name = "InfluxctlDatabaseTokenClient" if connection.transport == INFLUXCTL else "HttpDatabaseTokenClient"
    client: DatabaseTokenClient = __getattr__(name)(connection)
    return client


def table_client_for(connection: Connection) -> TableClient:
    """The client of a table (``resources.TABLE``): the documented Management API over HTTP, which creates, renames
    and deletes tables but cannot read them, or influxctl (``transport: influxctl``), which also lists them and so
    is a ``TableLister`` too (core/table/client.py)."""
    secret_files.remove_stale_once()
    name = "InfluxctlTableClient" if connection.transport == INFLUXCTL else "HttpTableClient"
    client: TableClient = __getattr__(name)(connection)
    return client


def __getattr__(name: str) -> Any:
    if name in _TRANSPORTS:
        return getattr(importlib.import_module(_TRANSPORTS[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
