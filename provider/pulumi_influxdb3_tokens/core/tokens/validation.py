"""``check`` for every token kind: the known inputs through the kind's pydantic model, one failure per bad
property, unknown (preview) values passed through, and the create marker drawn once per resource."""

from __future__ import annotations

from typing import Any, Callable, Mapping, Optional, TypeVar

from pydantic import BaseModel, ValidationError

from ..bags import is_unknown, plain
from ..inputs import failures_from, known_inputs, unknown_inputs
from . import marker

CREATE_MARKER = "create_marker"

_M = TypeVar("_M", bound=BaseModel)


def check(
    model: type[_M],
    news: Mapping[str, Any],
    olds: Optional[Mapping[str, Any]],
    input_names: tuple[str, ...],
    dump: Callable[[_M], dict[str, Any]],
    as_given: Callable[[dict[str, Any]], dict[str, Any]],
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """(normalised inputs, failures). ``dump`` turns a valid model into inputs, ``as_given`` keeps the known inputs
    of an invalid one (each wraps its kind's secrets). ``olds`` are the inputs the state holds (none for a new
    resource): the create marker is kept from them."""
    news = {name: value for name, value in news.items() if name != CREATE_MARKER}
    known = known_inputs(news, input_names)
    unknown = unknown_inputs(news, input_names)
    failures: list[tuple[str, str]] = []
    try:
        normalised = dump(model.model_validate(known, context={"partial": bool(unknown)}))
    except ValidationError as err:
        failures = failures_from(err, blame="description")
        normalised = as_given(known)
    for name in input_names:
        if name in unknown:
            normalised[name] = news[name]
        normalised.setdefault(name, None)
    normalised[CREATE_MARKER] = create_marker(news, olds or {})
    return normalised, failures


def create_marker(news: Mapping[str, Any], olds: Mapping[str, Any]) -> Optional[str]:
    """The resource's marker: the one its state holds, else a new one; none with ``mark_description: false``.

    A value the program itself sets is never read (``news`` has it removed): only ``check`` makes markers, so
    only this resource's state knows its marker."""
    if plain(news.get("mark_description")) is False:
        return None
    kept = plain(olds.get(CREATE_MARKER))
    return kept if marker.is_marker(kept) and not is_unknown(kept) else marker.new_marker()
