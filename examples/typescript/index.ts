// Two expiring tokens on the stack's cluster, and one on a second cluster through an explicit provider.
//
// The default provider reads stack config (influxdb3:apiUrl, influxdb3:accountId, influxdb3:clusterId and
// the secret influxdb3:managementToken) or the INFLUXDB3_* environment variables, as for every face of
// the resource. The second cluster's settings live under its own namespace: staging:apiUrl,
// staging:accountId, staging:clusterId and the secret staging:managementToken.
import * as pulumi from "@pulumi/pulumi";
import * as influxdb3 from "pulumi-influxdb3";

const ciDeployer = new influxdb3.ManagementToken("ci-deployer", {
    description: "CI deployer: creates databases and database tokens from the pipeline",
    expiresIn: "30d",
    rotateBefore: "7d",
});

const breakGlass = new influxdb3.ManagementToken("break-glass", {
    description: "Break-glass admin for the on-call engineer, rotated every week",
    expiresIn: "14d",
    rotateBefore: "7d",
});

const staging = new pulumi.Config("staging");
const stagingCluster = new influxdb3.Provider("staging", {
    apiUrl: staging.require("apiUrl"),
    accountId: staging.require("accountId"),
    clusterId: staging.require("clusterId"),
    managementToken: staging.requireSecret("managementToken"),
});

const stagingDeployer = new influxdb3.ManagementToken(
    "staging-deployer",
    { description: "Staging deployer", expiresIn: "30d", rotateBefore: "7d" },
    { provider: stagingCluster },
);

export const ciDeployerId = ciDeployer.id;
export const ciDeployerExpiresAt = ciDeployer.expiresAt;
// Pulumi secrets: encrypted in state, shown as [secret] unless you ask for --show-secrets.
export const ciDeployerToken = ciDeployer.token;
export const breakGlassId = breakGlass.id;
export const breakGlassToken = breakGlass.token;
export const stagingDeployerId = stagingDeployer.id;
export const stagingDeployerToken = stagingDeployer.token;
