"""What a transport is given to reach one cluster."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from pydantic import SecretStr

from .table import DEDICATED, HTTP


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
    product: str = DEDICATED  # which documented Management API paths the cluster answers (table.PRODUCTS)

    @property
    def uses_own_influxctl_profile(self) -> bool:
        return self.influxctl_config is not None or self.influxctl_profile is not None

    def __reduce__(self) -> Any:  # pragma: no cover - a guard, not a feature
        raise TypeError("a Connection holds the admin credential and must not be pickled")
