"""The resource's property names and the plumbing around raw dynamic-provider property bags.

Property bags arrive from the engine with secrets wrapped (``is_rpc_secret``) and, during preview,
with ``Unknown`` placeholders; numbers arrive as floats. These helpers keep that out of the logic.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Mapping, Optional

from pulumi.output import Unknown
from pulumi.runtime import rpc

from . import timeutil

if TYPE_CHECKING:  # a Pulumi program imports this module; pydantic's models cost it ~0.1 s it never needs
    from .models import TokenInputs, TokenRecord

INPUT_NAMES = (
    "description",
    "expires_at",
    "expires_in",
    "rotate_before",
    "adopt_token_id",
    "adopt_token",
    "overlap",
)
SECRET_INPUTS = ("adopt_token",)
# Outputs besides the echoed inputs; ``expires_at`` is both: the declared and then the actual expiry.
OUTPUT_NAMES = (
    "token",
    "token_prefix",
    "created_at",
    "expires_at",
    "revoked_at",
    "created_by",
    "account_id",
    "cluster_id",
    "token_id",  # the current token's id: the resource id stops naming it after a rotation with overlap
    "retiring",  # replaced tokens kept valid for their overlap: [{id, prefix, until}] (core/overlap.py)
)
SECRET_OUTPUTS = ("token", "adopt_token")

_HUMP = re.compile(r"(?<=[a-z0-9])([A-Z])")
_UNDERSCORE_WORD = re.compile(r"(?<=[a-z0-9])_([a-z0-9])")


def to_camel(name: str) -> str:
    """``expires_at`` -> ``expiresAt``: a property as the schema, the plugin and its typed classes name it."""
    return _UNDERSCORE_WORD.sub(lambda match: match.group(1).upper(), name)


def to_snake(name: str) -> str:
    """``expiresAt`` -> ``expires_at``: the schema's name as the core names it."""
    return _HUMP.sub(r"_\1", name).lower()


def is_unknown(value: Any) -> bool:
    return isinstance(value, Unknown) or value == rpc.UNKNOWN


def plain(value: Any) -> Any:
    """The value without its secret wrapper."""
    return rpc.unwrap_rpc_secret(value)


def secret(value: Any) -> Any:
    """Wrap a value so the engine stores it as a secret."""
    return None if value is None else rpc.wrap_rpc_secret(value)


def known_inputs(props: Mapping[str, Any]) -> dict[str, Any]:
    """The inputs whose values are known, unwrapped; unknown and absent ones are left out."""
    return {
        name: plain(props[name])
        for name in INPUT_NAMES
        if name in props and props[name] is not None and not is_unknown(plain(props[name]))
    }


def unknown_inputs(props: Mapping[str, Any]) -> set[str]:
    return {name for name in INPUT_NAMES if name in props and is_unknown(plain(props[name]))}


def outputs_for(record: TokenRecord, inputs: TokenInputs, token: Optional[Any]) -> dict[str, Any]:
    """Every input echoed (diff, update and delete only ever see old outputs) plus the token's facts."""
    return {
        "description": inputs.description,
        "expires_in": inputs.expires_in,
        "rotate_before": inputs.rotate_before,
        "adopt_token_id": inputs.adopt_token_id,
        "adopt_token": secret(inputs.adopt_token.get_secret_value()) if inputs.adopt_token else None,
        "overlap": inputs.overlap,
        "token": token,
        "retiring": [],
        **record_outputs(record),
    }


def record_outputs(record: TokenRecord) -> dict[str, Any]:
    """The server's view of a token, in output form (normalised UTC times)."""
    return {
        "token_id": record.id,
        "token_prefix": record.token_prefix,
        "created_at": timeutil.format_rfc3339(record.created_at),
        "expires_at": timeutil.format_rfc3339(record.expires_at) if record.expires_at else None,
        "revoked_at": timeutil.format_rfc3339(record.revoked_at) if record.revoked_at else None,
        "created_by": record.created_by,
        "account_id": record.account_id,
        "cluster_id": record.cluster_id,
    }
