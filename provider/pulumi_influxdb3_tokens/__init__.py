"""Pulumi resources for InfluxDB 3 Cloud Dedicated management tokens."""

from .core.errors import AdoptionError, ConfigurationError, InfluxDB3TokensError, ManagementApiError
from .dynamic.resource import ManagementToken

__all__ = [
    "ManagementToken",
    "InfluxDB3TokensError",
    "ConfigurationError",
    "ManagementApiError",
    "AdoptionError",
]
