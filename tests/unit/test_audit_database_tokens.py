"""`influxdb3-tokens audit` on a cluster's database tokens and databases (issue 31), over a mock of InfluxData's
documented Management API (httpx.MockTransport behind the real HTTP clients), through the command as a user runs it.

Contract facts, from InfluxData's OpenAPI files (api-docs/influxdb3/{cloud-dedicated,clustered}/management/
openapi.yml): GetDatabaseTokens is `GET /accounts/{accountId}/clusters/{clusterId}/tokens` on Cloud Dedicated and
`GET /tokens` on Clustered, both under the server `https://{baseurl}/api/v0`, answering an array of tokens (`id`,
`description`, `permissions` [{action, resource}], `createdAt`, `expiresAt`, `revokedAt`; `accountId`/`clusterId`
on Cloud Dedicated only) and never the token string; GetClusterDatabases is `.../databases`, answering `name` and
`retentionPeriod` (nanoseconds; "If the retention period is not set or is set to 0, the database will have
infinite retention"); DeleteDatabaseToken is `DELETE .../tokens/{tokenId}`, answering 204; a permission's resource
`*` (DatabaseTokenResourceAllDatabases) "refers to all databases".
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any, Optional

import httpx
import pytest

from pulumi_influxdb3_tokens.audit import command
from pulumi_influxdb3_tokens.audit.command import main
from pulumi_influxdb3_tokens.clients.http.database_tokens import HttpDatabaseTokenClient
from pulumi_influxdb3_tokens.clients.http.databases import HttpDatabaseClient
from pulumi_influxdb3_tokens.core import timeutil
from pulumi_influxdb3_tokens.core.management_token.models import TokenRecord
from support.influxctl import isolate

ACCOUNT, CLUSTER = "11111111-2222-4333-8444-555555555555", "66666666-7777-4888-9999-000000000000"
CREDENTIAL = "M.V1.the-audits-own-credential-0123456789"
LEAKED = "apiv1_" + "s3cr3t" * 8  # a database token string a misbehaving list answer carries: never printed
PREFIX = {"dedicated": f"/api/v0/accounts/{ACCOUNT}/clusters/{CLUSTER}", "clustered": "/api/v0"}
MARKER = "0a1b2c3d4e"
DYNAMIC = "pulumi-python:dynamic/influxdb3:DatabaseToken"
PLUGIN = "influxdb3:index:DatabaseToken"
DAY_NS = 86_400 * 1_000_000_000


def token(
    token_id: str,
    description: str,
    permissions: list[tuple[str, str]],
    days: Optional[float] = 30,
    revoked: bool = False,
) -> dict[str, Any]:
    """A database token as GetDatabaseTokens lists it; ``days``: its lifetime from now (None: never expires)."""
    now = timeutil.now()
    return {
        "accountId": ACCOUNT,
        "clusterId": CLUSTER,
        "id": token_id,
        "description": description,
        "permissions": [{"action": action, "resource": resource} for action, resource in permissions],
        "createdAt": timeutil.format_rfc3339(now - timedelta(minutes=1)),
        "expiresAt": timeutil.format_rfc3339(now - timedelta(minutes=1) + timedelta(days=days)) if days else None,
        "revokedAt": timeutil.format_rfc3339(now) if revoked else None,
    }


class Cluster:
    """The documented Management API of one cluster, for one product's paths: lists, and revokes on DELETE."""

    def __init__(self, product: str, tokens: list[dict[str, Any]], databases: dict[str, int]) -> None:
        self.prefix = PREFIX[product]
        self.product = product
        self.tokens = {t["id"]: t for t in tokens}
        self.databases = databases  # name -> retentionPeriod (ns)
        self.paths: list[str] = []
        self.revoked: list[str] = []
        self.fail_with: Optional[int] = None

    def _shaped(self, item: dict[str, Any]) -> dict[str, Any]:
        """Clustered's schemas carry no accountId or clusterId."""
        if self.product == "clustered":
            return {k: v for k, v in item.items() if k not in ("accountId", "clusterId")}
        return item

    def handle(self, request: httpx.Request) -> httpx.Response:
        path = request.url.raw_path.decode()
        self.paths.append(f"{request.method} {path}")
        assert request.headers["authorization"] == f"Bearer {CREDENTIAL}"
        if self.fail_with:
            return httpx.Response(self.fail_with, json={"code": self.fail_with, "message": "no"})
        if request.method == "GET" and path == f"{self.prefix}/tokens":
            return httpx.Response(200, json=[self._shaped(t) for t in self.tokens.values()])
        if request.method == "GET" and path == f"{self.prefix}/databases":
            listed = [
                {"accountId": ACCOUNT, "clusterId": CLUSTER, "name": name, "maxTables": 500}
                | {"maxColumnsPerTable": 250, "retentionPeriod": ns}
                for name, ns in self.databases.items()
            ]
            return httpx.Response(200, json=[self._shaped(d) for d in listed])
        if request.method == "DELETE" and path.startswith(f"{self.prefix}/tokens/"):
            token_id = path.rsplit("/", 1)[1]
            self.revoked.append(token_id)
            self.tokens[token_id]["revokedAt"] = timeutil.format_rfc3339(timeutil.now())
            return httpx.Response(204)
        return httpx.Response(404, json={"code": 404, "message": "not found"})


