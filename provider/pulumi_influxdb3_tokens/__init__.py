"""Pulumi resources for InfluxDB 3 Cloud Dedicated management tokens, and databases, tables and database tokens.

``ManagementToken``, ``Database``, ``DatabaseToken`` and ``Table`` are the dynamic resources (the default for Python
programs); ``influxdb3`` holds
the typed classes of the ``pulumi-resource-influxdb3`` plugin (``influxdb3.ManagementToken``,
``influxdb3.Provider``), for imported tokens and several clusters through explicit providers.

The names below are imported when first used (PEP 562): every Pulumi command starts a program
process and a provider process that each import this package, and neither should pay for the
face or the transport it does not use.
"""

from __future__ import annotations

import importlib
import sys
from typing import TYPE_CHECKING, Any

from .version import __version__

# The provider locks its journal with fcntl and stops influxctl's whole process group (os.killpg):
# POSIX only. Say so once, at the first import, instead of failing later on an AttributeError.
SUPPORTED_PLATFORMS = "Linux and macOS"
if sys.platform == "win32":
    raise ImportError(
        f"pulumi-influxdb3-tokens {__version__} supports {SUPPORTED_PLATFORMS}; on Windows, run Pulumi inside WSL 2."
    )

if TYPE_CHECKING:
    from . import influxdb3
    from .core.errors import AdoptionError, ConfigurationError, InfluxDB3TokensError, ManagementApiError
    from .dynamic.database import Database
    from .dynamic.database_token import DatabaseToken
    from .dynamic.resource import ManagementToken
    from .dynamic.table import Table

_WHERE = {
    "AdoptionError": ".core.errors",
    "ConfigurationError": ".core.errors",
    "Database": ".dynamic.database",
    "DatabaseToken": ".dynamic.database_token",
    "InfluxDB3TokensError": ".core.errors",
    "ManagementApiError": ".core.errors",
    "ManagementToken": ".dynamic.resource",
    "Table": ".dynamic.table",
}

__all__ = [
    "AdoptionError",
    "ConfigurationError",
    "Database",
    "DatabaseToken",
    "InfluxDB3TokensError",
    "ManagementApiError",
    "ManagementToken",
    "Table",
    "__version__",
    "influxdb3",
]


def __getattr__(name: str) -> Any:
    if name == "influxdb3":
        return importlib.import_module(".influxdb3", __name__)
    if name in _WHERE:
        return getattr(importlib.import_module(_WHERE[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
