"""The ``Database`` resource that Pulumi programs declare: a database of InfluxData's documented Management API."""

from __future__ import annotations

from typing import Optional, Sequence

from pulumi import Input, ResourceOptions
from pulumi.dynamic import Resource

from ..core.declared import DatabaseOutputs, PartitionPartInput, database_props
from ..resources import DATABASE
from .provider import CONNECTION, DatabaseProvider
from .secret_credential import FaceOutputs, with_secret_credential


class Database(Resource, DatabaseOutputs, FaceOutputs, module="influxdb3", name="Database"):
    """A database of an InfluxDB 3 Cloud Dedicated or Clustered cluster (``influxdb3:product``), over the
    documented Management API (HTTP), or influxctl with ``transport: influxctl``.

    Its type is ``pulumi-python:dynamic/influxdb3:Database`` and its id is the name it was created with.

    :param name: the database's name (1 to 64 characters; it may contain ``/``). A change renames it in place.
    :param retention_period: a duration such as ``"30d"``; ``"0"`` or omitted: data is kept for ever.
    :param max_tables: the most tables it may hold (the API's default: 500).
    :param max_columns_per_table: the most columns a table may have (default: 250, as InfluxData's docs say).
    :param partition_template: up to 8 parts, as the API has them: ``{"type": "time", "value": "%Y-%m-%d"}``,
        ``{"type": "tag", "value": "region"}``, ``{"type": "bucket", "value": {"tagName": "host",
        "numberOfBuckets": 10}}``. Fixed at creation.
    :param allow_data_loss: ``True`` lets a change that cannot be made in place delete the database, with its
        data, and create it anew.
    :param connection: the stack-config namespace that holds this cluster's settings (``"staging"`` reads
        ``staging:product``, ``staging:apiUrl``, ...); omitted, the ``influxdb3:*`` config.
    :param management_token: the management token the calls send, instead of the connection's configured one,
        e.g. the ``token`` of a ``ManagementToken`` of this stack. Stored only encrypted; a change is an
        in-place update that stores the new one, and every later call sends it.
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
        connection: Optional[Input[str]] = None,
        management_token: Optional[Input[str]] = None,
        opts: Optional[ResourceOptions] = None,
    ) -> None:
        props = database_props(
            name, retention_period, max_tables, max_columns_per_table, partition_template, allow_data_loss
        )
        props[CONNECTION] = connection
        props, opts = with_secret_credential(props, management_token, DATABASE.secret_outputs, opts)
        super().__init__(DatabaseProvider(), resource_name, props, opts)

    @staticmethod
    def get(resource_name: str, id: Input[str], opts: Optional[ResourceOptions] = None) -> "Database":
        """A read-only reference to an existing database by id (its name)."""
        return Database(resource_name, opts=ResourceOptions.merge(opts, ResourceOptions(id=id)))
