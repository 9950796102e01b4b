"""The influxctl transport: ``influxctl management create/list/revoke`` behind the TokenClient interface.

influxctl has no idempotency key, so a create whose outcome is unknown (stopped at the timeout,
killed, or failed with a network error after its request went out) is never run again. Instead the
tokens before it (list_cache.before_create: a list that ended before the call, shared by the creates
of a few seconds) are compared with a fresh list after it, and the one token that appeared meanwhile
carrying this create's marker in its description (core/tokens/marker.py), with the
requested expiry, and not already held by this process, is adopted. The marker is the proof: a
description, expiry, creator and timing can all be matched by a colleague with the same admin
secret; the marker exists only in this stack's state. A create that never reached the service
(dial, DNS, refused, TLS) adopts nothing. Without a marker (``mark_description: false``) nothing is
ever adopted: the create fails with a sentence naming the tokens that could be its own and
``adopt_token_id``. No message suggests revoking a token the stack does not hold. A create that
succeeded but whose answer holds no token string is refused, and the token it minted revoked: no
token nobody holds. Revoking decides by listing whether a failed revoke means "already revoked"
(success) or a failure.

Reads share one ``management list`` answer per provider process (list_cache.py): single flight, a
window of a few seconds, ended by every create or revoke this process makes. Lost-answer recovery
always lists afresh (``list(fresh=True)``), never from the shared answer.
"""

from __future__ import annotations

import builtins
import threading
from datetime import datetime
from typing import Optional

from pydantic import SecretStr, ValidationError

from ...core import timeutil
from ...core.engine import require_engine
from ...core.errors import InfluxDB3TokensError, ManagementApiError, TokenNotFoundError
from ...core.management_token.models import CreatedToken, RecoveredToken, TokenInputs, TokenRecord
from ...core.notices import say
from ...settings import Connection
from ..credential import source_if_credential
from . import list_cache
from .answer import CreateAnswer, read_create_answer
from .output import TOKEN_LIST
from .process import Outcome, answer_lost, describe, failure_error
from .runner import Refused, Runner
from .version import SUPPORTED_TEXT, requires_description

# Ids this provider process minted or adopted: never adopt one of them for another create.
_HELD: set[str] = set()
_HELD_LOCK = threading.Lock()


def _hold(token_id: str) -> None:
    with _HELD_LOCK:
        _HELD.add(token_id)


def _held(token_id: str) -> bool:
    with _HELD_LOCK:
        return token_id in _HELD


def _same_second(a: Optional[datetime], b: Optional[datetime]) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return int(a.timestamp()) == int(b.timestamp())


