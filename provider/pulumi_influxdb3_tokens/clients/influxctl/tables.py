"""A database's tables through ``influxctl table create|list|delete|rename``: what the ``Table`` resource plugs in.

The documented Management API can create, rename and delete a table but not read one; influxctl lists them
(table/list.md, from v2.10.2), so refresh and import of a table need this transport. ``TableCommands`` is the
surface a ``Table`` lifecycle calls (the resource itself lives in core/table/, not here); ``InfluxctlTables``
implements it. Flags are those of the reference pages (content/shared/influxctl/table/*.md): create takes the
template flags and ``DATABASE_NAME TABLE_NAME``; rename ``DATABASE_NAME CURRENT NEW``; delete
``DATABASE_NAME TABLE_NAME``. The release notes date list and delete (v2.10.2) and rename (2.10.3); an older
release is refused in one sentence naming both releases. A create runs once: a lost answer is said, never run
again, and a name the database already has is never taken over (as for databases, databases.py). Lists are
shared per database and process (list_cache.py, kind ``tables:<database>``).
"""

from __future__ import annotations

import builtins
import re
from typing import Any, Optional, Protocol

from pydantic import BaseModel, ValidationError

from ...core.engine import require_engine
from ...core.errors import ManagementApiError, OutcomeUnknownError
from ...settings import Connection
from . import list_cache
from .databases import template_flags
from .output import TABLE_LIST
from .process import Failure, answer_lost, classify, describe, failure_error
from .runner import Refused, Runner
from .version import TABLE_LIST_SINCE, TABLE_RENAME_SINCE, require

_ALREADY_EXISTS = re.compile(r"code = AlreadyExists|already exists", re.I)


class TableListing(BaseModel):
    """A table as ``table list`` shows it: its id (undelete takes it), name and partition template."""

    database: str
    name: str
    id: Optional[int] = None
    partition_template: Optional[list[dict[str, Any]]] = None


class TableExistsError(ManagementApiError):
    """The database already has a table of that name: never taken over."""


class TableNotFoundError(ManagementApiError):
    """The database, or the table in it, does not exist."""


class TableCommands(Protocol):
    """What a ``Table`` lifecycle calls on a transport that can read tables."""

    def list(self, database: str) -> builtins.list[TableListing]:
        """The live tables of ``database``; ``TableNotFoundError`` when the database is gone."""
        ...

    def create(self, database: str, name: str, partition_template: Optional[builtins.list[dict[str, Any]]]) -> None:
        """Create once; ``TableExistsError`` when the name is taken, ``OutcomeUnknownError`` when the answer was
        lost (never run again)."""
        ...

    def rename(self, database: str, name: str, new_name: str) -> None:
        """Rename in place; ``TableExistsError`` when ``new_name`` is taken, ``TableNotFoundError`` when gone."""
        ...

    def delete(self, database: str, name: str) -> bool:
        """Delete; False when the table (or its database) was already gone."""
        ...


class InfluxctlTables(Runner):
    """``TableCommands`` through influxctl."""

    def __init__(self, connection: Connection) -> None:
        super().__init__(connection)

    def list(self, database: str) -> builtins.list[TableListing]:
        require(self._version(), TABLE_LIST_SINCE, "list tables", self._connection.influxctl_path)
        return list_cache.SHARED.records(self._key(database), lambda: self._list_now(database))

    def create(self, database: str, name: str, partition_template: Optional[builtins.list[dict[str, Any]]]) -> None:
        args = ["table", "create", *template_flags(partition_template), "--", database, name]
        require_engine(f"the create of table '{name}'")
        try:
            outcome = self._run(args)
        finally:
            list_cache.SHARED.changed(self._key(database))
        if outcome.ok:
            return
        if _ALREADY_EXISTS.search(outcome.stderr):
            raise TableExistsError(
                f"Could not create table '{name}' in database '{database}': it already has a table of that name "
                f"(influxctl: AlreadyExists), made outside this stack, so it is not taken over; import it, or "
                f"choose another name.",
                status=409,
                secrets=self._secrets(),
            )
        if answer_lost(outcome):
            raise OutcomeUnknownError(
                f"Whether table '{name}' was created in database '{database}' is unknown: influxctl table create "
                f"{describe(outcome, self._connection.request_timeout)}, and a create is never run twice; check "
                f"with `influxctl table list {database}` and import it if it is there, else run `pulumi up` again.",
                secrets=self._secrets(),
            )
        if classify(outcome.stderr) is Failure.NOT_FOUND:
            raise self._not_found(f"create table '{name}'", database, None)
        raise failure_error(f"create table '{name}' in database '{database}'", outcome, self._connection)

    def rename(self, database: str, name: str, new_name: str) -> None:
        require(self._version(), TABLE_RENAME_SINCE, "rename a table", self._connection.influxctl_path)
        action = f"rename table '{name}' of database '{database}' to '{new_name}'"
        self._change(["table", "rename", "--format", "json", "--", database, name, new_name], action, database, name)

    def delete(self, database: str, name: str) -> bool:
        require(self._version(), TABLE_LIST_SINCE, "delete a table", self._connection.influxctl_path)
        try:
            self._change(["table", "delete", "--", database, name], f"delete table '{name}'", database, name)
        except TableNotFoundError:
            return False
        return True

    def _change(self, args: builtins.list[str], action: str, database: str, name: str) -> None:
        try:
            self._run_retrying(args, action, keep_refusal=True)
        except Refused as refused:
            if _ALREADY_EXISTS.search(refused.outcome.stderr):
                raise TableExistsError(
                    f"Could not {action}: the name is taken (influxctl: AlreadyExists).",
                    status=409,
                    secrets=self._secrets(),
                ) from None
            if classify(refused.outcome.stderr) is Failure.NOT_FOUND:
                raise self._not_found(action, database, name) from None
            raise failure_error(action, refused.outcome, self._connection) from None
        finally:
            list_cache.SHARED.changed(self._key(database))

    def _list_now(self, database: str) -> builtins.list[TableListing]:
        try:
            outcome = self._run_retrying(
                ["table", "list", "--format", "json", "--", database],
                f"list the tables of '{database}'",
                keep_refusal=True,
            )
        except Refused as refused:
            if classify(refused.outcome.stderr) is Failure.NOT_FOUND:
                raise self._not_found(f"list the tables of '{database}'", database, None) from None
            raise failure_error(f"list the tables of '{database}'", refused.outcome, self._connection) from None
        try:
            entries = TABLE_LIST.validate_json(outcome.stdout) or []
        except ValidationError as err:
            raise self._bad_output("influxctl table list", err) from None
        return [TableListing(database=database, **entry.model_dump()) for entry in entries]

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
