"""Typed Python classes for the ``influxdb3`` plugin package: ``ManagementToken``, ``Database``, ``DatabaseToken``,
``Table`` and ``Provider``.

Unlike the dynamic resource (``pulumi_influxdb3_tokens.ManagementToken``), these are served by the
``pulumi-resource-influxdb3`` plugin: tokens can be imported (``pulumi import``) and several
clusters reached from one program through explicit ``Provider`` instances.
"""

from .database import Database
from .database_token import DatabaseToken
from .management_token import ManagementToken
from .provider import Provider
from .table import Table

__all__ = ["Database", "DatabaseToken", "ManagementToken", "Provider", "Table"]
