"""The influxctl clients of databases, database tokens and tables against the stand-in influxctl and the local
server. Each test names the reference page or release note it holds (content/shared/influxctl/ in
influxdata/docs-v2)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from pulumi_influxdb3_tokens.clients import table_client_for
from pulumi_influxdb3_tokens.clients.influxctl.database_tokens import InfluxctlDatabaseTokenClient
from pulumi_influxdb3_tokens.clients.influxctl.databases import InfluxctlDatabaseClient
from pulumi_influxdb3_tokens.clients.influxctl.tables import InfluxctlTableClient
from pulumi_influxdb3_tokens.clients.lost_creates import MAX_LOST_CREATES
from pulumi_influxdb3_tokens.core.database.models import DatabaseInputs, DatabaseUpdate
from pulumi_influxdb3_tokens.core.database_token.models import DatabaseTokenInputs
from pulumi_influxdb3_tokens.core.errors import (
    AdoptionError,
    ConfigurationError,
    DatabaseExistsError,
    ManagementApiError,
    OutcomeUnknownError,
    TableExistsError,
    TableNotFoundError,
)
from pulumi_influxdb3_tokens.core.table import lifecycle as table_lifecycle
from pulumi_influxdb3_tokens.core.table.client import can_list
from pulumi_influxdb3_tokens.core.table.models import TableInputs
from pulumi_influxdb3_tokens.core.tokens.marker import new_marker
from pulumi_influxdb3_tokens.settings import Connection
from support.documented_api import assert_one_clean_sentence
from support.influxctl import connection_of, recording_standin
from support.local_api import LocalApi
from support.times import moment_in_days

OLDEST, NEWEST = "2.7.1", "2.12.0"


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, module_local_api: LocalApi) -> Path:
    return recording_standin(monkeypatch, tmp_path, module_local_api)


def runs(record: Path, *command: str) -> list[list[str]]:
    """The recorded argv of each run whose command words are ``command`` (after the global flags)."""
    found = []
    for line in record.read_text().splitlines():
        argv = json.loads(line)["argv"]
        words = [a for a in argv if not a.startswith("-")]
        if words[2 : 2 + len(command)] == list(command):  # past --config's and --profile's values
            found.append(argv)
    return found


def name(what: str) -> str:
    return f"{what}_{uuid.uuid4().hex[:8]}"


def token_inputs(**kw: Any) -> DatabaseTokenInputs:
    base = {"description": name("reader"), "permissions": [{"action": "read", "resource": "a"}]}
    return DatabaseTokenInputs.model_validate({"create_marker": new_marker(), **base, **kw})


def test_database_lifecycle_and_one_list_for_many_reads(calls, module_local_api, monkeypatch):
    # database/create.md (flags), update.md, rename.md (v2.10.2), delete.md (--force); a refresh of N reads lists
    # once (list_cache.py).
    monkeypatch.setenv("INFLUXCTL_STANDIN_RELEASE", NEWEST)
    client, db = InfluxctlDatabaseClient(connection_of(module_local_api)), name("db")
    template = [{"type": "tag", "value": "room"}, {"type": "time", "value": "%Y-%m"}]
    made = client.create(
        DatabaseInputs.model_validate({"name": db, "retention_period": "30d", "partition_template": template})
    )
    assert made.retention_period == 30 * 86400 * 10**9 and made.partition_template == template
    assert client.update(db, DatabaseUpdate(max_tables=20)).max_tables == 20
    before = len(runs(calls, "database", "list"))
    for _ in range(5):
        assert any(record.name == db for record in client.list())
    assert len(runs(calls, "database", "list")) - before <= 1  # 5 reads: the answer read back, or one list
    with pytest.raises(DatabaseExistsError, match="already has a database of that name"):
        client.create(DatabaseInputs.model_validate({"name": db}))
    moved = name("moved")
    assert client.rename(db, moved).name == moved
    assert client.delete(moved) is True and client.delete(moved) is False


def test_an_old_release_keeps_the_other_limit_and_cannot_rename(calls, module_local_api, monkeypatch):
    # Release notes 2.10.4: "Allow changing only maxTables or maxColumns individually" (before it both are sent);
    # v2.10.2 added `database rename`: an older release is refused naming both releases, and nothing runs.
    monkeypatch.setenv("INFLUXCTL_STANDIN_RELEASE", "2.9.6")
    client, db = InfluxctlDatabaseClient(connection_of(module_local_api)), name("db")
    client.create(DatabaseInputs.model_validate({"name": db, "max_columns_per_table": 100}))
    assert client.update(db, DatabaseUpdate(max_tables=20)).max_columns_per_table == 100
    with pytest.raises(ConfigurationError, match=r"influxctl 2\.9\.6, which cannot rename a database.*2\.10\.2"):
        client.rename(db, name("moved"))
    assert runs(calls, "database", "rename") == []


def test_a_database_create_whose_answer_was_lost_is_never_run_again(calls, module_local_api, monkeypatch):
    # A create has no idempotency key; a database of that name proves nothing about who made it (as over HTTP).
    monkeypatch.setenv("INFLUXCTL_STANDIN_FAULT", "create-mint-then-lost")
    client, db = InfluxctlDatabaseClient(connection_of(module_local_api)), name("db")
    with pytest.raises(OutcomeUnknownError, match=f"Whether database '{db}' was created is unknown"):
        client.create(DatabaseInputs.model_validate({"name": db}))
    assert len(runs(calls, "database", "create")) == 1


@pytest.mark.parametrize("release", [OLDEST, NEWEST])
def test_database_token_mint_update_revoke(calls, module_local_api, monkeypatch, release):
    # token/create.md: --read-database/--write-database, DESCRIPTION; the create output is undocumented before
    # 2.11.0 (each release puts the string elsewhere). update.md: the flags replace the permissions. v2.10.0:
    # `token delete` renamed `token revoke`, --include-revoked on list.
    monkeypatch.setenv("INFLUXCTL_STANDIN_RELEASE", release)
    client = InfluxctlDatabaseTokenClient(connection_of(module_local_api))
    inputs = token_inputs()
    made = client.mint(inputs)
    assert made.description == inputs.description_to_send() and made.access_token.get_secret_value()
    assert made.permission_set() == [{"action": "read", "resource": "a"}]
    changed = [{"action": "write", "resource": "b"}]
    assert client.update(made.id, made.description, changed).permission_set() == changed
    with pytest.raises(ConfigurationError, match="cannot change the description"):
        client.update(made.id, "another description", changed)
    read_b = [{"action": "read", "resource": "b"}]
    narrowed = client.update(made.id, None, read_b)  # None leaves the description: what the lifecycle sends here
    assert narrowed.permission_set() == read_b and narrowed.description == made.description
    assert client.revoke(made.id) is True
    assert client.revoke(made.id) is (release == NEWEST)  # before 2.10.0 a revoked token is not listed: gone
    command = "revoke" if release == NEWEST else "delete"
    assert len(runs(calls, "token", command)) == 2


def test_an_expiry_before_2_10_is_refused_naming_both_releases(calls, module_local_api, monkeypatch):
    # Release notes v2.10.0: "Add `--expires-at` flag to the token create command".
    monkeypatch.setenv("INFLUXCTL_STANDIN_RELEASE", "2.9.6")
    client = InfluxctlDatabaseTokenClient(connection_of(module_local_api))
    expiry = moment_in_days(3).strftime("%Y-%m-%dT%H:%M:%SZ")
    with pytest.raises(
        ConfigurationError,
        match=r"influxctl 2\.9\.6, which cannot create a database token that "
        r"expires.*2\.10\.0 or later",
    ):
        client.mint(token_inputs(expires_at=expiry))
    assert runs(calls, "token", "create") == []


def test_a_lost_token_create_is_revoked_on_proof_and_never_left_live(calls, module_local_api, monkeypatch):
    # Token strings are "viewable only on token creation" (token/create.md): a create whose answer is lost made a
    # token nobody holds; what carries this resource's marker is revoked and the create run again, bounded.
    monkeypatch.setenv("INFLUXCTL_STANDIN_FAULT", "create-mint-then-lost")
    client = InfluxctlDatabaseTokenClient(connection_of(module_local_api))
    inputs = token_inputs()
    with pytest.raises(ManagementApiError, match=f"{MAX_LOST_CREATES + 1} creates in a row lost their answers"):
        client.mint(inputs)
    assert len(runs(calls, "token", "create")) == MAX_LOST_CREATES + 1
    monkeypatch.delenv("INFLUXCTL_STANDIN_FAULT")
    ours = [r for r in client.list_after_create() if r.description == inputs.description_to_send()]
    assert len(ours) == MAX_LOST_CREATES + 1 and all(r.is_revoked() for r in ours)


TABLES_OLDEST = "2.10.5"  # the oldest release the stand-in plays that has `table list`, `delete` and `rename`


def seam_client(conn: Connection) -> InfluxctlTableClient:
    """The client the registry's factory gives a Table on an influxctl connection: both halves of the seam."""
    client = table_client_for(conn)
    assert isinstance(client, InfluxctlTableClient) and can_list(client) is client
    return client


