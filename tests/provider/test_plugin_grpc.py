"""The ``pulumi-resource-influxdb3`` plugin over gRPC, as the engine speaks to it, against a real local server.

Documented facts held here (pulumi/pulumi ``proto/pulumi/provider.proto`` and the SDK's
``pulumi/provider/experimental/server.py``): a plugin prints its port as the first stdout line;
GetSchema answers the package schema as a string; Read with an empty ``properties`` is an import
(`pulumi import` knows only the id) and must answer inputs and outputs; a Read that answers an
empty id tells the engine the resource is gone.
"""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any, Iterator

import grpc
import pytest
from google.protobuf import empty_pb2
from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.runtime import rpc
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

from support.local_api import LocalApi

REPO = Path(__file__).resolve().parents[2]
PLUGIN = Path(sys.executable).parent / "pulumi-resource-influxdb3"
URN = "urn:pulumi:test::project::influxdb3:index:ManagementToken::tok"


class Plugin:
    def __init__(self, process: subprocess.Popen[bytes], port: int) -> None:
        self.process = process
        self.stub = provider_pb2_grpc.ResourceProviderStub(grpc.insecure_channel(f"127.0.0.1:{port}"))

    def configure(self, local_api: LocalApi, token: str | None = None) -> None:
        args = {
            "apiUrl": PropertyValue(local_api.url),
            "accountId": PropertyValue(local_api.account_id),
            "clusterId": PropertyValue(local_api.cluster_id),
            "managementToken": PropertyValue(token or local_api.admin_token, is_secret=True),
            "retryTimeout": PropertyValue(5.0),
        }
        self.stub.Configure(provider_pb2.ConfigureRequest(args=PropertyValue.marshal_map(args), acceptSecrets=True))

    def check(self, **inputs: Any) -> tuple[dict[str, PropertyValue], list[tuple[str, str]]]:
        news = PropertyValue.marshal_map({k: PropertyValue(v) for k, v in inputs.items()})
        answer = self.stub.Check(provider_pb2.CheckRequest(urn=URN, olds=PropertyValue.marshal_map({}), news=news))
        return PropertyValue.unmarshal_map(answer.inputs), [(f.property, f.reason) for f in answer.failures]

    def create(self, **inputs: Any) -> tuple[str, dict[str, PropertyValue]]:
        checked, failures = self.check(**inputs)
        assert failures == []
        answer = self.stub.Create(provider_pb2.CreateRequest(urn=URN, properties=PropertyValue.marshal_map(checked)))
        return answer.id, PropertyValue.unmarshal_map(answer.properties)

    def read(self, token_id: str, properties: dict[str, PropertyValue]) -> Any:
        return self.stub.Read(
            provider_pb2.ReadRequest(
                id=token_id,
                urn=URN,
                properties=PropertyValue.marshal_map(properties),
                inputs=PropertyValue.marshal_map({}),
            )
        )


