"""``influxdb3:index:Table`` as a typed ``pulumi.CustomResource`` (written from schema.json)."""

from __future__ import annotations

from typing import Optional, Sequence, Union

import pulumi
from pulumi import Input, ResourceOptions

from ..core.declared import PartitionPartInput, TableOutputs, table_props
from ..resources import TABLE
from .typed import SchemaNames, plugin_options


class Table(SchemaNames, pulumi.CustomResource, TableOutputs):
    """A table of a database of an InfluxDB 3 Cloud Dedicated or Clustered cluster, served by the
    ``pulumi-resource-influxdb3`` plugin over the documented Management API, which creates, renames and deletes
    tables but cannot read them (refresh keeps the state, import is refused), or over influxctl when the provider's
    transport is influxctl, which lists them (refresh reads a table back, import by ``<database>/<table>``). Same
    inputs and behaviour as the dynamic ``pulumi_influxdb3_tokens.Table``: ``database`` may be a ``Database`` of this
    stack (its name and id are taken, so the table follows its rename in place) or a name (with
    ``database_resource_id`` for the same).
    """

    def __init__(
        self,
        resource_name: str,
        *,
        database: Optional[Union[Input[str], pulumi.CustomResource]] = None,
        name: Optional[Input[str]] = None,
        partition_template: Optional[Input[Sequence[PartitionPartInput]]] = None,
        allow_data_loss: Optional[Input[bool]] = None,
        database_resource_id: Optional[Input[str]] = None,
        opts: Optional[ResourceOptions] = None,
    ) -> None:
        props = table_props(database, name, partition_template, allow_data_loss, database_resource_id)
        super().__init__(TABLE.plugin_type, resource_name, props, plugin_options(TABLE, opts))
