"""Database tokens over the documented Management API (``/tokens``: GetDatabaseTokens, CreateDatabaseToken,
GetDatabaseToken, UpdateDatabaseToken, DeleteDatabaseToken), for Cloud Dedicated and Clustered alike.

That API has no idempotency keys: a create sent twice makes two tokens. So a create is sent once per attempt, never
retried blindly (``before_each`` refuses a second send), and only while the engine that started this provider runs
(``core.engine``). A create whose answer is lost (a timeout or dropped connection after it was sent, a 5xx, a
garbled body) is revoked on proof and minted again, as every transport does it (clients/lost_creates.py).
"""

from __future__ import annotations

import builtins
from datetime import datetime
from typing import Any, Collection, Optional

import httpx

from ...core import timeutil
from ...core.database_token.models import CreatedDatabaseToken, DatabaseTokenInputs, DatabaseTokenRecord
from ...core.engine import require_engine
from ...core.errors import ManagementApiError, TokenNotFoundError
from ...core.notices import speaking_for
from ...resources import DATABASE_TOKEN
from ...settings import Connection
from .. import lost_creates
from ..lost_creates import LostCreate
from . import answers, listing
from .documented import DocumentedApi

WHAT = "database token"


class _SentOnce(Exception):
    """A create was about to be sent a second time: its first send failed with its outcome unknown."""


