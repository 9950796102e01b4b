"""Databases through ``influxctl database create|list|update|delete|rename`` behind ``DatabaseClient``.

Flags are those of the reference pages (content/shared/influxctl/database/*.md): create takes
``--retention-period``, ``--max-tables``, ``--max-columns`` and the template flags (``--template-tag``,
``--template-tag-bucket TAG,N``, ``--template-timeformat``), the name last; update the first three; delete
``--force``; rename the current and the new name. The release notes date rename (v2.10.2), the template time
format required with tags (2.10.3: always sent here with a template) and a limit changed alone (2.10.4: before it
both limits are sent). A release that cannot rename is refused in one sentence naming both releases.

A create runs once (influxctl has no idempotency key) and, as over HTTP (clients/http/databases.py), a name the
cluster already has is never taken over, and a create whose answer was lost is never run again nor found by name
(a database of that name proves nothing about who made it): its unknown outcome is said, with how to import it.
What create, update and rename print is not documented, so the database is read back from ``database list``,
shared per process (list_cache.py, kind ``databases``): a refresh of N databases lists once.
"""

from __future__ import annotations

import builtins
from datetime import timedelta
from typing import Any, Optional

from pydantic import ValidationError

from ...core import timeutil
from ...core.database.models import DatabaseInputs, DatabaseRecord, DatabaseUpdate
from ...core.database.props import import_hint
from ...core.engine import require_engine
from ...core.errors import DatabaseExistsError, DatabaseNotFoundError, OutcomeUnknownError
from ...settings import Connection
from . import list_cache
from .output import DATABASE_LIST
from .process import Failure, Outcome, already_exists, answer_lost, classify, describe, failure_error
from .runner import Refused, Runner
from .version import DATABASE_RENAME_SINCE, ONE_LIMIT_ALONE_SINCE, has, require

KIND = "databases"
NANOSECONDS_PER_SECOND = 1_000_000_000
# The documented default time format of a partition template (database/create.md: "default is `%Y-%m-%d`").
DEFAULT_TIME_FORMAT = "%Y-%m-%d"


def retention_flag(nanoseconds: int) -> str:
    """``--retention-period``: whole days, hours, minutes and seconds ("30d", "1d12h"); "0d" is infinite
    (update.md: "`0d`: infinite/none")."""
    seconds = nanoseconds // NANOSECONDS_PER_SECOND
    return "--retention-period=" + (timeutil.format_duration(timedelta(seconds=seconds)) if seconds else "0d")


def template_flags(template: Optional[builtins.list[dict[str, Any]]]) -> builtins.list[str]:
    """A template in the API's form as create's flags; the time part always given (required from 2.10.3)."""
    if not template:
        return []
    flags: builtins.list[str] = []
    time_format = DEFAULT_TIME_FORMAT
    for part in template:
        if part["type"] == "tag":
            flags.append(f"--template-tag={part['value']}")
        elif part["type"] == "bucket":
            flags.append(f"--template-tag-bucket={part['value']['tagName']},{part['value']['numberOfBuckets']}")
        else:
            time_format = str(part["value"])
    return [*flags, f"--template-timeformat={time_format}"]


