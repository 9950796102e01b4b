"""Named connections: one cluster's settings under a stack-config namespace of the user's choosing.

The dynamic resource reaches the cluster of the ``influxdb3:*`` config by default; its ``connection``
input names another namespace instead (``connection="staging"`` reads ``staging:apiUrl``,
``staging:accountId``, ``staging:clusterId``, ``staging:managementToken``, ... with the same keys).
Only that name goes into the resource's state: the settings, the credential among them, stay in
the stack config (the credential set with ``--secret``). A named connection must hold its own
account, cluster and credential (or influxctl profile), and it resolves with no environment at all:
the INFLUXDB3_* variables (and influxctl's INFLUXCTL_PROFILE) belong to the default connection, so
nothing of another cluster's URL, credential or default influxctl profile can leak into it.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Optional

from ..core.errors import ConfigurationError
from ..settings import (
    ACCOUNT_ID,
    ALL_SETTINGS,
    API_URL,
    CLUSTER_ID,
    CLUSTERED,
    CONFIG_NAMESPACE,
    INFLUXCTL_CONFIG,
    INFLUXCTL_PROFILE,
    MANAGEMENT_TOKEN,
    PRODUCT,
    Connection,
    Setting,
    config_key,
    resolve_connection,
    resolve_documented_connection,
)

_NAMESPACE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def connection_problem(value: Any) -> Optional[str]:
    """Why a ``connection`` input is unusable, or None."""
    if value is None or (isinstance(value, str) and _NAMESPACE.match(value)):
        return None
    return f"connection must name a stack config namespace such as 'staging', got {value!r}"


def connection_config(
    lookup: Callable[[str], Any], namespace: Optional[str], documented: bool = False, credential_given: bool = False
) -> dict[str, Any]:
    """The settings of a connection, keyed ``influxdb3:<key>`` as ``settings.resolve_connection`` reads them.

    ``lookup`` reads one fully qualified stack config key (``staging:apiUrl``). ``documented``: for a resource of
    the documented Management API, which has a default URL for Cloud Dedicated and needs no ids on Clustered;
    ``credential_given``: the resource brings its own management token.
    """
    chosen = namespace or CONFIG_NAMESPACE
    found = {
        config_key(setting): lookup(f"{chosen}:{setting.key}")
        for setting in ALL_SETTINGS
        if lookup(f"{chosen}:{setting.key}") is not None
    }
    if chosen == CONFIG_NAMESPACE:
        return found
    own_profile = any(config_key(s) in found for s in (INFLUXCTL_CONFIG, INFLUXCTL_PROFILE))
    required: tuple[Setting, ...]
    if not documented:
        required = (ACCOUNT_ID, CLUSTER_ID) if own_profile else (API_URL, ACCOUNT_ID, CLUSTER_ID, MANAGEMENT_TOKEN)
    elif own_profile:
        required = ()  # the profile's ids and mgmt_token, checked as the default connection's are
    else:
        clustered = str(found.get(config_key(PRODUCT), "")).strip().lower() == CLUSTERED
        required = (API_URL,) if clustered else (ACCOUNT_ID, CLUSTER_ID)
        required += () if credential_given else (MANAGEMENT_TOKEN,)
    for setting in required:
        if config_key(setting) not in found:
            secret = " --secret" if setting is MANAGEMENT_TOKEN else ""
            raise ConfigurationError(
                f"Connection '{chosen}' has no {chosen}:{setting.key}; set it with "
                f"`pulumi config set{secret} {chosen}:{setting.key} ...`."
            )
    return found


def resolve(
    lookup: Callable[[str], Any], namespace: Optional[str], documented: bool = False, credential: Optional[str] = None
) -> Connection:
    """The connection a resource names: the default one reads the environment too, a named one never does.

    ``documented``: the resource speaks InfluxData's documented Management API (HTTP unless the transport is
    influxctl), with ``credential``,
    the management token the program gave it, if any."""
    settings = connection_config(lookup, namespace, documented, credential is not None)
    environ: Optional[dict[str, str]] = {} if namespace is not None and namespace != CONFIG_NAMESPACE else None
    if documented:
        return resolve_documented_connection(settings, environ, credential)
    return resolve_connection(settings, environ)
