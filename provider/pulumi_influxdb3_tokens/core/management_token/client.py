"""The client seam of a management token: what the lifecycle, the audit and the CLI call, whatever the transport."""

from __future__ import annotations

from typing import Protocol

from .models import CreatedToken, RecoveredToken, TokenInputs, TokenRecord


class TokenClient(Protocol):
    """Management-token operations on one cluster. Implementations raise ``InfluxDB3TokensError``."""

    def mint(self, inputs: TokenInputs) -> CreatedToken | RecoveredToken:
        """Mint the token the inputs declare, exactly once, whatever answers get lost on the way.

        Each transport keeps this promise its own way (HTTP: retries with one Idempotency-Key, the
        pending-create journal and revoking a token whose answer was lost; influxctl: recovery by
        listing), so the lifecycle never asks which one it has. A ``RecoveredToken`` (no string) comes
        back only when influxctl lost the answer to its create and the token it minted was adopted.
        """
        ...

    def get(self, token_id: str) -> TokenRecord:
        """One token; raises ``TokenNotFoundError`` when the id is unknown."""
        ...

    def read(self, token_id: str) -> TokenRecord:
        """One token as a refresh reads it; raises ``TokenNotFoundError`` when the id is unknown. A transport may
        answer it from one list the reads of its process share (clients/list_cache.py); ``get`` never does."""
        ...

    def list(self) -> list[TokenRecord]:
        """Every token of the cluster, revoked ones included."""
        ...

    def credential_source(self, token_prefix: str) -> str | None:
        """Where the credential this client sends comes from (never its value), when that credential is the
        token with ``token_prefix``; else None."""
        ...

    def revoke(self, token_id: str) -> bool:
        """Revoke; returns False when the token was already gone (404). Revoking twice succeeds."""
        ...
