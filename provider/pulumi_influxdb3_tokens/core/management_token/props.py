"""A management token's property names (from the registry) and its bags of inputs and outputs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping, Optional

from .. import inputs as bag_inputs
from ..bags import secret
from ..registry import MANAGEMENT_TOKEN
from ..tokens import props as token_props

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
        "adopt_token_id": inputs.adopt_token_id,
        "adopt_token": secret(inputs.adopt_token.get_secret_value()) if inputs.adopt_token else None,
        **token_props.minted_outputs(inputs, token),
        **record_outputs(record),
    }


def record_outputs(record: TokenRecord) -> dict[str, Any]:
    """The server's view of a token, in output form (core/tokens/props.py), with its prefix and creator."""
    return {**token_props.listed_outputs(record), "token_prefix": record.token_prefix, "created_by": record.created_by}
