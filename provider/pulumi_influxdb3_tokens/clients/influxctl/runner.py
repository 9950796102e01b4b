"""What every influxctl client shares: the version check started with it, one run of a command with the flags
its release takes, and idempotent commands retried on network failures within retryTimeout.

The management-token client (client.py), the database client (databases.py), the database-token client
(database_tokens.py) and the table commands (tables.py) are each a ``Runner``: they differ in the commands
they run and in how a lost answer is recovered, never in how a command is run.
"""

from __future__ import annotations

import builtins
from typing import Any, Callable, Mapping, Optional, Union

import tenacity
from pydantic import ValidationError

from ...core.errors import ManagementApiError
from ...settings import Connection
from .process import Failure, Outcome, classify, failure_error, profile_flags, run, timeout_flag
from .version import Version, check_started, takes_timeout_flag

MAX_ATTEMPTS = 4
# A command's words and flags, or what makes them for a release (None: unknown, taken as current): a list whose
# flags depend on the release (``token list --include-revoked`` since 2.10.0).
Command = Union[builtins.list[str], Callable[[Optional[Version]], builtins.list[str]]]


def _args(command: Command, version: Optional[Version]) -> builtins.list[str]:
    return command(version) if callable(command) else command


class _Retryable(Exception):
    def __init__(self, outcome: Outcome) -> None:
        super().__init__("retryable influxctl failure")
        self.outcome = outcome


class Runner:
    """Runs influxctl commands for one connection."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self._version_check = check_started(connection.influxctl_path)  # runs meanwhile (version.py)

    def _version(self) -> Version | None:
        """The installed release (None: unknown, taken as current), once the check has passed."""
        return self._version_check.result()

    def _secrets(self) -> tuple[str, ...]:
        return (self._connection.management_token.get_secret_value(),)

    def _run(self, command: Command, *, read: bool = False) -> Outcome:
        """Run one command once the version check allows it (version.py).

        A create, update or revoke waits for the check to pass. A ``read`` (a list: it changes nothing) that starts
        while the check still runs runs beside it, with the flags of a current release and without ``--timeout``
        (a release older than 2.9.7 would refuse the flag; our own kill at requestTimeout still bounds it). Its
        outcome is used only once the check has passed, and only if the release takes the same flags; else it runs
        again with the flags the release takes. A refused release raises its refusal and the read's answer is
        dropped.
        """
        check = self._version_check
        if read and not check.ended:
            guessed = _args(command, None)
            outcome = self._run_with_flags(guessed, [])
            if _args(command, check.result()) == guessed:
                return outcome
        version = check.result()
        timeout = self._connection.request_timeout
        flags = [timeout_flag(timeout)] if takes_timeout_flag(version) else []
        return self._run_with_flags(_args(command, version), flags)

    def _run_with_flags(self, args: builtins.list[str], flags: builtins.list[str]) -> Outcome:
        with profile_flags(self._connection) as profile:
            return run([self._connection.influxctl_path, *profile, *flags, *args], self._connection.request_timeout)

    def _run_retrying(
        self, command: Command, action: str, *, keep_refusal: bool = False, read: bool = False
    ) -> Outcome:
        """Run an idempotent command, again on network failures and timeouts, within retryTimeout.

        ``read``: a list, which may run beside the version check (``_run``). ``keep_refusal``: a refusal other than
        of the credential is raised as ``Refused`` for the caller to judge (a revoke looks at the list: already
        revoked, or gone); else every failure is one sentence."""
        retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception_type(_Retryable),
            wait=tenacity.wait_exponential_jitter(multiplier=0.5, max=5.0, jitter=0.5),
            stop=tenacity.stop_after_delay(self._connection.retry_timeout) | tenacity.stop_after_attempt(MAX_ATTEMPTS),
            reraise=True,
        )
        try:
            for attempt in retrying:
                with attempt:
                    outcome = self._run(command, read=read)
                    if outcome.ok:
                        return outcome
                    failure = Failure.NETWORK if outcome.timed_out else classify(outcome.stderr)
                    if failure is Failure.NETWORK:
                        raise _Retryable(outcome)
                    raise Refused(outcome, after_retries=attempt.retry_state.attempt_number > 1)
        except _Retryable as final:
            raise failure_error(action, final.outcome, self._connection) from None
        except Refused as refused:
            if keep_refusal and classify(refused.outcome.stderr) not in _CREDENTIAL_FAILURES:
                raise
            raise failure_error(action, refused.outcome, self._connection) from None
        raise AssertionError("unreachable")  # pragma: no cover

    def _bad_output(self, command: str, err: ValidationError) -> ManagementApiError:
        first: Mapping[str, Any] = err.errors()[0] if err.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ())) or "output"
        return ManagementApiError(
            f"`{command} --format json` printed output that is not the JSON it documents ({where}: "
            f"{first.get('msg', 'invalid')}); check that influxctl is a supported version.",
            secrets=self._secrets(),
        )


class Refused(Exception):
    """influxctl answered with a failure that retrying does not cure."""

    def __init__(self, outcome: Outcome, *, after_retries: bool = False) -> None:
        super().__init__("refused")
        self.outcome = outcome
        self.after_retries = after_retries  # earlier attempts failed on the network: their effect is unknown


# A rejected credential is not a reason to look at the list: the list would be refused the same way.
_CREDENTIAL_FAILURES = (Failure.AUTHENTICATION, Failure.PERMISSION)
