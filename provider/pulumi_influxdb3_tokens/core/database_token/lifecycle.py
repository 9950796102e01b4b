"""How a database token lives: create, read, import, update and delete on a ``DatabaseTokenClient``.

Written once for both faces, on property bags keyed by the snake_case input names (as the management token's,
core/management_token/lifecycle.py). What every token shares comes from core/tokens/: the expiry decisions, rotation
with ``overlap`` and its ``retiring`` tokens, the create marker. What is a database token's own: its description and
permissions change in place (PATCH). An update sends them to the current token and to every retiring one too, so
that the permissions a program declares bound every live token the resource holds: narrowing them must not leave a
retiring token with the old reach until its overlap ends. On a transport that cannot change a description
(influxctl), a new one mints a new token as a new expiry does (``KIND_MINTING_DESCRIPTION``): with ``overlap`` a
rotation whose old token keeps its own description while it retires, else a replacement.
"""

from __future__ import annotations

import dataclasses
import functools
from typing import TYPE_CHECKING, Any, Callable, Mapping, Optional, ParamSpec, TypeVar

from ..bags import plain, secret
from ..errors import AdoptionError, InfluxDB3TokensError, TokenNotFoundError
from ..notices import say, speaking_for
from ..outcomes import Created, Decision, Imported
from ..registry import DATABASE_TOKEN
from ..tokens import overlap
from ..tokens.overlap import RETIRING, RetiringToken, TokenKind, overlap_of
from .diff import IN_PLACE_INPUTS as IN_PLACE_INPUTS  # the faces read it here (resources.Lifecycle)
from .diff import (
    ROTATING,
    ROTATING_DESCRIPTION,
    decide,
    decide_minting_description,
    description_changes,
    differs,
    patches,
)
from .models import DatabaseTokenInputs, DatabaseTokenRecord
from .props import INPUT_NAMES, known_inputs, outputs_for, record_outputs
from .validation import check_inputs as check_inputs  # the faces call it here (resources.Lifecycle)

if TYPE_CHECKING:
    from ..registry import Resource
    from .client import DatabaseTokenClient

NAME = DATABASE_TOKEN.name  # what the user's notices name

_P = ParamSpec("_P")
_T = TypeVar("_T")


def _speaks(function: Callable[_P, _T]) -> Callable[_P, _T]:
    """Lines said during ``function`` (the shared token code's included) name a DatabaseToken."""

    @functools.wraps(function)
    def speaking(*args: _P.args, **kwargs: _P.kwargs) -> _T:
        with speaking_for(NAME):
            return function(*args, **kwargs)

    return speaking


def _mint(client: DatabaseTokenClient, news: Mapping[str, Any], held: list[str]) -> dict[str, Any]:
    """Mint the token ``news`` declare; ``held`` (the tokens the resource holds, carrying the same marker) are never
    taken for a lost create's."""
    inputs = DatabaseTokenInputs.model_validate(known_inputs(news))
    created = client.mint(inputs, held=held)
    return outputs_for(created, inputs, secret(created.access_token.get_secret_value()))


KIND = TokenKind(decide=decide, rotating=ROTATING, in_place_inputs=IN_PLACE_INPUTS, mint=_mint)
# On a transport that cannot change a description (influxctl): a new description mints a new token.
KIND_MINTING_DESCRIPTION = dataclasses.replace(KIND, decide=decide_minting_description, rotating=ROTATING_DESCRIPTION)


@_speaks
def diff(
    olds: Mapping[str, Any],
    news: Mapping[str, Any],
    resource_id: str = "",
    moves: Optional[tuple[str, str]] = None,
    clients: Optional[Callable[[Resource], Any]] = None,
) -> Decision:
    """No change, a PATCH (description, permissions), a rotation with overlap, or a replacement; each reason for a
    new token told to the user. ``moves`` is a replacement only the face sees (property, reason); ``clients`` gives
    this resource's client, whose transport decides whether a new description is a PATCH or a new token."""
    # The transport decides, asked only once the description changes: an unchanged stack makes no client at diff time.
    kind = KIND
    if moves is None and clients is not None and description_changes(olds, news) and not _updates_description(clients):
        kind = KIND_MINTING_DESCRIPTION
    return overlap.diff(kind, olds, news, resource_id, moves)


