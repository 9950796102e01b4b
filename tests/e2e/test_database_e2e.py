"""Database and DatabaseToken through the real engine against the local server's documented Management API.

Facts held (InfluxData's OpenAPI files, influxdata/docs-v2 api-docs/influxdb3/{cloud-dedicated,clustered}/management/
openapi.yml, and content/influxdb3/cloud-dedicated/admin/): Cloud Dedicated serves databases and database tokens under
/api/v0/accounts/{accountId}/clusters/{clusterId}/, Clustered under /api/v0/ alone; only a token's create answer
carries its accessToken; update changes a token's description and permissions, never its expiry; a deleted token is
revoked (a get still answers, with revokedAt); a database's limits and retention change in place, a rename keeps
its data, and its partition template is fixed at create.

Data goes in through the data API's /api/v2/write with a database token (PostWrite, in the Cloud Dedicated data
API reference); the server answers no query, so whether it stayed is read from the local server's own store. Each
test's docstring names the facts it holds, and why it runs on one product or both.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any, Iterator

import pytest

from pulumi_influxdb3_tokens.resources import DATABASE
from support.documented_stack import PRODUCTS, DocumentedApi, documented_server, make_documented_stack
from support.engine import Stack
from support.faces import BOTH_IN_ONE_STACK, FACES, declared, spelled
from support.local_api import LocalApi
from support.secrets_scan import assert_nowhere, check


@pytest.fixture(params=PRODUCTS)
def product(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def server(tmp_path: Path, product: str) -> Iterator[LocalApi]:
    with documented_server(tmp_path / "server-data", product) as api:
        yield api


def make_stack(tmp_path: Path, server: LocalApi, product: str, spec: dict[str, Any], face: str) -> Stack:
    return make_documented_stack(tmp_path, server, product, spec, face)


def documented(server: LocalApi, product: str, *parts: str) -> str:
    return DocumentedApi(server, product).path(*parts)


def test_a_database_and_a_token_are_made_read_back_unchanged_and_destroyed(
    tmp_path: Path, server: LocalApi, product: str
) -> None:
    spec = {
        "databases": {"metrics": {"name": "metrics-{face}", "retention_period": "30d", "max_tables": 100}},
        "tokens": {
            "reader": {
                "description": "dashboards",
                "permissions": [{"action": "read", "resource": "metrics-{face}"}],
                "expires_in": "30d",
            },
        },
    }
    stack = make_stack(tmp_path, server, product, spec, BOTH_IN_ONE_STACK)
    stack.up().ok()
    shown, secrets = stack.outputs(), stack.secret_outputs()
    with server.client() as http:
        databases = http.get(documented(server, product, "databases")).json()
        tokens = {t["id"]: t for t in http.get(documented(server, product, "tokens")).json()}
    assert sorted(d["name"] for d in databases) == [f"metrics-{face}" for face in sorted(FACES)]
    for face, at in declared(BOTH_IN_ONE_STACK):
        assert shown[f"{at}metrics.retention_period_ns"] == 30 * 86400 * 10**9
        assert shown[f"{at}reader.token"] == "[secret]"
        token = tokens[shown[f"{at}reader.token_id"]]
        assert token["permissions"] == [{"action": "read", "resource": f"metrics-{face}"}]
        assert token["description"].startswith("dashboards [pulumi:")
    stack.preview("--expect-no-changes").ok()
    assert_nowhere(stack, *(secrets[f"{at}reader.token"] for _, at in declared(BOTH_IN_ONE_STACK)), server.admin_token)
    stack.destroy().ok()
    with server.client() as http:
        assert http.get(documented(server, product, "databases")).json() == []
        assert all(t.get("revokedAt") for t in http.get(documented(server, product, "tokens")).json())


# --- helpers of the scenarios below -----------------------------------------------------------------------------

LINE = "home,room=kitchen temp=72 1641024000"
DAILY = [{"type": "time", "value": "%Y-%m-%d"}]
MONTHLY_BY_ROOM = [{"type": "time", "value": "%Y-%m"}, {"type": "tag", "value": "room"}]


def databases_on(server: LocalApi, product: str) -> dict[str, dict[str, Any]]:
    """The cluster's databases by name, as the documented list answers (GetClusterDatabases)."""
    with server.client() as http:
        return {d["name"]: d for d in http.get(documented(server, product, "databases")).json()}


