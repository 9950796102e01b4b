"""How a management token lives: create, read, import, update and delete on a ``TokenClient``.

Written once for both faces (the dynamic provider and the plugin). It works on property bags
keyed by the snake_case input names, with secrets wrapped and unknowns as in ``props``; a face
only converts its names and wire types to and from that. It never asks which transport the
client uses: "a create happens once" (retries, lost answers, the pending-create journal, influxctl's
recovery by listing) is the client's promise (``TokenClient.mint``). Read, diff, update and delete are
called only for resources the engine's state holds, so each settles the journal's answered creates of the
tokens it is given (``answered_creates``): the state holds them now.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Mapping, Optional

from ..answered_creates import settle
from ..bags import secret
from ..errors import AdoptionError, TokenNotFoundError
from ..notices import say
from ..outcomes import Created, Imported
from ..tokens import overlap as shared
from . import overlap
from .diff import IN_PLACE_INPUTS, Decision
from .models import CreatedToken, TokenInputs, TokenRecord
from .props import INPUT_NAMES, known_inputs, outputs_for, record_outputs
from .validation import check_inputs

if TYPE_CHECKING:
    from ..registry import Resource
    from .client import TokenClient


def diff(
    olds: Mapping[str, Any],
    news: Mapping[str, Any],
    resource_id: str = "",
    moves: Optional[tuple[str, str]] = None,
    clients: Optional[Callable[[Resource], Any]] = None,
) -> Decision:
    """The decision, each reason for a replacement (or a rotation with overlap) told to the user; ``moves``
    is a replacement only the face sees (property, reason); ``clients`` (other resources') is not needed here."""
    settle(overlap.tracked_ids(resource_id, olds))
    return shared.diff(overlap.KIND, olds, news, resource_id, moves)


def create(client: TokenClient, props: Mapping[str, Any]) -> Created:
    inputs = TokenInputs.model_validate(known_inputs(props))
    if inputs.adopt_token_id is not None:
        record = adoptable(client, inputs)
        token = secret(inputs.adopt_token.get_secret_value()) if inputs.adopt_token else None
        return Created(record.id, outputs_for(record, inputs, token))
    created = client.mint(inputs)
    # A RecoveredToken (influxctl lost the create's answer) has no string to show.
    token = secret(created.access_token.get_secret_value()) if isinstance(created, CreatedToken) else None
    return Created(created.id, outputs_for(created, inputs, token))


def read(client: TokenClient, resource_id: str, props: Mapping[str, Any]) -> Optional[tuple[str, dict[str, Any]]]:
    """The token's current outputs, or None when it is gone, revoked or expired (the next up mints anew).

    While tokens retire (core/tokens/overlap.py) the resource stays, whatever became of the current token, so
    that none is lost from state: a dead current token is marked revoked and the next up replaces it.
    """
    settle(overlap.tracked_ids(resource_id, props))

    def outputs(record: TokenRecord) -> dict[str, Any]:
        source = client.credential_source(record.token_prefix)
        if source is not None:
            say(
                f"warning: token {record.id} is the credential this provider acts with ({source}); a destroy or a "
                f"replacement of this resource revokes it. Give the provider a credential the stack does not manage."
            )
        outs = {name: props.get(name) for name in INPUT_NAMES}
        outs["token"] = props.get("token")  # the string is shown once, at creation: keep ours
        outs.update(record_outputs(record))
        return outs

    return shared.read(client.read, resource_id, props, outputs)


def import_token(client: TokenClient, token_id: str) -> Imported:
    """Read with only an id: the inputs and outputs of a live token; its string stays unknown."""
    try:
        record = client.get(token_id)
    except TokenNotFoundError:
        raise AdoptionError(f"Cannot import management token {token_id}: the server does not know it.") from None
    _refuse_dead(record, "import")
    outs = record_outputs(record)
    inputs = {"description": outs["description"], "expires_at": outs["expires_at"]}
    outputs = dict.fromkeys(INPUT_NAMES) | inputs | {"token": None, overlap.RETIRING: []} | outs
    return Imported(record.id, {k: v for k, v in inputs.items() if v is not None}, outputs)


def update(
    client: Callable[[], TokenClient], resource_id: str, olds: Mapping[str, Any], news: Mapping[str, Any]
) -> dict[str, Any]:
    """Inputs that never force a new token (rotate_before, adopt_token, overlap, ...) take their new values;
    with ``overlap`` a rotation happens here, and retiring tokens whose end has passed are revoked (overlap.py).
    ``client`` is called only when the update needs the cluster."""
    settle(overlap.tracked_ids(resource_id, olds))
    return overlap.update(client, resource_id, olds, news)


def delete(client: TokenClient, resource_id: str, props: Optional[Mapping[str, Any]] = None) -> None:
    """Revoke the token and every retiring one; a token that is already revoked or gone is success."""
    settle(overlap.tracked_ids(resource_id, props or {}))
    overlap.delete(client, resource_id, props or {})


def adoptable(client: TokenClient, inputs: TokenInputs) -> TokenRecord:
    token_id = inputs.adopt_token_id or ""
    try:
        record = client.get(token_id)
    except TokenNotFoundError:
        raise AdoptionError(
            f"Cannot adopt management token {token_id}: the server does not know it (HTTP 404)."
        ) from None
    _refuse_dead(record, "adopt")
    if inputs.adopt_token is not None:
        given = inputs.adopt_token.get_secret_value()
        if not given.startswith(record.token_prefix):
            raise AdoptionError(
                f"Cannot adopt management token {token_id}: adopt_token does not match its token prefix "
                f"{record.token_prefix}.",
                secrets=(given,),
            )
    declared = _declared_mismatches(record, inputs)
    if declared:
        raise AdoptionError(
            f"Cannot adopt management token {token_id}: declare it as it is on the server ({'; '.join(declared)})."
        )
    return record


def _refuse_dead(record: TokenRecord, verb: str) -> None:
    why = shared.refuse_dead(record, record.expires_at, verb, f"management token {record.id}")
    if why is not None:
        raise AdoptionError(why)


def _declared_mismatches(record: TokenRecord, inputs: TokenInputs) -> list[str]:
    """Adoption takes a token as it is; the program must declare the same description and expiry."""
    server = record_outputs(record)
    problems = []
    if inputs.description != server["description"]:
        problems.append(f"description is '{server['description']}', the program says '{inputs.description}'")
    if inputs.expires_at != server["expires_at"]:
        problems.append(
            f"expires_at is {server['expires_at'] or 'never'}, the program says {inputs.expires_at or 'never'}"
        )
    return problems


__all__ = [
    "IN_PLACE_INPUTS",
    "Created",
    "Imported",
    "adoptable",
    "check_inputs",
    "create",
    "delete",
    "diff",
    "import_token",
    "read",
    "update",
]
