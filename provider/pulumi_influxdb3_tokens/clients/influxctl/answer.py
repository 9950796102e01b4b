"""Reading what ``influxctl management create --format json`` printed, without trusting its shape.

That output is not documented, and 2.11.0 changed what create prints (a table, warnings and the
token string). So the answer is read tolerantly: every JSON value in the text is decoded, the token
entry is the first object that has an ``id``, and the token string is whatever string in the
answer (a JSON string or a word of the other text) starts with the token's listed prefix.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Iterator, Optional, TypeVar

from pydantic import BaseModel, ValidationError

from .output import InfluxctlToken

_DECODER = json.JSONDecoder()
M = TypeVar("M", bound=BaseModel)


# A token string is long and random; shorter words of the answer's other text (a warning's) are not one.
MIN_TOKEN_LENGTH = 32


@dataclass(frozen=True)
class CreateAnswer:
    """The JSON values and the other words that one run printed."""

    values: tuple[Any, ...]
    words: tuple[str, ...]
    other_lines: int

    def entry(self) -> Optional[InfluxctlToken]:
        """The management token entry, when a printed object is a complete one."""
        return self.entry_as(InfluxctlToken)

    def entry_as(self, model: type[M]) -> Optional[M]:
        """The first printed object with an ``id`` that is a complete ``model``."""
        for obj in self._objects():
            if "id" in obj:
                try:
                    return model.model_validate(obj)
                except ValidationError:
                    continue
        return None

    def string_besides(self, entry: BaseModel) -> Optional[str]:
        """The one string printed that is none of ``entry``'s listed values: where a token that lists no prefix (a
        database token) has its string, whatever key or line holds it."""
        known = set(_walk_strings(entry.model_dump()))
        found = {s for s in self._strings() if s not in known and len(s) >= MIN_TOKEN_LENGTH}
        return found.pop() if len(found) == 1 else None

    def token_id(self) -> Optional[str]:
        """The id of the minted token, even when its entry is incomplete."""
        for obj in self._objects():
            if isinstance(obj.get("id"), str) and obj["id"]:
                return str(obj["id"])
        return None

    def token_string(self, prefix: str, description: str = "") -> Optional[str]:
        """The one string longer than the token's prefix that starts with it (not the description)."""
        if not prefix:
            return None
        found = {s for s in self._strings() if s.startswith(prefix) and len(s) > len(prefix) and s != description}
        return found.pop() if len(found) == 1 else None

    def shape(self) -> str:
        """What was printed, as names and counts: never a value, so never the secret."""
        parts = [_shape(value) for value in self.values]
        if self.other_lines:
            parts.append(f"{self.other_lines} line{'s' if self.other_lines > 1 else ''} of other text")
        return " and ".join(parts) if parts else "nothing"

    def _objects(self) -> Iterator[dict[str, Any]]:
        for value in self.values:
            yield from _walk_objects(value)

    def _strings(self) -> Iterator[str]:
        for value in self.values:
            yield from _walk_strings(value)
        yield from self.words


def read_create_answer(stdout: str) -> CreateAnswer:
    values: list[Any] = []
    rest: list[str] = []
    position = 0
    while position < len(stdout):
        starts = [i for i in (stdout.find("{", position), stdout.find("[", position)) if i >= 0]
        if not starts:
            break
        start = min(starts)
        try:
            value, end = _DECODER.raw_decode(stdout, start)
        except ValueError:
            rest.append(stdout[position : start + 1])
            position = start + 1
            continue
        rest.append(stdout[position:start])
        values.append(value)
        position = end
    rest.append(stdout[position:])
    other = "".join(rest)
    lines = [line for line in other.splitlines() if line.strip()]
    return CreateAnswer(values=tuple(values), words=tuple(other.split()), other_lines=len(lines))


def _walk_objects(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        yield value
        for child in value.values():
            yield from _walk_objects(child)
    elif isinstance(value, list):
        for child in value:
            yield from _walk_objects(child)


def _walk_strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for child in value.values():
            yield from _walk_strings(child)
    elif isinstance(value, list):
        for child in value:
            yield from _walk_strings(child)


def _shape(value: Any) -> str:
    if isinstance(value, dict):
        keys = ", ".join(sorted(str(k) for k in value)) or "no keys"
        return f"a JSON object with keys {keys}"
    if isinstance(value, list):
        return f"a JSON list of {len(value)} item{'s' if len(value) != 1 else ''}"
    return f"a JSON {type(value).__name__}"
