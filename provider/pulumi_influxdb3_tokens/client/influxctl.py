"""The influxctl transport: ``influxctl management create/list/revoke`` behind the TokenClient interface.

influxctl has no idempotency key, so a create whose outcome is unknown (stopped at the timeout,
killed, failed with a network error, or printed no JSON) is never run again. Instead the tokens are
listed and the one that create may have minted (same description and expiry, created since just
before the create, by the same identity when that is known, not already held by this process) is
adopted; with none or several such tokens the create fails with a sentence that says so.
"""

from __future__ import annotations

import builtins
import sys
import threading
from datetime import datetime, timedelta, timezone
from typing import Any, Mapping, Optional

import tenacity
from pydantic import ValidationError

from .. import timeutil
from ..errors import ManagementApiError, TokenNotFoundError
from ..models import CreatedToken, RecoveredToken, TokenRecord
from ..settings import Connection
from .influxctl_json import TOKEN_LIST, InfluxctlCreatedToken
from .influxctl_process import (
    Failure,
    Outcome,
    classify,
    describe,
    ensure_supported_version,
    failure_error,
    profile_flags,
    run,
)

# Server clocks and ours differ a little; a token minted by our create is younger than this.
RECOVERY_WINDOW = timedelta(minutes=5)
MAX_ATTEMPTS = 4

# Ids this provider process minted or adopted: never adopt one of them for another create.
_HELD: set[str] = set()
_HELD_LOCK = threading.Lock()


def _hold(token_id: str) -> None:
    with _HELD_LOCK:
        _HELD.add(token_id)


def _held(token_id: str) -> bool:
    with _HELD_LOCK:
        return token_id in _HELD


def _wall_clock() -> datetime:
    """The real time: tokens' created_at come from the server's clock, never from a faked one."""
    return datetime.now(timezone.utc)


def _same_second(a: Optional[datetime], b: Optional[datetime]) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return int(a.timestamp()) == int(b.timestamp())


class _Retryable(Exception):
    def __init__(self, outcome: Outcome) -> None:
        super().__init__("retryable influxctl failure")
        self.outcome = outcome


