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
import time
from functools import partial
from pathlib import Path
from typing import Any, Callable, Iterator, Optional

import pytest
from influxdb_client_3 import InfluxDBClient3, InfluxDBError

from support.documented_stack import (
    DATABASE_TOKEN,
    PRODUCTS,
    DocumentedApi,
    documented_server,
    make_documented_stack,
)
from support.engine import Stack
from support.faces import BOTH_IN_ONE_STACK, declared
from support.local_api import LocalApi
from support.secrets_scan import assert_nowhere, check
from support.times import Clock, in_days

BOTH = declared(BOTH_IN_ONE_STACK)
ACTIVATION_DELAY_S = "2"  # the server's --database-token-activation-delay in the rotation test
WAIT_S = 60.0  # the longest any wait below may take before the test fails: a bound, never a timing asserted


@pytest.fixture(params=PRODUCTS)
def product(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def server(tmp_path: Path, product: str) -> Iterator[LocalApi]:
    with documented_server(tmp_path / "server-data", product) as server:
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
    tmp_path: Path, server: LocalApi, product: str
) -> None:
    """UpdateDatabaseToken changes a token's description and permissions in place (update.md: the permissions sent
    replace the old ones); the token keeps its id and string ("the only time the token string is available" is
    its create, so a new one would be a new token). Permissions are a set: their order and repeats are no change.
    Both products: the PATCH goes to each one's documented path."""
    api = DocumentedApi(server, product)
    stack = make_documented_stack(tmp_path, server, product, app_token(), BOTH_IN_ONE_STACK)
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
    assert_nowhere(stack, *secrets, server.admin_token)


@pytest.mark.parametrize("product", ["clustered"])
def test_refresh_drops_a_token_revoked_out_of_band_and_the_next_up_mints_a_new_one(
    tmp_path: Path, server: LocalApi, product: str
) -> None:
    """DeleteDatabaseToken (revoke.md: "Revoke a database token") revokes a token; a get still answers, with
    revokedAt. Refresh then drops the resource from state, and the next up mints a new token (CreateDatabaseToken),
    whose string is shown once. Clustered's paths (/api/v0/tokens/{tokenId}) are the ones the refresh reads."""
    api = DocumentedApi(server, product)
    stack = make_documented_stack(tmp_path, server, product, app_token(), BOTH_IN_ONE_STACK)
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
    assert_nowhere(stack, *secrets, server.admin_token)


@pytest.mark.parametrize("product", ["clustered"])
def test_import_of_a_hand_made_token_holds_no_string_and_declaring_it_as_it_is_changes_nothing(
    tmp_path: Path, server: LocalApi, product: str
) -> None:
    """`pulumi import TYPE NAME ID` reads the resource with its id alone (pulumi.com/docs/iac/cli/commands/
    pulumi_import/); a database token's string is in its create answer only (create.md: "This is the only time the
    token string is available in plain text"), so an imported token's ``token`` holds nothing. A hand-made token
    carries no create marker: declaring it as the server lists it must not PATCH one onto it. Plugin face only:
    Python dynamic resources cannot be imported (pulumi/pulumi#16175)."""
    api = DocumentedApi(server, product)
    api.create_database("metrics")
    permissions = [{"action": "write", "resource": "metrics"}, {"action": "read", "resource": "metrics"}]
    expires_at = in_days(30)
    minted = api.create_token("made by hand", permissions, expires_at)
    stack = make_documented_stack(tmp_path, server, product, {"tokens": {}}, "plugin")
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
    assert_nowhere(stack, minted["accessToken"], server.admin_token)


class Writer(threading.Thread):
    """A consumer writing a point every ~100 ms with InfluxData's Python client, as the docs tell consumers to
    rotate: it keeps the token that works and tries the one handed to it (``offer``) until that one works too,
    then drops the old one. A point no held token could write is rejected; the test wants none."""

    def __init__(self, url: str, database: str) -> None:
        super().__init__(daemon=True)
        self.url, self.database = url, database
        self.current: Optional[str] = None
        self.offered: Optional[str] = None
        self.written: dict[str, int] = {}  # per token string: how many points it wrote
        self.rejected = 0
        self.done = threading.Event()
        self.lock = threading.Lock()
        self.clients: dict[str, InfluxDBClient3] = {}

    def offer(self, token: str) -> None:
        with self.lock:
            self.offered = token

    def holds(self, token: str) -> bool:
        with self.lock:
            return self.current == token

    def wrote_with(self, token: str) -> int:
        with self.lock:
            return self.written.get(token, 0)

    def wrote_more_than(self, token: str, count: int) -> bool:
        return self.wrote_with(token) > count

    def write(self, token: str, point: int) -> bool:
        client = self.clients.get(token)
        if client is None:
            client = self.clients[token] = InfluxDBClient3(host=self.url, token=token, database=self.database)
        try:
            client.write(record=f"rotation,writer=test value={point}i")
        except InfluxDBError:
            return False
        with self.lock:
            self.written[token] = self.written.get(token, 0) + 1
        return True

    def run(self) -> None:
        try:
            for point in range(int(5 * WAIT_S * 10)):  # bounded: at most this many points, ~100 ms apart
                if self.done.wait(0.1):
                    return
                with self.lock:
                    offered, current = self.offered, self.current
                if offered is not None and self.write(offered, point):
                    with self.lock:
                        self.current, self.offered = offered, None
                elif current is not None and not self.write(current, point):
                    with self.lock:
                        self.rejected += 1
        finally:
            for client in self.clients.values():
                client.close()


