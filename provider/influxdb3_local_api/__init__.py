"""Local stand-in for the InfluxDB 3 Cloud Dedicated Management API (management tokens).

Serves the REST contract under `/api/v0` from a SQLite file, with optional fault injection.
Independent of the `pulumi_influxdb3_tokens` provider package, which only talks to it over HTTP.
"""

from . import server_extra  # noqa: F401  (first: says which extra is missing)
from .app import create_app
from .settings import Settings

__all__ = ["Settings", "create_app"]
