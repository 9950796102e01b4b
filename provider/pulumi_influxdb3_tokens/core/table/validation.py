"""``check``: raw inputs into normalised inputs plus one failure sentence per bad property, before any request."""

from __future__ import annotations

from typing import Any, Mapping, Optional

from ..inputs import validate
from ..outcomes import Checked
from .models import TableInputs
from .props import INPUT_NAMES


def check_inputs(news: Mapping[str, Any], olds: Optional[Mapping[str, Any]] = None) -> Checked:
    """Validate every known input; unknown (preview) values pass through to be judged once known (a database's name
    is often another resource's output). ``olds`` is the protocol's: a table keeps nothing from them."""
    normalised, failures = validate(
        TableInputs, news, INPUT_NAMES, "name", partial=lambda unknown: bool(unknown & {"database", "name"})
    )
    return Checked(inputs=normalised, failures=failures)