class ManagementTokens:
    """The management tokens' client: only the audit's own credential is listed."""

    def __init__(self) -> None:
        self.revoked: list[str] = []

    def list(self) -> list[TokenRecord]:
        now = timeutil.now()
        own = TokenRecord(
            id="own",
            account_id=ACCOUNT,
            cluster_id=CLUSTER,
            description="audit job",
            token_prefix=CREDENTIAL[:12],
            created_at=now,
            expires_at=now + timedelta(days=30),
        )
        return [own]

    def revoke(self, token_id: str) -> bool:
        self.revoked.append(token_id)
        return True


@pytest.fixture
def connect(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """Settings of an HTTP connection, the management tokens' client faked, and the documented API's clients the
    real ones over ``cluster``'s mock transport."""

    def connected(cluster: Cluster, product_env: Optional[str] = None) -> ManagementTokens:
        isolate(monkeypatch, tmp_path, standin_on_path=False)
        monkeypatch.setenv("INFLUXDB3_API_URL", "http://127.0.0.1:9")
        monkeypatch.setenv("INFLUXDB3_ACCOUNT_ID", ACCOUNT)
        monkeypatch.setenv("INFLUXDB3_CLUSTER_ID", CLUSTER)
        monkeypatch.setenv("INFLUXDB3_MANAGEMENT_TOKEN", CREDENTIAL)
        if product_env:
            monkeypatch.setenv("INFLUXDB3_PRODUCT", product_env)
        management = ManagementTokens()
        transport = httpx.MockTransport(cluster.handle)
        monkeypatch.setattr(command, "client_for", lambda connection: management)
        monkeypatch.setattr(
            command, "database_token_client_for", lambda connection: HttpDatabaseTokenClient(connection, transport)
        )
        monkeypatch.setattr(
            command, "database_client_for", lambda connection: HttpDatabaseClient(connection, transport)
        )
        return management

    return connected


def assert_no_secret(out: str) -> None:
    assert CREDENTIAL not in out and LEAKED not in out and "s3cr3t" not in out


def cluster_of(product: str) -> Cluster:
    leaky = token("fine", "app reader", [("read", "metrics")]) | {"accessToken": LEAKED}
    return Cluster(
        product,
        [
            token("forever", "grafana", [("read", "metrics")], days=None),
            token("year", "ingest", [("write", "metrics")], days=365),
            token("wildcard", "backup job", [("read", "*"), ("write", "*")]),
            token("stale", "old dashboard", [("read", "gone"), ("read", "metrics")]),
            leaky,
            token("revoked", "retired", [("read", "metrics")], revoked=True),
        ],
        {"metrics": 30 * DAY_NS, "audit-log": 0},
    )


@pytest.mark.parametrize(
    ("product", "flags", "env"),
    [("dedicated", (), None), ("clustered", (), "clustered"), ("clustered", ("--product", "clustered"), None)],
    ids=["dedicated-by-default", "clustered-by-env", "clustered-by-flag"],
)
def test_database_tokens_and_databases_are_listed_on_the_products_paths_and_judged_by_the_packs_rules(
    connect, capsys, product, flags, env
):
    cluster = cluster_of(product)
    connect(cluster, product_env=env)

    code = main(["audit", "--format", "json", *flags])

    out, err = capsys.readouterr()
    assert code == 1, err  # a database token that never expires breaks a mandatory rule
    assert sorted(cluster.paths) == [f"GET {PREFIX[product]}/databases", f"GET {PREFIX[product]}/tokens"]
    report = json.loads(out)["databaseTokens"]
    assert report["product"] == product
    found = {t["id"]: {f["rule"]: f["level"] for f in t["findings"]} for t in report["tokens"]}
    assert found == {
        "forever": {"database-token-must-expire": "mandatory"},
        "year": {"database-token-max-lifetime": "mandatory"},
        "wildcard": {"database-token-no-wildcard": "advisory"},
        "stale": {"missing-database": "advisory"},
        "fine": {},
    }
    [stale] = [t for t in report["tokens"] if t["id"] == "stale"]
    assert stale["findings"][0]["message"].startswith("the token has permissions on 'gone', which the cluster has")
    assert stale["permissions"] == [{"action": "read", "resource": "gone"}, {"action": "read", "resource": "metrics"}]
    assert report["summary"] == {"live": 5, "notLive": 1, "breakingMandatory": 2, "advisoryOnly": 2}
    databases = {d["name"]: (d["retentionPeriod"], [f["rule"] for f in d["findings"]]) for d in report["databases"]}
    assert databases == {"audit-log": ("0", ["database-infinite-retention"]), "metrics": ("30d", [])}
    assert_no_secret(out + err)


def test_the_table_shows_each_database_token_and_database_with_its_findings(connect, capsys):
    connect(cluster_of("clustered"), product_env="clustered")

    assert main(["audit"]) == 1

    out, err = capsys.readouterr()
    rows = {line.split()[0]: line for line in out.splitlines() if line[:1].isalnum()}
    assert "DATABASE TOKEN  DESCRIPTION" in out and "PERMISSIONS" in out and "DATABASE   RETENTION  STATUS" in out
    assert rows["forever"].endswith("FAIL") and "read:metrics" in rows["forever"] and "never" in rows["forever"]
    assert rows["wildcard"].endswith("warn") and "read:* write:*" in rows["wildcard"]
    assert rows["fine"].endswith("ok")
    assert "revoked" not in rows
    assert rows["audit-log"].split() == ["audit-log", "infinite", "warn"]
    assert rows["metrics"].split() == ["metrics", "30d", "ok"]
    assert (
        "  forever [mandatory] database-token-must-expire: the token never expires: it has neither expires_at nor "
        "expires_in." in out
    )
    assert "  wildcard [advisory] database-token-no-wildcard: the token may read and write every database" in out
    assert "  audit-log [advisory] database-infinite-retention: the database keeps its data forever" in out
    assert (
        "5 live database tokens and 2 databases on the clustered cluster (1 revoked or expired tokens not judged); "
        "mandatory rule broken by 2, advisory findings only on 2 (maxLifetimeDays 90)." in out
    )
    assert_no_secret(out + err)


def test_the_pack_config_sets_the_database_rules_levels_numbers_and_exemptions(connect, capsys, tmp_path):
    connect(cluster_of("dedicated"))
    config = tmp_path / "policy-config.json"
    config.write_text(
        json.dumps(
            {
                "database-token-must-expire": {"exemptions": ["forever"]},
                "database-token-max-lifetime": {"maxLifetimeDays": 400},
                "database-token-no-wildcard": "disabled",
                "database-infinite-retention": {"exemptions": ["audit-log", "no-such-db"]},
            }
        )
    )

    code = main(["audit", "--format", "json", "--policy-pack-config", str(config)])

    report = json.loads(capsys.readouterr().out)["databaseTokens"]
    assert code == 0  # the only mandatory breaks are exempted or within the file's maxLifetimeDays
    found = {t["id"]: [f["rule"] for f in t["findings"]] for t in report["tokens"]}
    assert found["forever"] == [] and found["year"] == [] and found["wildcard"] == []
    [forever] = [t for t in report["tokens"] if t["id"] == "forever"]
    assert forever["exemptions"][0]["entry"] == "forever"
    assert report["thresholds"] == {"maxLifetimeDays": 400}
    assert report["levels"]["database-token-no-wildcard"] == "disabled"
    [log] = [d for d in report["databases"] if d["name"] == "audit-log"]
    assert log["findings"] == [] and log["exemptions"][0]["entry"] == "audit-log"
    assert report["unusedExemptions"] == ["no-such-db"]


# --- orphans ----------------------------------------------------------------------------------------------------


def state_file(path: Path, resource_type: str, held: list[str], pending: list[dict[str, Any]], op: str = "creating"):
    """`pulumi stack export` output: DatabaseTokens holding ``held`` (their token_id output) and the pending
    operations (by their checked inputs) an interrupted update left, each face spelling its properties."""
    camel = resource_type == PLUGIN

    def spelt(props: dict[str, Any]) -> dict[str, Any]:
        names = {"create_marker": "createMarker", "token_id": "tokenId", "expires_in": "expiresIn"}
        return {names.get(k, k) if camel else k: v for k, v in props.items()}

    resources = [{"urn": "urn:pulumi:dev::p::pulumi:pulumi:Stack::p-dev", "type": "pulumi:pulumi:Stack"}] + [
        {
            "urn": f"urn:pulumi:dev::p::{resource_type}::held{i}",
            "type": resource_type,
            "id": f"resource-{i}",
            "inputs": spelt({"description": "held", "create_marker": "9f8e7d6c5b"}),
            "outputs": spelt({"token_id": token_id, "token": {"ciphertext": "x"}, "create_marker": "9f8e7d6c5b"}),
        }
        for i, token_id in enumerate(held)
    ]
    operations = [
        {"resource": {"urn": f"urn:pulumi:dev::p::{resource_type}::p{i}", "type": resource_type, "inputs": spelt(i)}}
        | {"type": op}
        for i in pending
    ]
    deployment = {"manifest": {}, "resources": resources, "pending_operations": operations}
    path.write_text(json.dumps({"version": 3, "deployment": deployment}))
    return path


def orphan_cluster() -> Cluster:
    return Cluster(
        "dedicated",
        [
            token("held", "held [pulumi:9f8e7d6c5b]", [("read", "metrics")]),
            token("lost", f"app reader [pulumi:{MARKER}]", [("read", "metrics")]),  # the pending create's
            token("by-hand", "app reader", [("read", "metrics")]),  # same description, made by hand
            token("other-stack", "app reader [pulumi:5e6f7a8b9c]", [("read", "metrics")]),  # a marker no state names
            token("long", f"app reader [pulumi:{MARKER}]", [("read", "metrics")], days=31),  # not the create's expiry
        ],
        {"metrics": 30 * DAY_NS},
    )


PENDING = {"description": "app reader", "expires_in": "30d", "create_marker": MARKER, "permissions": []}


@pytest.mark.parametrize("face", [DYNAMIC, PLUGIN], ids=["dynamic", "plugin"])
def test_only_the_marked_token_of_a_pending_create_is_an_orphan_and_only_it_is_revoked(connect, capsys, tmp_path, face):
    """A token carrying the marker of a create exactly one given state left pending, with its description and
    expiry, is an orphan; a hand-made token with the same description never is, nor a marked one whose expiry is
    not the create's, nor one whose marker no given state names."""
    cluster = orphan_cluster()
    management = connect(cluster)
    state = state_file(tmp_path / "state.json", face, ["held"], [PENDING])

    code = main(["audit", "--format", "json", "--stack-state", str(state)])
    report = json.loads(capsys.readouterr().out)["databaseTokens"]
    assert code == 3
    assert report["orphans"] == ["lost"] and report["unattributed"] == ["by-hand", "long", "other-stack"]
    assert report["pendingCreates"] == 1
    assert report["notOrphans"] == {
        "by-hand": "its description carries no create marker, so nothing proves a given stack made it",
        "long": f"the stack state naming its create marker {MARKER} left no pending create with its description "
        "and expiry",
        "other-stack": "no given stack state names its create marker 5e6f7a8b9c",
    }
    assert [t["id"] for t in report["tokens"] if t["orphan"]] == ["lost"]

    code = main(["audit", "--stack-state", str(state), "--revoke-orphans"])
    out, err = capsys.readouterr()
    assert code == 3 and cluster.revoked == []
    assert err == (
        "influxdb3-tokens audit: --revoke-orphans would revoke database tokens lost; nothing was revoked: add --yes "
        "to revoke them.\n"
    )
    assert (
        "1 orphans, live tokens minted for the given stacks and held by no DatabaseToken in their state: lost; "
        "the stack state records 1 pending creates" in out
    )
    assert "  by-hand is no orphan: its description carries no create marker" in out

    code = main(["audit", "--stack-state", str(state), "--revoke-orphans", "--yes"])
    out, err = capsys.readouterr()
    assert code == 0, out + err
    assert cluster.revoked == ["lost"] and management.revoked == []
    assert err == "influxdb3-tokens audit: revoked orphan database token lost.\n"
    assert_no_secret(out + err)


def test_a_rotation_with_overlap_left_pending_proves_its_token_too_and_a_copied_state_proves_nothing(
    connect, capsys, tmp_path
):
    """A rotation with overlap mints in an update (core/tokens/overlap.py): its pending `updating` operation names
    the marker as a create does. Two given states naming one marker (a copy) cannot tell whose create it was."""
    cluster = orphan_cluster()
    connect(cluster)
    rotating = state_file(tmp_path / "a.json", DYNAMIC, ["held"], [PENDING | {"overlap": "1d"}], op="updating")
    code = main(["audit", "--format", "json", "--stack-state", str(rotating)])
    assert code == 3 and json.loads(capsys.readouterr().out)["databaseTokens"]["orphans"] == ["lost"]

    copy = tmp_path / "copy.json"
    copy.write_text(rotating.read_text())
    code = main(["audit", "--format", "json", "--stack-state", str(rotating), "--stack-state", str(copy)])
    report = json.loads(capsys.readouterr().out)["databaseTokens"]
    assert code == 0 and report["orphans"] == []  # no orphan, and no token there breaks a mandatory rule
    assert report["notOrphans"]["lost"].startswith(f"2 given stack states name its create marker {MARKER}")

    without_overlap = state_file(tmp_path / "b.json", DYNAMIC, ["held"], [PENDING], op="updating")
    code = main(["audit", "--format", "json", "--stack-state", str(without_overlap)])
    assert json.loads(capsys.readouterr().out)["databaseTokens"]["orphans"] == []  # a PATCH mints nothing


# --- how the documented API is reached ----------------------------------------------------------------------------


def test_over_influxctl_database_tokens_are_read_from_influxdatas_console_and_can_be_left_out(
    monkeypatch, tmp_path, capsys
):
    """The audit resolves the documented API's connection as a DatabaseToken's (settings/documented.py): HTTP whatever
    the management tokens' transport, and for Cloud Dedicated without an API URL the OpenAPI file's only server,
    https://console.influxdata.com (api-docs/influxdb3/cloud-dedicated/management/openapi.yml, ``servers``)."""
    isolate(monkeypatch, tmp_path, standin_on_path=True)  # no API URL and influxctl on PATH: the influxctl transport
    monkeypatch.setenv("INFLUXDB3_ACCOUNT_ID", ACCOUNT)
    monkeypatch.setenv("INFLUXDB3_CLUSTER_ID", CLUSTER)
    monkeypatch.setenv("INFLUXDB3_MANAGEMENT_TOKEN", CREDENTIAL)
    monkeypatch.setattr(command, "client_for", lambda connection: ManagementTokens())
    cluster = cluster_of("dedicated")
    transport = httpx.MockTransport(cluster.handle)
    reached = []

    def database_tokens(connection):
        reached.append(connection)
        return HttpDatabaseTokenClient(connection, transport)

    monkeypatch.setattr(command, "database_token_client_for", database_tokens)
    monkeypatch.setattr(command, "database_client_for", lambda connection: HttpDatabaseClient(connection, transport))

    assert main(["audit", "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    [connection] = reached
    assert (connection.api_url, connection.transport, connection.product) == (
        "https://console.influxdata.com",
        "http",
        "dedicated",
    )
    assert report["databaseTokens"]["summary"]["live"] == 5 and report["databaseTokensSkipped"] is None

    assert main(["audit", "--format", "json", "--management-tokens-only"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["databaseTokens"] is None and report["databaseTokensSkipped"] == "--management-tokens-only was given"
    assert main(["audit", "--management-tokens-only"]) == 0
    assert "Database tokens were not audited: --management-tokens-only was given." in capsys.readouterr().out
    assert len(reached) == 1  # --management-tokens-only asks nothing of the documented API


@pytest.mark.parametrize("status", [401, 404])
def test_a_failing_documented_api_exits_2_with_one_sentence_and_no_report(connect, capsys, status):
    cluster = cluster_of("dedicated")
    cluster.fail_with = status
    connect(cluster)

    assert main(["audit"]) == 2

    out, err = capsys.readouterr()
    assert out == ""
    [line] = err.strip().splitlines()
    assert line.startswith("influxdb3-tokens audit: ") and f"HTTP {status}" in line and "database tokens" in line
    assert_no_secret(err)


def test_a_misspelt_product_is_refused_in_one_sentence(connect, capsys):
    connect(cluster_of("dedicated"), product_env="serverless")
    assert main(["audit"]) == 2
    assert capsys.readouterr().err == (
        "influxdb3-tokens audit: influxdb3:product / INFLUXDB3_PRODUCT must be dedicated or clustered, got "
        "'serverless'.\n"
    )


def test_a_database_breaking_a_rule_made_mandatory_fails_the_audit(connect, capsys, tmp_path):
    """database-infinite-retention is advisory by default (policy/catalog.py); the config file may make it mandatory,
    and then a database without a retention period fails the audit as a token breaking a mandatory rule does."""
    connect(Cluster("dedicated", [token("fine", "app reader", [("read", "metrics")])], {"metrics": 0}))
    assert main(["audit"]) == 0
    assert "metrics   infinite   warn" in capsys.readouterr().out

    config = tmp_path / "policy-config.json"
    config.write_text(json.dumps({"database-infinite-retention": "mandatory"}))
    assert main(["audit", "--policy-pack-config", str(config)]) == 1
    out = capsys.readouterr().out
    assert "metrics   infinite   FAIL" in out
    assert "  metrics [mandatory] database-infinite-retention: the database keeps its data forever" in out
