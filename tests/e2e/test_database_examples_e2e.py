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
import subprocess
from pathlib import Path
from typing import Callable

import pytest

from pulumi_influxdb3_tokens.resources import to_camel
from server.documented_api import DEDICATED, Documented
from support.engine import EXAMPLES, REPO, Stack
from support.local_api import LocalApi
from support.secrets_scan import assert_nowhere, check
from support.times import in_days
from support.typescript import installed_example, typescript_stack

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


def up_outcome_is_what_the_consumers_need(stack: Stack, server: LocalApi, key: Callable[[str], str]) -> list[str]:
    """After `up`: the database and two secret tokens exported, the write token writes and the read token may not,
    each token names the database; only the stack's own management token is live beside them. ``key`` spells an
    output as the example does (``collector_token`` or ``collectorToken``). Returns the two token strings."""
    shown, secrets = stack.outputs(), stack.secret_outputs()
    assert shown[key("database")] == "metrics" and shown[key("retention_period_ns")] == 30 * 86400 * 10**9
    assert shown[key("dashboards_token")] == "[secret]" and shown[key("collector_token")] == "[secret]"
    write_token, read_token = secrets[key("collector_token")], secrets[key("dashboards_token")]
    assert_tokens_work_as_declared(server, "metrics", write_token, read_token)
    names, tokens = documented_state(server)
    by_id = {t["id"]: t for t in tokens}
    assert names == ["metrics"]
    assert by_id[shown[key("collector_token_id")]]["permissions"] == [{"action": "write", "resource": "metrics"}]
    assert by_id[shown[key("dashboards_token_id")]]["permissions"] == [{"action": "read", "resource": "metrics"}]
    assert len(server.live_tokens()) == 1  # the stack's management token, the credential of the rest
    return [write_token, read_token]


def destroy_leaves_nothing_and_no_secret_in_plaintext(stack: Stack, server: LocalApi, tokens: list[str]) -> None:
    """`destroy` deletes the database and revokes every token; no token string was ever in plaintext."""
    admin = admin_token_of(stack)
    stack.destroy().ok()
    names, listed = documented_state(server)
    assert names == [] and all(t["revokedAt"] for t in listed)
    assert server.live_tokens() == []
    assert_nowhere(stack, *tokens, admin, server.admin_token)


def policy_pack_refuses_the_write_token_without_expiry(stack: Stack, server: LocalApi) -> None:
    """The pack's database-token-must-expire stops the preview, naming the token; nothing is made."""
    blocked = stack.preview(*PACK)
    assert blocked.returncode != 0
    assert "[mandatory]" in blocked.output and "database-token-must-expire" in blocked.output
    assert "'collector'" in blocked.output and "never expires" in blocked.output
    assert documented_state(server) == ([], []) and server.live_tokens() == []


def without_expiry(program: str) -> str:
    """The Python example with its database tokens' expiry removed: what database-token-must-expire refuses."""
    changed = re.sub(r"\n        (expires_in|rotate_before|overlap)=[^\n]*", "", program)
    assert changed != program
    return changed


def test_the_python_example_hands_a_read_and_a_write_token_on_a_minted_management_token(
    tmp_path: Path, local_api: LocalApi
):
    stack = Stack.create("databases", tmp_path, source=EXAMPLES / "databases")
    stack.connect_to(local_api, plain={"influxdb3:retryTimeout": "20"})
    program = stack.work_dir / "__main__.py"
    example = program.read_text()
    program.write_text(without_expiry(example))
    policy_pack_refuses_the_write_token_without_expiry(stack, local_api)

    program.write_text(example)
    up = stack.up(*PACK).ok()
    assert "mandatory" not in up.output and "advisory" not in up.output  # the example passes the pack cleanly
    assert stack.outputs()["collector_retiring"] == []
    # The example's Table: its id is <database>/<table> (docs/table.md), its Database passed itself.
    [table] = stack.resources("Table")
    assert table["id"] == "metrics/cpu" and table["outputs"]["database_resource_id"] == "metrics"
    tokens = up_outcome_is_what_the_consumers_need(stack, local_api, str)
    stack.preview("--expect-no-changes").ok()
    destroy_leaves_nothing_and_no_secret_in_plaintext(stack, local_api, tokens)


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
    policy_pack_refuses_the_write_token_without_expiry(stack, local_api)

    program.write_text(example)
    up = stack.up(*PACK).ok()
    assert "mandatory" not in up.output and "advisory" not in up.output  # the example passes the pack cleanly
    tokens = up_outcome_is_what_the_consumers_need(stack, local_api, to_camel)
    stack.preview("--expect-no-changes").ok()
    destroy_leaves_nothing_and_no_secret_in_plaintext(stack, local_api, tokens)


