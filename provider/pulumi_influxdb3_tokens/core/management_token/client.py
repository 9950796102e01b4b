"""The interface the resource lifecycle, the policy audit and the CLI program against."""

from __future__ import annotations

from datetime import datetime
from typing import Optional, Protocol

from .models import CreatedToken, RecoveredToken, TokenInputs, TokenRecord


class TokenClient(Protocol):
    """Management-token operations on one cluster. Implementations raise ``InfluxDB3TokensError``."""

    def mint(self, inputs: TokenInputs) -> CreatedToken | RecoveredToken:
        """Mint the token the inputs declare, exactly once, whatever answers get lost on the way.

        Each transport keeps this promise its own way (HTTP: retries with one Idempotency-Key, the
        pending-create journal and revoking a token whose answer was lost; influxctl: recovery by
        listing), so the lifecycle never asks which one it has.
        """
        ...

    def create(
        self, description: str, expires_at: Optional[datetime], idempotency_key: str
    ) -> CreatedToken | RecoveredToken:
        """Mint a token; a repeated call with the same key returns the first result.

        A ``RecoveredToken`` (no string) comes back only when a transport without idempotency keys lost
        the answer to its create and adopted the token that create minted instead of minting another.
        """
        ...

    def get(self, token_id: str) -> TokenRecord:
        """One token; raises ``TokenNotFoundError`` when the id is unknown."""
        ...

    def list(self) -> list[TokenRecord]:
        """Every token of the cluster, revoked ones included."""
        ...

    def revoke(self, token_id: str) -> bool:
        """Revoke; returns False when the token was already gone (404). Revoking twice succeeds."""
        ...
