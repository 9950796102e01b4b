"""Bags of a token's inputs, whatever its kind: which are known, which wait for apply. Imports no pydantic (a Pulumi
program imports the props of a kind)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Mapping, Optional, Protocol

from .. import timeutil
from ..bags import is_unknown, plain
from . import marker

if TYPE_CHECKING:
    from .inputs import ExpiringInputs


def unknown_within(value: Any) -> bool:
    """Whether ``value``, or anything in it (a database token's permissions list a database by the name another
    resource's output gives), waits for apply."""
    value = plain(value)
    if isinstance(value, (list, tuple)):
        return any(unknown_within(item) for item in value)
    if isinstance(value, Mapping):
        return any(unknown_within(item) for item in value.values())
    return is_unknown(value)


def known_inputs(props: Mapping[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    """The inputs among ``names`` whose values are known, unwrapped; unknown and absent ones are left out."""
    return {
        name: _plain_within(props[name])
        for name in names
        if name in props and props[name] is not None and not unknown_within(props[name])
    }


def unknown_inputs(props: Mapping[str, Any], names: tuple[str, ...]) -> set[str]:
    return {name for name in names if name in props and unknown_within(props[name])}


def _plain_within(value: Any) -> Any:
    value = plain(value)
    if isinstance(value, (list, tuple)):
        return [_plain_within(item) for item in value]
    if isinstance(value, Mapping):
        return {key: _plain_within(item) for key, item in value.items()}
    return value


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
