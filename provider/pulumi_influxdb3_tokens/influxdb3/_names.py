"""Python names <-> the schema's camelCase names, for resources written by hand from schema.json."""

from __future__ import annotations

from pydantic.alias_generators import to_camel, to_snake


def to_wire(name: str) -> str:
    return to_camel(name)


def to_python(name: str) -> str:
    return to_snake(name)
