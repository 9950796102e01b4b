"""Pulumi resources for InfluxDB 3 Cloud Dedicated management tokens."""

from .errors import AdoptionError, ConfigurationError, InfluxDB3TokensError, ManagementApiError
from .resource import ManagementToken
from .version import __version__

__all__ = [
    "AdoptionError",
    "ConfigurationError",
    "InfluxDB3TokensError",
    "ManagementApiError",
    "ManagementToken",
    "__version__",
]
