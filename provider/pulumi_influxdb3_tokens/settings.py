"""Where the connection settings come from: stack config, then environment, then an influxctl profile.

Two transports reach a cluster: ``http`` (the REST contract at ``apiUrl``) and ``influxctl`` (the
``influxctl`` CLI as a subprocess). Without ``influxdb3:transport``, ``http`` is chosen when an
``apiUrl`` is configured and ``influxctl`` when none is and the binary is on PATH.

A credential never crosses clusters: the admin token sent to an ``apiUrl`` comes from the same
source as that URL (the stack config, or the environment), never from an influxctl profile; an
influxctl profile is read for the influxctl transport, or (for the ids only) when one is named
explicitly. Named connections (dynamic/connections.py) resolve with no environment at all.

Resolved at operation time (inside the dynamic provider process) and never stored on the pickled
provider object, so the admin credential never reaches the state file's ``__provider`` blob.
"""

from __future__ import annotations

import ipaddress
import os
import re
import shutil
import stat
import sys
import threading
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Optional, TypedDict
from urllib.parse import urlsplit

from pydantic import SecretStr

from .core.errors import ConfigurationError
from .core.notices import say

CONFIG_NAMESPACE = "influxdb3"
DEFAULT_PROFILE = "default"
# influxctl's own variable for the profile name (influxctl 2.10.1 and later read it).
INFLUXCTL_OWN_PROFILE_ENV = "INFLUXCTL_PROFILE"
HTTP = "http"
INFLUXCTL = "influxctl"
TRANSPORTS = (HTTP, INFLUXCTL)
DEFAULT_REQUEST_TIMEOUT = {HTTP: 10.0, INFLUXCTL: 60.0}  # influxctl's own default API timeout is 1m


@dataclass(frozen=True)
class Setting:
    """One setting and the names it goes by in each source."""

    key: str  # the Pulumi config key, without the namespace
    env: str
    profile_key: Optional[str]
    help: str


API_URL = Setting("apiUrl", "INFLUXDB3_API_URL", None, "the Management API base URL (e.g. http://127.0.0.1:8181)")
ACCOUNT_ID = Setting("accountId", "INFLUXDB3_ACCOUNT_ID", "account_id", "the account id")
CLUSTER_ID = Setting("clusterId", "INFLUXDB3_CLUSTER_ID", "cluster_id", "the cluster id")
MANAGEMENT_TOKEN = Setting(
    "managementToken", "INFLUXDB3_MANAGEMENT_TOKEN", "mgmt_token", "an admin management token (a secret)"
)
INFLUXCTL_CONFIG = Setting("influxctlConfig", "INFLUXDB3_INFLUXCTL_CONFIG", None, "the influxctl config.toml path")
INFLUXCTL_PROFILE = Setting("influxctlProfile", "INFLUXDB3_INFLUXCTL_PROFILE", None, "the influxctl profile name")
INFLUXCTL_PATH = Setting("influxctlPath", "INFLUXDB3_INFLUXCTL_PATH", None, "the influxctl executable")
TRANSPORT = Setting("transport", "INFLUXDB3_TRANSPORT", None, "the transport, http or influxctl")
REQUEST_TIMEOUT = Setting("requestTimeout", "INFLUXDB3_REQUEST_TIMEOUT", None, "seconds to wait for one answer")
RETRY_TIMEOUT = Setting("retryTimeout", "INFLUXDB3_RETRY_TIMEOUT", None, "seconds to keep retrying one operation")
ALLOW_INSECURE_HTTP = Setting(
    "allowInsecureHttp", "INFLUXDB3_ALLOW_INSECURE_HTTP", None, "true to send the admin token over plain http"
)

ALL_SETTINGS = (
    API_URL,
    ACCOUNT_ID,
    CLUSTER_ID,
    MANAGEMENT_TOKEN,
    INFLUXCTL_CONFIG,
    INFLUXCTL_PROFILE,
    INFLUXCTL_PATH,
    TRANSPORT,
    REQUEST_TIMEOUT,
    RETRY_TIMEOUT,
    ALLOW_INSECURE_HTTP,
)


