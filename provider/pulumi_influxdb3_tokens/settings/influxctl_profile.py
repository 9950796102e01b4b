"""The user's influxctl config.toml: where it is on this OS, which profile is named, and reading that profile."""

from __future__ import annotations

import os
import stat
import sys
import threading
import tomllib
from pathlib import Path
from typing import Any, Mapping, Optional

from ..core.errors import ConfigurationError
from ..core.notices import say
from .sources import lookup, present
from .table import INFLUXCTL_CONFIG, INFLUXCTL_PROFILE, MANAGEMENT_TOKEN, config_key

DEFAULT_PROFILE = "default"
# influxctl's own variable for the profile name (influxctl 2.10.1 and later read it).
INFLUXCTL_OWN_PROFILE_ENV = "INFLUXCTL_PROFILE"


def default_influxctl_config() -> Path:
    """Where influxctl looks for config.toml when no --config is given; it depends on the OS."""
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "influxctl" / "config.toml"
    return Path.home() / ".config" / "influxctl" / "config.toml"


def influxctl_profile_name(
    stack_config: Mapping[str, Any], environ: Optional[Mapping[str, str]] = None
) -> Optional[str]:
    """The profile named by our setting, else by influxctl's own INFLUXCTL_PROFILE; None when neither names one.

    The provider passes the name it resolved to influxctl with --profile, so both read the same profile.
    """
    theirs = (os.environ if environ is None else environ).get(INFLUXCTL_OWN_PROFILE_ENV, "").strip()
    return lookup(INFLUXCTL_PROFILE, stack_config, {}, environ) or theirs or None


def influxctl_config_path(stack_config: Mapping[str, Any], environ: Optional[Mapping[str, str]] = None) -> Path:
    explicit_path = lookup(INFLUXCTL_CONFIG, stack_config, {}, environ)
    return Path(explicit_path).expanduser() if explicit_path else default_influxctl_config()


def names_own_profile(stack_config: Mapping[str, Any], environ: Optional[Mapping[str, str]] = None) -> bool:
    """Whether a setting (or influxctl's INFLUXCTL_PROFILE) names the user's own influxctl file or profile."""
    return (
        lookup(INFLUXCTL_CONFIG, stack_config, {}, environ) is not None
        or influxctl_profile_name(stack_config, environ) is not None
    )


def load_influxctl_profile(
    stack_config: Mapping[str, Any], environ: Optional[Mapping[str, str]] = None
) -> Mapping[str, Any]:
    """The selected ``[[profile]]`` of an influxctl config.toml, or {} when there is none to read."""
    explicit_path = lookup(INFLUXCTL_CONFIG, stack_config, {}, environ)
    path = influxctl_config_path(stack_config, environ)
    name = influxctl_profile_name(stack_config, environ) or DEFAULT_PROFILE
    if not path.is_file():
        if explicit_path:
            raise ConfigurationError(
                f"The influxctl config file {path} does not exist; fix {config_key(INFLUXCTL_CONFIG)} "
                f"or {INFLUXCTL_CONFIG.env}."
            )
        return {}
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise ConfigurationError(
            f"The influxctl config file {path} is not UTF-8 text, so it cannot be read; fix or remove it."
        ) from None
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise ConfigurationError(
            f"The influxctl config file {path} cannot be read ({type(err).__name__}); fix or remove it."
        ) from None
    profiles = document.get("profile", [])
    for profile in profiles if isinstance(profiles, list) else []:
        if isinstance(profile, dict) and profile.get("name") == name:
            if present(profile.get(MANAGEMENT_TOKEN.profile_key)) is not None:
                _warn_if_others_can_read(path)
            return profile
    if explicit_path or name != DEFAULT_PROFILE:
        raise ConfigurationError(
            f"The influxctl config file {path} has no [[profile]] named '{name}'; fix "
            f"{config_key(INFLUXCTL_PROFILE)}, {INFLUXCTL_PROFILE.env} or {INFLUXCTL_OWN_PROFILE_ENV}."
        )
    return {}


_WARNED_READABLE: set[str] = set()
_WARNED_LOCK = threading.Lock()


def _warn_if_others_can_read(path: Path) -> None:
    """A profile holding an admin token that other users may read is used, with a warning once per process."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return
    if not mode & 0o077:
        return
    with _WARNED_LOCK:
        if str(path) in _WARNED_READABLE:
            return
        _WARNED_READABLE.add(str(path))
    say(
        f"warning: the influxctl config file {path} holds a mgmt_token and other users may read it "
        f"(mode {mode:04o}); restrict it with `chmod 600 {path}`."
    )
