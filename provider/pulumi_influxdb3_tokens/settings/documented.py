"""The connection of a resource of InfluxData's documented Management API (databases, database tokens).

That API is HTTP only: unless the transport is set to influxctl (below), these resources go over HTTP, whatever
transport the stack's management tokens found, to ``apiUrl``, else (Cloud Dedicated) to InfluxData's own
https://console.influxdata.com. Clustered has no such default: each cluster serves its own API. The credential is,
first found: the one the program gives the resource (its ``management_token`` input), the configured
``managementToken`` (beside a configured URL: from the URL's own source, as for the http transport), else the
``mgmt_token`` of the influxctl profile the stack names or influxctl uses by default, with that profile's ids. A
profile that logs a person in through the identity provider has no token to send over HTTP, and is refused, saying
how to give one or to set the transport.

With ``transport: influxctl`` set (influxdb3:transport / INFLUXDB3_TRANSPORT, or a named connection's), these
resources go over influxctl instead, resolved exactly as a management token's connection: the person's own
login or a named profile (a profile that logs a person in is then welcome: influxctl logs them in), or an
explicit management token, the resource's own ``management_token`` input first. Only the explicit setting
chooses influxctl here: a stack that leaves the transport to be found keeps these resources on HTTP as before.
"""

from __future__ import annotations

from typing import Any, Mapping, Optional

from pydantic import SecretStr

from ..core.errors import ConfigurationError
from .connection import Connection
from .credential import checked_credential, refuse_cleartext_off_this_machine, token_beside_url
from .influxctl_profile import (
    DEFAULT_PROFILE,
    influxctl_config_path,
    influxctl_profile_name,
    load_influxctl_profile,
    names_own_profile,
)
from .product import product_of
from .resolve import resolve_connection
from .sources import FROM_CONFIG, found, lookup, missing, present
from .table import (
    ACCOUNT_ID,
    API_URL,
    CLUSTER_ID,
    CLUSTERED,
    DEDICATED,
    HTTP,
    INFLUXCTL,
    INFLUXDATA_API_URL,
    MANAGEMENT_TOKEN,
    TRANSPORT,
    config_key,
)
from .timeouts import timeouts
from .transport import set_transport


def resolve_documented_connection(
    stack_config: Mapping[str, Any],
    environ: Optional[Mapping[str, str]] = None,
    credential: Optional[str] = None,
) -> Connection:
    """Resolve a connection to the documented Management API over HTTP, or over influxctl when that is set.

    ``credential`` is a management token the program gave the resource itself (a secret input); it wins over
    every configured one.
    """
    if set_transport(stack_config, environ) == INFLUXCTL:
        given = {} if credential is None else {config_key(MANAGEMENT_TOKEN): credential}
        return resolve_connection({**stack_config, **given}, environ)
    api_url, url_source = found(API_URL, stack_config, environ)
    own = names_own_profile(stack_config, environ)
    named_profile = load_influxctl_profile(stack_config, environ) if own else {}
    product = product_of(stack_config, named_profile, environ)
    if api_url is None:
        if product == CLUSTERED:
            raise ConfigurationError(
                f"InfluxDB 3 Clustered serves its Management API on the cluster's own host, so "
                f"{config_key(API_URL)} / {API_URL.env} is required; set it to that host, e.g. "
                f"https://cluster.example.com."
            )
        api_url = INFLUXDATA_API_URL
    if not api_url.startswith(("http://", "https://")):
        raise ConfigurationError(
            f"{config_key(API_URL)} / {API_URL.env} must start with http:// or https://, got '{api_url}'."
        )
    refuse_cleartext_off_this_machine(api_url, stack_config, environ)
    token, profile = _credential(stack_config, environ, credential, url_source, named_profile)
    ids = {s.key: lookup(s, stack_config, profile, environ) for s in (ACCOUNT_ID, CLUSTER_ID)}
    if product == DEDICATED:
        for setting in (ACCOUNT_ID, CLUSTER_ID):
            if ids[setting.key] is None:
                raise missing(setting)
    return Connection(
        api_url=api_url.rstrip("/"),
        account_id=ids[ACCOUNT_ID.key] or "",
        cluster_id=ids[CLUSTER_ID.key] or "",
        management_token=SecretStr(token),
        product=product,
        **timeouts(stack_config, HTTP, environ),
    )


def _credential(
    stack_config: Mapping[str, Any],
    environ: Optional[Mapping[str, str]],
    given: Optional[str],
    url_source: Optional[str],
    named_profile: Mapping[str, Any],
) -> tuple[str, Mapping[str, Any]]:
    """The management token to send, and the influxctl profile the ids may come from."""
    if given is not None:
        return checked_credential(given, "the resource's management_token input"), named_profile
    if url_source is not None:  # a configured URL gets the token of its own source, never a profile's
        return token_beside_url(stack_config, environ, url_source), named_profile
    configured, source = found(MANAGEMENT_TOKEN, stack_config, environ)
    if configured is not None:
        where = config_key(MANAGEMENT_TOKEN) if source == FROM_CONFIG else MANAGEMENT_TOKEN.env
        return checked_credential(configured, where), named_profile
    # Nothing configured: the influxctl profile the stack names, else the one influxctl uses by default.
    name = influxctl_profile_name(stack_config, environ) or DEFAULT_PROFILE
    path = influxctl_config_path(stack_config, environ)
    profile = named_profile or load_influxctl_profile(stack_config, environ)
    if not profile:
        raise ConfigurationError(
            f"No management token is configured for InfluxData's Management API; set one with `pulumi config set "
            f"--secret {config_key(MANAGEMENT_TOKEN)}` (or {MANAGEMENT_TOKEN.env}), give the resource one in its "
            f"management_token input, or name an influxctl profile that has a mgmt_token."
        )
    token = present(profile.get(MANAGEMENT_TOKEN.profile_key or ""))
    if token is None:
        raise ConfigurationError(
            f"The influxctl profile '{name}' in {path} logs a person in through the identity provider and has no "
            f"mgmt_token, which InfluxData's Management API needs; create a management token (`influxctl management "
            f"create`) and set it with `pulumi config set --secret {config_key(MANAGEMENT_TOKEN)}` (or "
            f"{MANAGEMENT_TOKEN.env}), give the resource one in its management_token input, or set "
            f"{config_key(TRANSPORT)} to influxctl, which uses this login itself."
        )
    return checked_credential(token, f"the mgmt_token of influxctl profile '{name}' in {path}"), profile
