"""Which transport reaches the cluster: the one set, else http with an API URL, else influxctl when it is installed."""

from __future__ import annotations

import shutil
from typing import Any, Mapping, Optional

from ..core.errors import ConfigurationError
from .sources import lookup
from .table import HTTP, INFLUXCTL, INFLUXCTL_PATH, TRANSPORT, TRANSPORTS, config_key


def influxctl_executable(stack_config: Mapping[str, Any], environ: Optional[Mapping[str, str]] = None) -> Optional[str]:
    return shutil.which(lookup(INFLUXCTL_PATH, stack_config, {}, environ) or "influxctl")


def set_transport(stack_config: Mapping[str, Any], environ: Optional[Mapping[str, str]] = None) -> Optional[str]:
    """The transport a setting names, or None; a name that is no transport is refused."""
    chosen = lookup(TRANSPORT, stack_config, {}, environ)
    if chosen is not None and chosen.lower() not in TRANSPORTS:
        raise ConfigurationError(
            f"{config_key(TRANSPORT)} / {TRANSPORT.env} must be http or influxctl, got '{chosen}'."
        )
    return None if chosen is None else chosen.lower()


def chosen_transport(
    stack_config: Mapping[str, Any], api_url: Optional[str], environ: Optional[Mapping[str, str]] = None
) -> str:
    chosen = set_transport(stack_config, environ)
    if chosen is not None:
        return chosen
    if api_url is None and influxctl_executable(stack_config, environ) is not None:
        return INFLUXCTL
    return HTTP
