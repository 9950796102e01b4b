"""Database tokens through ``influxctl token create|list|get|update|revoke`` behind ``DatabaseTokenClient``.

The commands and flags are those of the influxctl reference pages (token/create.md: repeatable
``--read-database``/``--write-database``, ``--expires-at``, ``--format json``, the description last; update.md:
the flags given *replace* the permissions, and nothing changes a description or an expiry; revoke.md: ``--force``,
alias ``delete``), dated by the release notes: ``--expires-at``, ``--include-revoked`` and the name ``revoke``
came in 2.10.0 (before it, ``token delete``). A release that cannot do what a resource declares (an expiry before
2.10.0) is refused in one sentence naming both releases (version.py), before anything runs.

A create is run once per attempt (influxctl has no idempotency key). One whose answer is lost (stopped at the
timeout, killed, a network failure after it was sent, output without a token string) is recovered as every
transport recovers a database token's (clients/lost_creates.py): what carries this resource's create marker is
revoked on proof, from a list run after the create, and the token minted again. A create that never reached the
service (dial, DNS, refused, TLS) or that influxctl refused made nothing and fails in one sentence.

Reads share one ``token list`` answer per provider process (list_cache.py, kind ``database-tokens``): a refresh
of N tokens lists once. Releases before 2.10.0 do not list revoked tokens (whether they did is not documented;
their command was called delete): there a revoked token reads as gone.
"""

from __future__ import annotations

import builtins
import re
from datetime import datetime
from typing import Collection, Optional

from pydantic import SecretStr, ValidationError

from ...core import timeutil
from ...core.database_token.models import CreatedDatabaseToken, DatabaseTokenInputs, DatabaseTokenRecord
from ...core.engine import require_engine
from ...core.errors import ConfigurationError, InfluxDB3TokensError, TokenNotFoundError
from ...core.notices import speaking_for
from ...core.registry import DATABASE_TOKEN
from ...settings import Connection
from .. import lost_creates
from ..lost_creates import LostCreate
from . import list_cache
from .answer import read_create_answer
from .output import DATABASE_TOKEN_LIST, InfluxctlDatabaseToken
from .process import Failure, answer_lost, classify, describe, failure_error
from .runner import Refused, Runner
from .version import DATABASE_TOKEN_EXPIRY_SINCE, INCLUDE_REVOKED_SINCE, TOKEN_REVOKE_SINCE, Version, has, require

KIND = "database-tokens"
_ALREADY_REVOKED = re.compile(r"already revoked|has been revoked|\brevoked\b", re.I)


def permission_flags(permissions: builtins.list[dict[str, str]]) -> builtins.list[str]:
    """``--read-database=DB`` / ``--write-database=DB`` per permission (token/create.md, update.md; ``*`` is every
    database). The ``=`` form keeps a name that starts with a dash a value."""
    return [f"--{p['action']}-database={p['resource']}" for p in permissions]


def _list_args(version: Optional[Version]) -> builtins.list[str]:
    """``token list``, with the revoked tokens from 2.10.0 (token/list.md)."""
    revoked = ["--include-revoked"] if has(version, INCLUDE_REVOKED_SINCE) else []
    return ["token", "list", "--format", "json", *revoked]


