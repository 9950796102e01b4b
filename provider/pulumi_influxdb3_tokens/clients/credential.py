"""Which credential a connection acts with, and which listed management token (if any) it is.

Acting safely on a shared account needs it: the audit must never revoke the token it is using, and
influxctl's create recovery adopts only a token its own identity made. With the user's own influxctl
profile, a ``mgmt_token`` in it is the credential (settings read it onto the connection, and influxctl
reads it from the profile itself); a profile without one makes influxctl log the person in through
the identity provider (device flow), and then no management token is the credential.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from typing import Iterable, Optional

from pydantic import SecretStr

from .. import settings
from ..core.management_token.models import TokenRecord
from ..settings import Connection


@dataclass(frozen=True)
class Credential:
    """The credential in play. ``token`` is None for a device-flow login (no management token)."""

    token: Optional[SecretStr]
    source: str  # where it comes from, for messages (never the value)

    @property
    def is_login(self) -> bool:
        return self.token is None

    def secrets(self) -> tuple[str, ...]:
        return (self.token.get_secret_value(),) if self.token is not None else ()

    def own_records(self, records: Iterable[TokenRecord]) -> builtins.list[TokenRecord]:
        """The listed tokens whose prefix the credential starts with: itself, when it is listed."""
        if self.token is None:
            return []
        secret = self.token.get_secret_value()
        return [r for r in records if r.token_prefix and secret.startswith(r.token_prefix)]


def credential_in_play(connection: Connection) -> Credential:
    """The credential the connection's transport sends. With the user's own influxctl profile, settings put
    that profile's ``mgmt_token`` on the connection (for scrubbing and for this), or nothing for a login."""
    if not connection.uses_own_influxctl_profile:
        source = f"{settings.config_key(settings.MANAGEMENT_TOKEN)} / {settings.MANAGEMENT_TOKEN.env}"
        return Credential(connection.management_token, source)
    name = connection.influxctl_profile
    if connection.management_token.get_secret_value():
        return Credential(connection.management_token, f"the mgmt_token of influxctl profile '{name}'")
    return Credential(None, f"the identity-provider login of influxctl profile '{name}'")


def source_if_credential(connection: Connection, token_prefix: str) -> Optional[str]:
    """Where the connection's credential comes from, when it is the token with this (listed) prefix."""
    credential = credential_in_play(connection)
    if credential.token is None or not token_prefix:
        return None
    return credential.source if credential.token.get_secret_value().startswith(token_prefix) else None
