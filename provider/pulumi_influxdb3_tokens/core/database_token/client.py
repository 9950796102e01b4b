"""The client seam of a database token: what its lifecycle calls, whatever the transport."""

from __future__ import annotations

import builtins
from typing import Collection, Optional, Protocol

from .models import CreatedDatabaseToken, DatabaseTokenInputs, DatabaseTokenRecord


class DatabaseTokenClient(Protocol):
    """Database-token operations on one cluster. Implementations raise ``InfluxDB3TokensError``."""

    # Whether ``update`` can change a description: the documented API's PATCH can; `influxctl token update` sets the
    # permissions only, so over influxctl a new description is planned as a replacement (diff.py).
    updates_description: bool

    def mint(self, inputs: DatabaseTokenInputs, held: Collection[str] = ()) -> CreatedDatabaseToken:
        """Mint the token the inputs declare. The API has no idempotency keys, so a create is sent at most once per
        attempt; a token whose create answer was lost is revoked only on proof (it carries this resource's create
        marker and is none of the ``held`` tokens, which carry it too) and then minted again."""
        ...

    def get(self, token_id: str) -> DatabaseTokenRecord:
        """One token; raises ``TokenNotFoundError`` when the id is unknown."""
        ...

    def read(self, token_id: str) -> DatabaseTokenRecord:
        """One token as a refresh reads it; raises ``TokenNotFoundError`` when the id is unknown. The client may
        answer it from one list the reads of its process share (clients/http/listing.py); ``get`` never does."""
        ...

    def list(self) -> list[DatabaseTokenRecord]:
        """Every database token of the cluster, revoked ones included."""
        ...

    def update(
        self, token_id: str, description: Optional[str], permissions: builtins.list[dict[str, str]]
    ) -> DatabaseTokenRecord:
        """Set the token's description (None: leave it) and permissions (the new permissions replace the old ones);
        raises ``TokenNotFoundError`` when the id is unknown."""
        ...

    def revoke(self, token_id: str) -> bool:
        """Revoke; returns False when the token was already gone (404). Revoking twice succeeds."""
        ...
