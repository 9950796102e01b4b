"""Issue 33: a team that may not mint management tokens manages databases and database tokens with `transport:
influxctl` and each person's own influxctl login, through the real engine, on both faces side by side, over the
stand-in influxctl (tests/standin) on the oldest and the newest release it plays.

Facts held (influxdata/docs-v2, content/shared/influxctl/ and content/influxdb3/cloud-dedicated/reference/cli/
influxctl/): `token create` takes repeatable --read-database/--write-database and the description, and prints the
token string only then (token/create.md: "Token strings are viewable only on token creation"); `token update`
replaces the permissions in place (update.md: "the existing permissions are replaced"); `token revoke` (v2.10.0,
`token delete` before) revokes; `token list` shows revoked tokens with --include-revoked (v2.10.0); `--expires-at`
on token create arrived in v2.10.0, so an older release is refused in one sentence naming both releases; a profile
without mgmt_token logs a person in through the identity provider, and `influxctl auth login` renews an expired
login. Tables: `table create DATABASE_NAME TABLE_NAME` with the template flags (table/create.md), `table list
DATABASE_NAME` (v2.10.2, list.md: "lists all tables in the specified database"), `table rename DATABASE_NAME
CURRENT_TABLE_NAME NEW_TABLE_NAME` (2.10.3), `table delete` (v2.10.2); admin/tables/rename.md: "The table ID remains
the same after renaming"; admin/databases/rename.md: a renamed database keeps its data, so its tables go with it.
Each step below names the fact it leans on.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any, Optional

import pytest

from support.documented_stack import DATABASE_TOKEN, DocumentedApi
from support.engine import Stack
from support.faces import BOTH_IN_ONE_STACK, FACES, declared, spec_defaults
from support.local_api import LocalApi
from support.secrets_scan import assert_nowhere
from support.standin import STANDIN_DIR, log_in, persons_profile, standin_env

pytestmark = pytest.mark.engine

BOTH = declared(BOTH_IN_ONE_STACK)
OLDEST, NEWEST = "2.7.1", "2.12.0"
# The oldest release the stand-in plays that lists and deletes tables (v2.10.2) and renames them (2.10.3).
TABLES_OLDEST = "2.10.5"
YEARLY = [{"type": "time", "value": "%Y"}]


def at_desk(tmp_path: Path, server: LocalApi, release: str) -> tuple[Stack, Path]:
    """The `databases` program on both faces; nothing configured but `transport: influxctl` and the person's own
    influxctl profile, which has no mgmt_token (their identity provider logs them in)."""
    home = tmp_path / "home"
    persons_profile(home, server)
    stack = Stack.create("databases", tmp_path, spec_defaults=spec_defaults(BOTH_IN_ONE_STACK))
    stack.extra_env.update(standin_env(server, stack.backend_dir))
    stack.extra_env.update(HOME=str(home), INFLUXCTL_STANDIN_RELEASE=release, INFLUXCTL_STANDIN_LOGIN_WAIT_S="600")
    stack.config_set_plain({"influxdb3:transport": "influxctl"})
    return stack, home


def spec(reader_reads: str = "metrics-{face}", table: Optional[str] = None, **reader: Any) -> dict[str, Any]:
    """The database, its reader and writer tokens, and, named ``table``, a table in it."""
    tables = {"cpu": {"database": "metrics", "name": table, "partition_template": YEARLY}} if table else {}
    return {
        "tables": tables,
        "databases": {"metrics": {"name": "metrics-{face}"}},
        "tokens": {
            "reader": {"description": "dashboards", "permissions": [{"action": "read", "resource": reader_reads}]},
            "writer": {"description": "ingest", "permissions": [{"action": "write", "resource": "metrics-{face}"}]},
        }
        | ({"reader": {"description": "dashboards", "permissions": [{"action": "read", "resource": reader_reads}],
                       **reader}} if reader else {}),
    }  # fmt: skip


@pytest.mark.parametrize("release", [OLDEST, NEWEST])
@pytest.mark.long
def test_a_persons_login_manages_databases_and_database_tokens_through_influxctl(
    tmp_path: Path, local_api: LocalApi, release: str
) -> None:
    api = DocumentedApi(local_api, "dedicated")
    stack, home = at_desk(tmp_path, local_api, release)
    log_in(home, local_api, 3600)
    # Tables need `table list` and `table delete` (v2.10.2): on 2.7.1 the stack declares none (the release refusals
    # are held in tests/unit/test_influxctl_database_clients.py).
    table = "cpu" if release == NEWEST else None
    colleague = Colleague(tmp_path / "colleague", local_api)  # with a current influxctl, which lists tables
    stack.write_spec(spec(table=table))
    stack.up().ok()
    first = stack.secret_outputs()
    assert api.databases() == ["metrics-dynamic", "metrics-plugin"]
    made = {face: colleague.tables(f"metrics-{face}") for face in FACES}
    assert [name for face in FACES for _, name in made[face]] == (["cpu", "cpu"] if table else [])
    tokens = api.tokens()
    for _, at in BOTH:
        assert tokens[first[f"{at}reader.token_id"]]["description"].startswith("dashboards [pulumi:")
        assert first[f"{at}reader.token"] and first[f"{at}writer.token"]

    # Out of band, someone revokes the writers; refresh drops them (a revoked token is gone) and the same up mints
    # new ones, while the readers' permissions change in place (token update.md), keeping their ids and strings.
    # A new table name is `table rename` in place: the table keeps its ID (admin/tables/rename.md).
    for _, at in BOTH:
        api.revoke_token(first[f"{at}writer.token_id"])
    table = "cpu2" if table else None
    stack.write_spec(spec(reader_reads="*", table=table))
    up = stack.up("--refresh").ok()
    second = stack.secret_outputs()
    renamed = {face: colleague.tables(f"metrics-{face}") for face in FACES}
    assert renamed == {face: [(table_id, "cpu2") for table_id, _ in made[face]] for face in FACES}
    tokens = api.tokens()
    for _, at in BOTH:
        assert second[f"{at}reader.token_id"] == first[f"{at}reader.token_id"], up.output
        assert tokens[second[f"{at}reader.token_id"]]["permissions"] == [{"action": "read", "resource": "*"}]
        assert second[f"{at}writer.token_id"] != first[f"{at}writer.token_id"]
        assert not tokens[second[f"{at}writer.token_id"]].get("revokedAt")

    if release == OLDEST:
        # v2.10.0 brought `token create --expires-at`: 2.7.1 cannot make a token that expires; nothing is minted.
        stack.write_spec(spec(reader_reads="*", expires_in="30d", overlap="1d"))
        refused = stack.up()
        assert refused.returncode != 0 and "Traceback" not in refused.output
        assert "is influxctl 2.7.1, which cannot create a database token that expires" in refused.output
        assert "that needs influxctl 2.10.0 or later" in refused.output
    else:
        # An expired login stops a read with one sentence naming `influxctl auth login`; the login renewed, a new
        # expiry with overlap rotates the readers in place, the old token kept in `retiring`, still live.
        log_in(home, local_api, -60)
        expired = stack.refresh()
        assert expired.returncode != 0 and "Traceback" not in expired.output
        assert "run `influxctl --profile default auth login`, then run the command again." in expired.output
        log_in(home, local_api, 3600)
        # Out of band, a colleague deletes both tables by hand: the refresh reads `table list` and forgets them, so
        # the same `up` makes them again (new IDs); without the refresh the state would still hold them.
        for face in FACES:
            colleague.run("table", "delete", f"metrics-{face}", "cpu2")
        stack.write_spec(spec(reader_reads="*", table=table, expires_in="30d", overlap="1d"))
        stack.up("--refresh").ok()
        for face in FACES:
            [(again, name)] = colleague.tables(f"metrics-{face}")
            assert name == "cpu2" and again != renamed[face][0][0]
        third = stack.secret_outputs()
        live = api.live_token_ids()
        for _, at in BOTH:
            assert third[f"{at}reader.id"] == first[f"{at}reader.id"]  # rotated in place
            assert third[f"{at}reader.token_id"] != second[f"{at}reader.token_id"] in live
            assert [r["id"] for r in third[f"{at}reader.retiring"]] == [second[f"{at}reader.token_id"]]
        # token/update.md: `token update` sets permissions only, so a new description mints a new token, and the
        # diff says why instead of planning an update influxctl cannot make: the writers (no overlap) are replaced,
        # their old tokens revoked; the readers (overlap) rotate in place, their old tokens live in `retiring`.
        changed = spec(reader_reads="*", table=table, expires_in="30d", overlap="1d", description="dashboards v2")
        changed["tokens"]["writer"]["description"] = "ingest, renamed"
        stack.write_spec(changed)
        renamed = stack.up().ok()
        assert "influxctl cannot change a database token's description" in renamed.output
        assert "the previous token stays valid until" in renamed.output
        fourth, live = stack.secret_outputs(), api.live_token_ids()
        for _, at in BOTH:
            assert fourth[f"{at}writer.token_id"] in live
            assert third[f"{at}writer.token_id"] not in live  # replaced: create-before-delete
            assert fourth[f"{at}reader.id"] == first[f"{at}reader.id"]
            assert third[f"{at}reader.token_id"] in live, renamed.output  # rotated: still valid for the overlap
            assert third[f"{at}reader.token_id"] in [r["id"] for r in fourth[f"{at}reader.retiring"]]

    # `pulumi import` of a token made by hand reads it through `influxctl token list`, and of a table a colleague
    # made, by <database>/<table>, through `influxctl table list` (one import of both).
    hand = api.create_token("made by hand", [{"action": "read", "resource": "metrics-plugin"}])
    to_import = [{"type": f"influxdb3:index:{DATABASE_TOKEN}", "name": "hand", "id": hand["id"]}]
    if table:
        colleague.run("table", "create", "metrics-plugin", "hand")
        to_import.append({"type": "influxdb3:index:Table", "name": "hand-table", "id": "metrics-plugin/hand"})
    (tmp_path / "import.json").write_text(json.dumps({"resources": to_import}))
    imported = stack.run(
        "import", "--file", str(tmp_path / "import.json"), "--yes", "--generate-code=false", "--protect=false",
        "--non-interactive", "--stack", stack.name,
    )  # fmt: skip
    assert imported.returncode == 0, imported.output
    export = stack.export()["deployment"]["resources"]
    held = {r["urn"].rpartition("::")[2]: (r.get("id"), r.get("outputs", {}).get("name")) for r in export}
    assert held["hand"][0] == hand["id"]
    assert held.get("hand-table") == (("metrics-plugin/hand", "hand") if table else None)

    stack.destroy().ok()
    assert api.live_token_ids() == set() and api.databases() == []
    assert_nowhere(stack, local_api.admin_token, *(str(v) for k, v in second.items() if k.endswith(".token")))


class Colleague:
    """A colleague at their own desk: their own influxctl login, running influxctl (the stand-in) by hand."""

    def __init__(self, home: Path, server: LocalApi, release: str = NEWEST) -> None:
        persons_profile(home, server)
        log_in(home, server, 3600)
        keep = {k: v for k, v in os.environ.items() if not k.startswith(("INFLUXCTL_", "INFLUXDB3_"))}
        self.env = {**keep, "HOME": str(home), "INFLUXCTL_STANDIN_API_URL": server.url}
        self.env.update(INFLUXCTL_STANDIN_RELEASE=release, INFLUXCTL_STANDIN_PYTHON=sys.executable)

    def run(self, *args: str) -> str:
        argv = [str(STANDIN_DIR / "influxctl"), *args]
        done = subprocess.run(argv, env=self.env, capture_output=True, text=True, timeout=60, check=False)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def tables(self, database: str) -> list[tuple[int, str]]:
        return [(t["id"], t["name"]) for t in json.loads(self.run("table", "list", "--format", "json", database))]


@pytest.mark.long
def test_on_the_oldest_release_with_table_commands_a_persons_login_manages_tables(
    tmp_path: Path, local_api: LocalApi
) -> None:
    """Both faces in one stack on 2.10.5 (the test above holds the same on 2.12.0), with the person's cached login: a
    table made in the influxctl-managed database, renamed in place while its database is renamed (the preview names
    the table that follows), forgotten by refresh once a colleague deletes it by hand, one the colleague made
    imported by <database>/<table>, all destroyed."""
    api = DocumentedApi(local_api, "dedicated")
    stack, home = at_desk(tmp_path, local_api, TABLES_OLDEST)
    log_in(home, local_api, 3600)
    colleague = Colleague(tmp_path / "colleague", local_api, TABLES_OLDEST)
    cpu = {"database": "metrics", "name": "cpu", "partition_template": YEARLY}
    mem = {"database": "metrics", "name": "mem"}
    tables_spec = {"databases": {"metrics": {"name": "metrics-{face}"}}, "tables": {"cpu": cpu, "mem": mem}}
    stack.write_spec(tables_spec)
    stack.up().ok()
    made = {face: {name: table_id for table_id, name in colleague.tables(f"metrics-{face}")} for face in FACES}
    assert [sorted(made[face]) for face in FACES] == [["cpu", "mem"], ["cpu", "mem"]]

    # A new table name is `table rename` in the database as renamed first (the table follows its Database, whose
    # preview names it from `table list`); the table keeps its ID.
    tables_spec["databases"]["metrics"]["name"] = "metrics-v2-{face}"
    tables_spec["tables"]["cpu"] = {**cpu, "name": "cpu2"}
    stack.write_spec(tables_spec)
    moved = stack.up().ok()
    for face in FACES:
        head = f"Database: rename: the tables of database 'metrics-{face}' move with it to 'metrics-v2-{face}' and keep"
        said = [line.strip() for line in moved.output.split("Diagnostics:")[-1].splitlines() if head in line]
        assert len(said) == 1, moved.output
        named = said[0].rpartition(" follows in place): ")[2]  # in the order `table list` printed them
        assert sorted(named.removesuffix(".").split(", ")) == ["'cpu'", "'mem'"], said
        renamed = sorted(colleague.tables(f"metrics-v2-{face}"))
        assert renamed == sorted([(made[face]["cpu"], "cpu2"), (made[face]["mem"], "mem")])

    # Out of band, the colleague deletes one table of each database and makes another: refresh reads `table list`,
    # once per database in each face's provider process however many tables it holds there, and forgets the
    # deleted ones; `pulumi import` by <database>/<table> reads the new one through the same list.
    for face in FACES:
        colleague.run("table", "delete", f"metrics-v2-{face}", "cpu2")
    colleague.run("table", "create", "metrics-v2-plugin", "hand")
    record = tmp_path / "refresh.jsonl"
    stack.refresh(env={"INFLUXCTL_STANDIN_RECORD": str(record)}).ok()
    runs = [json.loads(line) for line in record.read_text().splitlines()]
    listed = Counter((run["ppid"], run["argv"][-1]) for run in runs if "table" in run["argv"])
    assert sorted(database for _, database in listed) == ["metrics-v2-dynamic", "metrics-v2-plugin"]
    assert set(listed.values()) == {1}, listed  # one `table list` per database and provider process
    imported = stack.run(
        "import", "influxdb3:index:Table", "hand", "metrics-v2-plugin/hand", "--yes", "--generate-code=false",
        "--protect=false", "--non-interactive", "--stack", stack.name,
    )  # fmt: skip
    assert imported.returncode == 0, imported.output
    held = {(table["id"], table["outputs"]["database"], table["outputs"]["name"]) for table in stack.resources("Table")}
    assert held == {  # the deleted ones are gone from the state, the imported one is there
        ("metrics-v2-plugin/hand", "metrics-v2-plugin", "hand"),
        *((f"metrics-{face}/mem", f"metrics-v2-{face}", "mem") for face in FACES),
    }

    stack.destroy().ok()
    assert api.databases() == []
    assert_nowhere(stack, local_api.admin_token)
