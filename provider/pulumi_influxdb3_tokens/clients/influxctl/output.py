"""The JSON that ``influxctl management ... --format json`` prints, and its mapping to our models.

List entries (as documented for ``influxctl management list --format json``) carry ``id``,
``account_id``, ``token_prefix``, ``description``, ``created_by`` and protobuf timestamps
``{"seconds": N, "nanos": N}`` whose ``nanos`` is left out when zero; ``expires_at`` is absent (or
the epoch, or null) for a token that never expires, and ``revoked_at`` is present only once the token
is revoked. Entries carry no cluster id: the connection supplies it. What ``management create
--format json`` prints is not documented: see answer.py.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Optional

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, field_validator, model_validator

from ...core.database.models import DatabaseRecord
from ...core.database_token.models import DatabaseTokenRecord, Permission
from ...core.management_token.models import TokenRecord
from ...core.table.models import TableRecord


class ProtoTimestamp(BaseModel):
    """A protobuf ``Timestamp`` as JSON; protobuf leaves out zero fields."""

    model_config = ConfigDict(extra="ignore")

    seconds: int = 0
    nanos: int = Field(default=0, ge=0, lt=1_000_000_000)

    @model_validator(mode="before")
    @classmethod
    def _from_rfc3339(cls, value: Any) -> Any:
        """protojson prints a Timestamp as an RFC3339 string; accept that too."""
        if isinstance(value, str):
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
            if moment.tzinfo is None:
                raise ValueError("a timestamp needs a time zone")
            return {"seconds": int(moment.timestamp()), "nanos": moment.microsecond * 1000}
        return value

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

    @field_validator("account_id", "token_prefix", "description", "created_by", mode="before")
    @classmethod
    def _null_is_empty(cls, value: Any) -> Any:
        return "" if value is None else value

    def to_record(self, account_id: str, cluster_id: str) -> TokenRecord:
        return TokenRecord(
            id=self.id,
            account_id=self.account_id or account_id,
            cluster_id=cluster_id,
            description=self.description,
            token_prefix=self.token_prefix,
            created_at=self.created_at.as_datetime(),
            expires_at=_optional_time(self.expires_at),
            revoked_at=_optional_time(self.revoked_at),
            created_by=self.created_by,
        )


# Go prints a nil slice as `null`: an empty cluster lists as null or [].
TOKEN_LIST = TypeAdapter(Optional[list[InfluxctlToken]])


# --- database tokens, databases, tables ----------------------------------------------------------------
# What `influxctl token list|get`, `database list` and `table list` print with `--format json` is not documented
# (their reference pages document the flag only); these read the fields by the API's names in snake_case, as
# `management list` prints its own, and ignore any other.


class InfluxctlPermission(BaseModel):
    model_config = ConfigDict(extra="ignore")

    action: str
    resource: str


class InfluxctlDatabaseToken(BaseModel):
    """One entry of ``influxctl token list|get --format json``."""

    model_config = ConfigDict(extra="ignore")

    id: str = Field(min_length=1)
    account_id: str = ""
    cluster_id: str = ""
    description: str = ""
    permissions: Optional[list[InfluxctlPermission]] = None
    created_at: ProtoTimestamp
    expires_at: Optional[ProtoTimestamp] = None
    revoked_at: Optional[ProtoTimestamp] = None

    @field_validator("account_id", "cluster_id", "description", mode="before")
    @classmethod
    def _null_is_empty(cls, value: Any) -> Any:
        return "" if value is None else value

    def to_record(self, account_id: str, cluster_id: str) -> DatabaseTokenRecord:
        return DatabaseTokenRecord(
            id=self.id,
            account_id=self.account_id or account_id,
            cluster_id=self.cluster_id or cluster_id,
            description=self.description,
            permissions=[Permission(action=p.action, resource=p.resource) for p in self.permissions or []],
            created_at=self.created_at.as_datetime(),
            expires_at=_optional_time(self.expires_at),
            revoked_at=_optional_time(self.revoked_at),
        )


class InfluxctlDatabase(BaseModel):
    """One entry of ``influxctl database list --format json``: limits, retention in nanoseconds, template."""

    model_config = ConfigDict(extra="ignore")

    name: str = Field(min_length=1)
    max_tables: int
    max_columns_per_table: int
    retention_period: int = 0
    partition_template: Optional[list[dict[str, Any]]] = None

    def to_record(self, account_id: str, cluster_id: str) -> DatabaseRecord:
        return DatabaseRecord(
            account_id=account_id,
            cluster_id=cluster_id,
            name=self.name,
            max_tables=self.max_tables,
            max_columns_per_table=self.max_columns_per_table,
            retention_period=self.retention_period,
            partition_template=self.partition_template or None,
        )


class InfluxctlTable(BaseModel):
    """One entry of ``influxctl table list --format json``."""

    model_config = ConfigDict(extra="ignore")

    id: Optional[int] = None
    name: str = Field(min_length=1)
    partition_template: Optional[list[dict[str, Any]]] = None

    def to_record(self, database: str, account_id: str, cluster_id: str) -> TableRecord:
        """The table as the seam has it; the list names no database, account or cluster: the caller's."""
        return TableRecord(
            account_id=account_id,
            cluster_id=cluster_id,
            database_name=database,
            name=self.name,
            partition_template=self.partition_template or None,
        )


DATABASE_TOKEN_LIST = TypeAdapter(Optional[list[InfluxctlDatabaseToken]])
# "Make `influxctl database list` return an empty array instead of null" came in v2.1.0; null is read as empty.
DATABASE_LIST = TypeAdapter(Optional[list[InfluxctlDatabase]])
TABLE_LIST = TypeAdapter(Optional[list[InfluxctlTable]])
