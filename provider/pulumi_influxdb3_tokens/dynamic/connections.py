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
    CONFIG_NAMESPACE,
    INFLUXCTL_CONFIG,
    INFLUXCTL_PROFILE,
    MANAGEMENT_TOKEN,
    Connection,
    config_key,
    resolve_connection,
)

_NAMESPACE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def connection_problem(value: Any) -> Optional[str]:
    """Why a ``connection`` input is unusable, or None."""
    if value is None or (isinstance(value, str) and _NAMESPACE.match(value)):
        return None
    return f"connection must name a stack config namespace such as 'staging', got {value!r}"


def connection_config(lookup: Callable[[str], Any], namespace: Optional[str]) -> dict[str, Any]:
    """The settings of a connection, keyed ``influxdb3:<key>`` as ``settings.resolve_connection`` reads them.

    ``lookup`` reads one fully qualified stack config key (``staging:apiUrl``).
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
    required = (ACCOUNT_ID, CLUSTER_ID) if own_profile else (API_URL, ACCOUNT_ID, CLUSTER_ID, MANAGEMENT_TOKEN)
    for setting in required:
        if config_key(setting) not in found:
            secret = " --secret" if setting is MANAGEMENT_TOKEN else ""
            raise ConfigurationError(
                f"Connection '{chosen}' has no {chosen}:{setting.key}; set it with "
                f"`pulumi config set{secret} {chosen}:{setting.key} ...`."
            )
    return found


def resolve(lookup: Callable[[str], Any], namespace: Optional[str]) -> Connection:
    """The connection a resource names: the default one reads the environment too, a named one never does."""
    settings = connection_config(lookup, namespace)
    named = namespace is not None and namespace != CONFIG_NAMESPACE
    return resolve_connection(settings, environ={} if named else None)
