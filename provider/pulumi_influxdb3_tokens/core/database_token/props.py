"""A database token's property names (from the registry) and its bags of inputs and outputs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping, Optional

from ...resources import DATABASE_TOKEN
from .. import timeutil
from ..tokens import marker
from ..tokens import props as token_props

if TYPE_CHECKING:  # a Pulumi program imports this module and never needs pydantic's models
    from .models import DatabaseTokenInputs, DatabaseTokenRecord

INPUT_NAMES = DATABASE_TOKEN.input_names
COMPUTED_INPUTS = DATABASE_TOKEN.computed_inputs
# ``expires_at`` is both an input and an output: the declared and then the actual expiry.
OUTPUT_NAMES = DATABASE_TOKEN.output_names
SECRET_OUTPUTS = DATABASE_TOKEN.secret_outputs


def known_inputs(props: Mapping[str, Any]) -> dict[str, Any]:
    """The inputs whose values are known, unwrapped; unknown and absent ones are left out."""
    return token_props.known_inputs(props, (*INPUT_NAMES, *COMPUTED_INPUTS))


def outputs_for(record: DatabaseTokenRecord, inputs: DatabaseTokenInputs, token: Optional[Any]) -> dict[str, Any]:
    """Every input echoed (diff, update and delete only ever see old outputs) plus the token's facts."""
    return {
        "expires_in": inputs.expires_in,
        "rotate_before": inputs.rotate_before,
        "overlap": inputs.overlap,
        "mark_description": inputs.mark_description,
        "token": token,
        "retiring": [],
        **record_outputs(record),
    }


def record_outputs(record: DatabaseTokenRecord) -> dict[str, Any]:
    """The server's view of a token, in output form (normalised UTC times, permissions as a set); its description
    as declared, without the create marker it carries (core/tokens/marker.py)."""
    description, create_marker = marker.split(record.description)
    return {
        "description": description,
        "permissions": record.permission_set(),
        "create_marker": create_marker,
        "token_id": record.id,
        "created_at": timeutil.format_rfc3339(record.created_at),
        "expires_at": timeutil.format_rfc3339(record.expires_at) if record.expires_at else None,
        "revoked_at": timeutil.format_rfc3339(record.revoked_at) if record.revoked_at else None,
        "account_id": record.account_id,
        "cluster_id": record.cluster_id,
    }