@dataclass(frozen=True)
class Connection:
    """Everything a transport needs to reach one cluster. Holds the credential: never pickle it."""

    api_url: str  # "" for the influxctl transport
    account_id: str
    cluster_id: str
    # With the user's own influxctl profile: that profile's mgmt_token, never written anywhere by us
    # (influxctl reads it from the profile), only kept to scrub it from messages and to recognise our
    # own token in a listing; empty when that profile logs in through the identity provider instead.
    management_token: SecretStr
    request_timeout: float = 10.0
    retry_timeout: float = 60.0
    transport: str = HTTP
    influxctl_path: str = ""  # the resolved executable, for the influxctl transport
    # The user's own influxctl config file and profile name, both passed as --config / --profile, when
    # a setting (or influxctl's INFLUXCTL_PROFILE) names a profile or file; None with the temporary profile.
    influxctl_config: Optional[str] = None
    influxctl_profile: Optional[str] = None

    @property
    def uses_own_influxctl_profile(self) -> bool:
        return self.influxctl_config is not None or self.influxctl_profile is not None

    def __reduce__(self) -> Any:  # pragma: no cover - a guard, not a feature
        raise TypeError("a Connection holds the admin credential and must not be pickled")


def config_key(setting: Setting) -> str:
    return f"{CONFIG_NAMESPACE}:{setting.key}"


# Where a value was found; the HTTP transport sends the admin token only to a URL from the same place.
FROM_CONFIG = "config"
FROM_ENVIRONMENT = "environment"


def _present(value: Any) -> Optional[str]:
    return None if value is None or str(value).strip() == "" else str(value).strip()


def _found(
    setting: Setting, stack_config: Mapping[str, Any], environ: Optional[Mapping[str, str]] = None
) -> tuple[Optional[str], Optional[str]]:
    """The value from the stack config, else the environment, and which of the two it came from."""
    from_config = _present(stack_config.get(config_key(setting)))
    if from_config is not None:
        return from_config, FROM_CONFIG
    from_environment = _present((os.environ if environ is None else environ).get(setting.env))
    if from_environment is not None:
        return from_environment, FROM_ENVIRONMENT
    return None, None


def _lookup(
    setting: Setting,
    stack_config: Mapping[str, Any],
    profile: Mapping[str, Any],
    environ: Optional[Mapping[str, str]] = None,
) -> Optional[str]:
    value, _ = _found(setting, stack_config, environ)
    if value is None and setting.profile_key:
        value = _present(profile.get(setting.profile_key))
    return value


def _missing(setting: Setting) -> ConfigurationError:
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
    return _lookup(INFLUXCTL_PROFILE, stack_config, {}, environ) or theirs or None


def influxctl_config_path(stack_config: Mapping[str, Any], environ: Optional[Mapping[str, str]] = None) -> Path:
    explicit_path = _lookup(INFLUXCTL_CONFIG, stack_config, {}, environ)
    return Path(explicit_path).expanduser() if explicit_path else default_influxctl_config()


def names_own_profile(stack_config: Mapping[str, Any], environ: Optional[Mapping[str, str]] = None) -> bool:
    """Whether a setting (or influxctl's INFLUXCTL_PROFILE) names the user's own influxctl file or profile."""
    return (
        _lookup(INFLUXCTL_CONFIG, stack_config, {}, environ) is not None
        or influxctl_profile_name(stack_config, environ) is not None
    )


def load_influxctl_profile(
    stack_config: Mapping[str, Any], environ: Optional[Mapping[str, str]] = None
) -> Mapping[str, Any]:
    """The selected ``[[profile]]`` of an influxctl config.toml, or {} when there is none to read."""
    explicit_path = _lookup(INFLUXCTL_CONFIG, stack_config, {}, environ)
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
            if _present(profile.get(MANAGEMENT_TOKEN.profile_key)) is not None:
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


# A management token is sent in an HTTP header or gRPC metadata: visible ASCII only, no whitespace.
_CREDENTIAL_SHAPE = re.compile(r"[\x21-\x7e]+")


def _checked_credential(value: str, where: str) -> str:
    """Refuse at once, naming where it was set, a credential no server can receive (never its value)."""
    if not _CREDENTIAL_SHAPE.fullmatch(value):
        raise ConfigurationError(
            f"The admin management token in {where} contains a space, a line break or a character that is "
            f"not ASCII, which no management token has; set it again without them."
        )
    return value


def _seconds(setting: Setting, raw: Optional[str], default: float) -> float:
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


