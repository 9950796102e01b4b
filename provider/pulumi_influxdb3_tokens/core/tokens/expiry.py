"""When a token must be replaced for its expiry: the declared expiry changed (``expires_at``/``expires_in``), or
the token has expired or is within ``rotate_before`` of its end. The same for every token kind: no API edits a
token's expiry, so each of these mints a new token (in place with ``overlap``: overlap.py)."""

from __future__ import annotations

from typing import Any, Mapping, Optional, Protocol

from .. import timeutil
from ..bags import is_unknown, plain


class Replacing(Protocol):
    """What the expiry rules note on a kind's decision: a property whose change needs a new token, and why."""

    def replace(self, prop: str, reason: str) -> None: ...


def _value(bag: Mapping[str, Any], name: str) -> Any:
    return plain(bag.get(name))


def decide_expiry(olds: Mapping[str, Any], news: Mapping[str, Any], decision: Replacing) -> None:
    """A declared expiry that differs from the old one (equal instants spelled differently do not)."""
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


def decide_rotation(olds: Mapping[str, Any], news: Mapping[str, Any], decision: Replacing) -> None:
    """The token has expired, or ``rotate_before`` of its life is left: mint the next one now."""
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
