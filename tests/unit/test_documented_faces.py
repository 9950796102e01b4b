"""Both faces of the documented Management API's resources (Database, DatabaseToken), around any core.

The core here is a recording stand-in (``Recorder``): these tests hold what the faces add, whatever the core
decides: which connection and credential each call gets, what goes into state, and what is pickled.

Documented facts held here:
- pulumi/dynamic/__main__.py (the SDK's dynamic provider host): Create and Update get the new inputs, Read and
  Delete the state's outputs (``request.properties``), and the provider object is unpickled from ``__provider``
  (dill, by module path and name) for every call: it must carry no data.
- pulumi/resource.py ``ResourceOptions.additional_secret_outputs``: outputs named there are stored encrypted.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from typing import Any, Mapping, Optional

import dill
import pytest
from pulumi.provider.experimental import provider as rpc
from pulumi.provider.experimental.property_value import PropertyValue

from pulumi_influxdb3_tokens.core.management_token.diff import Decision
from pulumi_influxdb3_tokens.core.management_token.lifecycle import Created
from pulumi_influxdb3_tokens.core.notices import say
from pulumi_influxdb3_tokens.dynamic.provider import (
    CREDENTIAL,
    DatabaseProvider,
    DatabaseTokenProvider,
    ManagementTokenProvider,
    TableProvider,
)
from pulumi_influxdb3_tokens.dynamic.secret_credential import with_secret_credential
from pulumi_influxdb3_tokens.plugin.provider import InfluxDB3Provider
from pulumi_influxdb3_tokens.resources import DATABASE, DATABASE_TOKEN, Resource
from pulumi_influxdb3_tokens.settings import Connection
from support.influxctl import isolate

CONFIG = {
    "influxdb3:apiUrl": "http://127.0.0.1:1",
    "influxdb3:accountId": "acc",
    "influxdb3:clusterId": "clu",
    "influxdb3:managementToken": "M.V1.configured",
}


class Recorder:
    """A core that changes nothing but ``name`` and records the credential of every client it is given."""

    IN_PLACE_INPUTS = ("name",)

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []
        self.updates = 0

    def check_inputs(self, news: Mapping[str, Any], olds: Optional[Mapping[str, Any]] = None) -> Any:
        return type("Checked", (), {"inputs": {"name": news.get("name")}, "failures": []})()

    def diff(
        self,
        olds: Mapping[str, Any],
        news: Mapping[str, Any],
        resource_id: str = "",
        moves: Any = None,
        clients: Any = None,
    ) -> Any:
        changed = olds.get("name") != news.get("name")
        if changed:
            say(f"rename: '{olds.get('name')}' becomes '{news.get('name')}'.", "Database")
        if changed and clients is not None:  # a rename lists the database tokens it stops
            self.sent.append(("diff", clients(DATABASE_TOKEN).management_token.get_secret_value()))
        return Decision(changes=changed)

    def create(self, client: Connection, props: Mapping[str, Any]) -> Created:
        self.sent.append(("create", client.management_token.get_secret_value()))
        return Created("db", {"name": props.get("name")})

    def read(self, client: Connection, resource_id: str, props: Mapping[str, Any]) -> Any:
        self.sent.append(("read", client.management_token.get_secret_value()))
        return resource_id, {"name": props.get("name")}

    def update(self, client: Any, resource_id: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Any:
        self.updates += 1
        self.sent.append(("update", client().management_token.get_secret_value()))
        return {"name": news.get("name")}

    def delete(self, client: Connection, resource_id: str, props: Optional[Mapping[str, Any]] = None) -> None:
        self.sent.append(("delete", client.management_token.get_secret_value()))


@pytest.fixture
def core(monkeypatch: pytest.MonkeyPatch, tmp_path) -> Recorder:
    """Every resource's core is the recorder, and its client is the resolved connection itself."""
    isolate(monkeypatch, tmp_path, standin_on_path=False)
    recorder = Recorder()
    monkeypatch.setattr(Resource, "lifecycle", lambda self: recorder)
    monkeypatch.setattr(Resource, "client", lambda self, connection: connection)
    return recorder


def configured(provider: Any) -> Any:
    provider.configure(type("Request", (), {"config": type("Config", (), {"get": lambda _, key: CONFIG.get(key)})()})())
    return provider


