"""What a Python program declares, for any resource of the registry: shared by the dynamic and the typed classes.

A Pulumi program imports this module: it imports no pydantic and no transport.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Mapping, Optional, Sequence, Union, cast

import pulumi
from pulumi import Input, Output

from .registry import DATABASE, DATABASE_TOKEN, TABLE, Resource

ExpiryInput = Input[Union[str, datetime]]
# A database token's permission, as the documented API has it: {"action": "read" | "write", "resource": name | "*"}.
PermissionInput = Input[Mapping[str, Input[str]]]
# A partition template part: {"type": "time" | "tag", "value": str} or {"type": "bucket", "value": {"tagName": str,
# "numberOfBuckets": int}}.
PartitionPartInput = Input[Mapping[str, Any]]


def as_rfc3339(value: Any) -> Any:
    """Datetimes cannot cross the wire: send their ISO form and let ``check`` judge the zone."""
    return value.isoformat() if isinstance(value, datetime) else value


def expiry(value: Optional[ExpiryInput]) -> Any:
    return value.apply(as_rfc3339) if isinstance(value, Output) else as_rfc3339(value)


def declared_props(resource: Resource, inputs: Mapping[str, Any]) -> dict[str, Any]:
    """Every input and output of ``resource`` by its Python name (outputs None until the engine answers), the
    resource's secret inputs secret from the start."""
    props: dict[str, Any] = dict.fromkeys((*resource.input_names, *resource.output_names))
    props.update(inputs)
    for name in resource.secret_inputs:
        if props.get(name) is not None:
            props[name] = pulumi.Output.secret(props[name])
    return props


def database_props(
    name: Optional[Input[str]],
    retention_period: Optional[Input[str]],
    max_tables: Optional[Input[int]],
    max_columns_per_table: Optional[Input[int]],
    partition_template: Optional[Input[Sequence[PartitionPartInput]]],
    allow_data_loss: Optional[Input[bool]],
) -> dict[str, Any]:
    """A Database's declared inputs, on either face."""
    return declared_props(
        DATABASE,
        {
            "name": name,
            "retention_period": retention_period,
            "max_tables": max_tables,
            "max_columns_per_table": max_columns_per_table,
            "partition_template": partition_template,
            "allow_data_loss": allow_data_loss,
        },
    )


def database_token_props(
    description: Optional[Input[str]],
    permissions: Optional[Input[Sequence[PermissionInput]]],
    expires_at: Optional[ExpiryInput],
    expires_in: Optional[Input[str]],
    rotate_before: Optional[Input[str]],
    overlap: Optional[Input[str]],
    mark_description: Optional[Input[bool]],
) -> dict[str, Any]:
    """A DatabaseToken's declared inputs, on either face; an expiry ``datetime`` sent in its ISO form."""
    return declared_props(
        DATABASE_TOKEN,
        {
            "description": description,
            "permissions": permissions,
            "expires_at": expiry(expires_at),
            "expires_in": expires_in,
            "rotate_before": rotate_before,
            "overlap": overlap,
            "mark_description": mark_description,
        },
    )


def table_props(
    database: Optional[Union[Input[str], pulumi.CustomResource]],
    name: Optional[Input[str]],
    partition_template: Optional[Input[Sequence[PartitionPartInput]]],
    allow_data_loss: Optional[Input[bool]],
    database_resource_id: Optional[Input[str]],
) -> dict[str, Any]:
    """A Table's declared inputs, on either face. A Database resource given as ``database`` hands over its name and
    its id, the id being the proof that a later new name is that Database renamed (core/table/diff.py)."""
    if isinstance(database, pulumi.CustomResource):
        if database_resource_id is None:
            database_resource_id = database.id
        database = cast(Any, database).name  # a Database of either face: its ``name`` output
    return declared_props(
        TABLE,
        {
            "database": database,
            "name": name,
            "partition_template": partition_template,
            "allow_data_loss": allow_data_loss,
            "database_resource_id": database_resource_id,
        },
    )


class DatabaseOutputs:
    """The outputs both Database classes expose (set by the SDK once the engine answers)."""

    name: Output[str]
    retention_period: Output[Optional[str]]
    retention_period_ns: Output[int]
    max_tables: Output[int]
    max_columns_per_table: Output[int]
    partition_template: Output[Optional[Sequence[Mapping[str, Any]]]]
    allow_data_loss: Output[Optional[bool]]
    account_id: Output[str]
    cluster_id: Output[str]


class DatabaseTokenOutputs:
    """The outputs both DatabaseToken classes expose (set by the SDK once the engine answers)."""

    description: Output[str]
    permissions: Output[Sequence[Mapping[str, str]]]
    expires_at: Output[Optional[str]]
    expires_in: Output[Optional[str]]
    rotate_before: Output[Optional[str]]
    overlap: Output[Optional[str]]
    mark_description: Output[Optional[bool]]
    token: Output[Optional[str]]
    token_id: Output[str]
    created_at: Output[str]
    revoked_at: Output[Optional[str]]
    account_id: Output[str]
    cluster_id: Output[str]
    retiring: Output[list[dict[str, str]]]
    create_marker: Output[Optional[str]]


class TableOutputs:
    """The outputs both Table classes expose (set by the SDK once the engine answers)."""

    database: Output[str]
    name: Output[str]
    partition_template: Output[Optional[Sequence[Mapping[str, Any]]]]
    allow_data_loss: Output[Optional[bool]]
    database_resource_id: Output[Optional[str]]
    account_id: Output[str]
    cluster_id: Output[str]
