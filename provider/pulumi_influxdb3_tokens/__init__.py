"""Pulumi resources for InfluxDB 3 Cloud Dedicated management tokens.

``ManagementToken`` is the dynamic resource (the default for Python programs); ``influxdb3`` holds
the typed classes of the ``pulumi-resource-influxdb3`` plugin (``influxdb3.ManagementToken``,
``influxdb3.Provider``), for imported tokens and several clusters through explicit providers.
"""

import sys

from . import influxdb3
from .core.errors import AdoptionError, ConfigurationError, InfluxDB3TokensError, ManagementApiError
from .dynamic import provider as _dynamic_provider
from .dynamic.resource import ManagementToken
from .version import __version__

# Stacks written before the dynamic/ folder existed hold the provider pickled (by dill, by reference)
# as ``pulumi_influxdb3_tokens.lifecycle.ManagementTokenProvider``; their provider process unpickles
# that name, so it must keep resolving to the provider.
sys.modules.setdefault(f"{__name__}.lifecycle", _dynamic_provider)

__all__ = [
    "AdoptionError",
    "ConfigurationError",
    "InfluxDB3TokensError",
    "ManagementApiError",
    "ManagementToken",
    "__version__",
    "influxdb3",
]
