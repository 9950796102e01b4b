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
login. Each step below names the fact it leans on.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from support.documented_stack import DATABASE_TOKEN, DocumentedApi
from support.engine import Stack
from support.faces import BOTH_IN_ONE_STACK, declared, spec_defaults
from support.local_api import LocalApi
from support.secrets_scan import assert_nowhere
from support.standin import log_in, persons_profile, standin_env

pytestmark = pytest.mark.engine

BOTH = declared(BOTH_IN_ONE_STACK)
OLDEST, NEWEST = "2.7.1", "2.12.0"


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


def spec(reader_reads: str = "metrics-{face}", **reader: Any) -> dict[str, Any]:
    return {
        "databases": {"metrics": {"name": "metrics-{face}"}},
        "tokens": {
            "reader": {"description": "dashboards", "permissions": [{"action": "read", "resource": reader_reads}]},
            "writer": {"description": "ingest", "permissions": [{"action": "write", "resource": "metrics-{face}"}]},
        }
        | ({"reader": {"description": "dashboards", "permissions": [{"action": "read", "resource": reader_reads}],
                       **reader}} if reader else {}),
    }  # fmt: skip


@pytest.mark.parametrize("release", [OLDEST, NEWEST])
def test_a_persons_login_manages_databases_and_database_tokens_through_influxctl(
    tmp_path: Path, local_api: LocalApi, release: str
) -> None:
    api = DocumentedApi(local_api, "dedicated")
    stack, home = at_desk(tmp_path, local_api, release)
    log_in(home, local_api, 3600)
    stack.write_spec(spec())
    stack.up().ok()
    first = stack.secret_outputs()
    assert api.databases() == ["metrics-dynamic", "metrics-plugin"]
    tokens = api.tokens()
    for _, at in BOTH:
        assert tokens[first[f"{at}reader.token_id"]]["description"].startswith("dashboards [pulumi:")
        assert first[f"{at}reader.token"] and first[f"{at}writer.token"]

    # Out of band, someone revokes the writers; refresh drops them (a revoked token is gone) and the same up mints
    # new ones, while the readers' permissions change in place (token update.md), keeping their ids and strings.
    for _, at in BOTH:
        api.revoke_token(first[f"{at}writer.token_id"])
    stack.write_spec(spec(reader_reads="*"))
    up = stack.up("--refresh").ok()
    second = stack.secret_outputs()
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
        stack.write_spec(spec(reader_reads="*", expires_in="30d", overlap="1d"))
        stack.up().ok()
        third = stack.secret_outputs()
        live = api.live_token_ids()
        for _, at in BOTH:
            assert third[f"{at}reader.id"] == first[f"{at}reader.id"]  # rotated in place
            assert third[f"{at}reader.token_id"] != second[f"{at}reader.token_id"] in live
            assert [r["id"] for r in third[f"{at}reader.retiring"]] == [second[f"{at}reader.token_id"]]
        # token/update.md: `token update` sets permissions only, so a new description mints a new token, and the
        # diff says why instead of planning an update influxctl cannot make: the writers (no overlap) are replaced,
        # their old tokens revoked; the readers (overlap) rotate in place, their old tokens live in `retiring`.
        changed = spec(reader_reads="*", expires_in="30d", overlap="1d", description="dashboards v2")
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

    # `pulumi import` of a token made by hand reads it through `influxctl token list`.
    hand = api.create_token("made by hand", [{"action": "read", "resource": "metrics-plugin"}])
    imported = stack.run(
        "import", f"influxdb3:index:{DATABASE_TOKEN}", "hand", hand["id"], "--yes", "--generate-code=false",
        "--protect=false", "--non-interactive", "--stack", stack.name,
    )  # fmt: skip
    assert imported.returncode == 0, imported.output
    assert [r["id"] for r in stack.resources(DATABASE_TOKEN) if r["urn"].endswith("::hand")] == [hand["id"]]

    stack.destroy().ok()
    assert api.live_token_ids() == set() and api.databases() == []
    assert_nowhere(stack, local_api.admin_token, *(str(v) for k, v in second.items() if k.endswith(".token")))
