"""Pydantic models of the API bodies (camelCase on the wire)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, WithJsonSchema, field_validator
from pydantic.alias_generators import to_camel

from .store import TokenRecord
from .timefmt import format_rfc3339, parse_rfc3339, utc_now

MAX_DESCRIPTION_LENGTH = 1024

Timestamp = Annotated[
    datetime,
    PlainSerializer(format_rfc3339, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "format": "date-time", "examples": ["2099-11-25T07:00:00Z"]}),
]


def future_timestamp(value: Any) -> datetime | None:
    """An expiresAt as sent: None, or an RFC3339 string for a moment strictly in the future."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError("must be an RFC3339 timestamp string")
    moment = parse_rfc3339(value)
    if moment <= utc_now():
        raise ValueError("must be in the future")
    return moment


class CreateManagementTokenRequest(BaseModel):
    """Body of `POST .../managementTokens`; unknown fields are rejected."""

    model_config = ConfigDict(alias_generator=to_camel, extra="forbid")

    description: str = Field(default="", max_length=MAX_DESCRIPTION_LENGTH)
    expires_at: Timestamp | None = Field(
        default=None,
        description="RFC3339 timestamp with a zone, strictly in the future when the request arrives; omit for "
        "no expiry. Deliberately stricter than `format: date-time` can say: a well-formed time that is not in "
        "the future, or that leaves the years 1 to 9999 once moved to UTC, is refused with 400.",
    )

    _expires_at = field_validator("expires_at", mode="before")(classmethod(lambda cls, v: future_timestamp(v)))


class ManagementToken(BaseModel):
    """A management token as returned by reads; never carries the access token."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)

    id: str
    account_id: str
    cluster_id: str
    description: str
    token_prefix: str
    created_at: Timestamp
    expires_at: Timestamp | None
    revoked_at: Timestamp | None
    created_by: str

    @classmethod
    def from_record(cls, record: TokenRecord) -> ManagementToken:
        return cls(
            id=record.id,
            account_id=record.account_id,
            cluster_id=record.cluster_id,
            description=record.description,
            token_prefix=record.token_prefix,
            created_at=record.created_at,
            expires_at=record.expires_at,
            revoked_at=record.revoked_at,
            created_by=record.created_by,
        )


class CreatedManagementToken(ManagementToken):
    """The create response: the only place the access token is ever shown."""

    access_token: str

    @classmethod
    def from_created(cls, record: TokenRecord, access_token: str) -> CreatedManagementToken:
        return cls(**dict(ManagementToken.from_record(record)), access_token=access_token)


class ErrorBody(BaseModel):
    """Every error response: `{"code": <HTTP status>, "message": "..."}`.

    A 409 or 422 for a reused Idempotency-Key also names the token that key created (`tokenId`), so a
    client whose first answer was lost can revoke it instead of leaving an orphan.
    """

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)

    code: int
    message: str
    token_id: str | None = Field(default=None, description="The token an already used Idempotency-Key created.")


class Health(BaseModel):
    status: str
