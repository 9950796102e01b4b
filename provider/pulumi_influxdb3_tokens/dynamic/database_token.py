"""The ``DatabaseToken`` resource that Pulumi programs declare: a database token of the documented Management API."""

from __future__ import annotations

from typing import Optional, Sequence

from pulumi import Input, ResourceOptions
from pulumi.dynamic import Resource

from ..core.declared import DatabaseTokenOutputs, ExpiryInput, PermissionInput, database_token_props
from ..resources import DATABASE_TOKEN
from .provider import CONNECTION, DatabaseTokenProvider
from .secret_credential import FaceOutputs, with_secret_credential


class DatabaseToken(Resource, DatabaseTokenOutputs, FaceOutputs, module="influxdb3", name="DatabaseToken"):
    """A database token of an InfluxDB 3 Cloud Dedicated or Clustered cluster: what applications write and
    query with. Over the documented Management API (HTTP), or influxctl with ``transport: influxctl``.

    Its type is ``pulumi-python:dynamic/influxdb3:DatabaseToken`` and its id is the token id (``token_id`` after a
    rotation with ``overlap``). ``token`` is a Pulumi secret, known only from the create.

    :param description: what the token is for; a change is made in place over HTTP, and over influxctl (which
        cannot change one) makes a new token as a new expiry does.
    :param permissions: ``[{"action": "read" | "write", "resource": "<database name>" | "*"}]``, compared as a
        set; a change is made in place.
    :param expires_at: RFC3339 time with a zone, or an aware ``datetime``; omit for a token that never expires.
    :param expires_in: a duration such as ``"90d"``, exclusive with ``expires_at``; fixed when the token is made.
    :param rotate_before: a duration; once the token is within it of its expiry, the next ``pulumi up``
        replaces it.
    :param overlap: a duration; a change that would replace the token rotates it in place instead, the replaced
        token valid that long, in ``retiring``.
    :param mark_description: whether the token's description ends with this resource's create marker (default
        ``True``), the proof on which a create whose answer was lost is recognised as ours.
    :param connection: the stack-config namespace that holds this cluster's settings; omitted, ``influxdb3:*``.
    :param management_token: the credential every call sends, as on ``Database``.
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
        connection: Optional[Input[str]] = None,
        management_token: Optional[Input[str]] = None,
        opts: Optional[ResourceOptions] = None,
    ) -> None:
        props = database_token_props(
            description, permissions, expires_at, expires_in, rotate_before, overlap, mark_description
        )
        props[CONNECTION] = connection
        props, opts = with_secret_credential(props, management_token, DATABASE_TOKEN.secret_outputs, opts)
        super().__init__(DatabaseTokenProvider(), resource_name, props, opts)

    @staticmethod
    def get(resource_name: str, id: Input[str], opts: Optional[ResourceOptions] = None) -> "DatabaseToken":
        """A read-only reference to an existing token by id: its facts, never its string."""
        return DatabaseToken(resource_name, opts=ResourceOptions.merge(opts, ResourceOptions(id=id)))
