"""DatabaseToken through the real engine against the local server's documented Management API: in-place updates,
rotation with overlap under a live writer, out-of-band revocation, import, and the management-token chain.

Facts held (InfluxData's OpenAPI files api-docs/influxdb3/{cloud-dedicated,clustered}/management/openapi.yml, and
content/influxdb3/{cloud-dedicated,clustered}/admin/tokens/database/): UpdateDatabaseToken "Update the description
and permissions of a database token" (update.md: the new permissions replace the old ones), its expiry cannot be
edited; create.md: "This is the only time the token string is available in plain text" and "InfluxDB might take
some time--from a few seconds to a few minutes--to activate and synchronize new tokens"; revoke.md and
DeleteDatabaseToken: a deleted token is revoked (a get still answers, with revokedAt). Each test names the facts it
leans on. Both faces run side by side in one stack; both products only where the paths are what is held.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any, Iterator, Optional

import pytest
from influxdb_client_3 import InfluxDBClient3, InfluxDBError

from support.documented_stack import DATABASE_TOKEN, DocumentedApi, documented_server, make_documented_stack
from support.engine import Stack
from support.faces import BOTH_IN_ONE_STACK, declared
from support.local_api import LocalApi
from support.secrets_scan import assert_nowhere, check
from support.times import Clock, in_days

BOTH = declared(BOTH_IN_ONE_STACK)
ACTIVATION_DELAY_S = "2"  # the server's --database-token-activation-delay in the rotation test
WAIT_S = 60.0  # the longest any wait below may take before the test fails: a bound, never a timing asserted


@pytest.fixture
def dedicated(tmp_path: Path) -> Iterator[LocalApi]:
    with documented_server(tmp_path / "server-data", "dedicated") as server:
        yield server


@pytest.fixture
def clustered(tmp_path: Path) -> Iterator[LocalApi]:
    with documented_server(tmp_path / "server-data", "clustered") as server:
        yield server


def app_token(**extra: Any) -> dict[str, Any]:
    """One database and one token that may read it, on each face ("{face}" gives each its own database)."""
    return {
        "databases": {"metrics": {"name": "metrics-{face}"}},
        "tokens": {
            "app": {
                "description": "app",
                "permissions": [{"action": "read", "resource": "metrics-{face}"}],
                "expires_in": "30d",
                **extra,
            }
        },
    }


def changed_steps(stack: Stack, env: Optional[dict[str, str]] = None) -> list[tuple[str, str]]:
    """What a preview would do: (resource type's last name, operation) for every step but "same", sorted
    (``pulumi preview --json``; both faces name their resources alike, so the type's module is left out)."""
    done = stack.run("preview", "--json", "--non-interactive", "--stack", stack.name, env=env).ok()
    steps = json.loads(done.stdout).get("steps", [])
    return sorted((step["urn"].split("::")[2].rsplit(":", 1)[1], step["op"]) for step in steps if step["op"] != "same")


def test_description_and_permissions_change_in_place_and_reordered_permissions_are_no_change(
    tmp_path: Path, dedicated: LocalApi
) -> None:
    """UpdateDatabaseToken changes a token's description and permissions in place (update.md: the permissions sent
    replace the old ones); the token keeps its id and string ("the only time the token string is available" is
    its create, so a new one would be a new token). Permissions are a set: their order and repeats are no change."""
    api = DocumentedApi(dedicated, "dedicated")
    stack = make_documented_stack(tmp_path, dedicated, "dedicated", app_token(), BOTH_IN_ONE_STACK)
    stack.up().ok()
    first = stack.secret_outputs()

    def wider(order: list[str]) -> dict[str, Any]:
        permissions = [{"action": action, "resource": "metrics-{face}"} for action in order]
        return app_token(description="app, now writes too", permissions=permissions)

    stack.write_spec(wider(["write", "read"]))
    assert changed_steps(stack) == [(DATABASE_TOKEN, "update")] * 2  # one per face, nothing else
    up = stack.up().ok()
    assert "replaced" not in up.output and "created" not in up.output, up.output
    second = stack.secret_outputs()
    tokens = api.tokens()
    for face, at in BOTH:
        assert second[f"{at}app.token_id"] == first[f"{at}app.token_id"] == second[f"{at}app.id"]
        check(second[f"{at}app.token"] == first[f"{at}app.token"], f"the {face} face's token string changed")
        on_server = tokens[second[f"{at}app.token_id"]]
        assert on_server["description"].startswith("app, now writes too [pulumi:")
        wanted = [{"action": "read", "resource": f"metrics-{face}"}, {"action": "write", "resource": f"metrics-{face}"}]
        assert sorted(on_server["permissions"], key=lambda p: p["action"]) == wanted
        assert second[f"{at}app.permissions"] == wanted

    stack.write_spec(wider(["read", "write", "read"]))  # another order, one repeated: the same set
    stack.preview("--expect-no-changes").ok()
    secrets = [first[f"{at}app.token"] for _, at in BOTH]
    assert_nowhere(stack, *secrets, dedicated.admin_token)


def test_refresh_drops_a_token_revoked_out_of_band_and_the_next_up_mints_a_new_one(
    tmp_path: Path, clustered: LocalApi
) -> None:
    """DeleteDatabaseToken (revoke.md: "Revoke a database token") revokes a token; a get still answers, with
    revokedAt. Refresh then drops the resource from state, and the next up mints a new token (CreateDatabaseToken),
    whose string is shown once. Clustered's paths (/api/v0/tokens/{tokenId}) are the ones the refresh reads."""
    api = DocumentedApi(clustered, "clustered")
    stack = make_documented_stack(tmp_path, clustered, "clustered", app_token(), BOTH_IN_ONE_STACK)
    stack.up().ok()
    first = stack.secret_outputs()
    for _, at in BOTH:
        api.revoke_token(first[f"{at}app.token_id"])

    stack.refresh().ok()
    assert stack.resources(DATABASE_TOKEN) == []
    assert [r["type"].rsplit(":", 1)[1] for r in stack.resources("Database")] == ["Database"] * 2  # untouched
    assert changed_steps(stack) == [(DATABASE_TOKEN, "create")] * 2
    stack.up().ok()
    second = stack.secret_outputs()
    live = api.live_token_ids()
    for face, at in BOTH:
        assert second[f"{at}app.token_id"] != first[f"{at}app.token_id"]
        assert second[f"{at}app.token_id"] in live and first[f"{at}app.token_id"] not in live
        check(second[f"{at}app.token"] != first[f"{at}app.token"], f"the {face} face kept a revoked token string")
    stack.preview("--expect-no-changes").ok()
    secrets = [outputs[f"{at}app.token"] for outputs in (first, second) for _, at in BOTH]
    assert_nowhere(stack, *secrets, clustered.admin_token)


def test_import_of_a_hand_made_token_holds_no_string_and_declaring_it_as_it_is_changes_nothing(
    tmp_path: Path, clustered: LocalApi
) -> None:
    """`pulumi import TYPE NAME ID` reads the resource with its id alone (pulumi.com/docs/iac/cli/commands/
    pulumi_import/); a database token's string is in its create answer only (create.md: "This is the only time the
    token string is available in plain text"), so an imported token's ``token`` holds nothing. A hand-made token
    carries no create marker: declaring it as the server lists it must not PATCH one onto it. Plugin face only:
    Python dynamic resources cannot be imported (pulumi/pulumi#16175)."""
    api = DocumentedApi(clustered, "clustered")
    api.create_database("metrics")
    permissions = [{"action": "write", "resource": "metrics"}, {"action": "read", "resource": "metrics"}]
    expires_at = in_days(30)
    minted = api.create_token("made by hand", permissions, expires_at)
    stack = make_documented_stack(tmp_path, clustered, "clustered", {"tokens": {}}, "plugin")
    done = stack.run(
        "import", f"influxdb3:index:{DATABASE_TOKEN}", "hand", minted["id"], "--yes", "--generate-code=false",
        "--protect=false", "--non-interactive", "--stack", stack.name,
    )  # fmt: skip
    assert done.returncode == 0, done.output

    [imported] = stack.resources(DATABASE_TOKEN)
    assert imported["id"] == minted["id"]
    assert imported["outputs"].get("token") is None  # shown once, in the create answer this stack never saw
    assert imported["inputs"]["description"] == "made by hand"
    assert imported["inputs"]["expiresAt"] == expires_at
    assert sorted(imported["inputs"]["permissions"], key=lambda p: p["action"]) == sorted(
        permissions, key=lambda p: p["action"]
    )

    declared_as_it_is = {"description": "made by hand", "permissions": permissions, "expires_at": expires_at}
    stack.write_spec({"face": "plugin", "tokens": {"hand": declared_as_it_is}})
    stack.preview("--expect-no-changes").ok()
    stack.up().ok()
    assert api.tokens()[minted["id"]]["description"] == "made by hand"  # nothing was sent to it
    assert api.live_token_ids() == {minted["id"]}  # nothing new was minted

    stack.destroy().ok()
    assert api.live_token_ids() == set()
    assert_nowhere(stack, minted["accessToken"], clustered.admin_token)
