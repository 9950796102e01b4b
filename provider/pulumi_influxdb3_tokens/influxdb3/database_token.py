"""``influxdb3:index:DatabaseToken`` as a typed ``pulumi.CustomResource`` (written from schema.json)."""

from __future__ import annotations

from typing import Optional, Sequence

import pulumi
from pulumi import Input, ResourceOptions

from ..core.declared import DatabaseTokenOutputs, ExpiryInput, PermissionInput, database_token_props
from ..resources import DATABASE_TOKEN
from .typed import SchemaNames, plugin_options


class DatabaseToken(SchemaNames, pulumi.CustomResource, DatabaseTokenOutputs):
    """A database token of an InfluxDB 3 Cloud Dedicated or Clustered cluster, served by the
    ``pulumi-resource-influxdb3`` plugin over the documented Management API, or influxctl with ``transport:
    influxctl``. Same inputs and behaviour as the
    dynamic ``pulumi_influxdb3_tokens.DatabaseToken``; ``token`` is a secret. Import a live token with
    ``pulumi import influxdb3:index:DatabaseToken NAME TOKEN_ID --generate-code=false`` (its string stays unknown).
    """

    def __init__(
        self,
        resource_name: str,
        *,
        description: Optional[Input[str]] = None,
        permissions: Optional[Input[Sequence[PermissionInput]]] = None,
        expires_at: Optional[ExpiryInput] = None,
        expires_in: Optional[Input[str]] = None,
        rotate_before: Optional[Input[str]] = None,
        overlap: Optional[Input[str]] = None,
        mark_description: Optional[Input[bool]] = None,
        opts: Optional[ResourceOptions] = None,
    ) -> None:
        props = database_token_props(
            description, permissions, expires_at, expires_in, rotate_before, overlap, mark_description
        )
        super().__init__(DATABASE_TOKEN.plugin_type, resource_name, props, plugin_options(DATABASE_TOKEN, opts))

    @staticmethod
    def get(resource_name: str, id: Input[str], opts: Optional[ResourceOptions] = None) -> "DatabaseToken":
        """A read-only reference to an existing token by id: its facts, never its string."""
        return DatabaseToken(resource_name, opts=ResourceOptions.merge(opts, ResourceOptions(id=id)))