def table_inputs(database: str, table: str, **kw: Any) -> TableInputs:
    return TableInputs.model_validate({"database": database, "name": table, **kw})


@pytest.mark.parametrize("release", [TABLES_OLDEST, NEWEST])
def test_tables_create_list_rename_delete_through_the_table_seam(calls, module_local_api, monkeypatch, release):
    # table/create.md (template flags, DATABASE_NAME TABLE_NAME), list.md (v2.10.2: "lists all tables in the
    # specified database"), rename.md (2.10.3: DATABASE_NAME CURRENT_TABLE_NAME NEW_TABLE_NAME), delete.md (v2.10.2).
    monkeypatch.setenv("INFLUXCTL_STANDIN_RELEASE", release)
    conn = connection_of(module_local_api)
    db, table, moved = name("db"), name("t"), name("t2")
    InfluxctlDatabaseClient(conn).create(DatabaseInputs.model_validate({"name": db}))
    tables = seam_client(conn)
    template = [{"type": "tag", "value": "host"}, {"type": "time", "value": "%Y-%m"}]
    made = tables.create(table_inputs(db, table, partition_template=template))
    assert (made.database_name, made.name, made.account_id) == (db, table, module_local_api.account_id)
    [listed] = tables.list(db)
    assert (listed.database_name, listed.name, listed.partition_template) == (db, table, template)
    assert (listed.account_id, listed.cluster_id) == (module_local_api.account_id, module_local_api.cluster_id)
    assert tables.rename(db, table, moved).name == moved
    assert [t.name for t in tables.list(db)] == [moved]  # our rename ended the shared answer
    assert tables.delete(db, moved) is True and tables.delete(db, moved) is False
    assert tables.list(db) == []


