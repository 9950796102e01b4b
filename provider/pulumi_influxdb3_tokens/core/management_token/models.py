"""Pydantic models of a management token: the resource's inputs, and the token as the Management API describes it."""

from __future__ import annotations

from datetime import datetime, timedelta
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

from ...resources import to_camel
from .. import timeutil
from . import marker

# The API's limit on what a token carries; a marked description adds its marker to the declared one.
MAX_DESCRIPTION_LENGTH = 1024
MAX_MARKED_DESCRIPTION_LENGTH = MAX_DESCRIPTION_LENGTH - marker.SUFFIX_LENGTH


# --- Resource inputs -------------------------------------------------------------------------


class TokenInputs(BaseModel):
    """The ManagementToken inputs after ``check``: validated and normalised.

    Times are normalised to ``YYYY-MM-DDTHH:MM:SSZ`` and durations to their shortest spelling, so
    equal values written differently never show up as a diff.
    """

    model_config = ConfigDict(extra="ignore", frozen=True)

    description: str = Field(default="", max_length=MAX_DESCRIPTION_LENGTH)
    expires_at: Optional[str] = None
    expires_in: Optional[str] = None
    rotate_before: Optional[str] = None
    adopt_token_id: Optional[str] = None
    adopt_token: Optional[SecretStr] = None
    overlap: Optional[str] = None
    mark_description: Optional[bool] = None  # None: marked (the default)
    create_marker: Optional[str] = None  # set by check (marker.py), never by the program

    @field_validator("description", mode="before")
    @classmethod
    def _description_is_text(cls, value: object) -> object:
        if value is None:
            return ""
        if not isinstance(value, str):
            raise ValueError(f"must be a string, got {type(value).__name__}")
        if marker.split(value)[1] is not None:
            raise ValueError(
                "must not end with a create marker such as [pulumi:0123456789]: the provider adds its own "
                "(mark_description)"
            )
        return value

    @field_validator("create_marker", mode="before")
    @classmethod
    def _marker_shape(cls, value: object) -> object:
        if value is not None and not marker.is_marker(value):
            raise ValueError(f"must be {marker.MARKER_HEX_DIGITS} lowercase hex digits")
        return value

    @field_validator("expires_at", mode="before")
    @classmethod
    def _normalise_expires_at(cls, value: object) -> Optional[str]:
        if value is None:
            return None
        try:
            return timeutil.normalize_rfc3339(value)
        except timeutil.TimeFormatError as err:
            raise ValueError(str(err)) from None

    @field_validator("expires_in", "rotate_before", "overlap", mode="before")
    @classmethod
    def _normalise_duration(cls, value: object) -> Optional[str]:
        if value is None:
            return None
        try:
            return timeutil.format_duration(timeutil.parse_duration(value))
        except timeutil.TimeFormatError as err:
            raise ValueError(str(err)) from None

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
        if self.expires_at is not None and self.expires_in is not None:
            raise _field_error("expires_in", "set either expires_at or expires_in, not both")
        if self.mark_description is not False and len(self.description) > MAX_MARKED_DESCRIPTION_LENGTH:
            raise _field_error(
                "description",
                f"description is longer than {MAX_MARKED_DESCRIPTION_LENGTH} characters: the create marker takes "
                f"{marker.SUFFIX_LENGTH} of the {MAX_DESCRIPTION_LENGTH} a token's description may have (shorten it, "
                f"or set mark_description to false)",
            )
        if self.adopt_token is not None and self.adopt_token_id is None:
            raise _field_error("adopt_token", "adopt_token needs adopt_token_id, the id of the token to adopt")
        if self.adopt_token_id is not None and self.expires_in is not None:
            raise _field_error(
                "expires_in",
                "an adopted token keeps the expiry it was minted with; "
                "declare it with expires_at instead of expires_in",
            )
        if self.expires_in is not None:
            try:
                self.expiry_for_new_token()
            except OverflowError:
                raise _field_error(
                    "expires_in",
                    f"expires_in ({self.expires_in}) would expire after the year 9999; choose a shorter one",
                ) from None
        if self.expires_at is not None and timeutil.parse_rfc3339(self.expires_at) <= timeutil.now():
            raise _field_error("expires_at", f"{self.expires_at} is in the past; choose a future expiry")
        if self.rotate_before is not None:
            lifetime = self.requested_lifetime()
            if lifetime is None:
                raise _field_error("rotate_before", "rotate_before needs an expiry; set expires_at or expires_in")
            window = timeutil.parse_duration(self.rotate_before)
            if window >= lifetime:
                if self.expires_in is not None:
                    what, fix = "lifetime", "choose a shorter rotate_before or a longer expires_in"
                else:
                    what, fix = "remaining lifetime until expires_at", "move expires_at later or use expires_in"
                raise _field_error(
                    "rotate_before",
                    f"rotate_before ({self.rotate_before}) must be shorter than the token's {what} "
                    f"({timeutil.format_duration(lifetime)}); {fix}",
                )
        if self.overlap is not None:
            self._check_overlap(self.overlap)
        return self

    def _check_overlap(self, overlap: str) -> None:
        """An overlap keeps a replaced token valid: never for an adopted token, never longer than a token lives."""
        if self.adopt_token_id is not None:
            raise _field_error(
                "overlap",
                "an adopted token is taken as it is and cannot be rotated; drop adopt_token_id first (the token "
                "stays held), then set overlap",
            )
        # With expires_at the overlap is capped by the replaced token's own expiry instead: its remaining
        # life shrinks day by day, and a check against it would refuse a later `up` of an unchanged program.
        if self.expires_in is not None and timeutil.parse_duration(overlap) > timeutil.parse_duration(self.expires_in):
            raise _field_error(
                "overlap",
                f"overlap ({overlap}) is longer than the token's lifetime (expires_in {self.expires_in}); "
                f"choose a shorter overlap or a longer expires_in",
            )

    def description_to_send(self) -> str:
        """The description a token minted for these inputs carries: the declared one and the create marker."""
        return marker.marked(self.description, self.create_marker)

    def requested_lifetime(self) -> Optional[timedelta]:
        """How long a token minted now would live, or None when it never expires."""
        if self.expires_in is not None:
            return timeutil.parse_duration(self.expires_in)
        if self.expires_at is not None:
            return timeutil.parse_rfc3339(self.expires_at) - timeutil.now()
        return None

    def expiry_for_new_token(self) -> Optional[datetime]:
        """The expiry to request when minting now: ``expires_in`` is fixed at mint time."""
        if self.expires_in is not None:
            return timeutil.now() + timeutil.parse_duration(self.expires_in)
        if self.expires_at is not None:
            return timeutil.parse_rfc3339(self.expires_at)
        return None


class _FieldError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _field_error(field: str, message: str) -> _FieldError:
    return _FieldError(field, message)


# --- Management API bodies -------------------------------------------------------------------


class ApiModel(BaseModel):
    """camelCase on the wire, snake_case in Python."""

    model_config = ConfigDict(
        alias_generator=AliasGenerator(validation_alias=to_camel, serialization_alias=to_camel),
        populate_by_name=True,
        extra="ignore",
    )


class TokenRecord(ApiModel):
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

    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_expired(self, at: Optional[datetime] = None) -> bool:
        return self.expires_at is not None and self.expires_at <= (at or timeutil.now())

    def is_live(self, at: Optional[datetime] = None) -> bool:
        return not self.is_revoked() and not self.is_expired(at)


class CreatedToken(TokenRecord):
    """The answer to a create: the only time the token string is shown."""

    access_token: SecretStr


class RecoveredToken(TokenRecord):
    """A token minted by a create whose answer was lost (influxctl killed, timed out or garbled).

    The transport found and adopted it instead of minting a duplicate; its string can never be shown.
    """
