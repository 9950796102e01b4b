"""Pulumi resources for InfluxDB 3 Cloud Dedicated management tokens."""

import sys
from importlib import metadata

from .core.errors import AdoptionError, ConfigurationError, InfluxDB3TokensError, ManagementApiError
from .dynamic import provider as _dynamic_provider
from .dynamic.resource import ManagementToken

try:
    __version__ = metadata.version("pulumi-influxdb3-tokens")
except metadata.PackageNotFoundError:  # run from a source tree that was never installed
    __version__ = "0.0.0"

# Stacks written before the dynamic/ folder existed hold the provider pickled (by dill, by reference)
# as ``pulumi_influxdb3_tokens.lifecycle.ManagementTokenProvider``; their provider process unpickles
# that name, so it must keep resolving to the provider.
sys.modules.setdefault(f"{__name__}.lifecycle", _dynamic_provider)

__all__ = [
    "__version__",
    "ManagementToken",
    "InfluxDB3TokensError",
    "ConfigurationError",
    "ManagementApiError",
    "AdoptionError",
]
