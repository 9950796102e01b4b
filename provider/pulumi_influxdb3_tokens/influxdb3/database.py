"""``influxdb3:index:Database`` as a typed ``pulumi.CustomResource`` (written from schema.json)."""

from __future__ import annotations

from typing import Optional, Sequence

import pulumi
from pulumi import Input, ResourceOptions

from ..core.declared import DatabaseOutputs, PartitionPartInput, database_props
from ..resources import DATABASE
from .typed import SchemaNames, plugin_options


class Database(SchemaNames, pulumi.CustomResource, DatabaseOutputs):
    """A database of an InfluxDB 3 Cloud Dedicated or Clustered cluster, served by the ``pulumi-resource-influxdb3``
    plugin over the documented Management API; the provider's ``product``, ``apiUrl`` and ``managementToken`` say
    where and with what. Same inputs and behaviour as the dynamic ``pulumi_influxdb3_tokens.Database``. Import one
    with ``pulumi import influxdb3:index:Database NAME DATABASE_NAME --generate-code=false``.
    """

    def __init__(
        self,
        resource_name: str,
        *,
        name: Optional[Input[str]] = None,
        retention_period: Optional[Input[str]] = None,
        max_tables: Optional[Input[int]] = None,
        max_columns_per_table: Optional[Input[int]] = None,
        partition_template: Optional[Input[Sequence[PartitionPartInput]]] = None,
        allow_data_loss: Optional[Input[bool]] = None,
        opts: Optional[ResourceOptions] = None,
    ) -> None:
        props = database_props(
            name, retention_period, max_tables, max_columns_per_table, partition_template, allow_data_loss
        )
        super().__init__(DATABASE.plugin_type, resource_name, props, plugin_options(DATABASE, opts))

    @staticmethod
    def get(resource_name: str, id: Input[str], opts: Optional[ResourceOptions] = None) -> "Database":
        """A read-only reference to an existing database by id (its name)."""
        return Database(resource_name, opts=ResourceOptions.merge(opts, ResourceOptions(id=id)))