def _updates_description(clients: Callable[[Resource], Any]) -> bool:
    """Whether this resource's transport changes a description in place. A connection that cannot be resolved yet
    (a credential another resource makes, unknown in a preview) is taken as one that can, as before transports
    differed here: over influxctl the update itself then refuses a new description in one sentence."""
    try:
        client = clients(DATABASE_TOKEN)
    except InfluxDB3TokensError:
        return True
    return bool(getattr(client, "updates_description", True))


@_speaks
def create(client: DatabaseTokenClient, props: Mapping[str, Any]) -> Created:
    outputs = _mint(client, props, [])
    return Created(outputs["token_id"], outputs)


@_speaks
def read(
    client: DatabaseTokenClient, resource_id: str, props: Mapping[str, Any]
) -> Optional[tuple[str, dict[str, Any]]]:
    """The token's current outputs, or None when it is gone, revoked or expired (the next up mints anew), unless
    tokens still retire: then the resource stays, its current token marked revoked, so none is lost from state."""

    def outputs(record: DatabaseTokenRecord) -> dict[str, Any]:
        outs = {name: props.get(name) for name in INPUT_NAMES}
        outs["token"] = props.get("token")  # the string is shown once, at creation: keep ours
        outs.update(record_outputs(record))
        return outs

    return overlap.read(client.read, resource_id, props, outputs)


@_speaks
def import_token(client: DatabaseTokenClient, token_id: str) -> Imported:
    """Read with only an id: the inputs and outputs of a live token; its string stays unknown (``token`` None)."""
    try:
        record = client.get(token_id)
    except TokenNotFoundError:
        raise AdoptionError(f"Cannot import database token {token_id}: the server does not know it.") from None
    why = overlap.refuse_dead(record, record.expires_at, "import", f"database token {record.id}")
    if why is not None:
        raise AdoptionError(why)
    outs = record_outputs(record)
    inputs = {"description": outs["description"], "permissions": outs["permissions"], "expires_at": outs["expires_at"]}
    outputs = dict.fromkeys(INPUT_NAMES) | inputs | {"token": None, RETIRING: []} | outs
    return Imported(record.id, {k: v for k, v in inputs.items() if v is not None}, outputs)


@_speaks
def update(
    client: Callable[[], DatabaseTokenClient], resource_id: str, olds: Mapping[str, Any], news: Mapping[str, Any]
) -> dict[str, Any]:
    """Revoke the retiring tokens whose overlap ended, PATCH a changed description or permissions onto the current
    token and the retiring ones, and with ``overlap`` rotate (mint last). ``client`` is called only when needed.

    On a transport that cannot change a description, every token keeps its own (None is sent): a new one reaches the
    token a rotation mints, and without ``overlap`` the diff planned a replacement, so an update that still gets one
    (a connection the preview could not resolve) sends it and the client refuses it in one sentence."""
    client = functools.cache(client)
    kind = KIND_MINTING_DESCRIPTION if description_changes(olds, news) and not client().updates_description else KIND

    def send_changes(
        client: Callable[[], DatabaseTokenClient], token_id: str, kept: list[RetiringToken]
    ) -> Mapping[str, Any]:
        if not patches(olds, news):
            return {}
        inputs = DatabaseTokenInputs.model_validate(known_inputs(news))
        description: Optional[str] = inputs.description_to_send()
        permissions = inputs.permissions_to_send()
        if not client().updates_description and (overlap_of(news) or not description_changes(olds, news)):
            if not differs(olds, news, "permissions"):
                return {}  # only the description changes: the token the rotation mints carries it
            description = None
        outs: dict[str, Any] = {
            "description": inputs.description,
            "permissions": permissions,
            "create_marker": inputs.create_marker,
        }
        if not plain(olds.get("revoked_at")):  # a revoked token is being replaced by this update's rotation
            outs.update(record_outputs(client().update(token_id, description, permissions)))
        for entry in kept:
            try:
                client().update(entry.id, description, permissions)
            except TokenNotFoundError:
                say(f"the previous token {entry.id} no longer exists; it is dropped at the next refresh.")
        return outs

    return overlap.update(kind, client, resource_id, olds, news, send_changes)


@_speaks
def delete(client: DatabaseTokenClient, resource_id: str, props: Optional[Mapping[str, Any]] = None) -> None:
    """Revoke the token and every retiring one; a token that is already revoked or gone is success."""
    for token_id in overlap.tracked_ids(resource_id, props or {}):
        client.revoke(token_id)
