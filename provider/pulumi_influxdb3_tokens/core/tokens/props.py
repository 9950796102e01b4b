"""Bags of a token's inputs, whatever its kind: which are known, which wait for apply. Imports no pydantic (a Pulumi
program imports the props of a kind)."""

from __future__ import annotations

from typing import Any, Mapping

from ..bags import is_unknown, plain


def unknown_within(value: Any) -> bool:
    """Whether ``value``, or anything in it (a database token's permissions list a database by the name another
    resource's output gives), waits for apply."""
    value = plain(value)
    if isinstance(value, (list, tuple)):
        return any(unknown_within(item) for item in value)
    if isinstance(value, Mapping):
        return any(unknown_within(item) for item in value.values())
    return is_unknown(value)


def known_inputs(props: Mapping[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    """The inputs among ``names`` whose values are known, unwrapped; unknown and absent ones are left out."""
    return {
        name: _plain_within(props[name])
        for name in names
        if name in props and props[name] is not None and not unknown_within(props[name])
    }


def unknown_inputs(props: Mapping[str, Any], names: tuple[str, ...]) -> set[str]:
    return {name for name in names if name in props and unknown_within(props[name])}


def _plain_within(value: Any) -> Any:
    value = plain(value)
    if isinstance(value, (list, tuple)):
        return [_plain_within(item) for item in value]
    if isinstance(value, Mapping):
        return {key: _plain_within(item) for key, item in value.items()}
    return value
