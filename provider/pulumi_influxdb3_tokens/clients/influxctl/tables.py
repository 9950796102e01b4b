"""Tables through ``influxctl table create|list|delete|rename`` behind the Table seam (core/table/client.py).

The documented Management API can create, rename and delete a table but not read one; influxctl lists them
(table/list.md, from v2.10.2), so this client is both a ``TableClient`` and a ``TableLister``: over influxctl a
table is refreshed and imported. Flags are those of the reference pages (content/shared/influxctl/table/*.md):
create takes the template flags and ``DATABASE_NAME TABLE_NAME``; rename ``DATABASE_NAME CURRENT NEW``; delete
``DATABASE_NAME TABLE_NAME``. The release notes date list and delete (v2.10.2) and rename (2.10.3); an older release
is refused in one sentence naming both releases, and so is a create on a release that could then neither read nor
delete what it made. A create runs once: a lost answer is said, never run again, and a name the database already
has is never taken over (as for databases, databases.py). What create and rename print is not documented, and the
seam's record holds only what was sent (the names, the template), so neither is read back. Lists are shared per
database and process (list_cache.py, kind ``tables:<database>``): a refresh of N tables of one database lists once.
"""

from __future__ import annotations

import builtins
from typing import Any, Optional

from pydantic import ValidationError

from ...core.engine import require_engine
from ...core.errors import InfluxDB3TokensError, OutcomeUnknownError, TableExistsError, TableNotFoundError
from ...core.table.models import TableInputs, TableRecord
from ...core.table.props import import_hint, label
from ...settings import Connection
from . import list_cache
from .databases import template_flags
from .output import TABLE_LIST
from .process import Failure, Outcome, already_exists, answer_lost, classify, describe, failure_error
from .runner import Refused, Runner
from .version import TABLE_LIST_SINCE, TABLE_RENAME_SINCE, require

# What a create needs besides `table create` itself: a Table it made must be refreshed and destroyed.
MANAGE = "manage a Table (its refresh runs `table list`, its destroy `table delete`)"