@pytest.mark.parametrize("provider_class", [DatabaseProvider, DatabaseTokenProvider, TableProvider])
def test_each_call_sends_the_credential_of_the_inputs_it_is_given(core: Recorder, provider_class: type):
    provider = configured(provider_class())
    created = provider.create({"name": "a", CREDENTIAL: "M.V1.first"})
    state = created.outs
    assert state[CREDENTIAL] == "M.V1.first"  # kept in state (encrypted: see the next tests) for read and delete

    # The ManagementToken the credential came from rotates: an update that changes nothing but the credential.
    news = {"name": "a", CREDENTIAL: "M.V1.second"}
    decided = provider.diff("db", state, news)
    assert (decided.changes, decided.replaces) == (True, [])
    state = provider.update("db", state, news).outs
    assert state[CREDENTIAL] == "M.V1.second" and core.updates == 0  # stored, nothing called

    provider.read("db", state)
    provider.delete("db", state)  # never with the first, revoked token
    provider.create({"name": "b"})  # no credential input: the connection's configured one
    assert core.sent == [
        ("create", "M.V1.first"),
        ("read", "M.V1.second"),
        ("delete", "M.V1.second"),
        ("create", "M.V1.configured"),
    ]


def test_a_diff_lists_other_resources_on_the_connection_and_credential_of_the_state(core: Recorder):
    """A rename's preview lists the database tokens that name the old name (core/database/renaming.py): with the
    credential that last worked on the database (the state's), and on the plugin with the provider's."""
    provider = configured(DatabaseProvider())
    state = provider.create({"name": "a", CREDENTIAL: "M.V1.first"}).outs
    provider.diff("db", state, {"name": "renamed", CREDENTIAL: "M.V1.unknown-until-apply"})
    assert core.sent[-1] == ("diff", "M.V1.first")

    plugin = InfluxDB3Provider()
    args = {key.removeprefix("influxdb3:"): PropertyValue(value) for key, value in CONFIG.items()}
    asyncio.run(plugin.configure(rpc.ConfigureRequest({}, args, True, True)))
    urn = f"urn:pulumi:dev::project::{DATABASE.plugin_type}::db"
    request = rpc.DiffRequest(
        urn=urn,
        resource_id="a",
        old_state={"name": PropertyValue("a")},
        new_inputs={"name": PropertyValue("renamed")},
        ignore_changes=[],
    )
    asyncio.run(plugin.diff(request))
    assert core.sent[-1] == ("diff", "M.V1.configured")


def test_the_dynamic_update_says_nothing_its_diff_said_already(core: Recorder, capsys: pytest.CaptureFixture[str]):
    """The engine calls Diff, then Update: what the core tells at the diff (a rename, and the tokens it stops) is
    shown once, not again when the update asks the core whether more than the credential changed."""
    provider = configured(DatabaseProvider())
    state = provider.create({"name": "a"}).outs
    news = {"name": "renamed"}
    provider.diff("db", state, news)
    provider.update("db", state, news)
    assert capsys.readouterr().err.splitlines() == ["Database: rename: 'a' becomes 'renamed'."]


def test_an_unknown_credential_is_an_update_and_a_real_change_still_reaches_the_core(core: Recorder):
    provider = configured(DatabaseProvider())
    state = provider.create({"name": "a", CREDENTIAL: "M.V1.first"}).outs
    unknown = provider.diff("db", state, {"name": "a", CREDENTIAL: "04da6b54-80e4-46f7-96ec-b56ff0331ba9"})
    assert (unknown.changes, unknown.replaces) == (True, [])
    assert provider.diff("db", state, dict(state)).changes is False
    provider.update("db", state, {"name": "renamed", CREDENTIAL: "M.V1.second"})
    assert core.updates == 1 and core.sent[-1] == ("update", "M.V1.second")


def test_a_credential_no_server_can_receive_fails_check_without_showing_it(core: Recorder):
    checked = DatabaseProvider().check({}, {"name": "a", CREDENTIAL: "M.V1.two words"})
    assert [(f.property, f.reason) for f in checked.failures] == [
        (
            CREDENTIAL,
            "management_token must be a management token: a string without spaces, line breaks or characters "
            "that are not ASCII",
        )
    ]
    assert checked.inputs[CREDENTIAL] == "M.V1.two words"  # the engine keeps the input secret; check only judges it


def test_a_management_token_has_no_credential_input(core: Recorder):
    outs = configured(ManagementTokenProvider()).create({"name": "a", CREDENTIAL: "M.V1.ignored"}).outs
    assert CREDENTIAL not in outs and core.sent == [("create", "M.V1.configured")]


