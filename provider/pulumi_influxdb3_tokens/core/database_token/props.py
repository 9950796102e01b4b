"""A database token's property names (from the registry) and its bags of inputs and outputs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping, Optional

from .. import inputs as bag_inputs
from ..registry import DATABASE_TOKEN
from ..tokens import props as token_props

if TYPE_CHECKING:  # a Pulumi program imports this module and never needs pydantic's models
    from .models import DatabaseTokenInputs, DatabaseTokenRecord

INPUT_NAMES = DATABASE_TOKEN.input_names


def known_inputs(props: Mapping[str, Any]) -> dict[str, Any]:
    """The known inputs, the create marker ``check`` sets among them, unwrapped."""
    return bag_inputs.known_inputs(props, (*INPUT_NAMES, *DATABASE_TOKEN.computed_inputs))


def outputs_for(record: DatabaseTokenRecord, inputs: DatabaseTokenInputs, token: Optional[Any]) -> dict[str, Any]:
    """Every input echoed (diff, update and delete only ever see old outputs) plus the token's facts."""
    return {**token_props.minted_outputs(inputs, token), **record_outputs(record)}


def record_outputs(record: DatabaseTokenRecord) -> dict[str, Any]:
    """The server's view of a token, in output form, its permissions as a set (core/tokens/props.py)."""
    return {**token_props.listed_outputs(record), "permissions": record.permission_set()}
