"""The database examples (examples/databases in Python, examples/yaml-databases in Pulumi YAML,
examples/typescript/databases in TypeScript), run as a user runs them, through the real engine against the local
server: a management token minted by the stack is the credential of a database and of a read and a write
database token.

Documented facts these tests hold:
- A database token's string is shown only when it is created ("Token strings are viewable only on token creation
  and aren't stored by InfluxDB": content/influxdb3/cloud-dedicated/admin/tokens/database/create.md); the
  examples export it, and Pulumi keeps an output built from a secret a secret (pulumi.com/docs/iac/concepts/secrets).
- A token with write permission on a database writes to it through the data API (`POST /api/v2/write`, 204), and a
  token with read permission only is refused (401 `unauthorized`): api-docs/influxdb3/cloud-dedicated/v2/ref.yml
  (PostWrite) and admin/tokens/database/create.md ("read", "write" permissions per database).
- A database token's permissions name a database by name (DatabaseTokenPermission.resource in
  api-docs/influxdb3/cloud-dedicated/management/openapi.yml).
- Deleting a database token revokes it (DeleteDatabaseToken; a later get shows revokedAt); a database deleted is
  gone from the list (DeleteClusterDatabase, GetClusterDatabases).
- The policy pack's database-token-must-expire is mandatory (docs/guides/policy-and-audit.md): a DatabaseToken
  without expiry stops `pulumi preview` on either face.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from server.documented_api import DEDICATED, Documented
from support.engine import EXAMPLES, REPO, Stack
from support.local_api import LocalApi
from support.secrets_scan import assert_nowhere, check

pytestmark = pytest.mark.http_only  # databases and database tokens go over HTTP whatever the transport

PACK = ["--policy-pack", str(REPO / "policy")]
POINT = "cpu,host=a usage=0.5"


def assert_tokens_work_as_declared(server: LocalApi, database: str, write_token: str, read_token: str) -> None:
    """What the two consumers see: the collector's token writes, the dashboards' token may not."""
    api = Documented(server, DEDICATED)
    check(api.write(write_token, database, POINT).status_code == 204, "the write token could not write")
    refused = api.write(read_token, database, POINT)
    check(refused.status_code == 401, f"a read token wrote: {refused.status_code}")
    assert refused.json()["code"] == "unauthorized"


def documented_state(server: LocalApi) -> tuple[list[str], list[dict]]:
    """The database names and the database tokens the server holds (revoked ones with revokedAt)."""
    api = Documented(server, DEDICATED)
    with api.client() as http:
        names = [d["name"] for d in http.get(api.path("databases")).json()]
        tokens = list(http.get(api.path("tokens")).json())
    return names, tokens


def admin_token_of(stack: Stack) -> str:
    """The string of the management token the stack minted, from the decrypted state (to prove it stays secret)."""
    [minted] = stack.resources("ManagementToken")
    return str(minted["outputs"]["token"])


def without_collector_expiry(program: str) -> str:
    """The example with its write token's expiry removed: what database-token-must-expire refuses."""
    head, collector = program.split('collector = DatabaseToken(', 1)
    collector = re.sub(r'\n    (expires_in|rotate_before|overlap)=[^\n]*', "", collector, count=3)
    return f"{head}collector = DatabaseToken({collector}"


