"""The inputs every token kind has: its expiry (``expires_at`` or ``expires_in``), ``rotate_before``, ``overlap``
and the create marker, normalised and judged the same way for each kind.

A kind's model subclasses :class:`ExpiringInputs` and calls the ``_check_*`` rules from its own ``after``
validator, in the order that suits its own rules (the first failure is the one pydantic reports).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Optional

from pydantic import BaseModel, ConfigDict, field_validator

from .. import timeutil
from ..inputs import FieldError
from . import marker


def declared_description(value: object) -> Optional[str]:
    """A description as a program declares it: text, not ending with a marker (the provider adds its own)."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"must be a string, got {type(value).__name__}")
    if marker.split(value)[1] is not None:
        raise ValueError(
            "must not end with a create marker such as [pulumi:0123456789]: the provider adds its own "
            "(mark_description)"
        )
    return value


class ExpiringInputs(BaseModel):
    """A token's expiry, rotation and marker inputs after ``check``: times normalised to ``YYYY-MM-DDTHH:MM:SSZ``
    and durations to their shortest spelling, so equal values written differently never show up as a diff."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    expires_at: Optional[str] = None
    expires_in: Optional[str] = None
    rotate_before: Optional[str] = None
    overlap: Optional[str] = None
    mark_description: Optional[bool] = None  # None: marked (the default)
    create_marker: Optional[str] = None  # set by check (marker.py), never by the program

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

    # --- rules a kind's validator calls ----------------------------------------------------------

    def _check_one_expiry(self) -> None:
        if self.expires_at is not None and self.expires_in is not None:
            raise FieldError("expires_in", "set either expires_at or expires_in, not both")

    def _check_marked_description(self, description: str, limit: int) -> None:
        """A marked description adds the marker to the declared one; both must fit the kind's ``limit``."""
        room = limit - marker.SUFFIX_LENGTH
        if self.mark_description is not False and len(description) > room:
            raise FieldError(
                "description",
                f"description is longer than {room} characters: the create marker takes "
                f"{marker.SUFFIX_LENGTH} of the {limit} a token's description may have (shorten it, "
                f"or set mark_description to false)",
            )

    def _check_expiry(self) -> None:
        """``expires_in`` fits the calendar, ``expires_at`` is ahead, ``rotate_before`` is shorter than the life."""
        if self.expires_in is not None:
            try:
                self.expiry_for_new_token()
            except OverflowError:
                raise FieldError(
                    "expires_in",
                    f"expires_in ({self.expires_in}) would expire after the year 9999; choose a shorter one",
                ) from None
        if self.expires_at is not None and timeutil.parse_rfc3339(self.expires_at) <= timeutil.now():
            raise FieldError("expires_at", f"{self.expires_at} is in the past; choose a future expiry")
        if self.rotate_before is not None:
            lifetime = self.requested_lifetime()
            if lifetime is None:
                raise FieldError("rotate_before", "rotate_before needs an expiry; set expires_at or expires_in")
            window = timeutil.parse_duration(self.rotate_before)
            if window >= lifetime:
                if self.expires_in is not None:
                    what, fix = "lifetime", "choose a shorter rotate_before or a longer expires_in"
                else:
                    what, fix = "remaining lifetime until expires_at", "move expires_at later or use expires_in"
                raise FieldError(
                    "rotate_before",
                    f"rotate_before ({self.rotate_before}) must be shorter than the token's {what} "
                    f"({timeutil.format_duration(lifetime)}); {fix}",
                )

    def _check_overlap_length(self, overlap: str) -> None:
        # With expires_at the overlap is capped by the replaced token's own expiry instead: its remaining
        # life shrinks day by day, and a check against it would refuse a later `up` of an unchanged program.
        if self.expires_in is not None and timeutil.parse_duration(overlap) > timeutil.parse_duration(self.expires_in):
            raise FieldError(
                "overlap",
                f"overlap ({overlap}) is longer than the token's lifetime (expires_in {self.expires_in}); "
                f"choose a shorter overlap or a longer expires_in",
            )

    # --- what a mint asks for --------------------------------------------------------------------

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

    def marked_description(self, description: str) -> str:
        """The description a token minted for these inputs carries: the declared one and the create marker."""
        return marker.marked(description, self.create_marker)
