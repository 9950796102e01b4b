"""What a Python program declares for a token: shared by the dynamic class and the plugin's class."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Optional, Union

import pulumi
from pulumi import Input, Output

from .props import INPUT_NAMES, OUTPUT_NAMES

ExpiryInput = Input[Union[str, datetime]]


def _as_rfc3339(value: Any) -> Any:
    """Datetimes cannot cross the wire: send their ISO form and let ``check`` judge the zone."""
    return value.isoformat() if isinstance(value, datetime) else value


class TokenOutputs:
    """The outputs both ManagementToken classes expose (set by the SDK once the engine answers)."""

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
    overlap: Output[Optional[str]]
    mark_description: Output[Optional[bool]]
    create_marker: Output[Optional[str]]  # the marker the current token's description ends with (marker.py)
    token_id: Output[str]  # the current token's id (after a rotation with overlap, not the resource id)
    retiring: Output[list[dict[str, str]]]  # replaced tokens still valid: {"id", "prefix", "until"}


def token_props(
    description: Optional[Input[str]],
    expires_at: Optional[ExpiryInput],
    expires_in: Optional[Input[str]],
    rotate_before: Optional[Input[str]],
    adopt_token_id: Optional[Input[str]],
    adopt_token: Optional[Input[str]],
    overlap: Optional[Input[str]] = None,
    mark_description: Optional[Input[bool]] = None,
) -> dict[str, Any]:
    """Every input and output by its Python name; the adopted token's string is a secret from the start."""
    props: dict[str, Any] = dict.fromkeys((*INPUT_NAMES, *OUTPUT_NAMES))
    props.update(
        description=description,
        expires_at=expires_at.apply(_as_rfc3339) if isinstance(expires_at, Output) else _as_rfc3339(expires_at),
        expires_in=expires_in,
        rotate_before=rotate_before,
        adopt_token_id=adopt_token_id,
        adopt_token=None if adopt_token is None else pulumi.Output.secret(adopt_token),
        overlap=overlap,
        mark_description=mark_description,
    )
    return props
