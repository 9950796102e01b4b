"""The registry (``core/registry.py``) as everything above the core reads it, and mypy's proof that each resource's
lifecycle module is what the faces call.

The registry lives in the core because each core names its own properties from it; the lifecycles are checked here,
above both, so that no import runs from the core back up to this module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .core.registry import (
    DATABASE,
    DATABASE_TOKEN,
    MANAGEMENT_TOKEN,
    PACKAGE,
    RESOURCES,
    TABLE,
    Lifecycle,
    Resource,
    of_type,
    to_camel,
    to_snake,
)

__all__ = [
    "DATABASE",
    "DATABASE_TOKEN",
    "MANAGEMENT_TOKEN",
    "PACKAGE",
    "RESOURCES",
    "TABLE",
    "Lifecycle",
    "Resource",
    "of_type",
    "to_camel",
    "to_snake",
]


if TYPE_CHECKING:  # mypy holds each resource's lifecycle module to the protocol the faces call
    from .core.database import lifecycle as _database_lifecycle
    from .core.database_token import lifecycle as _database_token_lifecycle
    from .core.management_token import lifecycle as _management_token_lifecycle
    from .core.table import lifecycle as _table_lifecycle

    _: Lifecycle = _management_token_lifecycle
    _database: Lifecycle = _database_lifecycle
    _database_token: Lifecycle = _database_token_lifecycle
    _table: Lifecycle = _table_lifecycle