def hand_made_token(server: LocalApi, product: str, description: str, *databases: str) -> dict[str, Any]:
    """A database token made outside the stack (CreateDatabaseToken), allowed to write to ``databases``."""
    permissions = [{"action": "write", "resource": name} for name in databases]
    with server.client() as http:
        made = http.post(
            documented(server, product, "tokens"), json={"description": description, "permissions": permissions}
        )
    assert made.status_code == 200, made.text
    return dict(made.json())


def write_status(server: LocalApi, token: str, database: str) -> int:
    """The status of one point written through the data API (PostWrite: `Authorization: Token <database token>`,
    `bucket` names the database; 204 when written, 401 when the token may not write there)."""
    with server.client(authorization=f"Token {token}") as http:
        return http.post("/api/v2/write", params={"bucket": database}, content=LINE).status_code


def write_point(server: LocalApi, token: str, database: str) -> None:
    check(write_status(server, token, database) == 204, f"a point was not written to {database}")


def points_in(server: LocalApi, database: str) -> int:
    """The points the server holds for the live database ``name``: the only trace a write leaves there. The API has
    no query endpoint, so this reads the server's own store (as tests/server/test_documented_write.py does)."""
    with sqlite3.connect(f"file:{server.data_dir / 'management.db'}?mode=ro", uri=True) as db:
        row = db.execute(
            "SELECT points_written FROM databases WHERE name = ? AND deleted_at IS NULL", (database,)
        ).fetchone()
    return int(row[0])


def test_limits_retention_and_name_change_in_place_and_the_rename_names_the_tokens_it_stops(
    tmp_path: Path, server: LocalApi, product: str
) -> None:
    """Both products: PATCH .../databases/{databaseName} and PUT .../databases/{databaseName}/rename live under each
    product's own prefix (the two OpenAPI files).

    admin/databases/update.md: "update attributes such as retention period, column limits, and table limits"
    (UpdateClusterDatabase, in place). admin/databases/rename.md: "Renaming a database does not change the database
    ID, modify data in the database, or update database tokens. After renaming a database, any existing database
    tokens will stop working" (RenameClusterDatabase): the preview names each token bound to the old name, the data
    stays, and the resource keeps its id (the name it was made with) while its ``name`` follows the server."""
    spec: dict[str, Any] = {
        "databases": {
            "metrics": {
                "name": "metrics-{face}",
                "retention_period": "30d",
                "max_tables": 100,
                "max_columns_per_table": 200,
            }
        },
        "tokens": {
            "reader": {"description": "dashboards", "permissions": [{"action": "read", "resource": "metrics-{face}"}]}
        },
    }
    stack = make_stack(tmp_path, server, product, spec, BOTH_IN_ONE_STACK)
    stack.up().ok()
    shown = stack.outputs()
    writer = hand_made_token(server, product, "ingest by hand", *(f"metrics-{face}" for face in FACES))
    for face in FACES:
        write_point(server, writer["accessToken"], f"metrics-{face}")
        assert points_in(server, f"metrics-{face}") == 1

    spec["databases"]["metrics"] = {
        "name": "renamed-{face}",
        "retention_period": "7d",
        "max_tables": 200,
        "max_columns_per_table": 300,
    }
    stack.write_spec(spec)
    preview = stack.preview().ok().output
    assert "replace" not in preview and preview.count("~ 2 to update") == 1, preview
    for face, at in declared(BOTH_IN_ONE_STACK):
        old, new = f"metrics-{face}", f"renamed-{face}"
        assert f"rename: database '{old}' becomes '{new}' in place and keeps its data; 2 database token(s)" in preview
        for token_id, description in ((shown[f"{at}reader.token_id"], "dashboards"), (writer["id"], "ingest by hand")):
            named = re.search(rf"database token {token_id} \('([^']*)'\) names '{old}' and stops working", preview)
            assert named and named.group(1).startswith(description), preview

    stack.up().ok()
    databases = databases_on(server, product)
    assert sorted(databases) == [f"renamed-{face}" for face in sorted(FACES)]
    shown = stack.outputs()
    for face, at in declared(BOTH_IN_ONE_STACK):
        held = databases[f"renamed-{face}"]
        assert (held["maxTables"], held["maxColumnsPerTable"]) == (200, 300)
        assert held["retentionPeriod"] == shown[f"{at}metrics.retention_period_ns"] == 7 * 86400 * 10**9
        assert points_in(server, f"renamed-{face}") == 1  # the data stayed
        # ...and the token the preview named stops working, as it said: its permission names the old name.
        assert write_status(server, writer["accessToken"], f"renamed-{face}") == 401
        assert shown[f"{at}metrics.name"] == f"renamed-{face}"
        assert shown[f"{at}metrics.id"] == f"metrics-{face}"  # the id is the name it was made with
    assert sorted(r["id"] for r in stack.resources("Database")) == [f"metrics-{face}" for face in sorted(FACES)]
    stack.preview("--expect-no-changes").ok()
    assert_nowhere(stack, writer["accessToken"], server.admin_token)