class InfluxctlTableClient(Runner):
    """The tables of one cluster through influxctl: ``TableClient`` and ``TableLister``."""

    def __init__(self, connection: Connection) -> None:
        super().__init__(connection)

    def list(self, database: str) -> builtins.list[TableRecord]:
        if self._version_check.ended:  # a release known to lack `table list` runs nothing
            self._require_table_list()
        # Else `table list` runs beside `influxctl version` (version.py), as every list does; the release is judged
        # before its answer is used, and an older one's refusal is the sentence, whatever the list did.
        return list_cache.SHARED.records(self._key(database), lambda: self._list_now(database))

    def create(self, inputs: TableInputs) -> TableRecord:
        database, name = inputs.place
        require(self._version(), TABLE_LIST_SINCE, MANAGE, self._connection.influxctl_path)
        args = ["table", "create", *template_flags(inputs.partition_template), "--", database, name]
        require_engine(f"the create of {label(database, name)}")
        try:
            outcome = self._run(args)
        finally:
            list_cache.SHARED.changed(self._key(database))
        if outcome.ok:
            return self._record(database, name, inputs.partition_template)
        if already_exists(outcome.stderr):
            raise TableExistsError(
                f"Could not create {label(database, name)}: the database already has a table of that name "
                f"(influxctl: AlreadyExists), made outside this stack, by a colleague or by a write, so it is not "
                f"taken over; to manage it here, import it with {import_hint(database, name)}, or choose another name.",
                status=409,
                secrets=self._secrets(),
            )
        if answer_lost(outcome):
            raise self._outcome_unknown(database, name, outcome)
        if classify(outcome.stderr) is Failure.NOT_FOUND:
            raise self._not_found(f"create {label(database, name)}", database, None)
        raise failure_error(f"create {label(database, name)}", outcome, self._connection)

    def rename(self, database: str, name: str, new_name: str) -> TableRecord:
        require(self._version(), TABLE_RENAME_SINCE, "rename a table", self._connection.influxctl_path)
        action = f"rename {label(database, name)} to '{new_name}'"
        self._change(["table", "rename", "--format", "json", "--", database, name, new_name], action, database, name)
        return self._record(database, new_name, None)

    def delete(self, database: str, name: str) -> bool:
        require(self._version(), TABLE_LIST_SINCE, "delete a table", self._connection.influxctl_path)
        try:
            self._change(["table", "delete", "--", database, name], f"delete {label(database, name)}", database, name)
        except TableNotFoundError:
            return False
        return True

    # --- plumbing ------------------------------------------------------------------------------

    def _record(self, database: str, name: str, template: Optional[builtins.list[dict[str, Any]]]) -> TableRecord:
        return TableRecord(
            account_id=self._connection.account_id,
            cluster_id=self._connection.cluster_id,
            database_name=database,
            name=name,
            partition_template=template,
        )

    def _change(self, args: builtins.list[str], action: str, database: str, name: str) -> None:
        """Run an idempotent change; NotFound and AlreadyExists as the seam's errors."""
        try:
            self._run_retrying(args, action, keep_refusal=True)
        except Refused as refused:
            if already_exists(refused.outcome.stderr):
                raise TableExistsError(
                    f"Could not {action}: the database already has a table of that name (influxctl: AlreadyExists).",
                    status=409,
                    secrets=self._secrets(),
                ) from None
            if classify(refused.outcome.stderr) is Failure.NOT_FOUND:
                raise self._not_found(action, database, name) from None
            raise failure_error(action, refused.outcome, self._connection) from None
        finally:
            list_cache.SHARED.changed(self._key(database))

    def _list_now(self, database: str) -> builtins.list[TableRecord]:
        action = f"list the tables of database '{database}'"
        try:
            outcome = self._run_retrying(
                ["table", "list", "--format", "json", "--", database], action, keep_refusal=True, read=True
            )
        except Refused as refused:
            self._require_table_list()  # a release without `table list` says so, whatever its run printed
            if classify(refused.outcome.stderr) is Failure.NOT_FOUND:
                raise self._not_found(action, database, None) from None
            raise failure_error(action, refused.outcome, self._connection) from None
        except InfluxDB3TokensError:
            self._require_table_list()
            raise
        self._require_table_list()
        try:
            entries = TABLE_LIST.validate_json(outcome.stdout) or []
        except ValidationError as err:
            raise self._bad_output("influxctl table list", err) from None
        account, cluster = self._connection.account_id, self._connection.cluster_id
        return [entry.to_record(database, account, cluster) for entry in entries]

    def _require_table_list(self) -> None:
        require(self._version(), TABLE_LIST_SINCE, "list tables", self._connection.influxctl_path)

    def _key(self, database: str) -> list_cache.Key:
        return list_cache.key_of(self._connection, f"tables:{database}")

    def _not_found(self, action: str, database: str, name: Optional[str]) -> TableNotFoundError:
        what = f"no table '{name}' in database '{database}'" if name else f"no database '{database}'"
        return TableNotFoundError(
            f"Could not {action}: the cluster has {what} (influxctl: NotFound); it was deleted or renamed outside "
            f"this stack, and `pulumi refresh` forgets it.",
            status=404,
            secrets=self._secrets(),
        )

    def _outcome_unknown(self, database: str, name: str, outcome: Outcome) -> OutcomeUnknownError:
        return OutcomeUnknownError(
            f"Whether {label(database, name)} was created is unknown: influxctl table create "
            f"{describe(outcome, self._connection.request_timeout)}, and a create is never run twice, since influxctl "
            f"cannot tell a repeated create from a new one; list the database's tables (`influxctl table list "
            f"{database}`), and if '{name}' is there, import it with {import_hint(database, name)}, else run `pulumi "
            f"up` again.",
            secrets=self._secrets(),
        )


__all__ = ["InfluxctlTableClient"]
