"""How a management token lives: create, read, import, update and delete on a ``TokenClient``.

Written once for both faces (the dynamic provider and the plugin). It works on property bags
keyed by the snake_case input names, with secrets wrapped and unknowns as in ``props``; a face
only converts its names and wire types to and from that. It never asks which transport the
client uses: "a create happens once" (retries, lost answers, the pending-create journal, influxctl's
recovery by listing) is the client's promise (``TokenClient.mint``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Mapping, Optional

from ..bags import secret
from ..errors import AdoptionError, TokenNotFoundError
from ..notices import say
from .diff import IN_PLACE_INPUTS, Decision, decide
from .models import CreatedToken, TokenInputs, TokenRecord
from .props import INPUT_NAMES, known_inputs, outputs_for, record_outputs
from .validation import check_inputs

if TYPE_CHECKING:
    from .client import TokenClient


@dataclass(frozen=True)
class Created:
    id: str
    outputs: dict[str, Any]


@dataclass(frozen=True)
class Imported:
    """A live token taken over by id alone (``pulumi import``): the inputs that declare it as it is."""

    id: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]


def diff(olds: Mapping[str, Any], news: Mapping[str, Any]) -> Decision:
    """The decision, each reason for a replacement told to the user."""
    decision = decide(olds, news)
    for reason in decision.reasons:
        say(f"replace: {reason}.")
    return decision


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


def read(client: TokenClient, token_id: str, props: Mapping[str, Any]) -> Optional[tuple[str, dict[str, Any]]]:
    """The token's current outputs, or None when it is gone, revoked or expired (the next up mints anew)."""
    try:
        record = client.get(token_id)
    except TokenNotFoundError:
        return None
    if not record.is_live():
        return None
    outs = {name: props.get(name) for name in INPUT_NAMES}
    outs["token"] = props.get("token")  # the string is shown once, at creation: keep ours
    outs["description"] = record.description
    outs.update(record_outputs(record))
    return record.id, outs


def import_token(client: TokenClient, token_id: str) -> Imported:
    """Read with only an id: the inputs and outputs of a live token; its string stays unknown."""
    try:
        record = client.get(token_id)
    except TokenNotFoundError:
        raise AdoptionError(f"Cannot import management token {token_id}: the server does not know it.") from None
    _refuse_dead(record, "import")
    outs = record_outputs(record)
    inputs = {"description": record.description, "expires_at": outs["expires_at"]}
    outputs = dict.fromkeys(INPUT_NAMES) | inputs | {"token": None} | outs
    return Imported(record.id, {k: v for k, v in inputs.items() if v is not None}, outputs)


def update(olds: Mapping[str, Any], news: Mapping[str, Any]) -> dict[str, Any]:
    """Only inputs that never force a new token reach here (rotate_before, adopt_token, ...):
    keep every old output and take the new values of those inputs."""
    outs = {name: value for name, value in olds.items() if not name.startswith("__")}
    for name in IN_PLACE_INPUTS:
        outs[name] = news.get(name)
    return outs


def delete(client: TokenClient, token_id: str) -> None:
    """Revoke; a token that is already revoked or gone is success."""
    client.revoke(token_id)


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
    if record.is_revoked():
        raise AdoptionError(f"Cannot {verb} management token {record.id}: it was revoked at {record.revoked_at}.")
    if record.is_expired():
        raise AdoptionError(f"Cannot {verb} management token {record.id}: it expired at {record.expires_at}.")


def _declared_mismatches(record: TokenRecord, inputs: TokenInputs) -> list[str]:
    """Adoption takes a token as it is; the program must declare the same description and expiry."""
    server = record_outputs(record)
    problems = []
    if inputs.description != record.description:
        problems.append(f"description is '{record.description}', the program says '{inputs.description}'")
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
