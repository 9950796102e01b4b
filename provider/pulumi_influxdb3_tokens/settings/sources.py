"""Where one setting's value is found: the stack config first, then the environment, then an influxctl profile."""

from __future__ import annotations

import os
from typing import Any, Mapping, Optional

from ..core.errors import ConfigurationError
from .table import API_URL, MANAGEMENT_TOKEN, Setting, config_key

# Where a value was found; the HTTP transport sends the admin token only to a URL from the same place.
FROM_CONFIG = "config"
FROM_ENVIRONMENT = "environment"


def present(value: Any) -> Optional[str]:
    return None if value is None or str(value).strip() == "" else str(value).strip()


def found(
    setting: Setting, stack_config: Mapping[str, Any], environ: Optional[Mapping[str, str]] = None
) -> tuple[Optional[str], Optional[str]]:
    """The value from the stack config, else the environment, and which of the two it came from."""
    from_config = present(stack_config.get(config_key(setting)))
    if from_config is not None:
        return from_config, FROM_CONFIG
    from_environment = present((os.environ if environ is None else environ).get(setting.env))
    if from_environment is not None:
        return from_environment, FROM_ENVIRONMENT
    return None, None


def lookup(
    setting: Setting,
    stack_config: Mapping[str, Any],
    profile: Mapping[str, Any],
    environ: Optional[Mapping[str, str]] = None,
) -> Optional[str]:
    value, _ = found(setting, stack_config, environ)
    if value is None and setting.profile_key:
        value = present(profile.get(setting.profile_key))
    return value


def missing(setting: Setting) -> ConfigurationError:
    secret = " --secret" if setting is MANAGEMENT_TOKEN else ""
    what = setting.help[0].upper() + setting.help[1:]
    alternative = (
        f", or '{setting.profile_key}' in an influxctl profile"
        if setting.profile_key
        else " (or install influxctl to use the influxctl transport instead)"
        if setting is API_URL
        else ""
    )
    return ConfigurationError(
        f"{what} is not configured; set it with `pulumi config set{secret} {config_key(setting)} ...`, "
        f"the environment variable {setting.env}{alternative}."
    )


def seconds(setting: Setting, raw: Optional[str], default: float) -> float:
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if value <= 0:
        raise ConfigurationError(
            f"{config_key(setting)} / {setting.env} must be a positive number of seconds, got '{raw}'."
        )
    return value