class InfluxctlDatabaseTokenClient(Runner):
    """Database tokens of one connection's cluster, through influxctl."""

    updates_description = False  # token/update.md: permissions flags only

    def __init__(self, connection: Connection) -> None:
        super().__init__(connection)
        self._list_key = list_cache.key_of(connection, KIND)

    # --- the seam --------------------------------------------------------------------------------

    def mint(self, inputs: DatabaseTokenInputs, held: Collection[str] = ()) -> CreatedDatabaseToken:
        if inputs.expiry_for_new_token() is not None:
            require(
                self._version(),
                DATABASE_TOKEN_EXPIRY_SINCE,
                "create a database token that expires (token create --expires-at)",
                self._connection.influxctl_path,
            )
        with speaking_for(DATABASE_TOKEN.name):
            return lost_creates.mint(self, inputs, held)

    def get(self, token_id: str) -> DatabaseTokenRecord:
        for record in self.list():
            if record.id == token_id:
                return record
        raise TokenNotFoundError(
            f"Database token {token_id} does not exist (influxctl token list does not show it).", status=404
        )

    def read(self, token_id: str) -> DatabaseTokenRecord:
        """A refresh's read: every read here is from the shared list already."""
        return self.get(token_id)

    def list(self) -> builtins.list[DatabaseTokenRecord]:
        return list_cache.SHARED.records(self._list_key, self._list_now)

    def update(
        self, token_id: str, description: Optional[str], permissions: builtins.list[dict[str, str]]
    ) -> DatabaseTokenRecord:
        """``token update`` replaces the permissions (update.md) and cannot change the description: a different
        one mints a new token on influxctl (core/database_token/diff.py), so it never reaches here; the lifecycle
        sends None, which leaves it."""
        if description is not None and self.get(token_id).description != description:
            raise ConfigurationError(
                f"influxctl cannot change the description of database token {token_id} (`influxctl token update` "
                f"sets its permissions only); replace the token to change its description."
            )
        try:
            self._run_retrying(
                ["token", "update", *permission_flags(permissions), "--", token_id],
                f"update database token {token_id}",
                keep_refusal=True,
            )
        except Refused as refused:
            self._changed()
            if classify(refused.outcome.stderr) is Failure.NOT_FOUND:
                raise TokenNotFoundError(
                    f"Could not update database token {token_id}: it no longer exists (influxctl token update found "
                    f"none); `pulumi refresh` drops it from the stack and the next `pulumi up` mints a new one.",
                    status=404,
                ) from None
            raise failure_error(f"update database token {token_id}", refused.outcome, self._connection) from None
        finally:
            self._changed()
        return self.get(token_id)

    def revoke(self, token_id: str) -> bool:
        """Revoke; a refusal is judged by the list (already revoked: success; not listed: gone, False)."""
        command = "revoke" if has(self._version(), TOKEN_REVOKE_SINCE) else "delete"
        try:
            self._run_retrying(
                ["token", command, "--force", "--", token_id], f"revoke database token {token_id}", keep_refusal=True
            )
        except Refused as refused:
            self._changed()
            listed = {record.id: record for record in self._list_now()}.get(token_id)
            if listed is None:
                return False
            if listed.is_revoked() or _ALREADY_REVOKED.search(refused.outcome.stderr):
                return True
            raise failure_error(f"revoke database token {token_id}", refused.outcome, self._connection) from None
        except InfluxDB3TokensError:
            self._changed()  # the outcome is unknown: it may have revoked the token
            raise
        self._changed()
        return True

    # --- what the shared mint (clients/lost_creates.py) asks of this transport ------------------------

    def create_once(
        self, description: str, permissions: builtins.list[dict[str, str]], expires_at: Optional[datetime]
    ) -> CreatedDatabaseToken:
        args = ["token", "create", "--format", "json", *permission_flags(permissions)]
        if expires_at is not None:
            args.append(f"--expires-at={timeutil.format_rfc3339(expires_at)}")
        args += ["--", description]  # the description is an argument: "--" keeps one starting with "-" one
        require_engine("a create of a database token")  # a killed engine could record no answer
        try:
            outcome = self._run(args)
        finally:
            self._changed()  # made, or may have: no list from before serves a later read
        what = f"influxctl token create {describe(outcome, self._connection.request_timeout)}"
        if not outcome.ok:
            if not answer_lost(outcome):
                raise failure_error("create a database token", outcome, self._connection)
            raise LostCreate(what)
        answer = read_create_answer(outcome.stdout)
        entry = answer.entry_as(InfluxctlDatabaseToken)
        token = None if entry is None else answer.string_besides(entry)
        if entry is None or token is None:
            raise LostCreate(f"influxctl token create printed {answer.shape()}, with no token entry and string")
        record = entry.to_record(self._connection.account_id, self._connection.cluster_id)
        return CreatedDatabaseToken(**record.model_dump(), access_token=SecretStr(token))

    def list_after_create(self) -> builtins.list[DatabaseTokenRecord]:
        return list_cache.SHARED.records(self._list_key, self._list_now, fresh=True)

    def where(self) -> str:
        return f"influxctl ({self._connection.influxctl_path}) and the network"

    def secrets(self) -> tuple[str, ...]:
        return self._secrets()

    # --- plumbing ------------------------------------------------------------------------------

    def _list_now(self) -> builtins.list[DatabaseTokenRecord]:
        outcome = self._run_retrying(_list_args, "list database tokens", read=True)
        try:
            entries = DATABASE_TOKEN_LIST.validate_json(outcome.stdout) or []
        except ValidationError as err:
            raise self._bad_output("influxctl token list", err) from None
        return [e.to_record(self._connection.account_id, self._connection.cluster_id) for e in entries]

    def _changed(self) -> None:
        list_cache.SHARED.changed(self._list_key)
