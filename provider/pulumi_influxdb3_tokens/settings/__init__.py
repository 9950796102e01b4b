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

One module a concern: ``table`` (each setting's names), ``sources`` (where one value is found),
``influxctl_profile`` (the user's config.toml and its OS path), ``credential`` (which admin token
goes with a URL, and the cleartext guard), ``transport`` (which transport is used), ``connection``
(what a transport is given), ``product`` (dedicated or clustered), ``timeouts``, ``resolve`` (all of it into one
Connection) and ``documented`` (the same for the resources of InfluxData's documented Management API, always over
HTTP). Import from here.
"""

from .connection import Connection
from .documented import resolve_documented_connection
from .influxctl_profile import (
    DEFAULT_PROFILE,
    INFLUXCTL_OWN_PROFILE_ENV,
    default_influxctl_config,
    influxctl_config_path,
    influxctl_profile_name,
    load_influxctl_profile,
    names_own_profile,
)
from .resolve import resolve_connection
from .sources import FROM_CONFIG, FROM_ENVIRONMENT
from .table import (
    ACCOUNT_ID,
    ALL_SETTINGS,
    ALLOW_INSECURE_HTTP,
    API_URL,
    CLUSTER_ID,
    CLUSTERED,
    CONFIG_NAMESPACE,
    DEDICATED,
    DEFAULT_REQUEST_TIMEOUT,
    HTTP,
    INFLUXCTL,
    INFLUXCTL_CONFIG,
    INFLUXCTL_PATH,
    INFLUXCTL_PROFILE,
    INFLUXDATA_API_HOST,
    INFLUXDATA_API_URL,
    MANAGEMENT_TOKEN,
    PRODUCT,
    PRODUCTS,
    REQUEST_TIMEOUT,
    RETRY_TIMEOUT,
    TRANSPORT,
    TRANSPORTS,
    Setting,
    config_key,
)

__all__ = [
    "ACCOUNT_ID",
    "ALLOW_INSECURE_HTTP",
    "ALL_SETTINGS",
    "API_URL",
    "CLUSTERED",
    "CLUSTER_ID",
    "CONFIG_NAMESPACE",
    "DEDICATED",
    "DEFAULT_PROFILE",
    "DEFAULT_REQUEST_TIMEOUT",
    "FROM_CONFIG",
    "FROM_ENVIRONMENT",
    "HTTP",
    "INFLUXCTL",
    "INFLUXCTL_CONFIG",
    "INFLUXCTL_OWN_PROFILE_ENV",
    "INFLUXCTL_PATH",
    "INFLUXCTL_PROFILE",
    "INFLUXDATA_API_HOST",
    "INFLUXDATA_API_URL",
    "MANAGEMENT_TOKEN",
    "PRODUCT",
    "PRODUCTS",
    "REQUEST_TIMEOUT",
    "RETRY_TIMEOUT",
    "TRANSPORT",
    "TRANSPORTS",
    "Connection",
    "Setting",
    "config_key",
    "default_influxctl_config",
    "influxctl_config_path",
    "influxctl_profile_name",
    "load_influxctl_profile",
    "names_own_profile",
    "resolve_connection",
    "resolve_documented_connection",
]
