"""The dynamic ResourceProvider of ``ManagementToken``: check, diff, create, read, update, delete.

The object is pickled (dill) into every resource's state as ``__provider``. It therefore carries no
data at all: settings come from ``configure`` (the stack config, held only in the provider process)
and the environment, resolved at call time, and HTTP clients live in a process-wide cache.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any, Mapping

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)

from . import clean_errors
from ..core.diff import decide
from ..core.errors import AdoptionError, LostAnswerError, OutcomeUnknownError, TokenNotFoundError
from ..core.models import CreatedToken, RecoveredToken, TokenInputs, TokenRecord
from ..core.props import INPUT_NAMES, known_inputs, outputs_for, record_outputs, secret
from ..core.validation import check_inputs

if TYPE_CHECKING:
    from ..clients import TokenClient
    from ..clients.pending import Journal, NoJournal
    from ..settings import Connection

# The transports (httpx, settings, the influxctl client) are imported where an operation needs
# them: the Pulumi program imports this module only to pickle the provider, and would pay ~0.25 s
# for them in every `pulumi up` and `preview`.

# The engine's provider process unpickles (imports) this module before any call: from then on our
# errors reach the user as their sentence, without the SDK's traceback around it.
clean_errors.install()

# How many lost create answers (409 naming the token our key made) one create recovers from.
MAX_LOST_ANSWERS = 3


class ManagementTokenProvider(ResourceProvider):
    """CRUD for one management token through the Management API."""

    def __init__(self) -> None:
        super().__init__()
        self._stack_config: dict[str, Any] = {}

    # Nothing of a live provider goes into state: not the stack config, not a client.
    def __getstate__(self) -> dict[str, Any]:
        return {}

    def __setstate__(self, state: Mapping[str, Any]) -> None:
        self._stack_config = {}

    def configure(self, req: ConfigureRequest) -> None:
        from ..settings import ALL_SETTINGS, config_key

        self._stack_config = {
            config_key(s): req.config.get(config_key(s))
            for s in ALL_SETTINGS
            if req.config.get(config_key(s)) is not None
        }

    def _connect(self) -> tuple[Connection, TokenClient]:
        from ..clients import client_for
        from ..settings import resolve_connection

        connection = resolve_connection(self._stack_config)
        return connection, client_for(connection)

    def _client(self) -> TokenClient:
        return self._connect()[1]

    # --- check / diff: no HTTP --------------------------------------------------------------

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        checked = check_inputs(news)
        return CheckResult(checked.inputs, [CheckFailure(prop, reason) for prop, reason in checked.failures])

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        decision = decide(olds, news)
        for reason in decision.reasons:
            # The engine shows a provider's stderr lines beside the resource in preview and up.
            print(f"ManagementToken: replace: {reason}.", file=sys.stderr, flush=True)
        return DiffResult(
            changes=decision.changes,
            replaces=decision.replaces,
            stables=[],
            delete_before_replace=False,
        )

    # --- create / read / update / delete ----------------------------------------------------

    def create(self, props: dict[str, Any]) -> CreateResult:
        inputs = TokenInputs.model_validate(known_inputs(props))
        connection, client = self._connect()
        if inputs.adopt_token_id is not None:
            record = self._adoptable(client, inputs)
            token = secret(inputs.adopt_token.get_secret_value()) if inputs.adopt_token else None
            return CreateResult(record.id, outputs_for(record, inputs, token))
        from ..clients.pending import Journal, NoJournal
        from ..settings import HTTP

        # influxctl sends no Idempotency-Key (it recovers lost answers by listing): no journal there.
        journal = Journal(connection) if connection.transport == HTTP else NoJournal()
        created = _create_recovering_lost_answers(client, inputs, journal)
        # A RecoveredToken (influxctl lost the create's answer) has no string to show.
        token = created.access_token.get_secret_value() if isinstance(created, CreatedToken) else None
        return CreateResult(created.id, outputs_for(created, inputs, token))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        try:
            record = self._client().get(id_)
        except TokenNotFoundError:
            return ReadResult("", {})
        if not record.is_live():
            # Revoked or expired behind our back: drop it so the next `up` mints a new one.
            return ReadResult("", {})
        outs = {name: props.get(name) for name in INPUT_NAMES}
        outs["token"] = props.get("token")  # the string is shown once, at creation: keep ours
        outs["description"] = record.description
        outs.update(record_outputs(record))
        return ReadResult(record.id, outs)

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        # Only inputs that never force a new token reach here (rotate_before, adopt_token, ...):
        # keep every old output and take the new values of those inputs.
        outs = {name: value for name, value in olds.items() if not name.startswith("__")}
        for name in ("rotate_before", "adopt_token_id", "adopt_token"):
            outs[name] = news.get(name)
        return UpdateResult(outs)

    def delete(self, id_: str, _props: dict[str, Any]) -> None:
        # Revoking a token that is already revoked or gone is success.
        self._client().revoke(id_)

    # --- adoption ---------------------------------------------------------------------------

    def _adoptable(self, client: TokenClient, inputs: TokenInputs) -> TokenRecord:
        token_id = inputs.adopt_token_id or ""
        try:
            record = client.get(token_id)
        except TokenNotFoundError:
            raise AdoptionError(f"Cannot adopt management token {token_id}: the server does not know it (HTTP 404).") from None
        if record.is_revoked():
            raise AdoptionError(f"Cannot adopt management token {token_id}: it was revoked at {record.revoked_at}.")
        if record.is_expired():
            raise AdoptionError(f"Cannot adopt management token {token_id}: it expired at {record.expires_at}.")
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


def _create_recovering_lost_answers(
    client: TokenClient, inputs: TokenInputs, journal: Journal | NoJournal | None = None
) -> CreatedToken | RecoveredToken:
    """Mint, recovering from answers lost on the way back.

    The key and request are journaled until the outcome is known, so a create whose outcome stays
    unknown is retried with the same key by the next create of the same request. When the server
    says a key of ours already made a token whose answer was lost (it restarted, so it cannot replay
    it), that token, whose string nobody can ever see, is revoked and a fresh one minted.
    """
    from ..clients.pending import NoJournal

    journal = journal or NoJournal()
    request = json.dumps([inputs.description, inputs.expires_at, inputs.expires_in])
    for attempt in range(MAX_LOST_ANSWERS + 1):
        entry = journal.begin(request, inputs.description, inputs.expiry_for_new_token())
        try:
            created = client.create(entry.description, entry.expires_at, idempotency_key=entry.key)
        except LostAnswerError as lost:
            try:
                if attempt == MAX_LOST_ANSWERS:
                    raise
                client.revoke(lost.token_id)
            except Exception:
                journal.release(entry)  # the token is still there: the next create asks again
                raise
            journal.finish(entry)
            # The engine shows a provider's stderr lines beside the resource.
            print(
                f"ManagementToken: the server created token {lost.token_id} but its answer was lost; "
                f"revoked it and minting a new one.",
                file=sys.stderr,
                flush=True,
            )
            continue
        except OutcomeUnknownError:
            journal.release(entry)  # the next create of this request asks again with this key
            raise
        except Exception:
            journal.finish(entry)  # refused: nothing was created
            raise
        journal.finish(entry)
        return created
    raise AssertionError("unreachable")  # pragma: no cover


def _declared_mismatches(record: TokenRecord, inputs: TokenInputs) -> list[str]:
    """Adoption takes a token as it is; the program must declare the same description and expiry."""
    server = record_outputs(record)
    problems = []
    if inputs.description != record.description:
        problems.append(f"description is '{record.description}', the program says '{inputs.description}'")
    if inputs.expires_at != server["expires_at"]:
        problems.append(f"expires_at is {server['expires_at'] or 'never'}, the program says {inputs.expires_at or 'never'}")
    return problems

