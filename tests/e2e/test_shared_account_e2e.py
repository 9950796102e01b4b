"""Issue 17, through the engine over the stand-in influxctl: on an account shared by people and
stacks, nothing that is not provably this stack's is ever adopted or revoked.

The account holds the admin credential, a colleague's tokens (another identity), tokens made by hand
with the same admin, and the tokens of more than one stack, some with the same description.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from support.audit_cli import Ran, run_audit
from support.engine import Stack
from support.local_api import LocalApi
from support.secrets_scan import assert_nowhere
from support.standin import standin_env

pytestmark = pytest.mark.engine


def influxctl_stack(tmp_path: Path, local_api: LocalApi, name: str, spec: dict[str, Any]) -> Stack:
    """A stack of the `tokens` program in its own folder, on the stand-in, with the admin token in config."""
    folder = tmp_path / name
    folder.mkdir()
    stack = Stack.create("tokens", folder)
    stack.write_spec(spec)
    stack.extra_env.update(standin_env(local_api, stack.backend_dir))
    stack.connect_to(local_api, over_http=False, plain={"influxdb3:retryTimeout": "20"})
    return stack


def export_state(stack: Stack, path: Path) -> Path:
    """`pulumi stack export` without --show-secrets, as a user passes it to the audit."""
    path.write_text(stack.run("stack", "export", "--stack", stack.name).ok().stdout)
    return path


def live(local_api: LocalApi) -> dict[str, dict[str, Any]]:
    """Every live token, the admin credential included."""
    return {t["id"]: t for t in local_api.list_tokens() if t["revokedAt"] is None}


def held_ids(stack: Stack) -> set[str]:
    return {r["id"] for r in stack.resources()}


def colleague_token(local_api: LocalApi, description: str) -> dict[str, Any]:
    """A token a colleague made with their own admin token (another identity in `created_by`)."""
    colleague = local_api.mint("colleague's admin")
    with local_api.client(colleague["accessToken"]) as http:
        response = http.post(local_api.tokens_path, json={"description": description})
        response.raise_for_status()
        return dict(response.json())


def lose_a_create_beside_a_twin(stack: Stack, local_api: LocalApi, name: str, description: str) -> None:
    """Add a token whose influxctl create is lost while the same admin makes its twin at that moment, with the
    same description and create marker (a copy of this stack's state running the same create): two
    candidates, none adopted, the update fails; the next one mints a third, which the stack holds.
    The two left over are reported, never revoked: a create that failed leaves no pending create in the
    state, so nothing proves which of them, if either, is the stack's (the failure named both ids)."""
    spec = json.loads((stack.work_dir / "spec.json").read_text())
    spec["tokens"][name] = {"description": description}
    stack.write_spec(spec)
    faulty = {
        "INFLUXCTL_STANDIN_FAULT": "create-mint-then-lost",
        "INFLUXCTL_STANDIN_CONCURRENT_CREATE_TOKEN": local_api.admin_token,
    }
    failed = stack.up(env=faulty)
    assert failed.returncode != 0 and "--replace" not in failed.output
    assert "2 tokens carrying this create's marker appeared while it ran" in failed.output
    stack.up().ok()


def audit(*args: str, env: dict[str, str]) -> Ran:
    return run_audit("--format", "json", *args, env=env)


def test_a_lost_create_next_to_another_stacks_token_of_the_same_description_fails_and_adopts_nothing(
    tmp_path: Path, local_api: LocalApi
):
    other = influxctl_stack(tmp_path, local_api, "other", {"tokens": {"deployer": {"description": "deployer"}}})
    other.up().ok()
    [theirs] = held_ids(other)
    ours = influxctl_stack(tmp_path, local_api, "ours", {"tokens": {"deployer": {"description": "deployer"}}})

    # The failure: the dial timed out, nothing was minted, the other stack's twin is listed.
    failed = ours.up(env={"INFLUXCTL_STANDIN_FAULT": "create-dial-timeout"})

    assert failed.returncode != 0
    assert "influxctl cannot reach the cluster's management service" in failed.output
    assert "dial tcp 34.102.13.7:443: i/o timeout" in failed.output
    assert "Traceback" not in failed.output and "--replace" not in failed.output
    assert held_ids(ours) == set()  # adopted nothing
    assert theirs in live(local_api) and held_ids(other) == {theirs}

    # The next update mints its own token; the other stack's stays its own.
    ours.up().ok()
    [mine] = held_ids(ours)
    assert mine != theirs and {mine, theirs} <= set(live(local_api))
    ours.preview("--expect-no-changes").ok()
    other.preview("--expect-no-changes").ok()
    assert_nowhere(ours, local_api.admin_token)


def test_audit_revoke_orphans_with_the_users_own_profile_leaves_the_credential_and_others_tokens_alone(
    tmp_path: Path, local_api: LocalApi
):
    stack = influxctl_stack(tmp_path, local_api, "svc", {"tokens": {"api": {"description": "svc api"}}})
    stack.up().ok()
    lose_a_create_beside_a_twin(stack, local_api, "worker", "svc worker")
    theirs = colleague_token(local_api, "svc worker")  # same description, another identity
    by_hand = local_api.mint("release script")  # same admin, a description the stack does not declare
    held = held_ids(stack)
    leftovers = {i for i, t in live(local_api).items() if t["description"].startswith("svc worker") and i not in held}
    leftovers.discard(theirs["id"])
    assert len(leftovers) == 2

    profile = tmp_path / "influxctl.toml"
    profile.write_text(
        f'[[profile]]\nname = "ci"\nproduct = "dedicated"\naccount_id = "{local_api.account_id}"\n'
        f'cluster_id = "{local_api.cluster_id}"\nmgmt_token = "{local_api.admin_token}"\n'
    )
    profile.chmod(0o600)
    env = standin_env(local_api, tmp_path)  # no API URL: the influxctl transport, with the user's profile
    own = ("--profile", "ci", "--influxctl-config", str(profile))
    state = export_state(stack, tmp_path / "svc.json")
    before = set(live(local_api))

    shown = audit("--stack-state", str(state), *own, env=env)
    assert shown.returncode == 1, shown.stderr  # no orphan; the never-expiring tokens break a mandatory rule
    report = json.loads(shown.stdout)
    assert report["orphans"] == []
    assert leftovers | {theirs["id"], by_hand["id"]} <= set(report["unattributed"])
    done = audit("--stack-state", str(state), "--revoke-orphans", "--yes", *own, env=env)
    assert done.returncode == 1, done.stderr
    assert set(live(local_api)) == before  # nothing it cannot prove is the stack's was revoked
    credential = [i for i, t in live(local_api).items() if local_api.admin_token.startswith(t["tokenPrefix"])]
    assert len(credential) == 1  # the admin credential is still live
    assert {theirs["id"], by_hand["id"]} | held <= set(live(local_api))
    for ran in (shown, done):
        assert local_api.admin_token not in ran.stdout + ran.stderr
    stack.preview("--expect-no-changes").ok()


@pytest.mark.long
def test_two_stacks_on_one_account_audited_together_lose_only_their_true_orphans(tmp_path: Path, local_api: LocalApi):
    first = influxctl_stack(tmp_path, local_api, "first", {"tokens": {"a": {"description": "first a"}}})
    second = influxctl_stack(tmp_path, local_api, "second", {"tokens": {"b": {"description": "second b"}}})
    first.up().ok()
    second.up().ok()
    lose_a_create_beside_a_twin(first, local_api, "c", "first c")
    lose_a_create_beside_a_twin(second, local_api, "d", "second d")
    theirs = colleague_token(local_api, "first a")
    by_hand = local_api.mint("second b plus")
    held = held_ids(first) | held_ids(second)
    assert len(held) == 4
    leftovers = {
        i
        for i, t in live(local_api).items()
        if t["description"].startswith(("first c ", "second d ")) and i not in held
    }
    assert len(leftovers) == 4
    states = [export_state(first, tmp_path / "first.json"), export_state(second, tmp_path / "second.json")]
    env = {**local_api.env(), **standin_env(local_api, tmp_path)}
    del env["INFLUXDB3_API_URL"]  # the influxctl transport, the admin token from the environment

    # With only the first stack's state, the second stack's tokens are not the first's orphans.
    alone = json.loads(audit("--stack-state", str(states[0]), env=env).stdout)
    assert alone["orphans"] == []
    assert held_ids(second) | leftovers <= set(alone["unattributed"])

    args = [arg for state in states for arg in ("--stack-state", str(state))]
    before = set(live(local_api))
    done = audit(*args, "--revoke-orphans", "--yes", env=env)
    assert done.returncode in (0, 1), done.stderr
    assert json.loads(done.stdout)["orphans"] == []  # the true orphans come from interrupted creates:
    assert set(live(local_api)) == before  # tests/e2e/test_faults_e2e.py revokes those
    assert held | {theirs["id"], by_hand["id"]} <= set(live(local_api))
    first.preview("--expect-no-changes").ok()
    second.preview("--expect-no-changes").ok()
