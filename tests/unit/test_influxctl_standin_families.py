"""The stand-in influxctl's database, table and token commands (tests/standin/influxctl_standin), run as a
program against the local server, as the provider's influxctl transport runs them. Each test names the
reference page or release note it plays."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any, Iterator

import pytest

from support.fixtures import running_local_api
from support.local_api import LocalApi
from support.ports import free_ports
from support.standin import STANDIN_DIR

OLDEST, NEWEST = "2.7.1", "2.12.0"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalApi]:
    with running_local_api(tmp_path_factory.mktemp("server")) as api:
        yield api


@pytest.fixture
def ctl(server: LocalApi, tmp_path: Path) -> Any:
    config = tmp_path / "config.toml"
    config.write_text(
        "[[profile]]\n"
        '  name = "default"\n'
        '  product = "dedicated"\n'
        f'  account_id = "{server.account_id}"\n'
        f'  cluster_id = "{server.cluster_id}"\n'
        f'  mgmt_token = "{server.admin_token}"\n'
    )

    def run(*args: str, release: str = NEWEST) -> subprocess.CompletedProcess[str]:
        env = {
            "PATH": os.pathsep.join([str(Path(sys.executable).parent), "/usr/bin", "/bin"]),
            "HOME": str(tmp_path),
            "INFLUXCTL_STANDIN_API_URL": server.url,
            "INFLUXCTL_STANDIN_RELEASE": release,
        }
        argv = [str(STANDIN_DIR / "influxctl"), "--config", str(config), *args]
        return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60, check=False)

    return run


def ok(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, done.stderr
    return done.stdout


def name(what: str) -> str:
    return f"{what}_{uuid.uuid4().hex[:8]}"


def databases(ctl: Any, *flags: str, release: str = NEWEST) -> dict[str, dict[str, Any]]:
    return {d["name"]: d for d in json.loads(ok(ctl("database", "list", "--format", "json", *flags, release=release)))}


def test_database_lifecycle_on_the_newest_release(ctl: Any) -> None:
    # database/create.md: --retention-period (durations of update.md: 30d), --max-tables, --max-columns,
    # --template-tag/--template-tag-bucket/--template-timeformat; update.md changes limits and retention;
    # rename.md and undelete.md (v2.10.2) take names; delete.md --force; list.md --filter-status (2.10.4);
    # release notes 2.10.3: list shows the id.
    db, renamed = name("db"), name("moved")
    ok(
        ctl(
            "database",
            "create",
            "--retention-period",
            "30d",
            "--max-tables",
            "20",
            "--template-tag",
            "room",
            "--template-tag-bucket",
            "customer,10",
            "--template-timeformat",
            "%Y-%m",
            db,
        )
    )
    listed = databases(ctl)[db]
    assert listed["retention_period"] == 30 * 86400 * 10**9 and listed["max_tables"] == 20
    assert listed["max_columns_per_table"] == 250 and isinstance(listed["id"], int)
    assert [part["type"] for part in listed["partition_template"]] == ["tag", "bucket", "time"]
    ok(ctl("database", "update", "--max-columns", "100", db))
    assert (databases(ctl)[db]["max_tables"], databases(ctl)[db]["max_columns_per_table"]) == (20, 100)
    ok(ctl("database", "rename", db, renamed))
    ok(ctl("database", "delete", "--force", renamed))
    assert renamed not in databases(ctl) and renamed in databases(ctl, "--filter-status", "deleted")
    ok(ctl("database", "undelete", renamed))
    assert renamed in databases(ctl)


def test_old_releases_lack_what_the_release_notes_date_later(ctl: Any) -> None:
    # Release notes: database rename (v2.10.2), token revoke (v2.10.0, before it `token delete`), --expires-at
    # on token create (v2.10.0), --filter-status (2.10.4), list's id (2.10.3), and before 2.10.4 a change of
    # one limit alone did not keep the other ("Allow changing only maxTables or maxColumns individually").
    db = name("old")
    ok(ctl("database", "create", "--max-tables", "20", "--max-columns", "100", db, release=OLDEST))
    assert "id" not in databases(ctl, release=OLDEST)[db]
    ok(ctl("database", "update", "--max-tables", "30", db, release="2.9.6"))
    assert databases(ctl)[db]["max_columns_per_table"] == 250  # the other limit back at its default
    refused = ctl("database", "rename", db, name("x"), release="2.9.6")
    assert refused.returncode == 3 and "No help topic for 'rename'" in refused.stderr
    refused = ctl("token", "create", "--expires-at", "2030-01-01T00:00:00Z", "--format", "json", "d", release="2.9.6")
    assert refused.returncode == 1 and "flag provided but not defined: -expires-at" in refused.stderr
    assert ctl("database", "list", "--filter-status", "deleted", "--format", "json", release="2.9.6").returncode == 1
    assert ctl("token", "revoke", "--force", "x", release="2.9.6").returncode == 3


def test_tables(ctl: Any) -> None:
    # table/create.md (DATABASE_NAME TABLE_NAME, template flags), list.md (v2.10.2, --filter-status 2.10.4),
    # rename.md (2.10.3: DATABASE_NAME CURRENT NEW), delete.md (v2.10.2), undelete.md (2.10.4: by TABLE_ID).
    db, table, moved = name("db"), name("t"), name("t2")
    ok(ctl("database", "create", db))
    ok(ctl("table", "create", "--template-tag", "room", "--template-timeformat", "%Y", db, table))
    [listed] = json.loads(ok(ctl("table", "list", "--format", "json", db)))
    assert listed["name"] == table and listed["partition_template"][0] == {"type": "tag", "value": "room"}
    ok(ctl("table", "rename", "--format", "json", db, table, moved))
    ok(ctl("table", "delete", db, moved))
    assert json.loads(ok(ctl("table", "list", "--format", "json", db))) == []
    [gone] = json.loads(ok(ctl("table", "list", "--filter-status", "deleted", "--format", "json", db)))
    ok(ctl("table", "undelete", db, str(gone["id"])))
    assert [t["name"] for t in json.loads(ok(ctl("table", "list", "--format", "json", db)))] == [moved]
    assert ctl("table", "list", "--format", "json", db, release="2.9.6").returncode == 3
    assert (
        ctl("table", "rename", "--format", "json", db, moved, table, release="2.10.5").returncode == 0
    )  # 2.10.3 has it


@pytest.mark.parametrize("release", [OLDEST, "2.9.6", "2.10.5", NEWEST])
def test_tokens(ctl: Any, server: LocalApi, release: str) -> None:
    # token/create.md: repeatable --read-database/--write-database, DESCRIPTION; the create JSON is not
    # documented before 2.11.0, which prints the entry and the token string. update.md: "the existing
    # permissions are replaced". v2.10.0: list/get --include-revoked, token delete renamed revoke.
    description = name("reader")
    created = ok(
        ctl(
            "token",
            "create",
            "--read-database",
            "a",
            "--write-database",
            "b",
            "--format",
            "json",
            description,
            release=release,
        )
    )
    token = {
        "2.7.1": lambda d: d["token"],
        "2.9.6": lambda d: d["access_token"],
        "2.10.5": lambda d: d["token_string"],
    }.get(release, lambda d: None)
    if release == NEWEST:
        entry_text, secret = created.rsplit("\n", 2)[0], created.split()[-1]
        entry = json.loads(entry_text)
    else:
        document = json.loads(created)
        secret, entry = token(document), document.get("database_token", document)
    assert server.client().get(f"{server.tokens_path.rsplit('/', 1)[0]}/tokens/{entry['id']}").status_code == 200
    assert secret and entry["description"] == description
    ok(ctl("token", "update", "--read-database", "c", entry["id"], release=release))
    got = json.loads(ok(ctl("token", "get", "--format", "json", entry["id"], release=release)))
    assert got["permissions"] == [{"action": "read", "resource": "c"}]
    since_2_10 = tuple(map(int, release.split("."))) >= (2, 10, 0)
    revoke = "revoke" if since_2_10 else "delete"
    ok(ctl("token", revoke, "--force", entry["id"], release=release))
    listed = [t["id"] for t in json.loads(ok(ctl("token", "list", "--format", "json", release=release)))]
    assert entry["id"] not in listed
    if since_2_10:
        everything = json.loads(ok(ctl("token", "list", "--include-revoked", "--format", "json", release=release)))
        assert any(t["id"] == entry["id"] and t.get("revoked_at") for t in everything)


def test_the_stand_in_tells_a_connection_never_made_from_an_answer_lost_after_the_request_went_out(tmp_path: Path):
    """The provider's influxctl road retries a create only when the request never went out (clients/influxctl/process.py
    reads gRPC-Go's "transport: Error while dialing" and "error reading from server" texts): the stand-in's own HTTP
    (tests/standin/influxctl_standin/common.py, plain sockets) must fail the same two ways."""
    import socket
    import threading

    config = tmp_path / "config.toml"
    config.write_text('[[profile]]\n  name = "default"\n  account_id = "a"\n  cluster_id = "c"\n  mgmt_token = "t"\n')
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    answers = [b"", b'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{"id"']  # none at all; a cut one

    def serve() -> None:
        for answer in answers:
            connection, _ = listener.accept()
            with connection:
                connection.recv(65536)  # the request arrived
                connection.sendall(answer)

    server = threading.Thread(target=serve, daemon=True)
    server.start()

    def run(url: str) -> subprocess.CompletedProcess[str]:
        argv = [str(STANDIN_DIR / "influxctl"), "--config", str(config), "management", "list", "--format", "json"]
        env = {**os.environ, "INFLUXCTL_STANDIN_API_URL": url}
        return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60, check=False)

    refused = run(f"http://127.0.0.1:{next(free_ports())}")  # free when probed, in this process's own slice
    assert (refused.returncode, refused.stdout) == (1, "")
    assert (
        'code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp' in refused.stderr
    )
    for lost in (run(f"http://127.0.0.1:{port}"), run(f"http://127.0.0.1:{port}")):
        assert (lost.returncode, lost.stdout) == (1, "")
        assert "code = Unavailable desc = error reading from server: " in lost.stderr
        assert "dial" not in lost.stderr
    server.join(10)
    listener.close()
