"""Rotation with an overlap: the replaced token stays valid for a while, and the state never loses it.

In a Pulumi replace, Create never sees the old resource and Delete of the old one is the only hook,
so a token that Delete does not revoke would be held by no state. With ``overlap`` set, a change
that would replace the token (its expiry, the rotation window, an expired or revoked token; a management
token's description) is carried out in place instead: diff answers "update", and update mints the new
token and moves the old one into the ``retiring`` output (``{id, prefix, until}``, or ``{id, until}`` for a
kind without token prefixes; ``until`` is now plus the overlap, never past the old token's own expiry). The
first update after ``until`` revokes it; delete revokes the current token and every retiring one; read drops
a retiring token that is no longer live.

The resource id cannot change in an update, so after such a rotation it no longer names the current
token: ``token_id`` does. States written before ``token_id`` existed have none: there the resource id
is the token id (:func:`current_token_id`). Without ``overlap`` nothing here changes a decision.

Every token kind shares these rules; what differs (its diff, what rotates, how it mints) is its ``TokenKind``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Mapping, Optional, Protocol, TypeVar

from .. import timeutil
from ..bags import is_unknown, plain
from ..errors import TokenNotFoundError
from ..notices import say
from ..outcomes import Decision

TOKEN_ID = "token_id"
RETIRING = "retiring"
_LONG_AGO = datetime(1970, 1, 1, tzinfo=timezone.utc)


class _Record(Protocol):
    def is_live(self) -> bool: ...


class HoldsTokens(Protocol):
    """The calls of a kind's client the overlap rules make (both kinds' clients have them)."""

    def get(self, token_id: str) -> _Record: ...

    def revoke(self, token_id: str) -> bool: ...


@dataclass(frozen=True)
class TokenKind:
    """What a rotation with overlap needs to know of one token kind."""

    # The kind's own diff: old outputs and new inputs -> its decision.
    decide: Callable[[Mapping[str, Any], Mapping[str, Any]], Decision]
    # What a rotation with overlap carries out in place: changes of the token itself. Adopting another token, or
    # moving to another cluster, still replaces.
    rotating: tuple[str, ...]
    # Inputs an update takes over as they are: they change nothing on the server.
    in_place_inputs: tuple[str, ...]
    # Mints the token the new inputs declare on the client and returns the resource's outputs for it; given the ids
    # of the tokens the resource holds, which carry the same create marker and are no lost create's.
    mint: Callable[[Any, Mapping[str, Any], list[str]], dict[str, Any]]


@dataclass(frozen=True)
class RetiringToken:
    """A replaced token that stays valid until ``until``; ids and prefixes are no secret (the API lists them)."""

    id: str
    prefix: Optional[str]  # a management token's listed prefix; None for a kind without one (database tokens)
    until: datetime

    def output(self) -> dict[str, str]:
        if self.prefix is None:
            return {"id": self.id, "until": timeutil.format_rfc3339(self.until)}
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
        found.append(RetiringToken(token_id, prefix if isinstance(prefix, str) else None, until))
    return found


def tracked_ids(resource_id: str, props: Mapping[str, Any]) -> list[str]:
    """Every token the resource holds: the current one and the retiring ones."""
    return [current_token_id(resource_id, props), *(entry.id for entry in retiring(props))]


def overlap_of(news: Mapping[str, Any]) -> Optional[str]:
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
    return RetiringToken(token_id, prefix if isinstance(prefix, str) else None, until)


def decide_at(
    kind: TokenKind,
    now: datetime,
    olds: Mapping[str, Any],
    news: Mapping[str, Any],
    moves: Optional[tuple[str, str]] = None,
) -> Decision:
    """The kind's ``decide``, plus what overlap adds: a retiring token whose end has passed is a change (the update
    revokes it), a current token found revoked must be replaced, and with ``overlap`` set a replacement of the
    token becomes an in-place rotation (``Decision.rotates``). ``moves``: a face's own replacement (property,
    reason), such as another cluster, which no rotation carries out."""
    return amend(kind.decide(olds, news), kind.rotating, now, olds, news, moves)


def amend(
    decision: Decision,
    rotating: tuple[str, ...],
    now: datetime,
    olds: Mapping[str, Any],
    news: Mapping[str, Any],
    moves: Optional[tuple[str, str]] = None,
) -> Decision:
    """``decide_at`` on a decision already made."""
    if moves:
        decision.replace(*moves)
    revoked = plain(olds.get("revoked_at"))
    if revoked and not decision.replaces:
        prop = "expires_in" if plain(news.get("expires_in")) is not None else "expires_at"
        decision.replace(prop, f"the token was revoked at {revoked}; a new one will be minted")
    if any(entry.due(now) for entry in retiring(olds)):
        decision.changes = True
    adopting = plain(news.get("adopt_token_id")) is not None
    if overlap_of(news) and decision.replaces and set(decision.replaces) <= set(rotating) and not adopting:
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
    overlap = overlap_of(news) or ""
    old = replaced(current_token_id(resource_id, olds), olds, overlap, now)
    what = (
        f"the previous token stays valid until {timeutil.format_rfc3339(old.until)}, revoked by the first up after that"
        if old
        else "the previous token is no longer valid, so nothing overlaps"
    )
    say(f"rotate: {'; '.join(decision.reasons)}; {what}.")


def update(
    kind: TokenKind,
    client: Callable[[], Any],
    resource_id: str,
    olds: Mapping[str, Any],
    news: Mapping[str, Any],
    in_place: Optional[Callable[[Callable[[], Any], str, list[RetiringToken]], Mapping[str, Any]]] = None,
) -> dict[str, Any]:
    """The in-place update: revoke the retiring tokens whose end has passed, make the kind's own in-place changes
    (``in_place``: given the client, the current token id and the retiring tokens kept, it answers the outputs that
    changed), then, when the token must be replaced, mint the new one last (nothing can fail after it, so its
    outputs always reach the state)."""
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
    for name in kind.in_place_inputs:
        outs[name] = news.get(name)
    outs[TOKEN_ID] = current_token_id(resource_id, olds)
    if in_place is not None:
        outs.update(in_place(client, outs[TOKEN_ID], kept))
    decision = decide_at(kind, now, olds, news)
    overlap = overlap_of(news)
    if decision.rotates and overlap:
        old = replaced(outs[TOKEN_ID], olds, overlap, now)
        outs = kind.mint(client(), news, [outs[TOKEN_ID], *(entry.id for entry in kept)])
        kept += [old] if old else []
    outs[RETIRING] = [entry.output() for entry in kept]
    return outs


def live_retiring(get: Callable[[str], _Record], props: Mapping[str, Any]) -> list[dict[str, str]]:
    """For refresh: the retiring tokens still live on the server (one revoked or expired out of band is dropped);
    ``get`` reads one token as the refresh reads the current one."""
    live = []
    for entry in retiring(props):
        try:
            if get(entry.id).is_live():
                live.append(entry.output())
        except TokenNotFoundError:
            continue
    return live


def diff(
    kind: TokenKind,
    olds: Mapping[str, Any],
    news: Mapping[str, Any],
    resource_id: str = "",
    moves: Optional[tuple[str, str]] = None,
) -> Decision:
    """The kind's decision with overlap's, each reason for a replacement (or a rotation with overlap) told to the
    user; ``moves`` is a replacement only the face sees (property, reason)."""
    now = timeutil.now()
    decision = decide_at(kind, now, olds, news, moves)
    tell(decision, resource_id, olds, news, now)
    if decision.replaces:
        for reason in decision.reasons:
            say(f"replace: {reason}.")
    return decision


class _Listed(Protocol):
    id: str
    revoked_at: Optional[datetime]

    def is_live(self) -> bool: ...


_R = TypeVar("_R", bound=_Listed)


def read(
    get: Callable[[str], _R],
    resource_id: str,
    props: Mapping[str, Any],
    outputs: Callable[[_R], dict[str, Any]],
) -> Optional[tuple[str, dict[str, Any]]]:
    """The token's current outputs (``outputs`` of its record, with the retiring tokens still live), or None when
    it is gone, revoked or expired (the next up mints anew). ``get`` raises ``TokenNotFoundError`` for an unknown id.

    While tokens retire the resource stays, whatever became of the current token, so that none is lost from state:
    a dead current token is marked revoked and the next up replaces it."""
    token_id = current_token_id(resource_id, props)
    live = live_retiring(get, props) if props.get(RETIRING) else []
    try:
        record: Optional[_R] = get(token_id)
    except TokenNotFoundError:
        record = None
    if record is None or not record.is_live():
        if not live:
            return None
        kept = {**props, RETIRING: live}
        if record is None or record.revoked_at is not None:  # an expired one is told by its expires_at
            revoked_at = record.revoked_at if record is not None else None
            kept["revoked_at"] = timeutil.format_rfc3339(revoked_at or timeutil.now())
        return resource_id, kept
    outs = outputs(record)
    outs[RETIRING] = live
    return resource_id, outs


def refuse_dead(record: _Listed, expires_at: Optional[datetime], verb: str, what: str) -> Optional[str]:
    """Why ``record`` cannot be taken over (``verb``: import, adopt) as ``what`` (``management token X``), if it
    cannot: it is revoked or has expired."""
    if record.revoked_at is not None:
        return f"Cannot {verb} {what}: it was revoked at {record.revoked_at}."
    if expires_at is not None and expires_at <= timeutil.now():
        return f"Cannot {verb} {what}: it expired at {expires_at}."
    return None