@pytest.mark.parametrize("product", ["dedicated"])
@pytest.mark.parametrize("face", FACES)
def test_a_new_partition_template_is_refused_at_preview_unless_allow_data_loss_which_makes_the_database_anew(
    tmp_path: Path, server: LocalApi, product: str, face: str
) -> None:
    """Cloud Dedicated only: what is decided here (refuse, or delete then create) is the core's, and the create and
    delete paths of each product are held by the first test. Each face in a stack of its own: the refusal is a
    failed preview.

    admin/databases/create.md: "You can only apply a partition template when creating a database. You can't update
    a partition template on an existing database": a new one is a new database, and the old one's data is lost, so
    the preview refuses it in one sentence naming partition_template and allow_data_loss, and nothing changes on the
    server. With allow_data_loss the database is deleted first ("The database name must be unique within the
    cluster") and made anew with the new template, empty."""
    spec: dict[str, Any] = {"databases": {"metrics": {"name": "metrics", "partition_template": DAILY}}}
    stack = make_stack(tmp_path, server, product, spec, face)
    stack.up().ok()
    writer = hand_made_token(server, product, "ingest by hand", "metrics")
    write_point(server, writer["accessToken"], "metrics")

    spec["databases"]["metrics"]["partition_template"] = MONTHLY_BY_ROOM
    stack.write_spec(spec)
    refused = stack.preview()
    assert refused.returncode != 0
    template, allow = spelled(face, "partition_template"), spelled(face, "allow_data_loss")
    sentence = re.search(rf"{template} of database 'metrics' changed, [^\n]*", refused.output)
    assert sentence, refused.output
    said = sentence.group(0)
    assert f"set {allow} to true" in said and said.endswith(f"keep the old {template}.") and said.count(". ") == 0
    assert "Traceback" not in refused.output
    assert databases_on(server, product)["metrics"]["partitionTemplate"] == DAILY
    assert points_in(server, "metrics") == 1

    spec["databases"]["metrics"]["allow_data_loss"] = True
    stack.write_spec(spec)
    stack.up().ok()
    assert databases_on(server, product)["metrics"]["partitionTemplate"] == MONTHLY_BY_ROOM
    assert points_in(server, "metrics") == 0  # a new, empty database
    stack.preview("--expect-no-changes").ok()
    assert_nowhere(stack, writer["accessToken"], server.admin_token)


