"""One program, two clusters (two local servers): explicit plugin providers and named dynamic connections.

Documented facts held here: a resource given `opts=ResourceOptions(provider=p)` is managed by that
provider instance, configured from its own inputs, not the stack's default provider
(https://www.pulumi.com/docs/iac/concepts/resources/providers/#explicit-provider-configuration); and the engine
calls CheckConfig with a provider's old and new inputs before any of its resources (pulumi/pulumi
proto/pulumi/provider.proto, `CheckConfig`), whose failures stop the preview: a provider's cluster cannot change
(plugin/provider.py `check_config`), so nothing it manages is replaced for it.
"""

from __future__ import annotations

from pathlib import Path

from support import markers
from support.engine import Stack
from support.local_api import LocalApi
from support.secrets_scan import assert_nowhere


def test_one_program_manages_tokens_on_two_clusters_through_both_faces(
    tmp_path: Path, local_api: LocalApi, staging_api: LocalApi
):
    clusters = {"prod": local_api, "staging": staging_api}
    stack = Stack.create("two_clusters", tmp_path)
    for name, server in clusters.items():
        stack.connect_to(server, namespace=name)
    stack.config_set("influxdb3:retryTimeout", "20")

    stack.up().ok()
    outputs = stack.secret_outputs()
    for name, server in clusters.items():
        live = {t["id"]: markers.declared(t["description"]) for t in server.live_tokens()}
        assert live == {
            outputs[f"{name}.plugin.id"]: f"{name} deployer (plugin)",
            outputs[f"{name}.dynamic.id"]: f"{name} deployer (dynamic)",
        }
        for face in ("plugin", "dynamic"):
            assert server.authenticates(outputs[f"{name}.{face}.token"])
    stack.preview("--expect-no-changes").ok()

    # Pointing the staging provider at another cluster is refused before anything happens, in one sentence.
    stack.config_set_plain({"staging:clusterId": "another-cluster"})
    refused = stack.preview()
    assert refused.returncode != 0
    assert (
        f"clusterId cannot change on an existing influxdb3 provider (from '{staging_api.cluster_id}' to "
        "'another-cluster'), since that would replace everything it manages"
    ) in refused.output
    assert "declare a new provider with the new settings and new resources on it" in refused.output
    stack.config_set_plain({"staging:clusterId": staging_api.cluster_id})
    assert {t["id"] for t in staging_api.live_tokens()} == {outputs["staging.plugin.id"], outputs["staging.dynamic.id"]}

    tokens = [outputs[f"{name}.{face}.token"] for name in clusters for face in ("plugin", "dynamic")]
    assert_nowhere(stack, *tokens, local_api.admin_token, staging_api.admin_token)

    stack.destroy().ok()
    assert local_api.live_tokens() == [] and staging_api.live_tokens() == []
