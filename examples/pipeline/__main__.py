"""Pipeline: one rotating management token per CI job, for `pulumi up --yes` in CI.

Nothing about the cluster is in this project or its stack config: the pipeline provides
INFLUXDB3_ACCOUNT_ID, INFLUXDB3_CLUSTER_ID and INFLUXDB3_MANAGEMENT_TOKEN (a masked CI secret) as
environment variables, and influxctl on PATH (or INFLUXDB3_API_URL for the HTTP transport).
`ci-step` beside this file is the job's script; github-actions.yml and .gitlab-ci.yml run it.

Stack config (all optional):
  jobs          JSON list of job names          default ["deploy-databases", "rotate-database-tokens"]
  lifetime      duration of each token          default "30d"
  rotateBefore  replace this long before expiry default "7d"
  overlap       how long a replaced token stays valid after its rotation, so a job holding it finishes
                (docs/guides/rotation-with-overlap.md)  default "1d"; "" turns it off

Outputs per job: `<job>.token` (a secret: the current token), `<job>.token_id` (the current token's id: it changes
at each rotation), `<job>.retiring` (the replaced tokens still valid, [{id, prefix, until}]) and `<job>.expires_at`.
`<job>.id` is the resource's id: after a rotation with overlap it keeps naming the first token, retiring or revoked,
so hand over `token` and follow `token_id`.
"""

import pulumi

from pulumi_influxdb3_tokens import ManagementToken

config = pulumi.Config()
jobs: list[str] = config.get_object("jobs") or ["deploy-databases", "rotate-database-tokens"]
lifetime = config.get("lifetime") or "30d"
rotate_before = config.get("rotateBefore") or "7d"
overlap = config.get("overlap")
overlap = "1d" if overlap is None else overlap or None

for job in jobs:
    token = ManagementToken(
        job,
        description=f"CI job {job} ({pulumi.get_project()}/{pulumi.get_stack()})",
        expires_in=lifetime,
        rotate_before=rotate_before,
        overlap=overlap,
    )
    pulumi.export(f"{job}.id", token.id)
    pulumi.export(f"{job}.token_id", token.token_id)
    pulumi.export(f"{job}.retiring", token.retiring)
    pulumi.export(f"{job}.expires_at", token.expires_at)
    # Secret: a later job reads it with `pulumi stack output --show-secrets` into its own masked variable.
    pulumi.export(f"{job}.token", token.token)
