"""Which product's documented Management API a cluster serves: Cloud Dedicated (the default) or Clustered."""

from __future__ import annotations

from typing import Any, Mapping, Optional

from ..core.errors import ConfigurationError
from .sources import lookup
from .table import DEDICATED, PRODUCT, PRODUCTS, config_key


def product_of(
    stack_config: Mapping[str, Any], profile: Mapping[str, Any], environ: Optional[Mapping[str, str]] = None
) -> str:
    """The product set in the stack config, the environment or the influxctl profile (its ``product`` key)."""
    chosen = lookup(PRODUCT, stack_config, profile, environ)
    if chosen is None:
        return DEDICATED
    if chosen.lower() not in PRODUCTS:
        raise ConfigurationError(
            f"{config_key(PRODUCT)} / {PRODUCT.env} must be dedicated or clustered, got '{chosen}'."
        )
    return chosen.lower()