@pytest.fixture
def plugin() -> Iterator[Plugin]:
    process = subprocess.Popen([str(PLUGIN), "127.0.0.1:1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None
    first_line = process.stdout.readline().decode()
    yield Plugin(process, int(first_line))
    process.terminate()
    process.wait(10)


def plain(values: dict[str, PropertyValue]) -> dict[str, Any]:
    return {k: v.value for k, v in values.items()}


def test_get_schema_returns_exactly_the_repository_schema(plugin: Plugin):
    answer = plugin.stub.GetSchema(provider_pb2.GetSchemaRequest(version=0))
    assert answer.schema == (REPO / "schema.json").read_text()


def test_the_plugin_and_its_schema_report_the_package_version(plugin: Plugin):
    """The engine records GetPluginInfo's version for the plugin; it is the installed distribution's version
    (pyproject.toml reads it from the package's version.py, a dynamic version)."""
    version = metadata.version("pulumi-influxdb3-tokens")
    assert plugin.stub.GetPluginInfo(empty_pb2.Empty()).version == version
    assert json.loads((REPO / "schema.json").read_text())["version"] == version


def test_the_schema_properties_are_exactly_what_create_returns(plugin: Plugin, local_api: LocalApi):
    plugin.configure(local_api)
    schema = json.loads((REPO / "schema.json").read_text())["resources"]["influxdb3:index:ManagementToken"]
    _, outputs = plugin.create(description="schema check", expiresIn="2d", rotateBefore="1d")
    assert set(outputs) == set(schema["properties"])
    assert {k for k, v in outputs.items() if v.is_secret} == {"token"}  # adoptToken is null here
    assert outputs["token"].is_secret and local_api.authenticates(str(outputs["token"].value))


def test_check_names_the_bad_input_as_the_schema_does(plugin: Plugin):
    _, failures = plugin.check(description="x", expiresAt="2030-01-01T00:00:00Z", expiresIn="2d")
    assert failures == [("expiresIn", "set either expiresAt or expiresIn, not both")]


def test_import_reads_inputs_and_outputs_and_refuses_a_revoked_token(plugin: Plugin, local_api: LocalApi):
    plugin.configure(local_api)
    minted = local_api.mint("made by hand", "2030-01-01T00:00:00Z")
    answer = plugin.read(minted["id"], {})
    assert answer.id == minted["id"]
    assert plain(PropertyValue.unmarshal_map(answer.inputs)) == {
        "description": "made by hand",
        "expiresAt": "2030-01-01T00:00:00Z",
    }
    outputs = plain(PropertyValue.unmarshal_map(answer.properties))
    assert outputs["token"] is None and outputs["tokenPrefix"] == minted["tokenPrefix"]

    local_api.revoke(minted["id"])
    with pytest.raises(grpc.RpcError) as refused:
        plugin.read(minted["id"], {})
    assert refused.value.details().startswith(f"Cannot import management token {minted['id']}: it was revoked at ")
    assert "\n" not in refused.value.details() and "Traceback" not in refused.value.details()


def test_refresh_drops_a_revoked_token_and_delete_is_idempotent(plugin: Plugin, local_api: LocalApi):
    plugin.configure(local_api)
    token_id, outputs = plugin.create(description="refresh me", expiresIn="1d")
    assert plugin.read(token_id, outputs).id == token_id
    plugin.stub.Delete(provider_pb2.DeleteRequest(id=token_id, urn=URN, properties=PropertyValue.marshal_map(outputs)))
    assert plugin.read(token_id, outputs).id == ""
    plugin.stub.Delete(provider_pb2.DeleteRequest(id=token_id, urn=URN, properties=PropertyValue.marshal_map(outputs)))


def test_a_rejected_credential_is_one_sentence_without_the_credential(plugin: Plugin, local_api: LocalApi):
    wrong = "M.V1.this-is-not-the-admin-token"
    plugin.configure(local_api, token=wrong)
    with pytest.raises(grpc.RpcError) as failed:
        plugin.create(description="never minted", expiresIn="1d")
    message = failed.value.details()
    assert message.endswith("(HTTP 401).") and "\n" not in message
    assert wrong not in message and local_api.admin_token not in message


PROVIDER_URN = "urn:pulumi:test::project::pulumi:providers:influxdb3::p"
OLD_PROVIDER = {
    "apiUrl": PropertyValue("https://a.example.com"),
    "accountId": PropertyValue("acc"),
    "clusterId": PropertyValue("c1"),
    "managementToken": PropertyValue("M.V1.old", is_secret=True),
}


def check_config(plugin: Plugin, olds: dict[str, PropertyValue], **changes: PropertyValue) -> Any:
    return plugin.stub.CheckConfig(
        provider_pb2.CheckRequest(
            urn=PROVIDER_URN,
            olds=PropertyValue.marshal_map(olds),
            news=PropertyValue.marshal_map({**olds, **changes}),
        )
    )


def diff_config(plugin: Plugin, **changes: PropertyValue) -> Any:
    return plugin.stub.DiffConfig(
        provider_pb2.DiffRequest(
            urn=PROVIDER_URN,
            olds=PropertyValue.marshal_map(OLD_PROVIDER),
            news=PropertyValue.marshal_map({**OLD_PROVIDER, **changes}),
        )
    )


@pytest.mark.parametrize(
    ("key", "new", "shown"),
    [
        ("clusterId", PropertyValue("c2"), "from 'c1' to 'c2'"),
        ("accountId", PropertyValue("acc2"), "from 'acc' to 'acc2'"),
        ("apiUrl", PropertyValue("https://b.example.com"), "from 'https://a.example.com' to 'https://b.example.com'"),
        ("product", PropertyValue("clustered"), "from 'dedicated' to 'clustered'"),
    ],
)
def test_a_provider_moved_to_another_cluster_is_refused_in_one_sentence(
    plugin: Plugin, key: str, new: PropertyValue, shown: str
):
    """CheckConfig gets the provider's old and new inputs (provider.proto); a failure stops the engine before it
    diffs, so nothing the provider manages is replaced for a change of cluster."""
    answer = check_config(plugin, OLD_PROVIDER, **{key: new})
    assert [(f.property, f.reason) for f in answer.failures] == [
        (
            key,
            f"{key} cannot change on an existing influxdb3 provider ({shown}), since that would replace everything "
            "it manages (databases with their data); to move resources, declare a new provider with the new settings "
            "and new resources on it, run `pulumi up`, then remove the old resources and provider (set "
            f"{key} back to run this update).",
        )
    ]


def test_a_new_provider_an_unchanged_one_and_a_new_credential_pass_check_config(plugin: Plugin):
    assert list(check_config(plugin, {}, **OLD_PROVIDER).failures) == []  # a new provider: nothing to keep
    unchanged = check_config(
        plugin,
        OLD_PROVIDER,
        apiUrl=PropertyValue("https://a.example.com/"),  # the same URL with its trailing slash
        product=PropertyValue("dedicated"),  # the default, now spelled out
        managementToken=PropertyValue("M.V1.new", is_secret=True),
    )
    assert list(unchanged.failures) == []
    assert PropertyValue.unmarshal_map(unchanged.inputs)["managementToken"].is_secret
    # An unknown (the engine's sentinel string in a preview) is checked when it is known, at up.
    later = check_config(plugin, OLD_PROVIDER, clusterId=PropertyValue(rpc.UNKNOWN))
    assert list(later.failures) == []


def test_a_new_or_unknown_credential_updates_the_provider_and_replaces_nothing(plugin: Plugin):
    """DiffConfig: the engine replaces every resource of a provider whose diff says replace; a credential (say the
    token output of a ManagementToken the same stack rotates) must never."""
    rotated = diff_config(plugin, managementToken=PropertyValue("M.V1.new", is_secret=True))
    assert list(rotated.replaces) == [] and list(rotated.diffs) == ["managementToken"]
    assert rotated.changes == provider_pb2.DiffResponse.DIFF_SOME
    unknown = diff_config(plugin, managementToken=PropertyValue(rpc.UNKNOWN))
    assert list(unknown.replaces) == [] and list(unknown.diffs) == ["managementToken"]
    assert diff_config(plugin).changes == provider_pb2.DiffResponse.DIFF_NONE
