"""One client interface for management tokens; transports carry the calls."""

from .base import TokenClient
from .http import HttpTokenClient

__all__ = ["TokenClient", "HttpTokenClient", "client_for"]


def client_for(connection) -> TokenClient:  # type: ignore[no-untyped-def]
    """The client for a resolved :class:`~pulumi_influxdb3_tokens.settings.Connection`."""
    return HttpTokenClient(connection)
