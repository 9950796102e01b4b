"""The settings: each one's Pulumi config key, environment variable and influxctl profile key, and the transports."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

CONFIG_NAMESPACE = "influxdb3"
HTTP = "http"
INFLUXCTL = "influxctl"
TRANSPORTS = (HTTP, INFLUXCTL)
# The products of the documented Management API: the same operations, under /api/v0/accounts/{a}/clusters/{c}/
# (Cloud Dedicated) or /api/v0/ alone (Clustered).
DEDICATED = "dedicated"
CLUSTERED = "clustered"
PRODUCTS = (DEDICATED, CLUSTERED)
# Where InfluxData serves Cloud Dedicated's documented Management API (the OpenAPI file's only server); a Clustered
# cluster serves its own, so it has no default.
INFLUXDATA_API_URL = "https://console.influxdata.com"
INFLUXDATA_API_HOST = "console.influxdata.com"
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
PRODUCT = Setting(
    "product", "INFLUXDB3_PRODUCT", "product", "the product, dedicated (InfluxDB 3 Cloud Dedicated) or clustered"
)
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
    PRODUCT,
)


def config_key(setting: Setting) -> str:
    return f"{CONFIG_NAMESPACE}:{setting.key}"
