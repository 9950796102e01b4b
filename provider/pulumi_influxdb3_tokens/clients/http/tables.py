"""Tables over the documented Management API (``TableClient``), for Cloud Dedicated and Clustered alike.

The API creates (``POST .../databases/{databaseName}/tables``, 200), renames (``PUT .../tables/{tableName}/rename``)
and deletes (``DELETE .../tables/{tableName}``, 204) a table, and has no operation that gets or lists one: this client
is no ``TableLister``. A create is sent at most once, as a database's (``DocumentedApi.create_once``), and a 409 on a
create is never taken over: it proves nothing about who made the table.
"""

from __future__ import annotations

from functools import partial
from typing import Optional

import httpx

from ...core.errors import OutcomeUnknownError, TableExistsError, TableNotFoundError
from ...core.table.models import CreateTableRequest, RenameTableRequest, TableInputs, TableRecord
from ...core.table.props import label
from ...settings import Connection
from . import answers
from .documented import DocumentedApi

WHAT = "table"


class HttpTableClient:
    """The cluster's tables over HTTP; a ``transport`` (e.g. ``httpx.MockTransport``) gives it a pool of its own."""

    def __init__(self, connection: Connection, transport: Optional[httpx.BaseTransport] = None) -> None:
        self.connection = connection
        self.api = DocumentedApi(connection, transport)

    def create(self, inputs: TableInputs) -> TableRecord:
        database, name = inputs.place
        body = CreateTableRequest(name=name, partition_template=inputs.partition_template)
        response = self.api.create_once(
            label(database, name),
            partial(self._outcome_unknown, database, name),
            "databases",
            database,
            "tables",
            json=body.model_dump(by_alias=True, exclude_none=True),
        )
        self._refuse_taken(
            response,
            f"Could not create {label(database, name)}: the database already has a table of that name (HTTP 409), "
            f"made outside this stack, by a colleague or by a write, so it is not taken over; choose another name, or "
            f"delete that table first.",
        )
        self._refuse(response, f"create {label(database, name)}", database, name)
        return self.api.with_ids(answers.parse(response, TableRecord, self.connection, WHAT))

    def rename(self, database: str, name: str, new_name: str) -> TableRecord:
        body = RenameTableRequest(name=new_name).model_dump(by_alias=True)
        response = self.api.send("PUT", "databases", database, "tables", name, "rename", json=body)
        self._refuse_taken(
            response,
            f"Could not rename {label(database, name)} to '{new_name}': the database already has a table named "
            f"'{new_name}' (HTTP 409).",
        )
        self._refuse(response, f"rename {label(database, name)} to '{new_name}'", database, name)
        return self.api.with_ids(answers.parse(response, TableRecord, self.connection, WHAT))

    def delete(self, database: str, name: str) -> bool:
        response = self.api.send("DELETE", "databases", database, "tables", name)
        if response.status_code == 404:
            return False
        answers.raise_for_status(response, f"delete {label(database, name)}", self.connection)
        return True

    def _refuse_taken(self, response: httpx.Response, message: str) -> None:
        """A 409: the name is taken (``TableExistsError``), whoever took it."""
        if response.status_code == 409:
            raise self.api.failure(TableExistsError, 409, message)

    def _refuse(self, response: httpx.Response, action: str, database: str, name: str) -> None:
        """A failed request: its 404 says the table or its database is gone (``TableNotFoundError``)."""
        if response.status_code == 404:
            raise self.api.failure(
                TableNotFoundError,
                404,
                f"Could not {action}: the cluster has no database '{database}' or it has no table '{name}' (HTTP "
                f"404); it was deleted or renamed outside this stack.",
            )
        answers.raise_for_status(response, action, self.connection)

    def _outcome_unknown(self, database: str, name: str, what_happened: str) -> OutcomeUnknownError:
        return OutcomeUnknownError(
            f"Whether {label(database, name)} was created is unknown: {what_happened}, and a create is never sent "
            f"twice, since the documented Management API cannot tell a repeated create from a new one; the API cannot "
            f"list tables either, so look with `influxctl table list {database}` (or SHOW TABLES), and if '{name}' is "
            f"there, delete it or choose another name, else run `pulumi up` again.",
            secrets=self.api.secrets(),
        )


__all__ = ["HttpTableClient"]
