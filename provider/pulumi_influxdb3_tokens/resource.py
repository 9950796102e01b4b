"""The ``ManagementToken`` resource that Pulumi programs declare."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Optional, Union

import pulumi
from pulumi import Input, Output, ResourceOptions
from pulumi.dynamic import Resource

from .lifecycle import ManagementTokenProvider
from .props import INPUT_NAMES, OUTPUT_NAMES, SECRET_OUTPUTS

ExpiryInput = Input[Union[str, datetime]]


def _as_rfc3339(value: Any) -> Any:
    """Datetimes cannot cross the wire: send their ISO form and let ``check`` judge the zone."""
    return value.isoformat() if isinstance(value, datetime) else value


class ManagementToken(Resource, module="influxdb3", name="ManagementToken"):
    """An InfluxDB 3 Cloud Dedicated management token.

    Its type is ``pulumi-python:dynamic/influxdb3:ManagementToken`` and its id is the token id.
    ``token`` is a Pulumi secret: encrypted in state, ``[secret]`` in output.

    :param description: what the token is for (at most 1,024 characters); a change replaces it.
    :param expires_at: RFC3339 time with a zone, or an aware ``datetime``; omit for a token that
        never expires. A change replaces the token.
    :param expires_in: a duration such as ``"90d"`` or ``"12h"``, exclusive with ``expires_at``;
        the expiry is fixed when the token is minted.
    :param rotate_before: a duration; once the token is within it of its expiry, the next
        ``pulumi up`` replaces it (create-before-delete).
    :param adopt_token_id: take over this existing live token instead of minting one (Pulumi's
        ``import`` does not work for Python dynamic resources).
    :param adopt_token: the adopted token's string, if you have it; checked against its prefix.
    """

    token: Output[Optional[str]]
    token_prefix: Output[str]
    created_at: Output[str]
    expires_at: Output[Optional[str]]
    revoked_at: Output[Optional[str]]
    created_by: Output[str]
    account_id: Output[str]
    cluster_id: Output[str]
    description: Output[str]
    expires_in: Output[Optional[str]]
    rotate_before: Output[Optional[str]]
    adopt_token_id: Output[Optional[str]]

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
        opts: Optional[ResourceOptions] = None,
    ) -> None:
        expires_at = expires_at.apply(_as_rfc3339) if isinstance(expires_at, Output) else _as_rfc3339(expires_at)
        if adopt_token is not None and not isinstance(adopt_token, Output):
            adopt_token = pulumi.Output.secret(adopt_token)
        props: dict[str, Any] = dict.fromkeys((*INPUT_NAMES, *OUTPUT_NAMES))
        props.update(
            description=description,
            expires_at=expires_at,
            expires_in=expires_in,
            rotate_before=rotate_before,
            adopt_token_id=adopt_token_id,
            adopt_token=adopt_token,
        )
        opts = ResourceOptions.merge(
            ResourceOptions(additional_secret_outputs=list(SECRET_OUTPUTS), delete_before_replace=False), opts
        )
        super().__init__(ManagementTokenProvider(), resource_name, props, opts)

    @staticmethod
    def get(resource_name: str, id: Input[str], opts: Optional[ResourceOptions] = None) -> "ManagementToken":
        """A read-only reference to an existing token by id: its facts, never its string."""
        return ManagementToken(resource_name, opts=ResourceOptions.merge(opts, ResourceOptions(id=id)))
