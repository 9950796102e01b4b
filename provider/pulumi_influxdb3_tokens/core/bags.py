"""The plumbing around raw property bags, the same for every resource and both faces.

Property bags arrive from the engine with secrets wrapped (``is_rpc_secret``) and, during preview,
with ``Unknown`` placeholders; numbers arrive as floats. These helpers keep that out of the logic.

The SDK's wrappers are imported when a helper first runs, not with this module: the bags only come
from a provider process, which has loaded the SDK already, and the core stays importable without it
(tests/unit/test_import_cost.py holds it).
"""

from __future__ import annotations

from typing import Any


def is_unknown(value: Any) -> bool:
    from pulumi.output import Unknown
    from pulumi.runtime import rpc

    return isinstance(value, Unknown) or value == rpc.UNKNOWN


def plain(value: Any) -> Any:
    """The value without its secret wrapper."""
    from pulumi.runtime import rpc

    return rpc.unwrap_rpc_secret(value)


def secret(value: Any) -> Any:
    """Wrap a value so the engine stores it as a secret."""
    from pulumi.runtime import rpc

    return None if value is None else rpc.wrap_rpc_secret(value)


def holds_unknown(value: Any) -> bool:
    """An unknown anywhere in the value: a list or map with one unknown element is not known yet either."""
    value = plain(value)
    if isinstance(value, dict):
        return any(holds_unknown(item) for item in value.values())
    if isinstance(value, (list, tuple)):
        return any(holds_unknown(item) for item in value)
    return is_unknown(value)


def deep_plain(value: Any) -> Any:
    """The value with every secret wrapper removed, at any depth (a list of maps from the engine)."""
    value = plain(value)
    if isinstance(value, dict):
        return {key: deep_plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [deep_plain(item) for item in value]
    return value