class InfluxctlTokenClient:
    """Management tokens through the ``influxctl`` CLI."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        ensure_supported_version(connection.influxctl_path)

    # --- operations ----------------------------------------------------------------------------

    def create(
        self, description: str, expires_at: Optional[datetime], idempotency_key: str
    ) -> CreatedToken | RecoveredToken:
        args = ["management", "create", "--format", "json"]
        if description:
            args.append(f"--description={description}")
        if expires_at is not None:
            args.append(f"--expires-at={timeutil.format_rfc3339(expires_at)}")
        started = _wall_clock()
        outcome = self._run(args)
        created = self._parse_created(outcome)
        if created is not None:
            _hold(created.id)
            return created
        if not outcome.timed_out and classify(outcome.stderr).definite:
            raise failure_error("create a management token", outcome, self._connection)
        return self._recover(description, expires_at, started, outcome)

    def get(self, token_id: str) -> TokenRecord:
        for record in self.list():
            if record.id == token_id:
                return record
        raise TokenNotFoundError(
            f"Management token {token_id} does not exist (influxctl management list does not show it).", status=404
        )

    def list(self) -> list[TokenRecord]:
        outcome = self._run_retrying(["management", "list", "--format", "json"], "list management tokens")
        try:
            entries = TOKEN_LIST.validate_json(outcome.stdout) or []
        except ValidationError as err:
            raise self._bad_output("influxctl management list", err) from None
        return [e.to_record(self._connection.account_id, self._connection.cluster_id) for e in entries]

    def revoke(self, token_id: str) -> bool:
        args = ["management", "revoke", "--force", token_id]
        try:
            self._run_retrying(args, f"revoke management token {token_id}")
        except _NotFound:
            return False
        return True

    # --- create recovery -------------------------------------------------------------------------

    def _recover(
        self, description: str, expires_at: Optional[datetime], started: datetime, outcome: Outcome
    ) -> RecoveredToken:
        what = f"influxctl management create {describe(outcome, self._connection.request_timeout)}"
        try:
            records = self.list()
        except ManagementApiError:
            raise ManagementApiError(
                f"{what}, and the tokens could not be listed to find one it may have minted; run "
                f"`influxctl management list`, adopt such a token with adopt_token_id or revoke it, then retry.",
                secrets=self._secrets(),
            ) from None
        identity = self._identity(records)
        now = _wall_clock()
        candidates = [
            r for r in records
            if not r.is_revoked()
            and r.description == description
            and _same_second(r.expires_at, expires_at)
            and started - RECOVERY_WINDOW <= r.created_at <= now + RECOVERY_WINDOW
            and (not identity or r.created_by in identity)
            and not _held(r.id)
        ]
        if not candidates:
            raise ManagementApiError(
                f"{what}, and no token it could have minted is listed, so nothing was created; run the update again.",
                secrets=self._secrets(),
            )
        if len(candidates) > 1:
            ids = ", ".join(sorted(r.id for r in candidates))
            raise ManagementApiError(
                f"{what}, and {len(candidates)} tokens it could have minted are listed ({ids}); adopt the right "
                f"one with adopt_token_id and revoke the others, then run the update again.",
                secrets=self._secrets(),
            )
        [record] = candidates
        _hold(record.id)
        # The engine shows a provider's stderr lines beside the resource.
        print(
            f"ManagementToken: {what}; adopted token {record.id}, which it minted, instead of minting a duplicate. "
            f"Its string was lost: replace the resource (pulumi up --replace) for a token you can use.",
            file=sys.stderr,
            flush=True,
        )
        return RecoveredToken(**record.model_dump())

    def _identity(self, records: builtins.list[TokenRecord]) -> set[str]:
        """Who our creates are attributed to: our own token's id and creator, when it is listed."""
        secret = self._connection.management_token.get_secret_value()
        if not secret:
            return set()
        for record in records:
            if record.token_prefix and secret.startswith(record.token_prefix):
                return {record.id, record.created_by} - {""}
        return set()

    # --- plumbing ------------------------------------------------------------------------------

    def _secrets(self) -> tuple[str, ...]:
        return (self._connection.management_token.get_secret_value(),)

    def _run(self, args: builtins.list[str]) -> Outcome:
        with profile_flags(self._connection) as flags:
            return run([self._connection.influxctl_path, *flags, *args], self._connection.request_timeout)

    def _run_retrying(self, args: builtins.list[str], action: str) -> Outcome:
        """Run an idempotent command, again on network failures and timeouts, within retryTimeout."""
        retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception_type(_Retryable),
            wait=tenacity.wait_exponential_jitter(multiplier=0.5, max=5.0, jitter=0.5),
            stop=tenacity.stop_after_delay(self._connection.retry_timeout) | tenacity.stop_after_attempt(MAX_ATTEMPTS),
            reraise=True,
        )
        try:
            for attempt in retrying:
                with attempt:
                    outcome = self._run(args)
                    if outcome.ok:
                        return outcome
                    failure = Failure.NETWORK if outcome.timed_out else classify(outcome.stderr)
                    if failure is Failure.NOT_FOUND:
                        raise _NotFound(outcome)
                    if failure is Failure.NETWORK:
                        raise _Retryable(outcome)
                    raise failure_error(action, outcome, self._connection)
        except _Retryable as final:
            raise failure_error(action, final.outcome, self._connection) from None
        except _NotFound as missing:
            if args[:2] == ["management", "revoke"]:
                raise
            raise failure_error(action, missing.outcome, self._connection) from None
        raise AssertionError("unreachable")  # pragma: no cover

    def _parse_created(self, outcome: Outcome) -> Optional[CreatedToken]:
        """The created token when influxctl printed it, whatever its exit status."""
        if not outcome.stdout.strip():
            return None
        try:
            parsed = InfluxctlCreatedToken.model_validate_json(outcome.stdout)
        except ValidationError:
            return None
        return parsed.to_created(self._connection.account_id, self._connection.cluster_id)

    def _bad_output(self, command: str, err: ValidationError) -> ManagementApiError:
        first: Mapping[str, Any] = err.errors()[0] if err.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ())) or "output"
        return ManagementApiError(
            f"`{command} --format json` printed output that is not the JSON it documents ({where}: "
            f"{first.get('msg', 'invalid')}); check that influxctl is a supported version.",
            secrets=self._secrets(),
        )


class _NotFound(Exception):
    def __init__(self, outcome: Outcome) -> None:
        super().__init__("not found")
        self.outcome = outcome
