"""The plugin's wire types: camelCase ``PropertyValue`` maps to and from the core's snake_case bags.

The core's bags carry secrets wrapped (``rpc.wrap_rpc_secret``) and unknowns as ``rpc.UNKNOWN``,
exactly as the dynamic provider receives them, so both faces hand the core the same values.
"""

from __future__ import annotations

import re
from typing import Any, Mapping

from pulumi.provider.experimental.property_value import Computed, PropertyValue
from pulumi.runtime import rpc

from ..resources import RESOURCES, to_camel, to_snake

# Every resource's property names, for sentences of the core: the plugin shows them as the schema does.
PROPERTY_NAMES = tuple(dict.fromkeys(name for resource in RESOURCES for name in resource.property_names))
_SNAKE_NAMES = re.compile(r"\b(" + "|".join(name for name in PROPERTY_NAMES if "_" in name) + r")\b")


def camel_text(text: str) -> str:
    """A core sentence with the properties named as the schema names them (``expires_at`` -> ``expiresAt``)."""
    return _SNAKE_NAMES.sub(lambda match: to_camel(match.group(1)), text)


def to_bag(values: Mapping[str, PropertyValue]) -> dict[str, Any]:
    """Engine properties -> core bag: snake_case names, secrets wrapped, unknowns as ``rpc.UNKNOWN``."""
    return {to_snake(name): value_of(value) for name, value in values.items()}


def from_bag(bag: Mapping[str, Any]) -> dict[str, PropertyValue]:
    """Core bag -> engine properties; wrapped secrets become secret values."""
    return {to_camel(name): _property(value) for name, value in bag.items() if not name.startswith("__")}


def value_of(value: PropertyValue) -> Any:
    """One engine value in the core's form (secret wrapped, unknown as ``rpc.UNKNOWN``)."""
    if isinstance(value.value, Computed):
        inner: Any = rpc.UNKNOWN
    elif isinstance(value.value, (list, tuple)):
        inner = [value_of(item) for item in value.value]
    elif isinstance(value.value, Mapping):
        inner = {key: value_of(item) for key, item in value.value.items()}
    else:
        inner = value.value
    return rpc.wrap_rpc_secret(inner) if value.is_secret else inner


def _property(value: Any) -> PropertyValue:
    if rpc.is_rpc_secret(value):
        return _property(rpc.unwrap_rpc_secret(value)).with_secret(True)
    if value is rpc.UNKNOWN or value == rpc.UNKNOWN:
        return PropertyValue.computed()
    if value is None:
        return PropertyValue.null()
    if isinstance(value, bool):
        return PropertyValue(value)
    if isinstance(value, (int, float)):
        return PropertyValue(float(value))
    if isinstance(value, (list, tuple)):  # the retiring tokens (core/tokens/overlap.py)
        return PropertyValue([_property(item) for item in value])
    if isinstance(value, Mapping):
        return PropertyValue({str(key): _property(item) for key, item in value.items()})
    return PropertyValue(str(value))
