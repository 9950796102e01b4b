"""``check``: raw inputs into normalised inputs plus one failure sentence per bad property, before any request."""

from __future__ import annotations

from typing import Any, Mapping, Optional

from ..inputs import validate
from ..outcomes import Checked
from .models import DatabaseInputs
from .props import INPUT_NAMES


def check_inputs(news: Mapping[str, Any], olds: Optional[Mapping[str, Any]] = None) -> Checked:
    """Validate every known input; unknown (preview) values, a partition template with one unknown part included,
    pass through to be judged once known. ``olds`` is the protocol's: a database keeps nothing from them."""
    normalised, failures = validate(
        DatabaseInputs, news, INPUT_NAMES, "name", partial=lambda unknown: "name" in unknown
    )
    return Checked(inputs=normalised, failures=failures)
