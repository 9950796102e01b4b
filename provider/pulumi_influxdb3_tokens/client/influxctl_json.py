"""The JSON that ``influxctl management ... --format json`` prints, and its mapping to our models.

List entries (as documented for ``influxctl management list --format json``) carry ``id``,
``account_id``, ``token_prefix``, ``description``, ``created_by`` and protobuf timestamps
``{"seconds": N, "nanos": N}``; ``expires_at`` is absent, or the epoch, for a token that never
expires, and ``revoked_at`` is present only once the token is revoked. Entries carry no cluster id:
the connection supplies it. ``management create --format json`` prints one such entry plus the
token string (``access_token``; ``token`` is accepted too, as the docs do not show this output).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Optional

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, SecretStr, TypeAdapter

from ..models import CreatedToken, TokenRecord


class ProtoTimestamp(BaseModel):
    """A protobuf ``Timestamp`` as JSON; protobuf leaves out zero fields."""

    model_config = ConfigDict(extra="ignore")

    seconds: int = 0
    nanos: int = Field(default=0, ge=0, lt=1_000_000_000)

    def as_datetime(self) -> datetime:
        return datetime.fromtimestamp(self.seconds, tz=timezone.utc).replace(microsecond=self.nanos // 1000)

    def is_epoch(self) -> bool:
        return self.seconds == 0 and self.nanos == 0


def _optional_time(value: Optional[ProtoTimestamp]) -> Optional[datetime]:
    return None if value is None or value.is_epoch() else value.as_datetime()


class InfluxctlToken(BaseModel):
    """One entry of ``influxctl management list --format json``."""

    model_config = ConfigDict(extra="ignore")

    id: str = Field(min_length=1)
    account_id: str = ""
    token_prefix: str = ""
    description: str = ""
    created_by: str = ""
    created_at: ProtoTimestamp
    expires_at: Optional[ProtoTimestamp] = None
    revoked_at: Optional[ProtoTimestamp] = None

    def to_record(self, account_id: str, cluster_id: str) -> TokenRecord:
        return TokenRecord.model_validate(self._fields(account_id, cluster_id))

    def _fields(self, account_id: str, cluster_id: str) -> dict[str, object]:
        return {
            "id": self.id,
            "account_id": self.account_id or account_id,
            "cluster_id": cluster_id,
            "description": self.description,
            "token_prefix": self.token_prefix,
            "created_at": self.created_at.as_datetime(),
            "expires_at": _optional_time(self.expires_at),
            "revoked_at": _optional_time(self.revoked_at),
            "created_by": self.created_by,
        }


class InfluxctlCreatedToken(InfluxctlToken):
    """The output of ``influxctl management create --format json``: an entry plus the token string."""

    access_token: SecretStr = Field(validation_alias=AliasChoices("access_token", "token"), min_length=1)

    def to_created(self, account_id: str, cluster_id: str) -> CreatedToken:
        return CreatedToken.model_validate({**self._fields(account_id, cluster_id), "access_token": self.access_token})


# Go prints a nil slice as `null`: an empty cluster lists as null or [].
TOKEN_LIST = TypeAdapter(Optional[list[InfluxctlToken]])
