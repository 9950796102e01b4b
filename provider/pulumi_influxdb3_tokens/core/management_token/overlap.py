"""A management token's rotation with overlap: the shared rules (core/tokens/overlap.py) bound to this kind, and
its delete, which revokes the provider's own credential last.

The names re-exported here keep their old import path (the plugin, the audit and tests import them from here).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Callable, Mapping, Optional

from ..bags import plain, secret
from ..notices import say
from ..tokens.overlap import (
    RETIRING,
    TOKEN_ID,
    RetiringToken,
    TokenKind,
    current_token_id,
    live_retiring,
    overlap_of,
    replaced,
    retiring,
    tell,
    tracked_ids,
)
from ..tokens.overlap import decide_at as _decide_at
from ..tokens.overlap import update as _update
from .diff import IN_PLACE_INPUTS, Decision, decide
from .models import CreatedToken, TokenInputs
from .props import known_inputs, outputs_for

if TYPE_CHECKING:
    from .client import TokenClient

# What a rotation with overlap carries out in place: changes of the token itself. Adopting another
# token, or moving to another cluster, still replaces.
ROTATING = ("description", "expires_at", "expires_in")


def _mint(client: TokenClient, news: Mapping[str, Any], held: list[str]) -> dict[str, Any]:
    """A rotation's mint; ``held`` is not needed: a management token's transports recover a lost create
    without the marker the held tokens share (HTTP: its Idempotency-Key; influxctl: tokens that appeared)."""
    inputs = TokenInputs.model_validate(known_inputs(news))
    minted = client.mint(inputs)
    token = secret(minted.access_token.get_secret_value()) if isinstance(minted, CreatedToken) else None
    return outputs_for(minted, inputs, token)


KIND = TokenKind(decide=decide, rotating=ROTATING, in_place_inputs=IN_PLACE_INPUTS, mint=_mint)


def decide_at(
    now: datetime, olds: Mapping[str, Any], news: Mapping[str, Any], moves: Optional[tuple[str, str]] = None
) -> Decision:
    """``diff.decide`` with what overlap adds (core/tokens/overlap.py)."""
    return _decide_at(KIND, now, olds, news, moves)


def update(
    client: Callable[[], TokenClient], resource_id: str, olds: Mapping[str, Any], news: Mapping[str, Any]
) -> dict[str, Any]:
    """The in-place update: revoke the retiring tokens whose end has passed, then, when the token must be
    replaced, mint the new one last (nothing can fail after it, so its outputs always reach the state)."""
    return _update(KIND, client, resource_id, olds, news)


def delete(client: TokenClient, resource_id: str, props: Mapping[str, Any]) -> None:
    """Revoke the current token and every retiring one; each revoke of a token already gone is success.

    A token that is the provider's own credential (say a stack output handed to the influxctl profile the
    provider reads) is revoked last, with a warning: every call after it is refused."""
    prefixes = {entry.id: entry.prefix or "" for entry in retiring(props)}
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


__all__ = [
    "KIND",
    "RETIRING",
    "ROTATING",
    "TOKEN_ID",
    "RetiringToken",
    "current_token_id",
    "decide_at",
    "delete",
    "live_retiring",
    "overlap_of",
    "replaced",
    "retiring",
    "tell",
    "tracked_ids",
    "update",
]
