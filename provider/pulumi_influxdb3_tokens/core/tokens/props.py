"""Bags of a token's inputs, whatever its kind: which are known, which wait for apply. Imports no pydantic (a Pulumi
program imports the props of a kind)."""

from __future__ import annotations

from typing import Any, Mapping

from ..bags import is_unknown, plain


def known_inputs(props: Mapping[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    """The inputs among ``names`` whose values are known, unwrapped; unknown and absent ones are left out."""
    return {
        name: plain(props[name])
        for name in names
        if name in props and props[name] is not None and not is_unknown(plain(props[name]))
    }


def unknown_inputs(props: Mapping[str, Any], names: tuple[str, ...]) -> set[str]:
    return {name for name in names if name in props and is_unknown(plain(props[name]))}