def test_the_credential_input_is_a_secret_and_a_secret_output():
    async def declared() -> tuple[bool, list[str]]:
        props, opts = with_secret_credential({}, "M.V1.from-a-token-output", DATABASE_TOKEN.secret_outputs, None)
        return await props[CREDENTIAL].is_secret(), list(opts.additional_secret_outputs or [])

    secret, secret_outputs = asyncio.run(declared())
    assert secret and secret_outputs == ["token", CREDENTIAL]


@pytest.mark.parametrize(
    "provider_class", [DatabaseProvider, DatabaseTokenProvider, ManagementTokenProvider, TableProvider]
)
def test_a_pickled_provider_holds_no_data_and_loads_in_a_fresh_process(core: Recorder, provider_class: type):
    provider = configured(provider_class())
    pickled = dill.dumps(provider, recurse=True)
    assert b"M.V1.configured" not in pickled
    script = (
        "import dill, sys\n"
        "provider = dill.loads(sys.stdin.buffer.read())\n"
        "print(type(provider).__module__, type(provider).__name__, vars(provider))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], input=pickled, capture_output=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode().split(maxsplit=2) == [
        "pulumi_influxdb3_tokens.dynamic.provider",
        provider_class.__name__,
        "{'_config': None}\n",
    ]


def test_the_plugin_resolves_a_documented_resource_over_http_when_the_transport_is_http(core: Recorder):
    # transport: influxctl carries it over influxctl instead (test_documented_connection.py holds that).
    plugin = InfluxDB3Provider()
    settings = {
        "transport": "http",
        "product": "clustered",
        "apiUrl": "https://cluster.example.com",
        "managementToken": "M.V1.provider",
    }
    args = {key: PropertyValue(value) for key, value in settings.items()}
    asyncio.run(plugin.configure(rpc.ConfigureRequest({}, args, True, True)))
    connection = plugin._client(DATABASE)
    assert (connection.transport, connection.product, connection.api_url) == (
        "http",
        "clustered",
        "https://cluster.example.com",
    )


class DocumentedApi:
    """InfluxData's documented databases API on httpx.MockTransport, as openapi.yml has it: POST and GET
    .../databases, DELETE .../databases/{databaseName}; it notes the bearer credential of every request."""

    def __init__(self) -> None:
        self.databases: dict[str, dict[str, Any]] = {}
        self.credentials: list[tuple[str, str]] = []

    def __call__(self, request: Any) -> Any:
        import httpx

        self.credentials.append((request.method, request.headers["Authorization"].removeprefix("Bearer ")))
        assert request.url.path.startswith("/api/v0/accounts/acc/clusters/clu/databases")
        if request.method == "POST":
            body = json.loads(request.content)
            self.databases[body["name"]] = {"accountId": "acc", "clusterId": "clu", **body}
            return httpx.Response(200, json=self.databases[body["name"]])
        if request.method == "GET":
            return httpx.Response(200, json=list(self.databases.values()))
        name = request.url.path.rsplit("/", 1)[-1]
        return httpx.Response(200 if self.databases.pop(name, None) else 404, json={})


def test_the_database_core_sends_the_credential_of_each_calls_inputs(monkeypatch: pytest.MonkeyPatch, tmp_path):
    """The real Database core and HTTP client under the dynamic face: a rotated credential is stored without a
    request, and the delete that follows sends it, never the first one."""
    import httpx

    from pulumi_influxdb3_tokens.clients.http.databases import HttpDatabaseClient

    isolate(monkeypatch, tmp_path, standin_on_path=False)
    api = DocumentedApi()
    monkeypatch.setattr(
        Resource, "client", lambda self, connection: HttpDatabaseClient(connection, httpx.MockTransport(api))
    )
    provider = configured(DatabaseProvider())
    news = {"name": "metrics", "retention_period": "30d", CREDENTIAL: "M.V1.first"}
    checked = provider.check({}, news)
    assert checked.failures == []
    state = provider.create(checked.inputs).outs
    rotated = provider.check(checked.inputs, {**news, CREDENTIAL: "M.V1.second"}).inputs
    assert (provider.diff("metrics", state, rotated).changes, provider.diff("metrics", state, rotated).replaces) == (
        True,
        [],
    )
    state = provider.update("metrics", state, rotated).outs
    provider.delete("metrics", state)
    assert api.databases == {}
    assert api.credentials == [("POST", "M.V1.first"), ("DELETE", "M.V1.second")]
