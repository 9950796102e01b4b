"""From a management token to the tokens your applications use (docs/guides/database-tokens.md).

The stack mints a management token through its configured admin credential (influxdb3:apiUrl or influxctl,
influxdb3:accountId, influxdb3:clusterId, the secret influxdb3:managementToken), then makes a database and two
database tokens with that new token as their credential (`management_token`): dashboards get a read token,
the collector a write token; a table of its own partitions the cpu data by month. Databases and database tokens go to InfluxData's documented Management API
(influxdb3:product: dedicated, the default, or clustered).
"""

import pulumi

from pulumi_influxdb3_tokens import Database, DatabaseToken, ManagementToken, Table

# The stack's own admin token: expires, and is replaced a week before it does; every Database and DatabaseToken
# below sends it, so a replacement is an in-place update of theirs, never a new database.
admin = ManagementToken(
    "databases-admin",
    description="Pulumi: the metrics database and its tokens",
    expires_in="30d",
    rotate_before="7d",
)

metrics = Database(
    "metrics",
    name="metrics",
    retention_period="30d",
    management_token=admin.token,
)

pulumi.export("database", metrics.name)
pulumi.export("retention_period_ns", metrics.retention_period_ns)

# A table with monthly partitions of its own, made before any write; it follows a rename of `metrics` in place.
cpu = Table(
    "cpu",
    database=metrics,
    name="cpu",
    partition_template=[{"type": "time", "value": "%Y-%m"}],
    management_token=admin.token,
)

# Who gets which token: the dashboards read metrics, the collector writes them. Tokens name databases by name:
# `metrics.name` (not the string "metrics") makes each token follow a rename of the database in the same `pulumi up`.
CONSUMERS = {
    "dashboards": ("read", "Grafana dashboards: read metrics"),
    "collector": ("write", "Telegraf on the hosts: write metrics"),
}
for consumer, (action, description) in CONSUMERS.items():
    token = DatabaseToken(
        consumer,
        description=description,
        permissions=[{"action": action, "resource": metrics.name}],
        expires_in="30d",
        rotate_before="7d",
        overlap="2d",  # a rotation keeps the old token valid two more days, in `retiring`
        management_token=admin.token,
    )
    pulumi.export(f"{consumer}_token_id", token.token_id)
    pulumi.export(f"{consumer}_expires_at", token.expires_at)
    pulumi.export(f"{consumer}_retiring", token.retiring)
    # A Pulumi secret: encrypted in state, shown as [secret] unless you ask for --show-secrets.
    pulumi.export(f"{consumer}_token", token.token)
