"""The client seam of a table: the calls its lifecycle makes, whatever carries them.

Every transport creates, renames and deletes. Reading is a capability of its own (``TableLister``): InfluxData's
documented Management API has no operation that gets or lists tables (its OpenAPI files document only create, delete,
rename and undelete under "Tables"), while ``influxctl table list DATABASE`` lists them (admin/tables/list.md). The
lifecycle asks ``can_list`` and, over HTTP, keeps a table's state as it is instead of reading it.
"""

from __future__ import annotations

from typing import Any, Optional, Protocol, runtime_checkable

from .models import TableInputs, TableRecord


class TableClient(Protocol):
    """Table operations on one cluster. Implementations raise ``InfluxDB3TokensError`` subclasses, each one scrubbed
    sentence."""

    def create(self, inputs: TableInputs) -> TableRecord:
        """Create the table the inputs declare in their database, sent at most once (no idempotency key: a lost
        answer raises ``OutcomeUnknownError``); a name the database already has raises ``TableExistsError`` (never
        taken over: a 409 does not say who made it)."""
        ...

    def rename(self, database: str, name: str, new_name: str) -> TableRecord:
        """Rename in place (the data and the table's id stay); ``TableExistsError`` when ``new_name`` is taken,
        ``TableNotFoundError`` when the table or its database is gone."""
        ...

    def delete(self, database: str, name: str) -> bool:
        """Delete; returns False when the table (or its database) was already gone (404)."""
        ...


@runtime_checkable
class TableLister(Protocol):
    """The read capability of a transport that can list a database's tables (influxctl's ``table list``)."""

    def list(self, database: str) -> list[TableRecord]:
        """Every live table of ``database``; ``TableNotFoundError`` when the database is gone."""
        ...


def can_list(client: Any) -> Optional[TableLister]:
    """``client`` as a lister, or None when its transport cannot read tables (HTTP)."""
    return client if isinstance(client, TableLister) else None
