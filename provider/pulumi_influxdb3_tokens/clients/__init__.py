"""One client interface for management tokens; transports carry the calls.

A transport's module is imported when a connection first asks for it: a provider process on the
REST API never loads the influxctl client, and one on influxctl never loads httpx.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..core.management_token.client import TokenClient
from ..settings import INFLUXCTL, Connection

if TYPE_CHECKING:
    from .http import HttpTokenClient
    from .influxctl.client import InfluxctlTokenClient

__all__ = ["HttpTokenClient", "InfluxctlTokenClient", "TokenClient", "client_for"]


def client_for(connection: Connection) -> TokenClient:
    """The client for a resolved connection: the transport is the connection's choice."""
    if connection.transport == INFLUXCTL:
        from .influxctl.client import InfluxctlTokenClient

        return InfluxctlTokenClient(connection)
    from .http import HttpTokenClient

    return HttpTokenClient(connection)


def __getattr__(name: str) -> Any:
    if name == "HttpTokenClient":
        from .http import HttpTokenClient

        return HttpTokenClient
    if name == "InfluxctlTokenClient":
        from .influxctl.client import InfluxctlTokenClient

        return InfluxctlTokenClient
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
