"""The ``ManagementToken`` resource that Pulumi programs declare."""

from __future__ import annotations

from typing import Optional

from pulumi import Input, Output, ResourceOptions
from pulumi.dynamic import Resource

from ..core.management_token.declared import ExpiryInput, TokenOutputs, settle_once_recorded, token_props
from ..core.management_token.props import SECRET_OUTPUTS
from .provider import CONNECTION, ManagementTokenProvider


class ManagementToken(Resource, TokenOutputs, module="influxdb3", name="ManagementToken"):
    """An InfluxDB 3 Cloud Dedicated management token.

    Its type is ``pulumi-python:dynamic/influxdb3:ManagementToken`` and its id is the token id
    (``token_id`` after a rotation with ``overlap``).
    ``token`` is a Pulumi secret: encrypted in state, ``[secret]`` in output.

    :param description: what the token is for (at most 1,004 characters, 1,024 with ``mark_description=False``);
        a change replaces it.
    :param expires_at: RFC3339 time with a zone, or an aware ``datetime``; omit for a token that
        never expires. A change replaces the token.
    :param expires_in: a duration such as ``"90d"`` or ``"12h"``, exclusive with ``expires_at``;
        the expiry is fixed when the token is minted.
    :param rotate_before: a duration; once the token is within it of its expiry, the next
        ``pulumi up`` replaces it (create-before-delete).
    :param adopt_token_id: take over this existing live token instead of minting one (Pulumi's
        ``import`` does not work for Python dynamic resources).
    :param adopt_token: the adopted token's string, if you have it; checked against its prefix.
    :param overlap: a duration such as ``"2d"``; a change that would replace the token rotates it in
        place instead, and the replaced token stays valid that long (never past its own expiry), in
        the ``retiring`` output, until the first ``pulumi up`` after that revokes it. ``token_id``
        then names the current token (the resource id keeps naming the first).
    :param mark_description: whether the token's description on the server ends with this resource's create
        marker, ``[pulumi:`` and 10 random hex digits ``]`` (default ``True``): the only proof on which a token
        whose create lost its answer is adopted, or revoked by ``influxdb3-tokens audit --revoke-orphans``.
        ``False``: such a token is never adopted or revoked automatically, only named.
    :param connection: the stack-config namespace that holds this token's cluster settings, for a
        program that reaches several clusters (``"staging"`` reads ``staging:apiUrl``,
        ``staging:accountId``, ``staging:clusterId``, ``staging:managementToken``, ...); omitted, the
        ``influxdb3:*`` config. Only the name is kept in state; a change replaces the token.
    """

    connection: Output[Optional[str]]

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
        connection: Optional[Input[str]] = None,
        opts: Optional[ResourceOptions] = None,
    ) -> None:
        props = token_props(
            description, expires_at, expires_in, rotate_before, adopt_token_id, adopt_token, overlap, mark_description
        )
        props[CONNECTION] = connection
        opts = ResourceOptions.merge(
            ResourceOptions(additional_secret_outputs=list(SECRET_OUTPUTS), delete_before_replace=False),
            opts,
        )
        super().__init__(ManagementTokenProvider(), resource_name, props, opts)
        settle_once_recorded(self.id, self.token_id, self.retiring)

    @staticmethod
    def get(resource_name: str, id: Input[str], opts: Optional[ResourceOptions] = None) -> "ManagementToken":
        """A read-only reference to an existing token by id: its facts, never its string."""
        return ManagementToken(resource_name, opts=ResourceOptions.merge(opts, ResourceOptions(id=id)))
