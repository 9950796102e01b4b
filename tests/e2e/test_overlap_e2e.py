"""Rotation with ``overlap`` through the real engine: the replaced token stays valid, tracked, then revoked.

Documented facts these tests hold:
- In a replace, the engine creates the new resource and then calls Delete on the old one; Create never
  sees the old resource (pulumi.com/docs/iac/concepts/options/deletebeforereplace; the provider
  protocol's Create has no old state). So an overlapping rotation is an in-place update here, and the
  resource id, which an update cannot change, stays the first token's id: ``token_id`` names the current one.
- Grafana's provider keeps a rotating token valid for ``early_rotation_window``, and InfluxData's docs
  describe rotating with two active tokens (influxdata/docs-v2#2999): the pattern ``overlap`` follows.
- ``INFLUXDB3_TOKENS_FAKE_NOW`` moves the provider's clock (core/timeutil.py); the local server keeps the
  real one, so every token stays live on the server until it is revoked.

Which token to keep, rotate or revoke is decided above the transport (core/management_token/overlap.py);
a transport only mints, gets and revokes. The timeline runs over influxctl too [dynamic-influxctl]: a
rotation's mint and the revoke of a retiring token at its end. The other tests run over HTTP alone;
their influxctl part is a revoke per tracked token (destroy) or a get per retiring token (refresh), which
the timeline, tests/e2e/test_resource_e2e.py's refresh and destroy tests [dynamic-influxctl] and
tests/unit/test_influxctl_client.py (test_create_list_get_revoke_through_influxctl) pin.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pulumi_influxdb3_tokens.core import timeutil
from support.audit_cli import run_audit
from support.engine import REPO, Stack
from support.local_api import LocalApi
from support.secrets_scan import assert_nowhere, check
from support.times import Clock, moment_in_days

# The timeline on each face and each transport once: the dynamic face over HTTP is what every other
# test of this module runs (two rotations, destroy, refresh, the lost answer), so a third variant for
# that pair would repeat them.
each_face = pytest.mark.parametrize(("face", "transport"), [("plugin", "http"), ("dynamic", "influxctl")])
PACK = ["--policy-pack", str(REPO / "policy")]


def ci(**extra: str) -> dict[str, Any]:
    return {"tokens": {"ci": {"description": "ci", "expires_in": "10d", "overlap": "1d", **extra}}}


def rotate_by_description(stack: Stack, description: str, **env: str) -> dict[str, Any]:
    stack.write_spec(ci(description=description))
    up = stack.up(env=env or None).ok()
    assert "replaced" not in up.output and "created" not in up.output, up.output
    return stack.secret_outputs()


def rotated_once(make_stack: Any) -> tuple[Stack, dict[str, Any], dict[str, Any]]:
    """A stack whose token was rotated with overlap once: (stack, outputs before, outputs after)."""
    stack = make_stack(ci())
    stack.up().ok()
    first = stack.secret_outputs()
    second = rotate_by_description(stack, "ci, rotated")
    return stack, first, second


@each_face
@pytest.mark.long
def test_rotation_with_overlap_keeps_the_old_token_until_the_first_up_after_its_end(make_stack, local_api: LocalApi):
    clock = Clock()
    stack = make_stack(ci(rotate_before="3d"))
    stack.up(env=clock.at(0)).ok()
    first = stack.secret_outputs()
    assert first["ci.token_id"] == first["ci.id"] and first["ci.retiring"] == []
    stack.preview("--expect-no-changes", env=clock.at(5)).ok()  # before the rotation window

    preview = stack.preview(env=clock.at(8)).ok()
    until = clock.iso(9)  # the rotating up's now plus the overlap
    assert f"the previous token stays valid until {until}, revoked by the first up after that" in preview.output
    up = stack.up(env=clock.at(8)).ok()
    assert "replaced" not in up.output and "deleted" not in up.output

    second = stack.secret_outputs()
    assert second["ci.id"] == first["ci.id"]  # an update keeps the resource id
    assert second["ci.token_id"] != first["ci.token_id"]
    assert second["ci.retiring"] == [{"id": first["ci.token_id"], "prefix": first["ci.token_prefix"], "until": until}]
    assert local_api.live_ids() == {first["ci.token_id"], second["ci.token_id"]}
    assert local_api.authenticates(first["ci.token"]) and local_api.authenticates(second["ci.token"])
    [state] = stack.resources()
    assert [entry["id"] for entry in state["outputs"]["retiring"]] == [first["ci.token_id"]]

    stack.preview("--expect-no-changes", env=clock.at(8.5)).ok()  # inside the window: nothing to do
    stack.up(env=clock.at(8.5)).ok()
    assert local_api.live_ids() == {first["ci.token_id"], second["ci.token_id"]}

    after = stack.preview(env=clock.at(9.5)).ok()
    assert f"the previous token {first['ci.token_id']} stayed valid until {until}; this update revokes it" in (
        after.output
    )
    stack.up(env=clock.at(9.5)).ok()
    assert local_api.live_ids() == {second["ci.token_id"]}
    assert not local_api.authenticates(first["ci.token"])
    third = stack.secret_outputs()
    assert third["ci.retiring"] == [] and third["ci.token"] == second["ci.token"]
    stack.preview("--expect-no-changes", env=clock.at(9.5)).ok()
    assert_nowhere(stack, first["ci.token"], second["ci.token"], local_api.admin_token)


@pytest.mark.http_only  # decided above the transport; the docstring names the influxctl pins
def test_destroy_during_an_overlap_revokes_the_current_and_the_retiring_token(make_stack, local_api: LocalApi):
    stack, first, second = rotated_once(make_stack)
    assert local_api.live_ids() == {first["ci.token_id"], second["ci.token_id"]}

    stack.destroy().ok()
    assert local_api.live_ids() == set()
    assert_nowhere(stack, first["ci.token"], second["ci.token"], local_api.admin_token)


@pytest.mark.http_only  # decided above the transport; the docstring names the influxctl pins
def test_refresh_drops_a_retiring_token_revoked_out_of_band(make_stack, local_api: LocalApi):
    stack, first, second = rotated_once(make_stack)
    local_api.revoke(first["ci.token_id"])

    stack.refresh().ok()
    [state] = stack.resources()
    assert state["outputs"]["retiring"] == []
    stack.up().ok()
    assert stack.secret_outputs()["ci.token"] == second["ci.token"]  # the current token is untouched
    stack.preview("--expect-no-changes").ok()


@pytest.mark.http_only  # decided above the transport; the docstring names the influxctl pins
def test_two_rotations_within_one_window_keep_both_older_tokens_tracked(make_stack, local_api: LocalApi):
    clock = Clock()
    stack = make_stack(ci())
    stack.up(env=clock.at(0)).ok()
    first = stack.secret_outputs()
    second = rotate_by_description(stack, "ci, second", **clock.at(0.25))
    third = rotate_by_description(stack, "ci, third", **clock.at(0.5))

    assert third["ci.retiring"] == [
        {"id": first["ci.token_id"], "prefix": first["ci.token_prefix"], "until": clock.iso(1.25)},
        {"id": second["ci.token_id"], "prefix": second["ci.token_prefix"], "until": clock.iso(1.5)},
    ]
    assert local_api.live_ids() == {first["ci.token_id"], second["ci.token_id"], third["ci.token_id"]}

    stack.up(env=clock.at(1.3)).ok()  # the first one's end has passed, the second one's not yet
    assert local_api.live_ids() == {second["ci.token_id"], third["ci.token_id"]}
    stack.up(env=clock.at(1.6)).ok()
    assert local_api.live_ids() == {third["ci.token_id"]}
    stack.preview("--expect-no-changes", env=clock.at(1.6)).ok()
    assert_nowhere(stack, first["ci.token"], second["ci.token"], third["ci.token"], local_api.admin_token)


@pytest.mark.http_only
def test_a_rotation_whose_answer_is_lost_is_finished_by_the_next_up_through_the_journal(
    make_stack, local_api: LocalApi
):
    stack = make_stack(ci())
    stack.up().ok()
    first = stack.secret_outputs()
    local_api.restart(["--crash-after-creates", "1"])  # the rotation's create commits, then the server dies
    stack.config_set("influxdb3:retryTimeout", "3")
    stack.write_spec(ci(description="ci, rotated"))
    failed = stack.up()
    assert failed.returncode != 0 and "Traceback" not in failed.output
    assert stack.secret_outputs()["ci.token_id"] == first["ci.token_id"]  # the failed update changed no state
    local_api.extra_args = []
    local_api.start()  # healthy again, same data and port
    [lost] = [t for t in local_api.live_tokens() if t["id"] != first["ci.token_id"]]

    stack.config_set("influxdb3:retryTimeout", "20")
    up = stack.up().ok()
    assert f"the server created token {lost['id']} but its answer was lost; revoked it" in up.output
    second = stack.secret_outputs()
    assert [entry["id"] for entry in second["ci.retiring"]] == [first["ci.token_id"]]
    assert local_api.live_ids() == {first["ci.token_id"], second["ci.token_id"]}  # nothing unheld is live
    assert_nowhere(stack, first["ci.token"], second["ci.token"], local_api.admin_token)


@pytest.mark.http_only
def test_without_overlap_a_change_still_replaces_and_revokes_at_once(make_stack, local_api: LocalApi):
    stack = make_stack({"tokens": {"ci": {"description": "ci", "expires_in": "10d"}}})
    stack.up().ok()
    first = stack.outputs()["ci.token_id"]
    stack.write_spec({"tokens": {"ci": {"description": "ci, rotated", "expires_in": "10d"}}})
    assert "replaced" in stack.up().ok().output
    outputs = stack.outputs()
    assert outputs["ci.id"] == outputs["ci.token_id"] != first and outputs["ci.retiring"] == []
    assert local_api.live_ids() == {outputs["ci.token_id"]}


@pytest.mark.http_only
def test_audit_counts_retiring_tokens_as_held_and_shows_their_end(make_stack, local_api: LocalApi, tmp_path: Path):
    stack, first, second = rotated_once(make_stack)
    state = tmp_path / "state.json"
    state.write_text(stack.run("stack", "export", "--stack", stack.name).ok().stdout)

    done = run_audit("--format", "json", "--stack-state", str(state), env=local_api.env())
    assert done.returncode in (0, 1), done.stderr  # 1: the bootstrap admin token never expires
    report = json.loads(done.stdout)
    assert report["orphans"] == [] and report["unattributed"] == []
    [retiring] = [t for t in report["tokens"] if t["retiringUntil"]]
    assert retiring["id"] == first["ci.token_id"] and retiring["retiringUntil"] == second["ci.retiring"][0]["until"]

    table = run_audit("--stack-state", str(state), env=local_api.env())
    assert f"{first['ci.token_id']} until {retiring['retiringUntil']}" in table.stdout
    assert "retiring" in table.stdout and "No orphans" in table.stdout
    printed = done.stdout + table.stdout + done.stderr + table.stderr + state.read_text()
    for token in (first["ci.token"], second["ci.token"], local_api.admin_token):
        check(token not in printed, "a token string is in the audit's output or the exported state")


@pytest.mark.http_only
@pytest.mark.parametrize("face", ["plugin"])
def test_an_imported_token_rotates_with_overlap_like_any_other(make_stack, local_api: LocalApi):
    minted = local_api.mint("made by hand", timeutil.format_rfc3339(moment_in_days(20)))
    stack = make_stack({"tokens": {}})
    done = stack.run(
        "import", "influxdb3:index:ManagementToken", "hand", minted["id"], "--yes", "--generate-code=false",
        "--protect=false", "--non-interactive", "--stack", stack.name,
    )  # fmt: skip
    assert done.returncode == 0, done.output

    stack.write_spec({"tokens": {"hand": {"description": "now declared", "expires_in": "10d", "overlap": "1d"}}})
    up = stack.up().ok()
    assert "replaced" not in up.output
    outputs = stack.secret_outputs()
    assert outputs["hand.id"] == minted["id"] and outputs["hand.token_id"] != minted["id"]
    assert [entry["id"] for entry in outputs["hand.retiring"]] == [minted["id"]]
    assert local_api.live_ids() == {minted["id"], outputs["hand.token_id"]}
    stack.preview("--expect-no-changes").ok()

    stack.destroy().ok()
    assert local_api.live_ids() == set()
    assert_nowhere(stack, minted["accessToken"], outputs["hand.token"], local_api.admin_token)


@pytest.mark.http_only
def test_the_pack_refuses_an_overlap_over_max_overlap_and_check_one_longer_than_the_lifetime(
    make_stack, tmp_path: Path
):
    stack = make_stack(
        {"tokens": {"ci": {"description": "ci", "expires_in": "30d", "rotate_before": "7d", "overlap": "8d"}}}
    )
    refused = stack.preview(*PACK)
    assert refused.returncode != 0 and "management-token-max-overlap" in refused.output
    assert "ManagementToken 'ci': overlap 8d is longer than maxOverlapDays 7" in refused.output

    config = tmp_path / "policy-config.json"
    config.write_text(json.dumps({"management-token-max-overlap": {"maxOverlapDays": 10}}))
    stack.preview(*PACK, "--policy-pack-config", str(config)).ok()

    stack.write_spec({"tokens": {"ci": {"description": "ci", "expires_in": "1d", "overlap": "2d"}}})
    longer = stack.preview()
    assert longer.returncode != 0
    assert "overlap (2d) is longer than the token's lifetime (expires_in 1d)" in longer.output
    assert "Traceback" not in longer.output


@pytest.mark.http_only  # the engine and the pack decide; the transport only revokes
def test_a_mandatory_policy_failure_keeps_a_retiring_token_valid_past_its_end(
    make_stack, local_api: LocalApi, tmp_path: Path
):
    """What docs/guides/rotation-with-overlap.md says: an `up` the pack refuses revokes nothing, so a
    retiring token stays valid past its end until an `up` passes the policy (here: the policy set to
    advisory). Lowering maxOverlapDays below a declared overlap is how a stack gets there."""
    clock = Clock()
    stack = make_stack(ci(overlap="2d", rotate_before="4d"))
    stack.up(*PACK, env=clock.at(0)).ok()
    first = stack.secret_outputs()
    stack.up(*PACK, env=clock.at(7)).ok()  # rotates: the first token retires until day 9
    second = stack.secret_outputs()
    assert [entry["id"] for entry in second["ci.retiring"]] == [first["ci.token_id"]]

    lowered = tmp_path / "lowered.json"
    lowered.write_text(json.dumps({"management-token-max-overlap": {"maxOverlapDays": 1}}))
    # As ci-step runs it: `up` with its preview, which the mandatory failure stops before the update starts.
    refused = stack.run("up", "--yes", *PACK, "--policy-pack-config", str(lowered), env=clock.at(9.5))
    assert refused.returncode != 0 and "overlap 2d is longer than maxOverlapDays 1" in refused.output
    assert "Updating (" not in refused.output
    assert local_api.live_ids() == {first["ci.token_id"], second["ci.token_id"]}  # past its end, still valid
    assert local_api.authenticates(first["ci.token"])

    advisory = tmp_path / "advisory.json"
    advisory.write_text(
        json.dumps({"management-token-max-overlap": {"enforcementLevel": "advisory", "maxOverlapDays": 1}})
    )
    passed = stack.up(*PACK, "--policy-pack-config", str(advisory), env=clock.at(9.5)).ok()
    assert f"the previous token {first['ci.token_id']} stayed valid until" in passed.output
    assert local_api.live_ids() == {second["ci.token_id"]}
    assert not local_api.authenticates(first["ci.token"])