class InfluxctlTokenClient(Runner):
    """Management tokens through the ``influxctl`` CLI."""

    def __init__(self, connection: Connection) -> None:
        super().__init__(connection)
        self._list_key = list_cache.key_of(connection)

    # --- operations ----------------------------------------------------------------------------

    def mint(self, inputs: TokenInputs) -> CreatedToken | RecoveredToken:
        """influxctl sends no key and keeps no journal: ``create`` recovers a lost answer by listing, and the
        create marker in the description is what proves a listed token is this create's."""
        marked = inputs.create_marker is not None
        return self.create(inputs.description_to_send(), inputs.expiry_for_new_token(), marked=marked)

    def create(
        self, description: str, expires_at: Optional[datetime], *, marked: bool = False
    ) -> CreatedToken | RecoveredToken:
        """Create a token; ``marked``: the description carries a create marker, so a token listed with exactly
        this description can only be this create's (the only proof on which a lost answer's token is adopted)."""
        if not description and requires_description(self._version_check.result()):
            raise InfluxDB3TokensError(
                "A management token created with influxctl 2.10.0 or later needs a description (influxctl "
                "refuses an empty one): set `description` on the resource; nothing was created."
            )
        args = ["management", "create", "--format", "json"]
        if description:
            args.append(f"--description={description}")
        if expires_at is not None:
            args.append(f"--expires-at={timeutil.format_rfc3339(expires_at)}")
        # What was there before the create, so that afterwards only a token that appeared meanwhile counts:
        # a list that ended before this call, with evidence of what appeared since at most a few seconds old.
        before = list_cache.SHARED.before_create(self._list_key, lambda: self._listed("create a management token"))
        require_engine("the create of a management token")  # a killed engine could record no answer
        try:
            outcome = self._run(args)
        finally:
            self._changed()  # minted, or may have: no list from before serves a later read
        answer = read_create_answer(outcome.stdout)
        record = self._answered_record(answer)
        if record is None:
            if not answer_lost(outcome):
                raise failure_error("create a management token", outcome, self._connection)
            record = self._find_minted(description, expires_at, before, outcome, marked=marked)
        token = answer.token_string(record.token_prefix, record.description)
        if token is not None:
            _hold(record.id)
            list_cache.SHARED.created(self._list_key, record)
            return CreatedToken(**record.model_dump(), access_token=SecretStr(token))
        if outcome.ok:
            raise self._refuse_tokenless(record, answer)
        return self._adopt(record, outcome)

    def get(self, token_id: str) -> TokenRecord:
        for record in self.list():
            if record.id == token_id:
                return record
        raise TokenNotFoundError(
            f"Management token {token_id} does not exist (influxctl management list does not show it).", status=404
        )

    def read(self, token_id: str) -> TokenRecord:
        """A refresh's read: every read here is from the shared list already."""
        return self.get(token_id)

    def list(self, *, fresh: bool = False) -> list[TokenRecord]:
        """Every token of the account: the answer this process's reads share (list_cache.py).

        ``fresh=True`` runs a list that starts after this call, whatever is shared or running: what
        lost-answer recovery of a create must use (it compares the tokens listed before and after its
        create, and an answer shared from before would hide or invent the token it looks for).
        """
        return list_cache.SHARED.records(self._list_key, self._list_now, fresh=fresh)

    def _list_now(self) -> builtins.list[TokenRecord]:
        return self._listed("list management tokens")

    def _listed(self, action: str) -> builtins.list[TokenRecord]:
        """A list run now, never the shared answer; a failure is told as a failure to do ``action``."""
        outcome = self._run_retrying(["management", "list", "--format", "json"], action, read=True)
        try:
            entries = TOKEN_LIST.validate_json(outcome.stdout) or []
        except ValidationError as err:
            raise self._bad_output("influxctl management list", err) from None
        return [e.to_record(self._connection.account_id, self._connection.cluster_id) for e in entries]

    def credential_source(self, token_prefix: str) -> Optional[str]:
        return source_if_credential(self._connection, token_prefix)

    def revoke(self, token_id: str) -> bool:
        """Revoke; what influxctl prints for a token already revoked is not documented, so the list decides."""
        args = ["management", "revoke", "--force", "--", token_id]  # "--": an id is never read as a flag
        try:
            self._run_retrying(args, f"revoke management token {token_id}", keep_refusal=True)
        except Refused as refused:
            if refused.after_retries:
                self._changed()  # an earlier attempt that timed out may have revoked it
            listed = self._listed_after_refusal(token_id)
            if listed is None:
                return False
            if listed.is_revoked():
                return True
            raise failure_error(f"revoke management token {token_id}", refused.outcome, self._connection) from None
        except InfluxDB3TokensError:
            self._changed()  # the outcome is unknown: it may have revoked the token
            raise
        self._changed()
        return True

    def _listed_after_refusal(self, token_id: str) -> Optional[TokenRecord]:
        """The token as listed, to tell "already revoked" or "gone" from a real refusal.

        The shared answer decides when it is conclusive: a token it shows revoked stays revoked
        (revocation is permanent), and one it does not list is gone (the answer is from after this
        process's last create, and ids we hold existed before it). When it shows the token live it
        may predate someone else's revoke, the likely reason ours was refused: a fresh list decides.
        Many tokens revoked out of band and destroyed together so cost one shared list, not one each.
        """
        shared = {record.id: record for record in self.list()}.get(token_id)
        if shared is None or shared.is_revoked():
            return shared
        return {record.id: record for record in self.list(fresh=True)}.get(token_id)

    # --- create recovery -------------------------------------------------------------------------

    def _answered_record(self, answer: CreateAnswer) -> Optional[TokenRecord]:
        """The minted token as the answer names it, completed from the list when the answer lacks a field."""
        entry = answer.entry()
        if entry is not None and entry.token_prefix:
            return entry.to_record(self._connection.account_id, self._connection.cluster_id)
        token_id = entry.id if entry is not None else answer.token_id()
        if token_id is None:
            return None
        try:
            return self.get(token_id)
        except TokenNotFoundError:
            return None

    def _find_minted(
        self,
        description: str,
        expires_at: Optional[datetime],
        before: list_cache.Before,
        outcome: Outcome,
        *,
        marked: bool,
    ) -> TokenRecord:
        """The token this create minted, on proof only: the one that appeared since ``before`` carrying this
        create's marker (its exact description) and the requested expiry. Without a marker, none is adopted."""
        what = f"influxctl management create {describe(outcome, self._connection.request_timeout)}"
        try:
            records = self.list(fresh=True)  # never the shared answer: it may predate the create
        except ManagementApiError:
            raise ManagementApiError(
                f"{what}, and the tokens could not be listed to find one it may have minted, so none was adopted: "
                f"check with `influxctl management list` whether a token with the description '{description}' "
                f"appeared and, if it is this create's, declare it with adopt_token_id; then run the update again.",
                secrets=self._secrets(),
            ) from None
        appeared = [
            r
            for r in records
            if not before.predates(r)
            and not r.is_revoked()
            and r.description == description
            and _same_second(r.expires_at, expires_at)
            and not _held(r.id)
        ]
        if marked and len(appeared) == 1:
            return appeared[0]
        if not appeared:
            nothing = "no token with this description and expiry"
            if marked:
                nothing = "no token carrying this create's marker"
            raise ManagementApiError(
                f"{what}, and {nothing} appeared while it ran, so nothing was created; run the update again.",
                secrets=self._secrets(),
            )
        ids = ", ".join(sorted(r.id for r in appeared))
        if marked:
            why = (
                f"{len(appeared)} tokens carrying this create's marker appeared while it ran ({ids}) and which one "
                f"it made cannot be told"
            )
        else:
            one = "1 token" if len(appeared) == 1 else f"{len(appeared)} tokens"
            why = (
                f"{one} with this description and expiry appeared while it ran ({ids}), and without a create "
                f"marker (mark_description is false) nothing proves it is this create's, not a colleague's"
            )
        raise ManagementApiError(
            f"{what}, and {why}, so none was adopted: check with `influxctl management list` whether one is this "
            f"create's and, if so, declare it with adopt_token_id; then run the update again.",
            secrets=self._secrets(),
        )

    def _adopt(self, record: TokenRecord, outcome: Outcome) -> RecoveredToken:
        """Keep the token an interrupted create minted, loudly: its string was lost with the answer."""
        what = f"influxctl management create {describe(outcome, self._connection.request_timeout)}"
        _hold(record.id)
        say(
            f"{what}; adopted token {record.id}, which appeared while the create ran carrying its marker, instead "
            f"of minting a duplicate. Its string was lost with the answer, so this resource has no token string; "
            f"replacing this resource mints a new one."
        )
        return RecoveredToken(**record.model_dump())

    def _refuse_tokenless(self, record: TokenRecord, answer: CreateAnswer) -> ManagementApiError:
        """influxctl succeeded but its answer holds no token string: revoke the token, say what was seen."""
        seen = (
            f"`influxctl management create --format json` succeeded but printed {answer.shape()}, with no string "
            f"starting with the listed prefix of token {record.id}"
        )
        try:
            self.revoke(record.id)
        except InfluxDB3TokensError:
            return ManagementApiError(
                f"{seen}, and revoking that token failed too, so token {record.id}, which this create minted, is "
                f"live and held by no stack; check that influxctl is {SUPPORTED_TEXT}.",
                secrets=self._secrets(),
            )
        return ManagementApiError(
            f"{seen}, so it was revoked and nothing was created; check that influxctl is {SUPPORTED_TEXT}.",
            secrets=self._secrets(),
        )

    # --- plumbing ------------------------------------------------------------------------------

    def _changed(self) -> None:
        list_cache.SHARED.changed(self._list_key)
