"""``diff``: decide between no change, an in-place update and a replacement, and say why.

Replacing is the only way to change a management token (the API cannot edit one), and the engine
replaces create-before-delete, so a pipeline always holds a valid token.
"""

from __future__ import annotations

from typing import Any, Mapping

from ..bags import is_unknown, plain
from ..outcomes import Decision
from ..tokens.expiry import decide_expiry, decide_rotation
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

    decide_expiry(olds, news, decision)

    new_adopt = _value(news, "adopt_token_id")
    old_adopt = _value(olds, "adopt_token_id")
    if is_unknown(new_adopt) or (new_adopt is not None and new_adopt != old_adopt):
        decision.replace("adopt_token_id", f"adopt_token_id now names another token ({new_adopt})")

    if not decision.replaces:
        decide_rotation(olds, news, decision)

    if not decision.changes:
        # Inputs that never force a new token: rotate_before, adopt_token, dropping adopt_token_id.
        decision.changes = any(
            is_unknown(_value(news, name)) or _value(news, name) != _value(olds, name) for name in IN_PLACE_INPUTS
        )
    return decision


__all__ = ["INPUT_NAMES", "IN_PLACE_INPUTS", "Decision", "decide"]
