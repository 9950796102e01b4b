"""``check``: turn raw inputs into normalised inputs plus one failure per bad property."""

from __future__ import annotations

from typing import Any, Mapping, Optional

from pydantic import ValidationError

from ..bags import is_unknown, plain, secret
from ..inputs import failures_from
from ..outcomes import Checked as Checked  # importable from here, as before core/outcomes.py
from . import marker
from .models import TokenInputs
from .props import INPUT_NAMES, SECRET_INPUTS, known_inputs, unknown_inputs

CREATE_MARKER = "create_marker"


def check_inputs(news: Mapping[str, Any], olds: Optional[Mapping[str, Any]] = None) -> Checked:
    """Validate every known input before any HTTP call; unknown (preview) values pass through. ``olds`` are the
    inputs the state holds (none for a new resource): the create marker is kept from them (marker.py)."""
    news = {name: value for name, value in news.items() if name != CREATE_MARKER}
    known = known_inputs(news)
    unknown = unknown_inputs(news)
    failures: list[tuple[str, str]] = []
    normalised: dict[str, Any] = {}
    try:
        model = TokenInputs.model_validate(known, context={"partial": bool(unknown)})
        normalised = model.model_dump(exclude={"adopt_token"})
        if model.adopt_token is not None:
            normalised["adopt_token"] = secret(model.adopt_token.get_secret_value())
    except ValidationError as err:
        failures = failures_from(err, blame="description")
        normalised = {name: value for name, value in known.items() if name not in SECRET_INPUTS}
        if "adopt_token" in known:
            normalised["adopt_token"] = secret(known["adopt_token"])
    for name in INPUT_NAMES:
        if name in unknown:
            normalised[name] = news[name]
        normalised.setdefault(name, None)
    normalised[CREATE_MARKER] = _create_marker(news, olds or {})
    return Checked(inputs=normalised, failures=failures)


def _create_marker(news: Mapping[str, Any], olds: Mapping[str, Any]) -> Optional[str]:
    """The resource's marker: the one its state holds, else a new one; none with ``mark_description: false``.

    A value the program itself sets is never read (``news`` has it removed): only ``check`` makes markers, so
    only this resource's state knows its marker."""
    if plain(news.get("mark_description")) is False:
        return None
    kept = plain(olds.get(CREATE_MARKER))
    return kept if marker.is_marker(kept) and not is_unknown(kept) else marker.new_marker()
