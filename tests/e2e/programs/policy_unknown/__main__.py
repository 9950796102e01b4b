"""`derived` expires when `base` does: during a first preview that expiry is unknown."""

from pulumi_influxdb3_tokens import ManagementToken

base = ManagementToken("base", description="base", expires_in="30d", rotate_before="7d")
ManagementToken("derived", description="derived", expires_at=base.expires_at, rotate_before="7d")
