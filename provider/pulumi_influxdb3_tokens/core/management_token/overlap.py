"""Rotation with an overlap: the replaced token stays valid for a while, and the state never loses it.

In a Pulumi replace, Create never sees the old resource and Delete of the old one is the only hook,
so a token that Delete does not revoke would be held by no state. With ``overlap`` set, a change
that would replace the token (its description or expiry, the rotation window, an expired or revoked
token) is carried out in place instead: diff answers "update", and update mints the new token and
moves the old one into the ``retiring`` output (``{id, prefix, until}``; ``until`` is now plus the
overlap, never past the old token's own expiry). The first update after ``until`` revokes it; delete
revokes the current token and every retiring one; read drops a retiring token that is no longer live.

The resource id cannot change in an update, so after such a rotation it no longer names the current
token: ``token_id`` does. States written before ``token_id`` existed have none: there the resource id
is the token id (:func:`current_token_id`). Without ``overlap`` nothing here changes a decision.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Callable, Mapping, Optional

from .. import timeutil
from ..bags import is_unknown, plain, secret
from ..errors import TokenNotFoundError
from ..notices import say
from .diff import IN_PLACE_INPUTS, Decision, decide
from .models import CreatedToken, TokenInputs
from .props import known_inputs, outputs_for

if TYPE_CHECKING:
    from .client import TokenClient

TOKEN_ID = "token_id"
RETIRING = "retiring"
# What a rotation with overlap carries out in place: changes of the token itself. Adopting another
# token, or moving to another cluster, still replaces.
ROTATING = ("description", "expires_at", "expires_in")
_LONG_AGO = datetime(1970, 1, 1, tzinfo=timezone.utc)


@dataclass(frozen=True)
class RetiringToken:
    """A replaced token that stays valid until ``until``; ids and prefixes are no secret (the API lists them)."""

    id: str
    prefix: str
    until: datetime

    def output(self) -> dict[str, str]:
        return {"id": self.id, "prefix": self.prefix, "until": timeutil.format_rfc3339(self.until)}

    def due(self, now: datetime) -> bool:
        return self.until <= now


def current_token_id(resource_id: str, props: Mapping[str, Any]) -> str:
    """The current token's id: ``token_id`` once the outputs carry it, else the resource id (older states)."""
    value = plain(props.get(TOKEN_ID))
    return value if isinstance(value, str) and value else resource_id


def retiring(props: Mapping[str, Any]) -> list[RetiringToken]:
    """The retiring tokens the outputs hold; an entry whose end cannot be read is due at once, never dropped."""
    entries = plain(props.get(RETIRING))
    found = []
    for raw in entries if isinstance(entries, list) else []:
        entry = plain(raw)
        token_id = plain(entry.get("id")) if isinstance(entry, Mapping) else None
        if not isinstance(token_id, str) or not token_id:
            continue
        try:
            until = timeutil.parse_rfc3339(plain(entry.get("until")))
        except timeutil.TimeFormatError:
            until = _LONG_AGO
        prefix = plain(entry.get("prefix"))
        found.append(RetiringToken(token_id, prefix if isinstance(prefix, str) else "", until))
    return found


def tracked_ids(resource_id: str, props: Mapping[str, Any]) -> list[str]:
    """Every token the resource holds: the current one and the retiring ones."""
    return [current_token_id(resource_id, props), *(entry.id for entry in retiring(props))]


def _overlap(news: Mapping[str, Any]) -> Optional[str]:
    value = plain(news.get("overlap"))
    return value if isinstance(value, str) and not is_unknown(value) else None


def replaced(token_id: str, olds: Mapping[str, Any], overlap: str, now: datetime) -> Optional[RetiringToken]:
    """The current token as it retires: valid for ``overlap`` more, never past its own expiry; None when it is
    no longer valid (revoked or expired), so nothing overlaps."""
    if plain(olds.get("revoked_at")):
        return None
    until = now + timeutil.parse_duration(overlap)
    expiry = plain(olds.get("expires_at"))
    if expiry:
        until = min(until, timeutil.parse_rfc3339(expiry))
    if until <= now:
        return None
    prefix = plain(olds.get("token_prefix"))
    return RetiringToken(token_id, prefix if isinstance(prefix, str) else "", until)