def wait_until(condition: Callable[[], bool], what: str) -> None:
    """Wait (bounded by WAIT_S) for ``condition()``; fail naming ``what``."""
    deadline = time.monotonic() + WAIT_S
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {WAIT_S}s for {what}")
        time.sleep(0.1)


def refused_write(url: str, token: str, database: str) -> Optional[int]:
    """The status a write with ``token`` is refused with, or None when it is written."""
    with InfluxDBClient3(host=url, token=token, database=database) as client:
        try:
            client.write(record="rotation,writer=probe value=1i")
        except InfluxDBError as refused:
            return int(refused.response.status)
    return None


def test_rotation_with_overlap_never_rejects_a_write_of_a_consumer_that_switches_once_the_new_token_works(
    tmp_path: Path,
) -> None:
    """create.md: a new token may take "from a few seconds to a few minutes" to activate (the server's
    --database-token-activation-delay), so a rotation must leave the old token valid while consumers switch: with
    ``overlap`` the old token stays in ``retiring``, valid until its end, and the first up after that revokes it
    (DeleteDatabaseToken). A consumer that keeps the old token until the new one works, switching inside the
    overlap (docs/guides/rotation-with-overlap.md: "Consumers switch from A to B any time between" the rotation and
    the overlap's end), never has a write rejected. A database token's expiry cannot be edited
    (UpdateDatabaseToken sends only description and permissions), so a new expires_in rotates."""
    clock = Clock()
    flags = ("--database-token-activation-delay", ACTIVATION_DELAY_S)
    with documented_server(tmp_path / "server-data", "dedicated", *flags) as server:
        api = DocumentedApi(server, "dedicated")
        writes = [{"action": "write", "resource": "metrics-{face}"}]
        stack = make_documented_stack(
            tmp_path, server, "dedicated", app_token(permissions=writes, expires_in="10d", overlap="1d"),
            BOTH_IN_ONE_STACK,
        )  # fmt: skip
        stack.up(env=clock.at(0)).ok()
        first = stack.secret_outputs()
        writers = {face: Writer(server.url, f"metrics-{face}") for face, _ in BOTH}
        for face, at in BOTH:
            writers[face].offer(first[f"{at}app.token"])
            writers[face].start()
        try:
            for face, at in BOTH:
                wait_until(partial(writers[face].holds, first[f"{at}app.token"]), f"the {face} face's first token")

            stack.write_spec(app_token(permissions=writes, expires_in="11d", overlap="1d"))
            up = stack.up(env=clock.at(0)).ok()
            assert "replaced" not in up.output and "deleted" not in up.output, up.output
            assert f"the previous token stays valid until {clock.iso(1)}, revoked by the first up after that" in (
                up.output
            )
            second = stack.secret_outputs()
            for face, at in BOTH:
                assert second[f"{at}app.id"] == first[f"{at}app.id"]  # rotated in place: the resource id stays
                assert second[f"{at}app.token_id"] != first[f"{at}app.token_id"]
                assert second[f"{at}app.retiring"] == [{"id": first[f"{at}app.token_id"], "until": clock.iso(1)}]
                writers[face].offer(second[f"{at}app.token"])
            for face, at in BOTH:
                wait_until(partial(writers[face].holds, second[f"{at}app.token"]), f"the {face} face's new token")
                # Still valid inside its overlap: a consumer that has not switched yet keeps writing.
                assert refused_write(server.url, first[f"{at}app.token"], f"metrics-{face}") is None
            assert api.live_token_ids() >= {first[f"{at}app.token_id"] for _, at in BOTH}

            revoking = stack.up(env=clock.at(1.5)).ok()  # the first up after the overlap's end revokes the old ones
            third = stack.secret_outputs()
            tokens = api.tokens()
            for face, at in BOTH:
                assert third[f"{at}app.retiring"] == [] and third[f"{at}app.token_id"] == second[f"{at}app.token_id"]
                assert tokens[first[f"{at}app.token_id"]]["revokedAt"]
                said = f"the previous token {first[f'{at}app.token_id']} stayed valid until {clock.iso(1)}; this update"
                assert said in revoking.output, revoking.output
                assert refused_write(server.url, first[f"{at}app.token"], f"metrics-{face}") == 401
                after = writers[face].wrote_with(second[f"{at}app.token"])
                wait_until(partial(writers[face].wrote_more_than, second[f"{at}app.token"], after), "a write after it")
        finally:
            for writer in writers.values():
                writer.done.set()
                writer.join(WAIT_S)
        for face, at in BOTH:
            assert writers[face].rejected == 0, f"the {face} face's consumer had writes rejected"
            assert writers[face].wrote_with(first[f"{at}app.token"]) > 0
        secrets = [outputs[f"{at}app.token"] for outputs in (first, second) for _, at in BOTH]
        assert_nowhere(stack, *secrets, server.admin_token)


