"""What only the influxctl transport shows, through the real engine with the stand-in influxctl."""

from __future__ import annotations

import pytest

from support import markers
from support.local_api import LocalApi
from support.secrets_scan import assert_nowhere

pytestmark = pytest.mark.parametrize("transport", ["influxctl"])


def test_wrong_credentials_give_one_sentence_without_the_token(make_stack, local_api: LocalApi):
    stack = make_stack({"tokens": {"ci": {"description": "ci", "expires_in": "30d"}}})
    wrong = "M.V1.definitely-not-a-valid-token"
    stack.config_set("influxdb3:managementToken", wrong, secret=True)
    up = stack.up()
    assert up.returncode != 0
    assert (
        "Could not create a management token with influxctl: the management token was rejected (missing, "
        "unknown, revoked or expired); check influxdb3:managementToken or INFLUXDB3_MANAGEMENT_TOKEN."
    ) in up.output
    assert wrong not in up.output
    assert_nowhere(stack, wrong, local_api.admin_token)


def test_an_interrupted_create_is_adopted_not_duplicated(make_stack, local_api: LocalApi):
    stack = make_stack({"tokens": {"ci": {"description": "interrupted", "expires_in": "30d"}}})
    up = stack.up(env={"INFLUXCTL_STANDIN_FAULT": "create-mint-then-fail"}).ok()
    [live] = local_api.live_tokens()
    outputs = stack.outputs()
    assert (
        outputs["ci.id"] == live["id"] and live["description"] == f"interrupted [pulumi:{outputs['ci.create_marker']}]"
    )
    assert f"adopted token {live['id']}, which appeared while the create ran carrying its marker" in up.output
    assert stack.secret_outputs().get("ci.token") is None  # its string was lost with the answer
    stack.preview("--expect-no-changes").ok()
    stack.destroy().ok()
    assert local_api.live_tokens() == []


def test_a_named_influxctl_profile_is_used_without_a_management_token_setting(
    make_stack, local_api: LocalApi, tmp_path
):
    config = tmp_path / "influxctl.toml"
    config.write_text(
        f'[[profile]]\nname = "ci"\nproduct = "dedicated"\naccount_id = "{local_api.account_id}"\n'
        f'cluster_id = "{local_api.cluster_id}"\nmgmt_token = "{local_api.admin_token}"\n'
    )
    stack = make_stack({"tokens": {"ci": {"description": "own profile", "expires_in": "1d"}}}, via="none")
    stack.config_set("influxdb3:influxctlConfig", str(config))
    stack.config_set("influxdb3:influxctlProfile", "ci")
    stack.up().ok()
    assert [markers.declared(t["description"]) for t in local_api.live_tokens()] == ["own profile"]
    stack.destroy().ok()
    assert local_api.live_tokens() == []


# The stand-in behaves as real releases (tests/standin/influxctl); the rest of the suite runs as 2.12.0.
# Release notes: 2.7.0 is the floor (nil pointer fixed when listing management tokens), --timeout came in
# 2.9.7, a non-empty description is required from 2.10.0, and 2.11.0 changed what create prints.
@pytest.mark.parametrize("release", ["2.7.1", "2.9.6", "2.10.5"])
def test_a_stack_lives_through_an_older_release(make_stack, local_api: LocalApi, release):
    stack = make_stack(
        {"tokens": {"ci": {"description": f"on {release}", "expires_in": "30d"}, "forever": {"description": "no end"}}},
        extra_env={"INFLUXCTL_STANDIN_RELEASE": release},
    )
    stack.up().ok()
    assert {markers.declared(t["description"]) for t in local_api.live_tokens()} == {f"on {release}", "no end"}
    assert local_api.authenticates(stack.secret_outputs()["ci.token"])
    stack.preview("--expect-no-changes", "--refresh").ok()  # list output of this release reads back the same
    stack.destroy().ok()
    assert local_api.live_tokens() == []


# Release notes 2.10.0: "Ensure the management token description is a non-empty string".
def test_an_undescribed_token_stops_before_influxctl_2_10_mints_anything(make_stack, local_api: LocalApi):
    """Without its create marker (mark_description false) an undescribed token sends an empty description."""
    stack = make_stack(
        {"tokens": {"bare": {"expires_in": "1d", "mark_description": False}}},
        extra_env={"INFLUXCTL_STANDIN_RELEASE": "2.10.5"},
    )
    up = stack.up()
    assert up.returncode != 0
    assert (
        "A management token created with influxctl 2.10.0 or later needs a description (influxctl refuses an "
        "empty one): set `description` on the resource; nothing was created."
    ) in up.output
    assert local_api.live_tokens() == []


@pytest.mark.parametrize("face", ["dynamic", "plugin"])
def test_two_pipelines_one_admin_secret_one_lost_create_adopt_nothing(make_stack, local_api: LocalApi):
    """Issue 30 (2), through the engine: our `up`'s influxctl create mints nothing and runs out its timeout
    (DeadlineExceeded) while a colleague's pipeline, with the same admin secret, makes "CI deployer" with the
    same fixed expiry. On 2e07e1d the `up` adopted the colleague's token and a later destroy revoked it. Now
    nothing carries this create's marker, so nothing is adopted, and the user is told to run the update again;
    the next `up` mints our own token and the colleague's is never touched."""
    expiry = "2031-01-01T00:00:00Z"
    stack = make_stack({"tokens": {"ci": {"description": "CI deployer", "expires_at": expiry}}})
    stack.config_set_plain({"influxdb3:requestTimeout": "3"})
    lost = stack.up(
        env={
            "INFLUXCTL_STANDIN_FAULT": "create-no-mint-deadline",
            "INFLUXCTL_STANDIN_CONCURRENT_CREATE_TOKEN": local_api.admin_token,
            "INFLUXCTL_STANDIN_CONCURRENT_CREATE_DESCRIPTION": "CI deployer",
        }
    )
    assert lost.returncode != 0
    [theirs] = local_api.live_tokens()
    assert theirs["description"] == "CI deployer" and theirs["expiresAt"].startswith("2031-01-01T00:00:00")
    assert (
        "and no token carrying this create's marker appeared while it ran, so nothing was created; run the "
        "update again."
    ) in lost.output
    assert "adopted" not in lost.output and theirs["id"] not in lost.output

    stack.up().ok()
    ours = stack.outputs()["ci.id"]
    assert ours != theirs["id"] and {t["id"] for t in local_api.live_tokens()} == {ours, theirs["id"]}
    stack.destroy().ok()
    assert [t["id"] for t in local_api.live_tokens()] == [theirs["id"]]
