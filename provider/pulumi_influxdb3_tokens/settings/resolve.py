"""Resolving every setting into one Connection, for the HTTP transport or the influxctl one."""

from __future__ import annotations

from typing import Any, Mapping, Optional

from pydantic import SecretStr

from ..core.errors import ConfigurationError
from .connection import Connection
from .credential import checked_credential, refuse_cleartext_off_this_machine, token_beside_url
from .influxctl_profile import (
    DEFAULT_PROFILE,
    INFLUXCTL_OWN_PROFILE_ENV,
    influxctl_config_path,
    influxctl_profile_name,
    load_influxctl_profile,
    names_own_profile,
)
from .product import product_of
from .sources import FROM_CONFIG, FROM_ENVIRONMENT, found, lookup, missing, present
from .table import (
    ACCOUNT_ID,
    API_URL,
    CLUSTER_ID,
    HTTP,
    INFLUXCTL,
    INFLUXCTL_CONFIG,
    INFLUXCTL_PATH,
    INFLUXCTL_PROFILE,
    MANAGEMENT_TOKEN,
    config_key,
)
from .timeouts import timeouts
from .transport import chosen_transport, influxctl_executable


def resolve_connection(stack_config: Mapping[str, Any], environ: Optional[Mapping[str, str]] = None) -> Connection:
    """Resolve every setting, first found wins: stack config, environment, influxctl profile.

    ``environ`` is where the environment variables are read (``os.environ`` by default; a named
    connection passes an empty mapping, since the INFLUXDB3_* variables belong to the default one).
    """
    api_url, url_source = found(API_URL, stack_config, environ)
    transport = chosen_transport(stack_config, api_url, environ)
    if transport == INFLUXCTL:
        return _influxctl_connection(stack_config, environ)
    if api_url is None:
        raise missing(API_URL)
    if not api_url.startswith(("http://", "https://")):
        raise ConfigurationError(
            f"{config_key(API_URL)} / {API_URL.env} must start with http:// or https://, got '{api_url}'."
        )
    refuse_cleartext_off_this_machine(api_url, stack_config, environ)
    token = token_beside_url(stack_config, environ, url_source)
    # The ids are no credential: the stack config, the environment, or a profile named explicitly.
    profile = load_influxctl_profile(stack_config, environ) if names_own_profile(stack_config, environ) else {}
    ids = {s.key: lookup(s, stack_config, profile, environ) for s in (ACCOUNT_ID, CLUSTER_ID)}
    for setting in (ACCOUNT_ID, CLUSTER_ID):
        if ids[setting.key] is None:
            raise missing(setting)
    return Connection(
        api_url=api_url.rstrip("/"),
        account_id=ids[ACCOUNT_ID.key] or "",
        cluster_id=ids[CLUSTER_ID.key] or "",
        management_token=SecretStr(token),
        product=product_of(stack_config, profile, environ),
        **timeouts(stack_config, HTTP, environ),
    )


def _same_ids_as_profile(values: Mapping[str, Optional[str]], profile: Mapping[str, Any], name: str) -> None:
    """influxctl acts on the profile's account and cluster: a setting naming others would mislabel every token."""
    for setting in (ACCOUNT_ID, CLUSTER_ID):
        theirs = present(profile.get(setting.profile_key or ""))
        ours = values[setting.key]
        if theirs is not None and ours is not None and ours != theirs:
            raise ConfigurationError(
                f"{config_key(setting)} / {setting.env} is '{ours}', but influxctl profile '{name}', which influxctl "
                f"acts with, has {setting.profile_key} '{theirs}'; unset it, or name the profile of that cluster."
            )


def _influxctl_connection(stack_config: Mapping[str, Any], environ: Optional[Mapping[str, str]]) -> Connection:
    executable = influxctl_executable(stack_config, environ)
    if executable is None:
        named = lookup(INFLUXCTL_PATH, stack_config, {}, environ) or "influxctl"
        raise ConfigurationError(
            f"The influxctl transport needs the influxctl executable, but '{named}' is not found; install "
            f"influxctl, put it on PATH or set {config_key(INFLUXCTL_PATH)} / {INFLUXCTL_PATH.env}."
        )
    own_profile = influxctl_profile_name(stack_config, environ)
    own = names_own_profile(stack_config, environ)
    explicit_token, token_source = found(MANAGEMENT_TOKEN, stack_config, environ)
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
    values = {s.key: lookup(s, stack_config, profile, environ) for s in (ACCOUNT_ID, CLUSTER_ID, MANAGEMENT_TOKEN)}
    if own:
        _same_ids_as_profile(values, profile, own_profile or DEFAULT_PROFILE)
    # The token is there by now: configured, or the own profile's (which may log a person in instead).
    for setting in (ACCOUNT_ID, CLUSTER_ID):
        if values[setting.key] is None:
            raise missing(setting)
    token = values[MANAGEMENT_TOKEN.key] or ""
    if token:
        where = (
            config_key(MANAGEMENT_TOKEN)
            if token_source == FROM_CONFIG
            else MANAGEMENT_TOKEN.env
            if token_source == FROM_ENVIRONMENT
            else f"the mgmt_token of influxctl profile '{own_profile or DEFAULT_PROFILE}' in {config_path}"
        )
        checked_credential(token, where)
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
        product=product_of(stack_config, profile, environ),
        **timeouts(stack_config, INFLUXCTL, environ),
    )
