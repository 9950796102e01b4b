"""The outputs every token kind has, from its inputs and its record. Imports no pydantic (a Pulumi program imports
the props of a kind)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Optional, Protocol

from .. import timeutil
from . import marker

if TYPE_CHECKING:
    from .inputs import ExpiringInputs


def minted_outputs(inputs: ExpiringInputs, token: Optional[Any]) -> dict[str, Any]:
    """The outputs of a token just minted that every kind has: its expiry and rotation inputs echoed (diff, update
    and delete only ever see old outputs), its string (``token``, a secret or None) and no retiring token yet."""
    return {
        "expires_in": inputs.expires_in,
        "rotate_before": inputs.rotate_before,
        "overlap": inputs.overlap,
        "mark_description": inputs.mark_description,
        "token": token,
        "retiring": [],
    }


class Listed(Protocol):
    """What every kind's record of a token holds (its pydantic model in the kind's ``models.py``)."""

    @property
    def id(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def expires_at(self) -> Optional[datetime]: ...
    @property
    def revoked_at(self) -> Optional[datetime]: ...
    @property
    def account_id(self) -> Optional[str]: ...
    @property
    def cluster_id(self) -> Optional[str]: ...


def listed_outputs(record: Listed) -> dict[str, Any]:
    """The server's view of a token that every kind has, in output form (normalised UTC times); its description as
    declared, without the create marker it carries (marker.py)."""
    description, create_marker = marker.split(record.description)
    return {
        "description": description,
        "create_marker": create_marker,
        "token_id": record.id,
        "created_at": timeutil.format_rfc3339(record.created_at),
        "expires_at": timeutil.format_rfc3339(record.expires_at) if record.expires_at else None,
        "revoked_at": timeutil.format_rfc3339(record.revoked_at) if record.revoked_at else None,
        "account_id": record.account_id,
        "cluster_id": record.cluster_id,
    }
