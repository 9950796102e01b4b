// From a management token to the tokens your applications use (docs/guides/database-tokens.md).
//
// The stack mints a management token through the default provider, which reads the stack config
// (influxdb3:apiUrl or influxctl, influxdb3:accountId, influxdb3:clusterId, the secret influxdb3:managementToken)
// or the INFLUXDB3_* environment variables. A second provider on the same cluster takes that token as its
// credential and makes a database with a read token for dashboards and a write token for the collector, over
// InfluxData's documented Management API (influxdb3:product: dedicated, the default, or clustered).
import * as pulumi from "@pulumi/pulumi";
import * as influxdb3 from "pulumi-influxdb3";

const admin = new influxdb3.ManagementToken("databases-admin", {
    description: "Pulumi: the metrics database and its tokens",
    expiresIn: "30d",
    rotateBefore: "7d",
});

// A rotation of the admin token is an in-place update of this provider, never a new database.
const settings = new pulumi.Config("influxdb3");
const metricsCluster = new influxdb3.Provider("metrics-cluster", {
    apiUrl: settings.get("apiUrl"),  // unset: Cloud Dedicated's https://console.influxdata.com
    accountId: settings.get("accountId"),
    clusterId: settings.get("clusterId"),
    product: settings.get("product"),
    managementToken: admin.token,
});

const metrics = new influxdb3.Database("metrics", { name: "metrics", retentionPeriod: "30d" }, { provider: metricsCluster });

// Who gets which token: the dashboards read metrics, the collector writes them. Tokens name databases by name:
// metrics.name makes each token follow a rename in the same `pulumi up`.
const consumers = {
    dashboards: { action: "read", description: "Grafana dashboards: read metrics" },
    collector: { action: "write", description: "Telegraf on the hosts: write metrics" },
};
const [dashboards, collector] = Object.entries(consumers).map(([consumer, { action, description }]) =>
    new influxdb3.DatabaseToken(consumer, {
        description,
        permissions: [{ action, resource: metrics.name }],
        expiresIn: "30d",
        rotateBefore: "7d",
        overlap: "2d",  // a rotation keeps the old token valid two more days, in `retiring`
    }, { provider: metricsCluster }));

export const database = metrics.name;
export const retentionPeriodNs = metrics.retentionPeriodNs;
export const dashboardsTokenId = dashboards.tokenId;
export const collectorTokenId = collector.tokenId;
// Pulumi secrets: encrypted in state, shown as [secret] unless you ask for --show-secrets.
export const dashboardsToken = dashboards.token;
export const collectorToken = collector.token;
