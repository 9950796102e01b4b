"""``diff``: decide between no change, an in-place update and a replacement, and say why.

Replacing is the only way to change a management token (the API cannot edit one), and the engine
replaces create-before-delete, so a pipeline always holds a valid token.
"""

from __future__ import annotations

from typing import Any, Mapping, Optional

from .. import timeutil
from ..bags import is_unknown, plain
from ..outcomes import Decision
from .props import INPUT_NAMES

# Inputs whose change alone updates the resource in place (no new token).
IN_PLACE_INPUTS = ("rotate_before", "adopt_token", "adopt_token_id", "overlap", "mark_description")


def _value(bag: Mapping[str, Any], name: str) -> Any:
    return plain(bag.get(name))


def decide(olds: Mapping[str, Any], news: Mapping[str, Any]) -> Decision:
    """Compare old outputs with new (checked) inputs."""
    decision = Decision()

    new_description = _value(news, "description")
    if is_unknown(new_description):
        decision.replace("description", "description is not known until apply")
    elif (new_description or "") != (_value(olds, "description") or ""):
        decision.replace("description", "the description changed, and a token's description cannot be edited")

    _decide_expiry(olds, news, decision)

    new_adopt = _value(news, "adopt_token_id")
    old_adopt = _value(olds, "adopt_token_id")
    if is_unknown(new_adopt) or (new_adopt is not None and new_adopt != old_adopt):
        decision.replace("adopt_token_id", f"adopt_token_id now names another token ({new_adopt})")

    if not decision.replaces:
        _decide_rotation(olds, news, decision)

    if not decision.changes:
        # Inputs that never force a new token: rotate_before, adopt_token, dropping adopt_token_id.
        decision.changes = any(
            is_unknown(_value(news, name)) or _value(news, name) != _value(olds, name) for name in IN_PLACE_INPUTS
        )
    return decision


def _decide_expiry(olds: Mapping[str, Any], news: Mapping[str, Any], decision: Decision) -> None:
    new_at, new_in = _value(news, "expires_at"), _value(news, "expires_in")
    old_at, old_in = _value(olds, "expires_at"), _value(olds, "expires_in")
    if is_unknown(new_at) or is_unknown(new_in):
        decision.replace("expires_at" if is_unknown(new_at) else "expires_in", "the expiry is not known until apply")
    elif new_in is not None:
        if new_in != old_in:
            decision.replace("expires_in", f"expires_in changed from {old_in or 'unset'} to {new_in}")
    elif new_at is not None:
        if old_in is not None or not _same_instant(old_at, new_at):
            decision.replace("expires_at", f"expires_at changed from {old_at or 'never'} to {new_at}")
    elif old_in is not None or old_at is not None:
        decision.replace("expires_at", "the token should no longer expire")


def _same_instant(old: Optional[str], new: str) -> bool:
    if old is None:
        return False
    try:
        return timeutil.parse_rfc3339(old) == timeutil.parse_rfc3339(new)
    except timeutil.TimeFormatError:
        return False


def _decide_rotation(olds: Mapping[str, Any], news: Mapping[str, Any], decision: Decision) -> None:
    raw_expiry = _value(olds, "expires_at")
    if not raw_expiry:
        return
    expiry = timeutil.parse_rfc3339(raw_expiry)
    now = timeutil.now()
    prop = "expires_in" if _value(news, "expires_in") is not None else "expires_at"
    if expiry <= now:
        decision.replace(prop, f"the token expired at {raw_expiry}; a new one will be minted")
        return
    window = _value(news, "rotate_before")
    if window and not is_unknown(window):
        rotate_at = expiry - timeutil.parse_duration(window)
        if now >= rotate_at:
            decision.replace(
                prop,
                f"the token expires at {raw_expiry}, within rotate_before ({window}); rotating it now",
            )


__all__ = ["INPUT_NAMES", "IN_PLACE_INPUTS", "Decision", "decide"]