def chained(**chain: str) -> dict[str, Any]:
    """A ManagementToken minted by the stack, whose ``token`` is the credential of the database and the database
    token on each face (tests/e2e/programs/databases: the plugin's explicit provider, the dynamic inputs)."""
    return {**app_token(), "chain": {"description": "chain {face}", **chain}}


def only_the_chain_is_replaced_or_rotated(steps: list[tuple[str, str]], chain_ops: set[str]) -> None:
    """The preview's steps: the ManagementTokens do ``chain_ops``; everything else is at most an update that
    replaces, creates and deletes nothing (see the test's docstring for why a preview shows those updates)."""
    assert {op for kind, op in steps if kind == "ManagementToken"} == chain_ops, steps
    assert {op for kind, op in steps if kind != "ManagementToken"} <= {"update"}, steps


@pytest.mark.parametrize("product", ["dedicated"])
@pytest.mark.long
def test_a_chained_management_token_rotates_without_touching_what_it_manages_and_destroy_uses_the_live_one(
    tmp_path: Path, server: LocalApi, product: str
) -> None:
    """A management token is the credential of the Management API (admin/tokens/management/_index.md: management
    tokens grant permission to perform administrative actions), and nothing in GetDatabase or GetDatabaseToken ties a
    database or a database token to the management token that made it. So rotating the stack's own management
    token, with overlap (in place, the old one retiring) or without (a replacement, DeleteManagementToken revoking
    the old one), replaces nothing else: every database and database token keeps its id, its string and what the
    server holds of it; and a later destroy acts with the live credential, never with a revoked one.

    What the preview shows besides the ManagementToken, and why it cannot show less: the rotated token's string is
    unknown until the update runs, so the plugin's explicit provider has an unknown ``managementToken`` (an update of
    its config) and the engine does not call an unconfigured provider's Check and Diff in a preview (pulumi/pulumi
    sdk/go/common/resource/plugin/provider_plugin.go: "If the configuration for this provider was not fully known
    ... don't call into the underlying provider"), so its resources show as updates; the dynamic resources' own
    ``management_token`` input is unknown, an update that only stores the credential (dynamic/provider.py). The up
    itself calls the server for neither: the plugin's resources stay unchanged and the dynamic ones store the new
    credential, which destroy then uses."""
    api = DocumentedApi(server, product)
    stack = make_documented_stack(tmp_path, server, product, chained(expires_in="10d", overlap="1d"), BOTH_IN_ONE_STACK)
    stack.up().ok()
    first = stack.secret_outputs()
    held = api.tokens()

    stack.write_spec(chained(expires_in="11d", overlap="1d"))
    only_the_chain_is_replaced_or_rotated(changed_steps(stack), {"update"})  # with overlap: rotated in place
    rotated = stack.up().ok()
    second = stack.secret_outputs()
    for _, at in BOTH:
        assert [entry["id"] for entry in second[f"{at}chain.retiring"]] == [first[f"{at}chain.token_id"]]

    stack.write_spec(chained(expires_in="12d"))
    only_the_chain_is_replaced_or_rotated(changed_steps(stack), {"replace"})
    replaced = stack.up().ok()
    third = stack.secret_outputs()
    for up in (rotated, replaced):
        for kind, name in (("Database", "metrics"), ("DatabaseToken", "app")):  # the plugin's: the server not asked
            assert f"influxdb3:index:{kind} {name} updat" not in up.output, up.output
    for face, at in BOTH:
        chain_ids = [outputs[f"{at}chain.token_id"] for outputs in (first, second, third)]
        assert len(set(chain_ids)) == 3, f"the {face} face's management token did not rotate each time"
        for name in ("metrics.id", "app.id", "app.token_id"):
            assert first[f"{at}{name}"] == second[f"{at}{name}"] == third[f"{at}{name}"]
        check(third[f"{at}app.token"] == first[f"{at}app.token"], f"the {face} face's database token changed")
    assert api.tokens() == held  # no database token was minted, updated or revoked
    live = server.live_ids()
    assert {third[f"{at}chain.token_id"] for _, at in BOTH} == live  # the replaced ones and their retiring: revoked
    stack.preview("--expect-no-changes").ok()

    stack.destroy().ok()  # with the third management token: the first two are revoked
    assert api.databases() == [] and api.live_token_ids() == set()
    assert server.live_ids() == set()
    names = ("app", "chain")
    secrets = {outputs[f"{at}{name}.token"] for outputs in (first, second, third) for _, at in BOTH for name in names}
    assert_nowhere(stack, *secrets, server.admin_token)
