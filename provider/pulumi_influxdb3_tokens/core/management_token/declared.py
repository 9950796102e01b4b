"""What a Python program declares for a token: shared by the dynamic class and the plugin's class."""

from __future__ import annotations

from typing import Any, Optional, Sequence

from pulumi import Input, Output

from ..answered_creates import settle
from ..declared import ExpiryInput, declared_props, expiry
from ..registry import MANAGEMENT_TOKEN

__all__ = ["ExpiryInput", "TokenOutputs", "settle_once_recorded", "token_props"]


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
    return declared_props(
        MANAGEMENT_TOKEN,
        {
            "description": description,
            "expires_at": expiry(expires_at),
            "expires_in": expires_in,
            "rotate_before": rotate_before,
            "adopt_token_id": adopt_token_id,
            "adopt_token": adopt_token,
            "overlap": overlap,
            "mark_description": mark_description,
        },
    )


def settle_once_recorded(
    resource_id: Output[str], token_id: Output[str], retiring: Output[list[dict[str, str]]]
) -> None:
    """Settle the answered creates (core/answered_creates.py) of the tokens a ManagementToken holds as soon as the
    program learns their ids.

    The engine answers a program's registration only after it has saved the step in the state (pulumi/pulumi
    v3.274.1 pkg/resource/deploy/step_executor.go: ``stepComplete``, which completes the registration, runs after
    ``OnResourceStepPost`` "saved the results of the step in the snapshot"), so an id the program sees is held by
    the state. Left to the next run's diff, the entry would be reported as lost by a ``pulumi up --replace`` of
    this resource, which creates the replacement without a diff first.
    """
    Output.all(resource_id, token_id, retiring).apply(_settle_held)


def _settle_held(held: Sequence[Any]) -> None:
    resource_id, token_id, retiring = held
    settle(
        str(value)
        for value in (resource_id, token_id, *(entry.get("id") for entry in retiring or [] if isinstance(entry, dict)))
        if value
    )