@pytest.mark.parametrize("product", ["dedicated"])
def test_refresh_forgets_a_database_deleted_outside_the_stack_and_the_next_up_makes_it_again(
    tmp_path: Path, server: LocalApi, product: str
) -> None:
    """Cloud Dedicated only: a read is a list (the API has no get of one database) under the product's prefix, and
    both products' list paths are held by the first test.

    DeleteClusterDatabase (both OpenAPI files) deletes a database by name; GetClusterDatabases no longer lists it.
    `pulumi refresh` drops a resource whose read finds nothing (pulumi.com/docs/iac/cli/commands/pulumi_refresh/:
    "Refresh the resources in a stack ... to reflect the actual state"), and the next up creates it as declared."""
    spec = {"databases": {"metrics": {"name": "metrics-{face}", "retention_period": "30d", "max_tables": 100}}}
    stack = make_stack(tmp_path, server, product, spec, BOTH_IN_ONE_STACK)
    stack.up().ok()
    with server.client() as http:
        for face in FACES:
            assert http.delete(documented(server, product, "databases", f"metrics-{face}")).status_code == 204
    assert databases_on(server, product) == {}

    stack.refresh().ok()
    assert stack.resources("Database") == []
    stack.up().ok()
    databases = databases_on(server, product)
    assert sorted(databases) == [f"metrics-{face}" for face in sorted(FACES)]
    assert all(d["maxTables"] == 100 and d["retentionPeriod"] == 30 * 86400 * 10**9 for d in databases.values())
    assert len(stack.resources("Database")) == len(FACES)
    stack.preview("--expect-no-changes").ok()
    assert_nowhere(stack, server.admin_token)


@pytest.mark.parametrize("product", ["dedicated"])
def test_import_takes_over_a_database_as_it_is_and_protects_it_from_destroy(
    tmp_path: Path, server: LocalApi, product: str
) -> None:
    """Cloud Dedicated only: an import reads through the same list as every read (held for both products by the
    first test). The plugin face only: Python dynamic resources cannot be imported (pulumi/pulumi#16175).

    `pulumi import TYPE NAME ID` reads the resource by its id (a database's is its name) and "by default ... will
    protect the resource" (pulumi.com/docs/iac/cli/commands/pulumi_import/); a program declaring the database as the
    server has it (CreateClusterDatabase's fields: retentionPeriod, maxTables, maxColumnsPerTable,
    partitionTemplate) previews with no changes; `pulumi destroy` refuses a protected resource
    (pulumi.com/docs/iac/concepts/options/protect/: "any attempt to delete the resource will fail"), and the
    database stays."""
    stack = make_stack(tmp_path, server, product, {"databases": {}}, "plugin")
    with server.client() as http:
        made = http.post(
            documented(server, product, "databases"),
            json={
                "name": "by-hand",
                "retentionPeriod": 7 * 86400 * 10**9,
                "maxTables": 300,
                "maxColumnsPerTable": 150,
                "partitionTemplate": MONTHLY_BY_ROOM,
            },
        )
    assert made.status_code == 200, made.text
    stack.run(
        "import", DATABASE.plugin_type, "adopted", "by-hand", "--yes", "--generate-code=false", "--non-interactive",
        "--stack", stack.name,
    ).ok()  # fmt: skip
    [imported] = stack.resources("Database")
    assert (imported["id"], imported.get("protect")) == ("by-hand", True)
    assert imported["inputs"] == {
        "name": "by-hand",
        "retentionPeriod": "7d",
        "maxTables": 300,
        "maxColumnsPerTable": 150,
        "partitionTemplate": MONTHLY_BY_ROOM,
    }
    declared_as_it_is = {
        "name": "by-hand",
        "retention_period": "7d",
        "max_tables": 300,
        "max_columns_per_table": 150,
        "partition_template": MONTHLY_BY_ROOM,
    }
    stack.write_spec({"databases": {"adopted": declared_as_it_is}})
    stack.preview("--expect-no-changes").ok()

    refused = stack.destroy()
    assert refused.returncode != 0 and "protected" in refused.output, refused.output
    assert "by-hand" in databases_on(server, product)
    assert len(stack.resources("Database")) == 1
    assert_nowhere(stack, server.admin_token)
