"""The ``Table`` resource that Pulumi programs declare: a table of a database, over the documented Management API
or influxctl."""

from __future__ import annotations

from typing import Optional, Sequence, Union

from pulumi import CustomResource, Input, ResourceOptions
from pulumi.dynamic import Resource

from ..core.declared import PartitionPartInput, TableOutputs, table_props
from ..resources import TABLE
from .provider import CONNECTION, TableProvider
from .secret_credential import FaceOutputs, with_secret_credential


class Table(Resource, TableOutputs, FaceOutputs, module="influxdb3", name="Table"):
    """A table of a database of an InfluxDB 3 Cloud Dedicated or Clustered cluster (``influxdb3:product``), over
    the documented Management API (HTTP), which creates, renames and deletes tables but cannot read them (``pulumi
    refresh`` keeps a table's state as it is, and says so, and ``pulumi import`` is refused), or over influxctl when
    ``influxdb3:transport`` is ``influxctl``, which lists them: refresh reads a table back (influxctl 2.10.2 or later).

    Its type is ``pulumi-python:dynamic/influxdb3:Table`` and its id is ``<database>/<table>`` as first made.

    :param database: the database the table is in: a ``Database`` of this stack (its name and id are taken, so the
        table follows a rename of that Database in place), or a database's name (a new name is then a move to
        another database: a new table there, the old one deleted with its data).
    :param name: the table's name (letters, digits, ``_`` and ``-``, starting with a letter or a digit). A change
        renames it in place.
    :param partition_template: as a ``Database``'s; omitted, the table takes its database's. Fixed at creation.
    :param allow_data_loss: ``True`` lets a new partition template delete the table, with its data, and create it
        anew.
    :param database_resource_id: the id of the ``Database`` resource the table is in, when ``database`` is given as
        a name (``db.id``): set, a new ``database`` beside the same id is that Database renamed, and the table
        follows it in place.
    :param connection: the stack-config namespace that holds this cluster's settings; omitted, ``influxdb3:*``.
    :param management_token: the management token the calls send, instead of the connection's configured one.
    """

    def __init__(
        self,
        resource_name: str,
        *,
        database: Optional[Union[Input[str], CustomResource]] = None,
        name: Optional[Input[str]] = None,
        partition_template: Optional[Input[Sequence[PartitionPartInput]]] = None,
        allow_data_loss: Optional[Input[bool]] = None,
        database_resource_id: Optional[Input[str]] = None,
        connection: Optional[Input[str]] = None,
        management_token: Optional[Input[str]] = None,
        opts: Optional[ResourceOptions] = None,
    ) -> None:
        props = table_props(database, name, partition_template, allow_data_loss, database_resource_id)
        props[CONNECTION] = connection
        props, opts = with_secret_credential(props, management_token, TABLE.secret_outputs, opts)
        super().__init__(TableProvider(), resource_name, props, opts)