def resolve_connection(stack_config: Mapping[str, Any], environ: Optional[Mapping[str, str]] = None) -> Connection:
    """Resolve every setting, first found wins: stack config, environment, influxctl profile.

    ``environ`` is where the environment variables are read (``os.environ`` by default; a named
    connection passes an empty mapping, since the INFLUXDB3_* variables belong to the default one).
    """
    api_url, url_source = _found(API_URL, stack_config, environ)
    transport = _transport(stack_config, api_url, environ)
    if transport == INFLUXCTL:
        return _influxctl_connection(stack_config, environ)
    if api_url is None:
        raise _missing(API_URL)
    if not api_url.startswith(("http://", "https://")):
        raise ConfigurationError(
            f"{config_key(API_URL)} / {API_URL.env} must start with http:// or https://, got '{api_url}'."
        )
    _refuse_cleartext_off_this_machine(api_url, stack_config, environ)
    token = _token_beside_url(stack_config, environ, url_source)
    # The ids are no credential: the stack config, the environment, or a profile named explicitly.
    profile = load_influxctl_profile(stack_config, environ) if names_own_profile(stack_config, environ) else {}
    ids = {s.key: _lookup(s, stack_config, profile, environ) for s in (ACCOUNT_ID, CLUSTER_ID)}
    for setting in (ACCOUNT_ID, CLUSTER_ID):
        if ids[setting.key] is None:
            raise _missing(setting)
    return Connection(
        api_url=api_url.rstrip("/"),
        account_id=ids[ACCOUNT_ID.key] or "",
        cluster_id=ids[CLUSTER_ID.key] or "",
        management_token=SecretStr(token),
        **_timeouts(stack_config, HTTP, environ),
    )


def _token_beside_url(
    stack_config: Mapping[str, Any], environ: Optional[Mapping[str, str]], url_source: Optional[str]
) -> str:
    """The admin token from where the API URL came from: never another source's, nor a profile's."""
    if url_source == FROM_CONFIG:
        token = _present(stack_config.get(config_key(MANAGEMENT_TOKEN)))
        if token is None:
            raise ConfigurationError(
                f"{config_key(API_URL)} is set in the stack config but {config_key(MANAGEMENT_TOKEN)} is not; set it "
                f"with `pulumi config set --secret {config_key(MANAGEMENT_TOKEN)} ...` (the admin token sent to a URL "
                f"comes from where that URL does, never from {MANAGEMENT_TOKEN.env} or an influxctl profile)."
            )
        return _checked_credential(token, config_key(MANAGEMENT_TOKEN))
    token = _present((os.environ if environ is None else environ).get(MANAGEMENT_TOKEN.env))
    if token is None:
        raise ConfigurationError(
            f"{API_URL.env} is set in the environment but {MANAGEMENT_TOKEN.env} is not; set it (the admin token "
            f"sent to a URL comes from where that URL does, never from the stack config or an influxctl profile)."
        )
    return _checked_credential(token, MANAGEMENT_TOKEN.env)


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):  # RFC 6761 section 6.3: always loopback
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _refuse_cleartext_off_this_machine(
    api_url: str, stack_config: Mapping[str, Any], environ: Optional[Mapping[str, str]]
) -> None:
    """Over http:// the admin token in the Authorization header crosses the network readable."""
    host = urlsplit(api_url).hostname or ""
    if not api_url.startswith("http://") or _is_loopback(host):
        return
    if (_lookup(ALLOW_INSECURE_HTTP, stack_config, {}, environ) or "").lower() in ("true", "1", "yes"):
        return
    raise ConfigurationError(
        f"{config_key(API_URL)} / {API_URL.env} uses plain http:// to {host}, which is not this machine, so the "
        f"admin token would cross the network in clear; use https://, or set {config_key(ALLOW_INSECURE_HTTP)} / "
        f"{ALLOW_INSECURE_HTTP.env} to true if that network is trusted."
    )


class _Timeouts(TypedDict):
    request_timeout: float
    retry_timeout: float


def _timeouts(
    stack_config: Mapping[str, Any], transport: str, environ: Optional[Mapping[str, str]] = None
) -> _Timeouts:
    return {
        "request_timeout": _seconds(
            REQUEST_TIMEOUT, _lookup(REQUEST_TIMEOUT, stack_config, {}, environ), DEFAULT_REQUEST_TIMEOUT[transport]
        ),
        "retry_timeout": _seconds(RETRY_TIMEOUT, _lookup(RETRY_TIMEOUT, stack_config, {}, environ), 60.0),
    }


def _influxctl_executable(
    stack_config: Mapping[str, Any], environ: Optional[Mapping[str, str]] = None
) -> Optional[str]:
    return shutil.which(_lookup(INFLUXCTL_PATH, stack_config, {}, environ) or "influxctl")


def _transport(
    stack_config: Mapping[str, Any], api_url: Optional[str], environ: Optional[Mapping[str, str]] = None
) -> str:
    chosen = _lookup(TRANSPORT, stack_config, {}, environ)
    if chosen is not None:
        if chosen.lower() not in TRANSPORTS:
            raise ConfigurationError(
                f"{config_key(TRANSPORT)} / {TRANSPORT.env} must be http or influxctl, got '{chosen}'."
            )
        return chosen.lower()
    if api_url is None and _influxctl_executable(stack_config, environ) is not None:
        return INFLUXCTL
    return HTTP


