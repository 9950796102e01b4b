"""A database token's create whose answer was lost, whatever transport carried it: revoke on proof, mint again.

Neither the documented Management API nor influxctl has an idempotency key, so a create is sent once per
attempt. One whose answer is lost (a timeout or dropped connection after it was sent, a garbled answer) may have
made a token whose string nobody will ever see ("you can't recover a lost token"). It is found by proof only: a
listed token whose description carries this resource's create marker (core/tokens/marker.py), and which the
resource does not already hold, is this resource's lost create; it is revoked and the token minted again, a
bounded number of times, telling the user. Without a marker (``mark_description: false``) nothing is proof: the
create fails in one sentence naming the tokens with the same description, and none is revoked or adopted.
"""

from __future__ import annotations

from datetime import datetime
from typing import Collection, Optional, Protocol

from ..core.database_token.models import CreatedDatabaseToken, DatabaseTokenInputs, DatabaseTokenRecord
from ..core.errors import ManagementApiError
from ..core.notices import say
from ..core.tokens import marker

# How many times one mint revokes the tokens a lost create answer made and mints again.
MAX_LOST_CREATES = 3


class LostCreate(Exception):
    """The create was sent and its answer lost; ``why`` says how, in words for the user."""

    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


class Minter(Protocol):
    """What a transport gives the shared mint: one create sent once, a list from after it, a revoke."""

    def create_once(
        self, description: str, permissions: list[dict[str, str]], expires_at: Optional[datetime]
    ) -> CreatedDatabaseToken:
        """Send one create; raise ``LostCreate`` when it may have made a token whose answer is lost."""
        ...

    def list_after_create(self) -> list[DatabaseTokenRecord]:
        """Every token, listed after the create (never an answer from before it), revoked ones included."""
        ...

    def revoke(self, token_id: str) -> bool: ...

    def where(self) -> str:
        """What carries the calls, for a sentence: 'the Management API at URL', 'influxctl'."""
        ...

    def secrets(self) -> tuple[str, ...]: ...


def mint(client: Minter, inputs: DatabaseTokenInputs, held: Collection[str]) -> CreatedDatabaseToken:
    """Mint the token the inputs declare; a lost create is revoked on proof and minted again (above)."""
    description = inputs.description_to_send()
    for attempt in range(MAX_LOST_CREATES + 1):
        try:
            return client.create_once(description, inputs.permissions_to_send(), inputs.expiry_for_new_token())
        except LostCreate as lost:
            revoked = revoke_lost(client, lost.why, description, inputs.create_marker, held)
            if attempt == MAX_LOST_CREATES:
                raise ManagementApiError(
                    f"Could not create a database token: {MAX_LOST_CREATES + 1} creates in a row lost their "
                    f"answers ({lost.why}); the tokens they made were revoked, so none is left behind; check "
                    f"{client.where()} and run the update again.",
                    secrets=client.secrets(),
                ) from None
            made = ", ".join(revoked) if revoked else "no token carrying its marker, so it made none"
            say(
                f"a create of this database token lost its answer ({lost.why}); revoked what it made ({made}), "
                f"whose string was lost with that answer, and minting again ({attempt + 2} of "
                f"{MAX_LOST_CREATES + 1})."
            )
    raise AssertionError("unreachable")  # pragma: no cover


def revoke_lost(
    client: Minter, why: str, description: str, create_marker: Optional[str], held: Collection[str]
) -> list[str]:
    """Revoke every live token that provably came from this resource's lost creates; the ids revoked."""
    try:
        records = client.list_after_create()
    except ManagementApiError:
        raise ManagementApiError(
            f"Could not create a database token: its answer was lost ({why}), and the tokens could not be "
            f"listed to find one it may have made; run the update again, which finds it by its create marker.",
            secrets=client.secrets(),
        ) from None
    live = [record for record in records if not record.is_revoked() and record.id not in held]
    if create_marker is None:
        same = sorted(record.id for record in live if record.description == description)
        found = f"the tokens with its description are {', '.join(same)}" if same else "none has its description"
        raise ManagementApiError(
            f"Could not create a database token: its answer was lost ({why}), and without a create marker "
            f"(mark_description is false) nothing proves which token it made, so none was revoked or adopted "
            f"({found}); revoke the one it made, if any, and run the update again.",
            secrets=client.secrets(),
        )
    ours = sorted(record.id for record in live if marker.proves(record.description, create_marker))
    for token_id in ours:
        client.revoke(token_id)
    return ours
