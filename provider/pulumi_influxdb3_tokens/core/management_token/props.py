"""A management token's property names (from the registry) and its bags of inputs and outputs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping, Optional

from ...resources import MANAGEMENT_TOKEN
from .. import inputs as bag_inputs
from .. import timeutil
from ..bags import secret
from . import marker

if TYPE_CHECKING:  # a Pulumi program imports this module and never needs pydantic's models
    from .models import TokenInputs, TokenRecord

INPUT_NAMES = MANAGEMENT_TOKEN.input_names
COMPUTED_INPUTS = MANAGEMENT_TOKEN.computed_inputs
SECRET_INPUTS = MANAGEMENT_TOKEN.secret_inputs
# ``expires_at`` is both an input and an output: the declared and then the actual expiry.
OUTPUT_NAMES = MANAGEMENT_TOKEN.output_names
SECRET_OUTPUTS = MANAGEMENT_TOKEN.secret_outputs


def known_inputs(props: Mapping[str, Any]) -> dict[str, Any]:
    """The inputs whose values are known, unwrapped; unknown and absent ones are left out."""
    return bag_inputs.known_inputs(props, (*INPUT_NAMES, *COMPUTED_INPUTS))


def unknown_inputs(props: Mapping[str, Any]) -> set[str]:
    return bag_inputs.unknown_inputs(props, INPUT_NAMES)


def outputs_for(record: TokenRecord, inputs: TokenInputs, token: Optional[Any]) -> dict[str, Any]:
    """Every input echoed (diff, update and delete only ever see old outputs) plus the token's facts."""
    return {
        "description": inputs.description,
        "expires_in": inputs.expires_in,
        "rotate_before": inputs.rotate_before,
        "adopt_token_id": inputs.adopt_token_id,
        "adopt_token": secret(inputs.adopt_token.get_secret_value()) if inputs.adopt_token else None,
        "overlap": inputs.overlap,
        "mark_description": inputs.mark_description,
        "token": token,
        "retiring": [],
        **record_outputs(record),
    }


def record_outputs(record: TokenRecord) -> dict[str, Any]:
    """The server's view of a token, in output form (normalised UTC times); its description as declared, without
    the create marker it carries (marker.py)."""
    description, create_marker = marker.split(record.description)
    return {
        "description": description,
        "create_marker": create_marker,
        "token_id": record.id,
        "token_prefix": record.token_prefix,
        "created_at": timeutil.format_rfc3339(record.created_at),
        "expires_at": timeutil.format_rfc3339(record.expires_at) if record.expires_at else None,
        "revoked_at": timeutil.format_rfc3339(record.revoked_at) if record.revoked_at else None,
        "created_by": record.created_by,
        "account_id": record.account_id,
        "cluster_id": record.cluster_id,
    }
