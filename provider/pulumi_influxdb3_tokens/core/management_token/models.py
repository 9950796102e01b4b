"""Pydantic models of a management token: the resource's inputs, and the token as the Management API describes it."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from pydantic import (
    AliasGenerator,
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationInfo,
    field_validator,
    model_validator,
)

from ..inputs import FieldError
from ..registry import to_camel
from ..tokens.inputs import ExpiringInputs, declared_description
from ..tokens.records import TokenLife

# The API's limit on what a token carries; a marked description adds its marker to the declared one.
MAX_DESCRIPTION_LENGTH = 1024


# --- Resource inputs -------------------------------------------------------------------------


class TokenInputs(ExpiringInputs):
    """The ManagementToken inputs after ``check``: validated and normalised (the expiry inputs as every token's,
    core/tokens/inputs.py), plus its description and what adopts a hand-minted token."""

    description: str = Field(default="", max_length=MAX_DESCRIPTION_LENGTH)
    adopt_token_id: Optional[str] = None
    adopt_token: Optional[SecretStr] = None

    @field_validator("description", mode="before")
    @classmethod
    def _description_is_text(cls, value: object) -> object:
        return declared_description(value) or ""

    @field_validator("adopt_token_id", mode="before")
    @classmethod
    def _non_empty_id(cls, value: object) -> object:
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise ValueError("must be a non-empty token id")
        return value

    @model_validator(mode="after")
    def _cross_field_rules(self, info: ValidationInfo) -> "TokenInputs":
        if info.context and info.context.get("partial"):
            return self  # some inputs are unknown during preview: judge them once they are known
        self._check_one_expiry()
        self._check_marked_description(self.description, MAX_DESCRIPTION_LENGTH)
        if self.adopt_token is not None and self.adopt_token_id is None:
            raise FieldError("adopt_token", "adopt_token needs adopt_token_id, the id of the token to adopt")
        if self.adopt_token_id is not None and self.expires_in is not None:
            raise FieldError(
                "expires_in",
                "an adopted token keeps the expiry it was minted with; "
                "declare it with expires_at instead of expires_in",
            )
        self._check_expiry()
        if self.overlap is not None:
            self._check_overlap(self.overlap)
        return self

    def _check_overlap(self, overlap: str) -> None:
        """An overlap keeps a replaced token valid: never for an adopted token, never longer than a token lives."""
        if self.adopt_token_id is not None:
            raise FieldError(
                "overlap",
                "an adopted token is taken as it is and cannot be rotated; drop adopt_token_id first (the token "
                "stays held), then set overlap",
            )
        self._check_overlap_length(overlap)

    def description_to_send(self) -> str:
        """The description a token minted for these inputs carries: the declared one and the create marker."""
        return self.marked_description(self.description)


# --- Management API bodies -------------------------------------------------------------------


class ApiModel(BaseModel):
    """camelCase on the wire, snake_case in Python."""

    model_config = ConfigDict(
        alias_generator=AliasGenerator(validation_alias=to_camel, serialization_alias=to_camel),
        populate_by_name=True,
        extra="ignore",
    )


class TokenRecord(TokenLife, ApiModel):
    """A management token as the API lists it: never carries the token string."""

    id: str
    account_id: str
    cluster_id: str
    description: str = ""
    token_prefix: str
    created_at: datetime
    expires_at: Optional[datetime] = None
    revoked_at: Optional[datetime] = None
    created_by: str = ""


class CreatedToken(TokenRecord):
    """The answer to a create: the only time the token string is shown."""

    access_token: SecretStr


class RecoveredToken(TokenRecord):
    """A token minted by a create whose answer was lost (influxctl killed, timed out or garbled).

    The transport found and adopted it instead of minting a duplicate; its string can never be shown.
    """
