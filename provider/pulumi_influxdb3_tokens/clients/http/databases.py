"""Databases over the documented Management API (``DatabaseClient``), for Cloud Dedicated and Clustered alike.

Paths and retries are ``DocumentedApi``'s. Listing, updating, renaming and deleting are retried as it decides
(each is idempotent). A create is not: the documented API has no idempotency key, so a create that may have reached
the server is never sent again (only its first attempt is let through), and its unknown outcome is said instead. A
409 on a create proves nothing about who made the database, so it is never taken over.
"""

from __future__ import annotations

from functools import partial
from typing import Optional

import httpx

from ...core.database.models import (
    CreateDatabaseRequest,
    DatabaseInputs,
    DatabaseRecord,
    DatabaseUpdate,
    RenameDatabaseRequest,
)
from ...core.database.props import import_hint
from ...core.errors import DatabaseExistsError, DatabaseNotFoundError, ManagementApiError, OutcomeUnknownError
from ...settings import Connection
from . import answers
from .documented import DocumentedApi

WHAT = "database"


class HttpDatabaseClient:
    """The cluster's databases over HTTP; a ``transport`` (e.g. ``httpx.MockTransport``) gives it a pool of its own."""

    def __init__(self, connection: Connection, transport: Optional[httpx.BaseTransport] = None) -> None:
        self.connection = connection
        self.api = DocumentedApi(connection, transport)

    def list(self) -> list[DatabaseRecord]:
        response = self.api.send("GET", "databases")
        answers.raise_for_status(response, "list databases", self.connection)
        return [
            self._with_ids(record) for record in answers.parse_items(response, DatabaseRecord, self.connection, WHAT)
        ]

    def create(self, inputs: DatabaseInputs) -> DatabaseRecord:
        name = inputs.database_name
        body = CreateDatabaseRequest.of(inputs).model_dump(by_alias=True, exclude_none=True)
        unknown = partial(self._outcome_unknown, name)
        response = self.api.create_once(f"database '{name}'", unknown, "databases", json=body)
        if response.status_code == 409:
            raise self._failure(
                DatabaseExistsError,
                409,
                (
                    f"Could not create database '{name}': the cluster already has a database of that name (HTTP 409), "
                    f"made outside this stack or by a colleague, so it is not taken over; to manage it here, import it "
                    f"with {import_hint(name)}, or choose another name."
                ),
            )
        answers.raise_for_status(response, f"create database '{name}'", self.connection)
        return self._with_ids(answers.parse(response, DatabaseRecord, self.connection, WHAT))

    def update(self, name: str, changes: DatabaseUpdate) -> DatabaseRecord:
        body = changes.model_dump(by_alias=True, exclude_none=True)
        response = self.api.send("PATCH", "databases", name, json=body)
        self._refuse(response, f"update database '{name}'", name)
        return self._with_ids(answers.parse(response, DatabaseRecord, self.connection, WHAT))

    def rename(self, name: str, new_name: str) -> DatabaseRecord:
        body = RenameDatabaseRequest(name=new_name).model_dump(by_alias=True)
        response = self.api.send("PUT", "databases", name, "rename", json=body)
        if response.status_code == 409:
            raise self._failure(
                DatabaseExistsError,
                409,
                (
                    f"Could not rename database '{name}' to '{new_name}': the cluster already has a database named "
                    f"'{new_name}' (HTTP 409)."
                ),
            )
        self._refuse(response, f"rename database '{name}' to '{new_name}'", name)
        return self._with_ids(answers.parse(response, DatabaseRecord, self.connection, WHAT))

    def delete(self, name: str) -> bool:
        response = self.api.send("DELETE", "databases", name)
        if response.status_code == 404:
            return False
        answers.raise_for_status(response, f"delete database '{name}'", self.connection)
        return True

    def _with_ids(self, record: DatabaseRecord) -> DatabaseRecord:
        return self.api.with_ids(record)

    def _refuse(self, response: httpx.Response, action: str, name: str) -> None:
        """A failed request on database ``name``: its 404 says that database is gone (``DatabaseNotFoundError``)."""
        if response.status_code == 404:
            raise self._failure(
                DatabaseNotFoundError,
                404,
                (
                    f"Could not {action}: the cluster has no database '{name}' (HTTP 404); it was deleted or renamed "
                    f"outside this stack, and `pulumi refresh` forgets it."
                ),
            )
        answers.raise_for_status(response, action, self.connection)

    def _outcome_unknown(self, name: str, what_happened: str) -> OutcomeUnknownError:
        return OutcomeUnknownError(
            f"Whether database '{name}' was created is unknown: {what_happened}, and a create is never sent twice, "
            f"since the documented Management API cannot tell a repeated create from a new one; list the cluster's "
            f"databases, and if '{name}' is there, import it with {import_hint(name)}, else run `pulumi up` again.",
            secrets=self._secrets(),
        )

    def _failure(self, kind: type[ManagementApiError], status: int, message: str) -> ManagementApiError:
        return self.api.failure(kind, status, message)

    def _secrets(self) -> tuple[str]:
        return self.api.secrets()
