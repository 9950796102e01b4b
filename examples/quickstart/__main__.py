"""Quickstart: two management tokens that expire and rotate themselves.

Settings come from stack config (influxdb3:apiUrl, influxdb3:accountId, influxdb3:clusterId and the
secret influxdb3:managementToken) or the INFLUXDB3_* environment variables; scripts/demo points
them at the local Management API.
"""

import pulumi

from pulumi_influxdb3_tokens import ManagementToken

ci_deployer = ManagementToken(
    "ci-deployer",
    description="CI deployer: creates databases and database tokens from the pipeline",
    expires_in="30d",
    rotate_before="7d",
)

break_glass = ManagementToken(
    "break-glass",
    description="Break-glass admin for the on-call engineer, rotated every week",
    expires_in="14d",
    rotate_before="7d",
)

for name, token in {"ci_deployer": ci_deployer, "break_glass": break_glass}.items():
    pulumi.export(f"{name}_id", token.id)
    pulumi.export(f"{name}_prefix", token.token_prefix)
    pulumi.export(f"{name}_expires_at", token.expires_at)
    # A Pulumi secret: encrypted in state, shown as [secret] unless you ask for --show-secrets.
    pulumi.export(f"{name}_token", token.token)