def decide_at(
    now: datetime, olds: Mapping[str, Any], news: Mapping[str, Any], moves: Optional[tuple[str, str]] = None
) -> Decision:
    """``diff.decide``, plus what overlap adds: a retiring token whose end has passed is a change (the update
    revokes it), a current token found revoked must be replaced, and with ``overlap`` set a replacement of the
    token becomes an in-place rotation (``Decision.rotates``). ``moves``: a face's own replacement (property,
    reason), such as another cluster, which no rotation carries out."""
    decision = decide(olds, news)
    if moves:
        decision.replace(*moves)
    revoked = plain(olds.get("revoked_at"))
    if revoked and not decision.replaces:
        prop = "expires_in" if plain(news.get("expires_in")) is not None else "expires_at"
        decision.replace(prop, f"the token was revoked at {revoked}; a new one will be minted")
    if any(entry.due(now) for entry in retiring(olds)):
        decision.changes = True
    adopting = plain(news.get("adopt_token_id")) is not None
    if _overlap(news) and decision.replaces and set(decision.replaces) <= set(ROTATING) and not adopting:
        decision.rotates, decision.replaces = decision.replaces, []
    return decision


def tell(decision: Decision, resource_id: str, olds: Mapping[str, Any], news: Mapping[str, Any], now: datetime) -> None:
    """What the next update does, for preview and up alike."""
    for entry in retiring(olds):
        if entry.due(now):
            say(
                f"revoke: the previous token {entry.id} stayed valid until {timeutil.format_rfc3339(entry.until)}; "
                f"this update revokes it."
            )
    if not decision.rotates:
        return
    overlap = _overlap(news) or ""
    old = replaced(current_token_id(resource_id, olds), olds, overlap, now)
    what = (
        f"the previous token stays valid until {timeutil.format_rfc3339(old.until)}, revoked by the first up after that"
        if old
        else "the previous token is no longer valid, so nothing overlaps"
    )
    say(f"rotate: {'; '.join(decision.reasons)}; {what}.")


def update(
    client: Callable[[], TokenClient], resource_id: str, olds: Mapping[str, Any], news: Mapping[str, Any]
) -> dict[str, Any]:
    """The in-place update: revoke the retiring tokens whose end has passed, then, when the token must be
    replaced, mint the new one last (nothing can fail after it, so its outputs always reach the state)."""
    client = functools.cache(client)
    now = timeutil.now()
    kept = []
    for entry in retiring(olds):
        if entry.due(now):
            client().revoke(entry.id)
            say(f"revoked the previous token {entry.id}: its overlap ended at {timeutil.format_rfc3339(entry.until)}.")
        else:
            kept.append(entry)
    outs = {name: value for name, value in olds.items() if not name.startswith("__")}
    for name in IN_PLACE_INPUTS:
        outs[name] = news.get(name)
    outs[TOKEN_ID] = current_token_id(resource_id, olds)
    decision = decide_at(now, olds, news)
    overlap = _overlap(news)
    if decision.rotates and overlap:
        old = replaced(outs[TOKEN_ID], olds, overlap, now)
        inputs = TokenInputs.model_validate(known_inputs(news))
        minted = client().mint(inputs)
        token = secret(minted.access_token.get_secret_value()) if isinstance(minted, CreatedToken) else None
        outs = outputs_for(minted, inputs, token)
        kept += [old] if old else []
    outs[RETIRING] = [entry.output() for entry in kept]
    return outs


def live_retiring(client: TokenClient, props: Mapping[str, Any]) -> list[dict[str, str]]:
    """For refresh: the retiring tokens still live on the server (one revoked or expired out of band is dropped)."""
    live = []
    for entry in retiring(props):
        try:
            if client.get(entry.id).is_live():
                live.append(entry.output())
        except TokenNotFoundError:
            continue
    return live


def delete(client: TokenClient, resource_id: str, props: Mapping[str, Any]) -> None:
    """Revoke the current token and every retiring one; each revoke of a token already gone is success.

    A token that is the provider's own credential (say a stack output handed to the influxctl profile the
    provider reads) is revoked last, with a warning: every call after it is refused."""
    prefixes = {entry.id: entry.prefix for entry in retiring(props)}
    current = current_token_id(resource_id, props)
    prefix = plain(props.get("token_prefix"))
    prefixes[current] = prefix if isinstance(prefix, str) else ""
    own = {token_id: client.credential_source(p) for token_id, p in prefixes.items()}
    for token_id in sorted(tracked_ids(resource_id, props), key=lambda token_id: own.get(token_id) is not None):
        source = own.get(token_id)
        if source is not None:
            say(
                f"warning: token {token_id} is the credential this provider acts with ({source}); revoking it, as "
                f"this destroy asks, leaves that credential refused: give the provider another before the next "
                f"command."
            )
        client.revoke(token_id)
