"""One client interface for management tokens; transports carry the calls."""

from ..settings import INFLUXCTL, Connection
from .base import TokenClient
from .http import HttpTokenClient
from .influxctl.client import InfluxctlTokenClient

__all__ = ["HttpTokenClient", "InfluxctlTokenClient", "TokenClient", "client_for"]


def client_for(connection: Connection) -> TokenClient:
    """The client for a resolved connection: the transport is the connection's choice."""
    if connection.transport == INFLUXCTL:
        return InfluxctlTokenClient(connection)
    return HttpTokenClient(connection)