class InfluxctlDatabaseClient(Runner):
    """The cluster's databases through influxctl."""

    def __init__(self, connection: Connection) -> None:
        super().__init__(connection)
        self._list_key = list_cache.key_of(connection, KIND)

    def list(self) -> builtins.list[DatabaseRecord]:
        return list_cache.SHARED.records(self._list_key, self._list_now)

    def create(self, inputs: DatabaseInputs) -> DatabaseRecord:
        name = inputs.database_name
        args = [
            "database",
            "create",
            f"--max-tables={inputs.max_tables}",
            f"--max-columns={inputs.max_columns_per_table}",
            retention_flag(inputs.retention_period_ns()),
            *template_flags(inputs.partition_template),
            "--",
            name,
        ]
        require_engine(f"the create of database '{name}'")
        try:
            outcome = self._run(args)
        finally:
            self._changed()
        if not outcome.ok:
            if already_exists(outcome.stderr):
                raise DatabaseExistsError(
                    f"Could not create database '{name}': the cluster already has a database of that name "
                    f"(influxctl: AlreadyExists), made outside this stack or by a colleague, so it is not taken "
                    f"over; to manage it here, import it with {import_hint(name)}, or choose another name.",
                    status=409,
                    secrets=self._secrets(),
                )
            if answer_lost(outcome):
                raise self._outcome_unknown(name, outcome)
            raise failure_error(f"create database '{name}'", outcome, self._connection)
        return self._read_back(name, f"create database '{name}'")

    def update(self, name: str, changes: DatabaseUpdate) -> DatabaseRecord:
        flags: builtins.list[str] = []
        limits = {"max_tables": changes.max_tables, "max_columns_per_table": changes.max_columns_per_table}
        if (limits["max_tables"] is None) != (limits["max_columns_per_table"] is None) and not has(
            self._version(), ONE_LIMIT_ALONE_SINCE
        ):
            current = self._find(name, f"update database '{name}'")  # both limits, or the other is reset
            limits = {key: current.model_dump()[key] if value is None else value for key, value in limits.items()}
        if limits["max_tables"] is not None:
            flags.append(f"--max-tables={limits['max_tables']}")
        if limits["max_columns_per_table"] is not None:
            flags.append(f"--max-columns={limits['max_columns_per_table']}")
        if changes.retention_period is not None:
            flags.append(retention_flag(changes.retention_period))
        self._change(["database", "update", *flags, "--", name], f"update database '{name}'", name)
        return self._read_back(name, f"update database '{name}'")

    def rename(self, name: str, new_name: str) -> DatabaseRecord:
        require(self._version(), DATABASE_RENAME_SINCE, "rename a database", self._connection.influxctl_path)
        action = f"rename database '{name}' to '{new_name}'"
        self._change(["database", "rename", "--", name, new_name], action, name, new_name=new_name)
        return self._read_back(new_name, action)

    def delete(self, name: str) -> bool:
        try:
            self._change(["database", "delete", "--force", "--", name], f"delete database '{name}'", name)
        except DatabaseNotFoundError:
            return False
        return True

    # --- plumbing ------------------------------------------------------------------------------

    def _change(self, args: builtins.list[str], action: str, name: str, *, new_name: str = "") -> None:
        """Run an idempotent change; NotFound and AlreadyExists as the seam's errors."""
        try:
            self._run_retrying(args, action, keep_refusal=True)
        except Refused as refused:
            if new_name and already_exists(refused.outcome.stderr):
                raise DatabaseExistsError(
                    f"Could not {action}: the cluster already has a database named '{new_name}' (influxctl: "
                    f"AlreadyExists).",
                    status=409,
                    secrets=self._secrets(),
                ) from None
            if classify(refused.outcome.stderr) is Failure.NOT_FOUND:
                raise self._not_found(action, name) from None
            raise failure_error(action, refused.outcome, self._connection) from None
        finally:
            self._changed()

    def _read_back(self, name: str, action: str) -> DatabaseRecord:
        """What create, update and rename print is not documented: the database as ``database list`` shows it."""
        return self._find(name, action, fresh=True)

    def _find(self, name: str, action: str, *, fresh: bool = False) -> DatabaseRecord:
        for record in list_cache.SHARED.records(self._list_key, self._list_now, fresh=fresh):
            if record.name == name:
                return record
        raise self._not_found(action, name)

    def _list_now(self) -> builtins.list[DatabaseRecord]:
        outcome = self._run_retrying(["database", "list", "--format", "json"], "list databases", read=True)
        try:
            entries = DATABASE_LIST.validate_json(outcome.stdout) or []
        except ValidationError as err:
            raise self._bad_output("influxctl database list", err) from None
        return [e.to_record(self._connection.account_id, self._connection.cluster_id) for e in entries]

    def _changed(self) -> None:
        list_cache.SHARED.changed(self._list_key)

    def _not_found(self, action: str, name: str) -> DatabaseNotFoundError:
        return DatabaseNotFoundError(
            f"Could not {action}: the cluster has no database '{name}' (influxctl: NotFound); it was deleted or "
            f"renamed outside this stack, and `pulumi refresh` forgets it.",
            status=404,
            secrets=self._secrets(),
        )

    def _outcome_unknown(self, name: str, outcome: Outcome) -> OutcomeUnknownError:
        return OutcomeUnknownError(
            f"Whether database '{name}' was created is unknown: influxctl database create "
            f"{describe(outcome, self._connection.request_timeout)}, and a create is never run twice, since "
            f"influxctl cannot tell a repeated create from a new one; list the cluster's databases (`influxctl "
            f"database list`), and if '{name}' is there, import it with {import_hint(name)}, else run `pulumi up` "
            f"again.",
            secrets=self._secrets(),
        )
