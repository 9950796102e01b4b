"""Where the connection settings come from: stack config, then environment, then an influxctl profile.

Resolved at operation time (inside the dynamic provider process) and never stored on the pickled
provider object, so the admin credential never reaches the state file's ``__provider`` blob.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Optional

from pydantic import SecretStr

from .errors import ConfigurationError

CONFIG_NAMESPACE = "influxdb3"
DEFAULT_INFLUXCTL_CONFIG = Path("~/.config/influxctl/config.toml")
DEFAULT_PROFILE = "default"


@dataclass(frozen=True)
class Setting:
    """One setting and the names it goes by in each source."""

    key: str  # the Pulumi config key, without the namespace
    env: str
    profile_key: Optional[str]
    help: str


API_URL = Setting("apiUrl", "INFLUXDB3_API_URL", None, "the Management API base URL, e.g. http://127.0.0.1:8181")
ACCOUNT_ID = Setting("accountId", "INFLUXDB3_ACCOUNT_ID", "account_id", "the account id")
CLUSTER_ID = Setting("clusterId", "INFLUXDB3_CLUSTER_ID", "cluster_id", "the cluster id")
MANAGEMENT_TOKEN = Setting(
    "managementToken", "INFLUXDB3_MANAGEMENT_TOKEN", "mgmt_token", "an admin management token (a secret)"
)
INFLUXCTL_CONFIG = Setting("influxctlConfig", "INFLUXDB3_INFLUXCTL_CONFIG", None, "the influxctl config.toml path")
INFLUXCTL_PROFILE = Setting("influxctlProfile", "INFLUXDB3_INFLUXCTL_PROFILE", None, "the influxctl profile name")
REQUEST_TIMEOUT = Setting("requestTimeout", "INFLUXDB3_REQUEST_TIMEOUT", None, "seconds to wait for one answer")
RETRY_TIMEOUT = Setting("retryTimeout", "INFLUXDB3_RETRY_TIMEOUT", None, "seconds to keep retrying one operation")

ALL_SETTINGS = (
    API_URL,
    ACCOUNT_ID,
    CLUSTER_ID,
    MANAGEMENT_TOKEN,
    INFLUXCTL_CONFIG,
    INFLUXCTL_PROFILE,
    REQUEST_TIMEOUT,
    RETRY_TIMEOUT,
)


@dataclass(frozen=True)
class Connection:
    """Everything a transport needs to reach one cluster. Holds the credential: never pickle it."""

    api_url: str
    account_id: str
    cluster_id: str
    management_token: SecretStr
    request_timeout: float = 10.0
    retry_timeout: float = 60.0

    def __reduce__(self) -> Any:  # pragma: no cover - a guard, not a feature
        raise TypeError("a Connection holds the admin credential and must not be pickled")


def config_key(setting: Setting) -> str:
    return f"{CONFIG_NAMESPACE}:{setting.key}"


def _lookup(setting: Setting, stack_config: Mapping[str, Any], profile: Mapping[str, Any]) -> Optional[str]:
    for value in (
        stack_config.get(config_key(setting)),
        os.environ.get(setting.env),
        profile.get(setting.profile_key) if setting.profile_key else None,
    ):
        if value is not None and str(value).strip() != "":
            return str(value).strip()
    return None


def _missing(setting: Setting) -> ConfigurationError:
    secret = " --secret" if setting is MANAGEMENT_TOKEN else ""
    return ConfigurationError(
        f"No {setting.help} is configured; set it with "
        f"`pulumi config set{secret} {config_key(setting)} ...`, the environment variable {setting.env}"
        + (f", or '{setting.profile_key}' in an influxctl profile." if setting.profile_key else ".")
    )


def load_influxctl_profile(stack_config: Mapping[str, Any]) -> Mapping[str, Any]:
    """The selected ``[[profile]]`` of an influxctl config.toml, or {} when there is none to read."""
    explicit_path = _lookup(INFLUXCTL_CONFIG, stack_config, {})
    path = Path(explicit_path or DEFAULT_INFLUXCTL_CONFIG).expanduser()
    name = _lookup(INFLUXCTL_PROFILE, stack_config, {}) or DEFAULT_PROFILE
    if not path.is_file():
        if explicit_path:
            raise ConfigurationError(
                f"The influxctl config file {path} does not exist; fix {config_key(INFLUXCTL_CONFIG)} "
                f"or {INFLUXCTL_CONFIG.env}."
            )
        return {}
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise ConfigurationError(
            f"The influxctl config file {path} cannot be read ({type(err).__name__}); fix or remove it."
        ) from None
    profiles = document.get("profile", [])
    for profile in profiles if isinstance(profiles, list) else []:
        if isinstance(profile, dict) and profile.get("name") == name:
            return profile
    if explicit_path or name != DEFAULT_PROFILE:
        raise ConfigurationError(
            f"The influxctl config file {path} has no [[profile]] named '{name}'; fix "
            f"{config_key(INFLUXCTL_PROFILE)} or {INFLUXCTL_PROFILE.env}."
        )
    return {}


def _seconds(setting: Setting, raw: Optional[str], default: float) -> float:
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if value <= 0:
        raise ConfigurationError(f"{config_key(setting)} / {setting.env} must be a positive number of seconds, got '{raw}'.")
    return value


def resolve_connection(stack_config: Mapping[str, Any]) -> Connection:
    """Resolve every setting, first found wins: stack config, environment, influxctl profile."""
    profile = load_influxctl_profile(stack_config)
    values = {s.key: _lookup(s, stack_config, profile) for s in (API_URL, ACCOUNT_ID, CLUSTER_ID, MANAGEMENT_TOKEN)}
    for setting in (API_URL, ACCOUNT_ID, CLUSTER_ID, MANAGEMENT_TOKEN):
        if values[setting.key] is None:
            raise _missing(setting)
    api_url = values[API_URL.key] or ""
    if not api_url.startswith(("http://", "https://")):
        raise ConfigurationError(
            f"{config_key(API_URL)} / {API_URL.env} must start with http:// or https://, got '{api_url}'."
        )
    return Connection(
        api_url=api_url.rstrip("/"),
        account_id=values[ACCOUNT_ID.key] or "",
        cluster_id=values[CLUSTER_ID.key] or "",
        management_token=SecretStr(values[MANAGEMENT_TOKEN.key] or ""),
        request_timeout=_seconds(REQUEST_TIMEOUT, _lookup(REQUEST_TIMEOUT, stack_config, {}), 10.0),
        retry_timeout=_seconds(RETRY_TIMEOUT, _lookup(RETRY_TIMEOUT, stack_config, {}), 60.0),
    )
