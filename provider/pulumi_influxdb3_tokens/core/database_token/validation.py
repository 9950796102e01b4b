"""``check``: a database token's raw inputs -> normalised inputs plus one failure per bad property
(core/tokens/validation.py; a database token has no secret input)."""

from __future__ import annotations

from typing import Any, Mapping, Optional

from ..outcomes import Checked
from ..tokens.validation import check
from .models import DatabaseTokenInputs
from .props import INPUT_NAMES


def check_inputs(news: Mapping[str, Any], olds: Optional[Mapping[str, Any]] = None) -> Checked:
    """Validate every known input before any call to the cluster; unknown (preview) values pass through. ``olds``
    are the inputs the state holds (none for a new resource): the create marker is kept from them."""
    inputs, failures = check(DatabaseTokenInputs, news, olds, INPUT_NAMES, _dump, dict)
    return Checked(inputs=inputs, failures=failures)


def _dump(model: DatabaseTokenInputs) -> dict[str, Any]:
    return model.model_dump()


__all__ = ["Checked", "check_inputs"]
