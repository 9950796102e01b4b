"""``influxdb3:index:ManagementToken`` as a typed ``pulumi.CustomResource`` (written from schema.json)."""

from __future__ import annotations

from typing import Optional

import pulumi
from pulumi import Input, ResourceOptions

from ..core.management_token.declared import ExpiryInput, TokenOutputs, settle_once_recorded, token_props
from ..core.management_token.props import SECRET_OUTPUTS
from ..resources import MANAGEMENT_TOKEN
from ..version import __version__
from .typed import SchemaNames

TYPE = MANAGEMENT_TOKEN.plugin_type


class ManagementToken(SchemaNames, pulumi.CustomResource, TokenOutputs):
    """An InfluxDB 3 Cloud Dedicated management token, served by the ``pulumi-resource-influxdb3`` plugin.

    Same inputs, outputs and behaviour as the dynamic ``pulumi_influxdb3_tokens.ManagementToken``;
    ``token`` is a secret. Import a live token with
    ``pulumi import influxdb3:index:ManagementToken NAME TOKEN_ID --generate-code=false`` (its string stays unknown).
    """

    def __init__(
        self,
        resource_name: str,
        *,
        description: Optional[Input[str]] = None,
        expires_at: Optional[ExpiryInput] = None,
        expires_in: Optional[Input[str]] = None,
        rotate_before: Optional[Input[str]] = None,
        adopt_token_id: Optional[Input[str]] = None,
        adopt_token: Optional[Input[str]] = None,
        overlap: Optional[Input[str]] = None,
        mark_description: Optional[Input[bool]] = None,
        opts: Optional[ResourceOptions] = None,
    ) -> None:
        props = token_props(
            description, expires_at, expires_in, rotate_before, adopt_token_id, adopt_token, overlap, mark_description
        )
        opts = ResourceOptions.merge(
            ResourceOptions(version=__version__, additional_secret_outputs=list(SECRET_OUTPUTS)), opts
        )
        super().__init__(TYPE, resource_name, props, opts)
        settle_once_recorded(self.id, self.token_id, self.retiring)

    @staticmethod
    def get(resource_name: str, id: Input[str], opts: Optional[ResourceOptions] = None) -> "ManagementToken":
        """A read-only reference to an existing token by id: its facts, never its string."""
        return ManagementToken(resource_name, opts=ResourceOptions.merge(opts, ResourceOptions(id=id)))
