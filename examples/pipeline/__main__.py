"""Pipeline: one rotating management token per CI job, for `pulumi up --yes` in CI.

Nothing about the cluster is in this project or its stack config: the pipeline provides
INFLUXDB3_ACCOUNT_ID, INFLUXDB3_CLUSTER_ID and INFLUXDB3_MANAGEMENT_TOKEN (a masked CI secret) as
environment variables, and influxctl on PATH (or INFLUXDB3_API_URL for the HTTP transport).
`ci-step` beside this file is the job's script; github-actions.yml and .gitlab-ci.yml run it.

Stack config (all optional):
  jobs          JSON list of job names          default ["deploy-databases", "rotate-database-tokens"]
  lifetime      duration of each token          default "30d"
  rotateBefore  replace this long before expiry default "7d"
"""

import pulumi

from pulumi_influxdb3_tokens import ManagementToken

config = pulumi.Config()
jobs: list[str] = config.get_object("jobs") or ["deploy-databases", "rotate-database-tokens"]
lifetime = config.get("lifetime") or "30d"
rotate_before = config.get("rotateBefore") or "7d"

for job in jobs:
    token = ManagementToken(
        job,
        description=f"CI job {job} ({pulumi.get_project()}/{pulumi.get_stack()})",
        expires_in=lifetime,
        rotate_before=rotate_before,
    )
    pulumi.export(f"{job}.id", token.id)
    pulumi.export(f"{job}.expires_at", token.expires_at)
    # Secret: a later job reads it with `pulumi stack output --show-secrets` into its own masked variable.
    pulumi.export(f"{job}.token", token.token)
