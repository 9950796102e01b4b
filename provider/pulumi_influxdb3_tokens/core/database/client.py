"""The client seam of a database: the calls its lifecycle makes, whatever carries them."""

from __future__ import annotations

from typing import Protocol

from .models import DatabaseInputs, DatabaseRecord, DatabaseUpdate


class DatabaseClient(Protocol):
    """Database operations on one cluster. Implementations raise ``InfluxDB3TokensError`` subclasses, each one
    scrubbed sentence."""

    def list(self) -> list[DatabaseRecord]:
        """Every database of the cluster."""
        ...

    def create(self, inputs: DatabaseInputs) -> DatabaseRecord:
        """Create the database the inputs declare, sent at most once: the documented API has no idempotency key, so
        a create whose answer is lost raises ``OutcomeUnknownError`` instead of being sent again, and a name the
        cluster already has raises ``DatabaseExistsError`` (never taken over: a 409 does not say who made it)."""
        ...

    def update(self, name: str, changes: DatabaseUpdate) -> DatabaseRecord:
        """Change the limits or the retention of database ``name``; ``DatabaseNotFoundError`` when it is gone."""
        ...

    def rename(self, name: str, new_name: str) -> DatabaseRecord:
        """Rename in place (the data stays); ``DatabaseExistsError`` when ``new_name`` is taken."""
        ...

    def delete(self, name: str) -> bool:
        """Delete; returns False when the database was already gone (404)."""
        ...
