"""Pulumi resources for InfluxDB 3 Cloud Dedicated management tokens."""

import sys

from .core.errors import AdoptionError, ConfigurationError, InfluxDB3TokensError, ManagementApiError
from .dynamic import provider as _dynamic_provider
from .dynamic.resource import ManagementToken

# Stacks written before the dynamic/ folder existed hold the provider pickled (by dill, by reference)
# as ``pulumi_influxdb3_tokens.lifecycle.ManagementTokenProvider``; their provider process unpickles
# that name, so it must keep resolving to the provider.
sys.modules.setdefault(f"{__name__}.lifecycle", _dynamic_provider)

__all__ = [
    "ManagementToken",
    "InfluxDB3TokensError",
    "ConfigurationError",
    "ManagementApiError",
    "AdoptionError",
]