class HttpDatabaseTokenClient:
    """Database tokens of one connection's cluster (``connection.product``: dedicated or clustered paths).

    A ``transport`` (e.g. ``httpx.MockTransport``) gives this client a pool of its own that sends every request
    through it."""

    updates_description = True  # UpdateDatabaseToken: "Update the description and permissions"

    def __init__(self, connection: Connection, transport: Optional[httpx.BaseTransport] = None) -> None:
        self._connection = connection
        self._api = DocumentedApi(connection, transport)
        # Reads share a list on the process-wide pool only: a client with its own transport reads with GETs.
        self._list_key = listing.key_of(connection, listing.DATABASE_TOKENS) if transport is None else None

    # --- operations ----------------------------------------------------------------------------

    def mint(self, inputs: DatabaseTokenInputs, held: Collection[str] = ()) -> CreatedDatabaseToken:
        with speaking_for(DATABASE_TOKEN.name):
            return lost_creates.mint(self, inputs, held)

    # --- what the shared mint (clients/lost_creates.py) asks of this transport ------------------------

    def create_once(
        self, description: str, permissions: builtins.list[dict[str, str]], expires_at: Optional[datetime]
    ) -> CreatedDatabaseToken:
        return self._expiring_as_asked(self._create(description, permissions, expires_at), expires_at)

    def list_after_create(self) -> builtins.list[DatabaseTokenRecord]:
        return self.list()  # every list is a new request

    def where(self) -> str:
        return f"the Management API at {self._connection.api_url}"

    def secrets(self) -> tuple[str, ...]:
        return self._secrets()

    def read(self, token_id: str) -> DatabaseTokenRecord:
        """The token as a refresh reads it: from a connection's second read in this process on, its record in the
        list those reads share (listing.py); the first read, and a token the list does not show, are a ``get``."""
        return listing.read(self._list_key, token_id, self.list, self.get)

    def get(self, token_id: str) -> DatabaseTokenRecord:
        """The token as the server answers a GET now (import and the proofs read it so)."""
        response = self._api.send("GET", "tokens", token_id)
        if response.status_code == 404:
            raise TokenNotFoundError(f"Database token {token_id} does not exist (HTTP 404).", status=404)
        answers.raise_for_status(response, f"read database token {token_id}", self._connection)
        return self._api.with_ids(answers.parse(response, DatabaseTokenRecord, self._connection, WHAT))

    def list(self) -> builtins.list[DatabaseTokenRecord]:
        response = self._api.send("GET", "tokens")
        answers.raise_for_status(response, "list database tokens", self._connection)
        return [
            self._api.with_ids(record)
            for record in answers.parse_items(response, DatabaseTokenRecord, self._connection, WHAT)
        ]

    def update(
        self, token_id: str, description: Optional[str], permissions: builtins.list[dict[str, str]]
    ) -> DatabaseTokenRecord:
        """PATCH the permissions and the description unless it is None (UpdateDatabaseToken's body needs either):
        "Existing permissions are replaced on update" (the docs' update.md), so all are sent."""
        body: dict[str, Any] = {"permissions": permissions}
        if description is not None:
            body["description"] = description
        try:
            response = self._api.send("PATCH", "tokens", token_id, json=body)
        finally:
            self._changed()  # changed, or may have: no list from before serves a read
        if response.status_code == 404:
            raise TokenNotFoundError(
                f"Could not update database token {token_id}: it no longer exists (HTTP 404); `pulumi refresh` "
                f"drops it from the stack and the next `pulumi up` mints a new one.",
                status=404,
            )
        answers.raise_for_status(response, f"update database token {token_id}", self._connection)
        return self._api.with_ids(answers.parse(response, DatabaseTokenRecord, self._connection, WHAT))

    def revoke(self, token_id: str) -> bool:
        try:
            response = self._api.send("DELETE", "tokens", token_id)
        finally:
            self._changed()  # revoked, or may have: no list from before serves a read
        if response.status_code == 404:
            return False
        answers.raise_for_status(response, f"revoke database token {token_id}", self._connection)
        return True

    def _changed(self) -> None:
        listing.changed(self._list_key)

    # --- the create and its lost answers -------------------------------------------------------------

    def _create(
        self, description: str, permissions: builtins.list[dict[str, str]], expires_at: Optional[datetime]
    ) -> CreatedDatabaseToken:
        """One POST, sent once: a retry could make a second token. The admin guide's create.md sends
        ``expirationType`` (``datetime`` with ``expiresAt``, else ``noExpiration``) beside the OpenAPI's fields."""
        body: dict[str, Any] = {"description": description, "permissions": permissions}
        if expires_at is not None:
            body["expirationType"] = "datetime"
            body["expiresAt"] = timeutil.format_rfc3339(expires_at)
        else:
            body["expirationType"] = "noExpiration"
        sends = 0

        def once() -> None:
            nonlocal sends
            if sends:
                raise _SentOnce
            require_engine("a create of a database token")
            sends += 1

        try:
            response = self._api.send("POST", "tokens", before_each=once, json=body)
        except _SentOnce:
            raise LostCreate(
                "its one send got no usable answer: a timeout, a dropped connection or HTTP 429 or 502-504; a create "
                "is never sent twice"
            ) from None
        except ManagementApiError as failed:  # the one send timed out, or its connection failed or was refused
            raise LostCreate(str(failed).rstrip(".")) from None
        finally:
            self._changed()  # minted, or may have: no list from before serves a read
        if response.status_code >= 500:
            raise LostCreate(f"the server failed (HTTP {response.status_code})")
        answers.raise_for_status(response, "create a database token", self._connection)
        try:
            created = answers.parse(response, CreatedDatabaseToken, self._connection, WHAT)
        except ManagementApiError as garbled:  # a 2xx: the token exists, its string is in no readable answer
            raise LostCreate(str(garbled).rstrip(".")) from None
        return self._api.with_ids(created)

    def _expiring_as_asked(self, created: CreatedDatabaseToken, expires_at: Optional[datetime]) -> CreatedDatabaseToken:
        """A token asked to expire must: the OpenAPI files name no ``expirationType`` (the admin guide sends it), so a
        server that ignores the expiry would hand out a credential that never ends. One the answer shows without the
        expiry is read back, and revoked unless the server holds it."""
        if expires_at is None or _same_second(created.expires_at, expires_at):
            return created
        stored = self.get(created.id).expires_at
        if _same_second(stored, expires_at):
            return created.model_copy(update={"expires_at": stored})
        self.revoke(created.id)
        made = "no expiry" if stored is None else f"the expiry {timeutil.format_rfc3339(stored)}"
        raise ManagementApiError(
            f"Could not create a database token that expires at {timeutil.format_rfc3339(expires_at)}: the server "
            f"made token {created.id} with {made} instead, so it was revoked; check that "
            f"{self._connection.api_url} serves the documented Management API.",
            secrets=self._secrets(),
        )

    def _secrets(self) -> tuple[str, ...]:
        return (self._connection.management_token.get_secret_value(),)


def _same_second(found: Optional[datetime], wanted: datetime) -> bool:
    return found is not None and int(found.timestamp()) == int(wanted.timestamp())
