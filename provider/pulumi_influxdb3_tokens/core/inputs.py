"""A resource's raw inputs split into known and unknown ones, and pydantic's errors as one sentence per property.

The same for every resource: each core names its inputs (from the registry) and its models; ``check`` then
validates what is known and lets what a preview does not know yet pass through.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable, Mapping

from .bags import deep_plain, holds_unknown

if TYPE_CHECKING:  # a Pulumi program imports the props that import this module, and never needs pydantic
    from pydantic import ValidationError


class FieldError(ValueError):
    """A cross-field rule's failure, blamed on the property ``field`` (a model validator raises it)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def known_inputs(props: Mapping[str, Any], names: Iterable[str]) -> dict[str, Any]:
    """The inputs among ``names`` whose values are wholly known, unwrapped; unknown and absent ones are left out."""
    return {
        name: deep_plain(props[name])
        for name in names
        if name in props and props[name] is not None and not holds_unknown(props[name])
    }


def unknown_inputs(props: Mapping[str, Any], names: Iterable[str]) -> set[str]:
    """The inputs among ``names`` that hold an unknown (a preview's value), at any depth."""
    return {name for name in names if name in props and holds_unknown(props[name])}


def failures_from(err: ValidationError, blame: str) -> list[tuple[str, str]]:
    """One (property, reason) per pydantic error; a cross-field error names the property it blames (``FieldError``),
    an error with no location is ``blame``'s."""
    failures = []
    for item in err.errors():
        cause = (item.get("ctx") or {}).get("error")
        prop = getattr(cause, "field", None) or (str(item["loc"][0]) if item.get("loc") else blame)
        reason = str(cause) if cause is not None else _reason(prop, item)
        failures.append((prop, reason))
    return failures


def _reason(prop: str, item: Mapping[str, Any]) -> str:
    if item.get("type") == "string_too_long":
        limit = (item.get("ctx") or {}).get("max_length")
        return f"{prop} is longer than {limit} characters"
    return f"{prop}: {item.get('msg', 'invalid value')}"