def test_a_taken_name_is_never_taken_over_and_a_gone_database_is_not_found(calls, module_local_api, monkeypatch):
    # A table of that name (made by a colleague or by a write, admin/tables/create.md) proves nothing about who made
    # it: never taken over, as a database is not (database/create.md); the import id is <database>/<table>.
    conn = connection_of(module_local_api)
    db, table, other = name("db"), name("t"), name("t")
    InfluxctlDatabaseClient(conn).create(DatabaseInputs.model_validate({"name": db}))
    tables = seam_client(conn)
    tables.create(table_inputs(db, table))
    tables.create(table_inputs(db, other))
    with pytest.raises(TableExistsError) as taken:
        tables.create(table_inputs(db, table))
    message = str(taken.value)
    assert f"Could not create table '{table}' of database '{db}': the database already has a table" in message
    assert f"`pulumi import influxdb3:index:Table <resource name> {db}/{table} --generate-code=false`" in message
    assert_one_clean_sentence(message)
    with pytest.raises(TableExistsError, match="already has a table of that name"):
        tables.rename(db, table, other)
    with pytest.raises(TableNotFoundError) as gone:
        tables.list(name("nodb"))
    assert "the cluster has no database" in str(gone.value)
    assert_one_clean_sentence(str(gone.value))


