"""``check`` for every token kind: the known inputs through the kind's pydantic model, one failure per bad
property, unknown (preview) values passed through, and the create marker drawn once per resource."""

from __future__ import annotations

from typing import Any, Callable, Mapping, Optional, TypeVar

from pydantic import BaseModel

from ..bags import is_unknown, plain
from ..inputs import validate
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
    """(normalised inputs, failures) as ``core.inputs.validate`` makes them, plus the create marker: ``olds`` are
    the inputs the state holds (none for a new resource), and the marker is kept from them."""
    news = {name: value for name, value in news.items() if name != CREATE_MARKER}
    normalised, failures = validate(model, news, input_names, "description", dump=dump, as_given=as_given)
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