@pytest.fixture(scope="session")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The TypeScript example's one npm install (shared with test_typescript_e2e.py: made once per run)."""
    return installed_example(tmp_path_factory)


@pytest.mark.long
def test_the_typescript_example_hands_a_read_and_a_write_token_through_a_provider_on_a_minted_management_token(
    installed: Path, tmp_path: Path, local_api: LocalApi
):
    program = installed / "databases"
    checked = subprocess.run(
        [str(installed / "node_modules" / ".bin" / "tsc"), "--noEmit", "-p", str(program)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr  # it type-checks against the generated SDK
    stack = typescript_stack(installed, tmp_path, program=(program / "index.ts").read_text())
    stack.connect_to(local_api, plain={"influxdb3:retryTimeout": "20"})

    stack.up().ok()
    tokens = up_outcome_is_what_the_consumers_need(stack, local_api, to_camel)
    stack.preview("--expect-no-changes").ok()
    destroy_leaves_nothing_and_no_secret_in_plaintext(stack, local_api, tokens)


def test_a_rotation_of_the_python_example_keeps_the_consumers_old_token_writing_until_the_overlap_ends(
    tmp_path: Path, local_api: LocalApi
):
    """The guide's rotation with overlap (docs/guides/database-tokens.md): a consumer keeps writing with the token it
    has after `up` made a new one, since a new token may take "from a few seconds to a few minutes" to activate
    (admin/tokens/database/create.md; the server's own tests hold --database-token-activation-delay); the first up
    after the overlap revokes the old one. The provider's clock moves forward (INFLUXDB3_TOKENS_FAKE_NOW) instead of
    the test waiting 23 days."""
    stack = Stack.create("databases", tmp_path, source=EXAMPLES / "databases")
    stack.connect_to(local_api, plain={"influxdb3:retryTimeout": "20"})
    stack.up().ok()
    first = stack.outputs()
    old_token = stack.secret_outputs()["collector_token"]

    within_rotate_before = {"INFLUXDB3_TOKENS_FAKE_NOW": in_days(24)}  # expires_in 30d, rotate_before 7d
    preview = stack.preview(env=within_rotate_before).ok()
    assert "within rotate_before (7d)" in preview.output and "revoked by the first up after that" in preview.output
    stack.up(env=within_rotate_before).ok()
    rotated = stack.outputs()
    new_token = stack.secret_outputs()["collector_token"]
    assert rotated["collector_token_id"] != first["collector_token_id"] and rotated["collector_token"] == "[secret]"
    [retiring] = rotated["collector_retiring"]
    assert retiring["id"] == first["collector_token_id"]
    api = Documented(local_api, DEDICATED)
    check(api.write(old_token, "metrics", POINT).status_code == 204, "the retiring token stopped writing")
    check(api.write(new_token, "metrics", POINT).status_code == 204, "the new token could not write")

    past_the_overlap = {"INFLUXDB3_TOKENS_FAKE_NOW": in_days(27)}
    stack.up(env=past_the_overlap).ok()
    assert stack.outputs()["collector_retiring"] == []
    check(api.write(old_token, "metrics", POINT).status_code == 401, "the retired token still writes")
    check(api.write(new_token, "metrics", POINT).status_code == 204, "the current token stopped writing")
    destroy_leaves_nothing_and_no_secret_in_plaintext(stack, local_api, [old_token, new_token])
