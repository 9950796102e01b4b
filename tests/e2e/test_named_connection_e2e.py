"""Issue 17 (4): a named connection resolves from its own namespace and profile, never from the default
connection's environment, through the engine.

The program declares one dynamic token with ``connection="staging"``; the stack config holds
``staging:influxctlProfile`` / ``influxctlConfig`` / ``accountId`` / ``clusterId`` (staging's own
influxctl profile, over the stand-in), while INFLUXDB3_API_URL and INFLUXDB3_MANAGEMENT_TOKEN in the
environment are the default connection's: they point at the prod cluster. The token must be minted
on staging with staging's credential, and prod must see nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from support.engine import Stack
from support.local_api import LocalApi
from support.secrets_scan import assert_nowhere
from support.standin import standin_env

PROGRAM = """
import pulumi
from pulumi_influxdb3_tokens import ManagementToken

token = ManagementToken("staging-dynamic", description="staging deployer", expires_in="30d", connection="staging")
pulumi.export("id", token.id)
pulumi.export("token", token.token)
"""


@pytest.mark.parametrize("env_token", [True, False], ids=["default-token-in-env", "no-token-in-env"])
def test_a_named_connection_never_uses_the_default_connections_environment(
    tmp_path: Path, local_api: LocalApi, staging_api: LocalApi, env_token: bool
):
    prod = local_api
    source = tmp_path / "src"
    source.mkdir()
    (source / "Pulumi.yaml").write_text("name: named-connection\nruntime: python\n")
    (source / "__main__.py").write_text(PROGRAM)
    profile = tmp_path / "staging-influxctl.toml"
    profile.write_text(
        f'[[profile]]\nname = "staging"\nproduct = "dedicated"\naccount_id = "{staging_api.account_id}"\n'
        f'cluster_id = "{staging_api.cluster_id}"\nmgmt_token = "{staging_api.admin_token}"\n'
    )
    profile.chmod(0o600)
    default_env = {k: v for k, v in prod.env().items() if env_token or k != "INFLUXDB3_MANAGEMENT_TOKEN"}
    stack = Stack.create(
        "named_connection",
        tmp_path,
        source=source,
        extra_env={
            **default_env,  # the default connection's, pointing at prod
            **standin_env(staging_api, tmp_path / "backend"),  # influxctl (the stand-in) reaches staging
        },
    )
    stack.config_set("staging:influxctlConfig", str(profile))
    stack.config_set("staging:influxctlProfile", "staging")
    stack.config_set("staging:accountId", staging_api.account_id)
    stack.config_set("staging:clusterId", staging_api.cluster_id)

    stack.up().ok()
    outputs = stack.secret_outputs()
    assert {t["id"] for t in staging_api.live_tokens()} == {outputs["id"]}
    assert staging_api.authenticates(outputs["token"])
    assert prod.live_tokens() == []
    assert_nowhere(stack, outputs["token"], staging_api.admin_token, prod.admin_token)

    stack.destroy().ok()
    assert staging_api.live_tokens() == [] and prod.live_tokens() == []