def test_the_python_example_hands_a_read_and_a_write_token_on_a_minted_management_token(
    tmp_path: Path, local_api: LocalApi
):
    stack = Stack.create("databases", tmp_path, source=EXAMPLES / "databases")
    stack.connect_to(local_api, plain={"influxdb3:retryTimeout": "20"})
    program = stack.work_dir / "__main__.py"
    example = program.read_text()

    program.write_text(without_collector_expiry(example))
    blocked = stack.preview(*PACK)
    assert blocked.returncode != 0
    assert "[mandatory]" in blocked.output and "database-token-must-expire" in blocked.output
    assert "'collector'" in blocked.output and "never expires" in blocked.output
    assert documented_state(local_api) == ([], []) and local_api.live_tokens() == []

    program.write_text(example)
    up = stack.up(*PACK).ok()
    assert "mandatory" not in up.output
    shown, secrets = stack.outputs(), stack.secret_outputs()
    assert shown["database"] == "metrics" and shown["retention_period_ns"] == 30 * 86400 * 10**9
    assert shown["dashboards_token"] == "[secret]" and shown["collector_token"] == "[secret]"
    assert shown["dashboards_retiring"] == [] and shown["collector_retiring"] == []
    write_token, read_token = secrets["collector_token"], secrets["dashboards_token"]
    assert_tokens_work_as_declared(local_api, "metrics", write_token, read_token)
    names, tokens = documented_state(local_api)
    by_id = {t["id"]: t for t in tokens}
    assert names == ["metrics"]
    assert by_id[shown["collector_token_id"]]["permissions"] == [{"action": "write", "resource": "metrics"}]
    assert by_id[shown["dashboards_token_id"]]["permissions"] == [{"action": "read", "resource": "metrics"}]
    assert len(local_api.live_tokens()) == 1  # the stack's management token, the credential of the rest
    stack.preview("--expect-no-changes").ok()

    admin = admin_token_of(stack)
    stack.destroy().ok()
    names, tokens = documented_state(local_api)
    assert names == [] and all(t["revokedAt"] for t in tokens)
    assert local_api.live_tokens() == []
    assert_nowhere(stack, write_token, read_token, admin, local_api.admin_token)


def yaml_example(tmp_path: Path, server: LocalApi) -> Stack:
    """examples/yaml-databases in a project of its own, its stack initialised as its README says (the passphrase
    it gives users), connected to ``server``."""
    work_dir = tmp_path / "yaml-databases"
    shutil.copytree(EXAMPLES / "yaml-databases", work_dir)
    (tmp_path / "backend").mkdir()
    stack = Stack(work_dir=work_dir, backend_dir=tmp_path / "backend", name="dev")
    stack.run("stack", "init", "dev").ok()
    stack.connect_to(server, plain={"influxdb3:retryTimeout": "20"})
    return stack


def test_the_yaml_example_hands_a_read_and_a_write_token_through_a_provider_on_a_minted_management_token(
    tmp_path: Path, local_api: LocalApi
):
    stack = yaml_example(tmp_path, local_api)
    program = stack.work_dir / "Pulumi.yaml"
    example = program.read_text()

    # The write token without its expiry: the pack refuses it on the plugin face too.
    program.write_text(re.sub(r"(write metrics\"\n(?:.*\n){3})      expiresIn: 30d\n", r"\1", example))
    assert program.read_text() != example
    blocked = stack.preview(*PACK)
    assert blocked.returncode != 0
    assert "[mandatory]" in blocked.output and "database-token-must-expire" in blocked.output
    assert "'collector'" in blocked.output and "never expires" in blocked.output
    assert documented_state(local_api) == ([], []) and local_api.live_tokens() == []

    program.write_text(example)
    up = stack.up(*PACK).ok()
    assert "mandatory" not in up.output
    shown, secrets = stack.outputs(), stack.secret_outputs()
    assert shown["database"] == "metrics" and shown["retentionPeriodNs"] == 30 * 86400 * 10**9
    assert shown["dashboardsToken"] == "[secret]" and shown["collectorToken"] == "[secret]"
    write_token, read_token = secrets["collectorToken"], secrets["dashboardsToken"]
    assert_tokens_work_as_declared(local_api, "metrics", write_token, read_token)
    names, tokens = documented_state(local_api)
    by_id = {t["id"]: t for t in tokens}
    assert names == ["metrics"]
    assert by_id[shown["collectorTokenId"]]["permissions"] == [{"action": "write", "resource": "metrics"}]
    assert by_id[shown["dashboardsTokenId"]]["permissions"] == [{"action": "read", "resource": "metrics"}]
    assert len(local_api.live_tokens()) == 1
    stack.preview("--expect-no-changes").ok()

    admin = admin_token_of(stack)
    stack.destroy().ok()
    names, tokens = documented_state(local_api)
    assert names == [] and all(t["revokedAt"] for t in tokens)
    assert local_api.live_tokens() == []
    assert_nowhere(stack, write_token, read_token, admin, local_api.admin_token)