def test_a_table_create_whose_answer_was_lost_is_never_run_again(calls, module_local_api, monkeypatch):
    # A create has no idempotency key (table/create.md documents none): a lost answer is said, with the list to
    # check and the import id, and the create is not run a second time.
    conn = connection_of(module_local_api)
    db, table = name("db"), name("t")
    InfluxctlDatabaseClient(conn).create(DatabaseInputs.model_validate({"name": db}))
    monkeypatch.setenv("INFLUXCTL_STANDIN_FAULT", "create-mint-then-lost")
    with pytest.raises(OutcomeUnknownError) as unknown:
        seam_client(conn).create(table_inputs(db, table))
    message = str(unknown.value)
    assert message.startswith(f"Whether table '{table}' of database '{db}' was created is unknown")
    assert f"`influxctl table list {db}`" in message and f"{db}/{table} --generate-code=false`" in message
    assert_one_clean_sentence(message)
    assert len(runs(calls, "table", "create")) == 1


def test_a_refresh_of_many_tables_lists_each_database_once(calls, module_local_api, monkeypatch):
    # table/list.md lists every table of a database in one run: a refresh of N tables of one database reads one
    # list (list_cache.py), and a table deleted out of band is gone from the read (None: the engine forgets it).
    conn = connection_of(module_local_api)
    db = name("db")
    InfluxctlDatabaseClient(conn).create(DatabaseInputs.model_validate({"name": db}))
    tables = seam_client(conn)
    made = [table_lifecycle.create(tables, {"database": db, "name": name("t")}) for _ in range(4)]
    before = len(runs(calls, "table", "list"))
    for created in made:
        assert table_lifecycle.read(tables, created.id, created.outputs) == (created.id, created.outputs)
    assert len(runs(calls, "table", "list")) - before == 1
    imported = table_lifecycle.import_token(tables, made[0].id)
    assert imported.inputs == {"database": db, "name": made[0].outputs["name"]}
    assert tables.delete(db, made[1].outputs["name"]) is True
    assert table_lifecycle.read(tables, made[1].id, made[1].outputs) is None


def test_a_table_whose_database_was_deleted_out_of_band_is_gone_not_an_error(calls, module_local_api, monkeypatch):
    # admin/databases/delete.md: deleting a database deletes what it holds; `table list` of a database that is gone
    # answers NotFound, which a refresh of one of its tables reads as the table gone (the engine forgets it), and
    # an import of one as no such table.
    conn = connection_of(module_local_api)
    db = name("db")
    InfluxctlDatabaseClient(conn).create(DatabaseInputs.model_validate({"name": db}))
    tables = seam_client(conn)
    created = table_lifecycle.create(tables, {"database": db, "name": name("t")})
    assert InfluxctlDatabaseClient(conn).delete(db) is True
    assert table_lifecycle.read(tables, created.id, created.outputs) is None
    with pytest.raises(AdoptionError, match="the cluster has no such table"):
        table_lifecycle.import_token(tables, created.id)


def test_table_commands_are_refused_before_the_release_that_has_them(calls, module_local_api, monkeypatch):
    # Release notes v2.10.2: "Add new table management commands: table list, table delete"; 2.10.3: "Add `influxctl
    # table rename` command". Before them each is refused in one sentence naming both releases, and nothing runs; a
    # create is refused too, since what it made could be neither refreshed nor destroyed.
    monkeypatch.setenv("INFLUXCTL_STANDIN_RELEASE", "2.9.6")
    tables = seam_client(connection_of(module_local_api))
    refusals = {
        "list tables: that needs influxctl 2.10.2 or later": lambda: tables.list("db"),
        "delete a table: that needs influxctl 2.10.2 or later": lambda: tables.delete("db", "t"),
        "rename a table: that needs influxctl 2.10.3 or later": lambda: tables.rename("db", "t", "t2"),
        "manage a Table (its refresh runs `table list`, its destroy `table delete`): that needs influxctl 2.10.2 or "
        "later": lambda: tables.create(table_inputs("db", "t")),
    }
    for said, call in refusals.items():
        with pytest.raises(ConfigurationError) as refused:
            call()
        assert f"is influxctl 2.9.6, which cannot {said}; install a newer influxctl" in str(refused.value)
        assert_one_clean_sentence(str(refused.value))
    assert runs(calls, "table") == []
