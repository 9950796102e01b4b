"""``check``: raw inputs into normalised inputs plus one failure sentence per bad property, before any request."""

from __future__ import annotations

from typing import Any, Mapping, Optional

from pydantic import ValidationError

from ..inputs import failures_from
from ..outcomes import Checked
from .models import DatabaseInputs
from .props import INPUT_NAMES, known_inputs, unknown_inputs


def check_inputs(news: Mapping[str, Any], olds: Optional[Mapping[str, Any]] = None) -> Checked:
    """Validate every known input; unknown (preview) values, a partition template with one unknown part included,
    pass through to be judged once known. ``olds`` is the protocol's: a database keeps nothing from them."""
    known = known_inputs(news)
    unknown = unknown_inputs(news)
    try:
        model = DatabaseInputs.model_validate(known, context={"partial": "name" in unknown})
        normalised = model.model_dump()
        failures: list[tuple[str, str]] = []
    except ValidationError as err:
        failures = failures_from(err, blame="name")
        normalised = dict(known)
    for name in INPUT_NAMES:
        if name in unknown:
            normalised[name] = news[name]
        normalised.setdefault(name, None)
    return Checked(inputs=normalised, failures=failures)