def _same_ids_as_profile(values: Mapping[str, Optional[str]], profile: Mapping[str, Any], name: str) -> None:
    """influxctl acts on the profile's account and cluster: a setting naming others would mislabel every token."""
    for setting in (ACCOUNT_ID, CLUSTER_ID):
        theirs = _present(profile.get(setting.profile_key or ""))
        ours = values[setting.key]
        if theirs is not None and ours is not None and ours != theirs:
            raise ConfigurationError(
                f"{config_key(setting)} / {setting.env} is '{ours}', but influxctl profile '{name}', which influxctl "
                f"acts with, has {setting.profile_key} '{theirs}'; unset it, or name the profile of that cluster."
            )


def _influxctl_connection(stack_config: Mapping[str, Any], environ: Optional[Mapping[str, str]]) -> Connection:
    executable = _influxctl_executable(stack_config, environ)
    if executable is None:
        named = _lookup(INFLUXCTL_PATH, stack_config, {}, environ) or "influxctl"
        raise ConfigurationError(
            f"The influxctl transport needs the influxctl executable, but '{named}' is not found; install "
            f"influxctl, put it on PATH or set {config_key(INFLUXCTL_PATH)} / {INFLUXCTL_PATH.env}."
        )
    own_profile = influxctl_profile_name(stack_config, environ)
    own = names_own_profile(stack_config, environ)
    explicit_token, token_source = _found(MANAGEMENT_TOKEN, stack_config, environ)
    if own and explicit_token is not None:
        raise ConfigurationError(
            f"{config_key(MANAGEMENT_TOKEN)} / {MANAGEMENT_TOKEN.env} is not used when "
            f"{config_key(INFLUXCTL_CONFIG)}, {config_key(INFLUXCTL_PROFILE)} or {INFLUXCTL_OWN_PROFILE_ENV} names "
            f"your own influxctl profile, which carries its own credential; unset one of them."
        )
    config_path = influxctl_config_path(stack_config, environ)
    if not own and explicit_token is None:
        # No credential is configured: use the login the user already has, their own influxctl profile as
        # it is (a mgmt_token, or influxctl's cached login through the identity provider); nothing is copied.
        if not config_path.is_file():
            raise ConfigurationError(
                f"No admin credential is configured for the influxctl transport and there is no influxctl "
                f"config file {config_path} to use your own login from; create an influxctl profile there and "
                f"run `influxctl auth login`, or set one with `pulumi config set --secret "
                f"{config_key(MANAGEMENT_TOKEN)}` (or {MANAGEMENT_TOKEN.env})."
            )
        own = True
    if own and not config_path.is_file():
        raise ConfigurationError(
            f"The influxctl profile '{own_profile or DEFAULT_PROFILE}' cannot be read: there is no config file "
            f"{config_path}; create it or set {config_key(INFLUXCTL_CONFIG)} / {INFLUXCTL_CONFIG.env}."
        )
    profile = load_influxctl_profile(stack_config, environ)
    if own and not profile:
        raise ConfigurationError(
            f"The influxctl config file {config_path} has no [[profile]] named '{own_profile or DEFAULT_PROFILE}'; "
            f"add it (influxctl's connection profile) or name another with {config_key(INFLUXCTL_PROFILE)}."
        )
    values = {s.key: _lookup(s, stack_config, profile, environ) for s in (ACCOUNT_ID, CLUSTER_ID, MANAGEMENT_TOKEN)}
    if own:
        _same_ids_as_profile(values, profile, own_profile or DEFAULT_PROFILE)
    # The token is there by now: configured, or the own profile's (which may log a person in instead).
    for setting in (ACCOUNT_ID, CLUSTER_ID):
        if values[setting.key] is None:
            raise _missing(setting)
    token = values[MANAGEMENT_TOKEN.key] or ""
    if token:
        where = (
            config_key(MANAGEMENT_TOKEN)
            if token_source == FROM_CONFIG
            else MANAGEMENT_TOKEN.env
            if token_source == FROM_ENVIRONMENT
            else f"the mgmt_token of influxctl profile '{own_profile or DEFAULT_PROFILE}' in {config_path}"
        )
        _checked_credential(token, where)
    return Connection(
        api_url="",
        account_id=values[ACCOUNT_ID.key] or "",
        cluster_id=values[CLUSTER_ID.key] or "",
        management_token=SecretStr(token),
        transport=INFLUXCTL,
        influxctl_path=executable,
        # Both are passed explicitly, so influxctl never falls back to another file or profile.
        influxctl_config=str(config_path) if own else None,
        influxctl_profile=(own_profile or DEFAULT_PROFILE) if own else None,
        **_timeouts(stack_config, INFLUXCTL, environ),
    )
