"""Tokens on two clusters (prod and staging) at once, through both faces.

The plugin's class reaches each cluster through an explicit ``influxdb3`` provider with its own
account, cluster and credential; the dynamic resource names a stack-config namespace with
``connection``. Each cluster's settings live under its namespace: ``prod:apiUrl``,
``prod:managementToken`` (a secret), ...
"""

import pulumi

from pulumi_influxdb3_tokens import ManagementToken as DynamicManagementToken
from pulumi_influxdb3_tokens.influxdb3 import ManagementToken, Provider

for cluster in ("prod", "staging"):
    settings = pulumi.Config(cluster)
    provider = Provider(
        cluster,
        api_url=settings.require("apiUrl"),
        account_id=settings.require("accountId"),
        cluster_id=settings.require("clusterId"),
        management_token=settings.require_secret("managementToken"),
        retry_timeout=20,
    )
    plugin = ManagementToken(
        f"{cluster}-plugin",
        description=f"{cluster} deployer (plugin)",
        expires_in="30d",
        opts=pulumi.ResourceOptions(provider=provider),
    )
    dynamic = DynamicManagementToken(
        f"{cluster}-dynamic", description=f"{cluster} deployer (dynamic)", expires_in="30d", connection=cluster
    )
    for name, token in (("plugin", plugin), ("dynamic", dynamic)):
        pulumi.export(f"{cluster}.{name}.id", token.id)
        pulumi.export(f"{cluster}.{name}.token", token.token)
