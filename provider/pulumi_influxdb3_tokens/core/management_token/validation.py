"""``check``: turn raw inputs into normalised inputs plus one failure per bad property (core/tokens/validation.py,
with this kind's secret ``adopt_token`` wrapped)."""

from __future__ import annotations

from typing import Any, Mapping, Optional

from ..bags import secret
from ..outcomes import Checked as Checked  # importable from here, as before core/outcomes.py
from ..tokens.validation import CREATE_MARKER, check
from .models import TokenInputs
from .props import INPUT_NAMES, SECRET_INPUTS


def check_inputs(news: Mapping[str, Any], olds: Optional[Mapping[str, Any]] = None) -> Checked:
    """Validate every known input before any HTTP call; unknown (preview) values pass through. ``olds`` are the
    inputs the state holds (none for a new resource): the create marker is kept from them (marker.py)."""
    inputs, failures = check(TokenInputs, news, olds, INPUT_NAMES, _dump, _as_given)
    return Checked(inputs=inputs, failures=failures)


def _dump(model: TokenInputs) -> dict[str, Any]:
    normalised = model.model_dump(exclude={"adopt_token"})
    if model.adopt_token is not None:
        normalised["adopt_token"] = secret(model.adopt_token.get_secret_value())
    return normalised


def _as_given(known: dict[str, Any]) -> dict[str, Any]:
    normalised = {name: value for name, value in known.items() if name not in SECRET_INPUTS}
    if "adopt_token" in known:
        normalised["adopt_token"] = secret(known["adopt_token"])
    return normalised


__all__ = ["CREATE_MARKER", "Checked", "check_inputs"]
