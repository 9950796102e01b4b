"""The transports that carry each resource's calls (``TokenClient``, ``DatabaseClient``, ``DatabaseTokenClient``,
``TableClient``: their seams in the core).

A transport's module is imported when a connection first asks for it: a provider process on the
REST API never loads the influxctl client, and one on influxctl never loads httpx.
"""

from __future__ import annotations

import importlib
import threading
from typing import TYPE_CHECKING, Any, Callable, TypeVar

from ..core.answered_creates import journal_directory
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

_C = TypeVar("_C")
# The HTTP clients of this provider process, one per kind, connection and journal folder (see _one_per_connection).
_HTTP_CLIENTS: dict[tuple[str, Connection, str], Any] = {}
_HTTP_CLIENTS_LOCK = threading.Lock()

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
    client: TokenClient = _client("TokenClient", connection)
    return client


def database_client_for(connection: Connection) -> DatabaseClient:
    """The client of a database (``resources.DATABASE``): the documented Management API over HTTP, or influxctl
    when the connection was resolved for it (``transport: influxctl``)."""
    client: DatabaseClient = _client("DatabaseClient", connection)
    return client


def database_token_client_for(connection: Connection) -> DatabaseTokenClient:
    """The client of a database token (``resources.DATABASE_TOKEN``): the documented Management API over HTTP (Cloud
    Dedicated or Clustered paths, by ``connection.product``), or influxctl (``transport: influxctl``)."""
    client: DatabaseTokenClient = _client("DatabaseTokenClient", connection)
    return client


def table_client_for(connection: Connection) -> TableClient:
    """The client of a table (``resources.TABLE``): the documented Management API over HTTP, which creates, renames
    and deletes tables but cannot read them, or influxctl (``transport: influxctl``), which also lists them and so
    is a ``TableLister`` too (core/table/client.py)."""
    client: TableClient = _client("TableClient", connection)
    return client


def _client(seam: str, connection: Connection) -> Any:
    """The client of ``seam`` (``TokenClient``, ``DatabaseClient``, ...) on the transport the connection chose: an
    influxctl client made per call, as influxctl's clients are; the HTTP client of the connection made once per
    process (_one_per_connection)."""
    secret_files.remove_stale_once()
    if connection.transport == INFLUXCTL:
        return __getattr__(f"Influxctl{seam}")(connection)
    name = f"Http{seam}"
    return _one_per_connection(name, connection, __getattr__(name))


def _one_per_connection(kind: str, connection: Connection, make: Callable[[Connection], _C]) -> _C:
    """The HTTP client of ``kind`` on ``connection``, made once per provider process: the faces ask for a client at
    every call, and an HTTP client holds nothing but what its connection (every setting, the credential included)
    and the journal folder decide, on the process-wide pool. A connection that differs in any setting gets its own."""
    key = (kind, connection, str(journal_directory()))
    with _HTTP_CLIENTS_LOCK:
        client = _HTTP_CLIENTS.get(key)
        if client is None:
            client = _HTTP_CLIENTS[key] = make(connection)
        return client


def __getattr__(name: str) -> Any:
    if name in _TRANSPORTS:
        return getattr(importlib.import_module(_TRANSPORTS[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
