"""``diff``: a database token's description and permissions change in place (``UpdateDatabaseToken``: "Update the
description and permissions of a database token"); its expiry cannot be edited, so a new expiry, an expired or
revoked token, or the ``rotate_before`` window mints a new one (core/tokens/expiry.py): a replacement
(create-before-delete), or with ``overlap`` a rotation in place that keeps the old token in ``retiring``. On a
transport that cannot change a description (influxctl) a new description mints a new token too, in the same two
ways (``decide_minting_description``)."""

from __future__ import annotations

from typing import Any, Mapping

from ..bags import holds_unknown, plain
from ..outcomes import Decision
from ..tokens.expiry import decide_expiry, decide_rotation
from .models import normalise_permissions

# Inputs whose change alone updates the resource in place (no new token). The description and permissions are sent
# in a PATCH, and so is mark_description's (the description carries the create marker or not).
IN_PLACE_INPUTS: tuple[str, ...] = ("description", "permissions", "rotate_before", "overlap", "mark_description")
# What a rotation with overlap carries out in place instead of a replacement.
ROTATING = ("expires_at", "expires_in")
# The same on a transport that cannot change a description: a new one is minted as a new expiry is.
ROTATING_DESCRIPTION = (*ROTATING, "description")


def decide(olds: Mapping[str, Any], news: Mapping[str, Any]) -> Decision:
    """Compare old outputs with new (checked) inputs."""
    decision = Decision()
    decide_expiry(olds, news, decision)
    if not decision.replaces:
        decide_rotation(olds, news, decision)
    if not decision.changes:
        decision.changes = any(differs(olds, news, name) for name in IN_PLACE_INPUTS)
    return decision


def differs(olds: Mapping[str, Any], news: Mapping[str, Any], name: str) -> bool:
    """Whether the input ``name`` changes; permissions are compared as a set (order and repeats do not count)."""
    old, new = plain(olds.get(name)), plain(news.get(name))
    if holds_unknown(new):
        return True
    if name == "permissions":
        return bool(permission_set(old) != permission_set(new))
    return bool(old != new)


def permission_set(value: Any) -> Any:
    """The permissions as a set, or the value as it is when it is not a valid list of permissions."""
    try:
        return normalise_permissions(value)
    except ValueError:
        return value


# Why a new description replaces the token on a transport that cannot change one in place (influxctl).
DESCRIPTION_NOT_IN_PLACE = (
    "influxctl cannot change a database token's description (`influxctl token update` sets its permissions only), "
    "so a new token with the new description replaces this one"
)


def decide_minting_description(olds: Mapping[str, Any], news: Mapping[str, Any]) -> Decision:
    """``decide`` for a transport that cannot change a description: a new one (or its create marker) needs a new
    token, whose reason says why."""
    decision = decide(olds, news)
    if description_changes(olds, news):
        decision.replace("description", DESCRIPTION_NOT_IN_PLACE)
    return decision


def description_changes(olds: Mapping[str, Any], news: Mapping[str, Any]) -> bool:
    """Whether the description the token carries on the server changes: the declared one, or its create marker."""
    return differs(olds, news, "description") or differs(olds, news, "mark_description")


def patches(olds: Mapping[str, Any], news: Mapping[str, Any]) -> bool:
    """Whether the token on the server must be updated: its description (with or without the marker) or its
    permissions change."""
    return (
        differs(olds, news, "description")
        or differs(olds, news, "permissions")
        or plain(olds.get("create_marker")) != plain(news.get("create_marker"))
    )
