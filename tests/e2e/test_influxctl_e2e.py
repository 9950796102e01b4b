"""What only the influxctl transport shows, through the real engine with the stand-in influxctl."""

from __future__ import annotations

import pytest

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
    assert stack.outputs()["ci.id"] == live["id"]
    assert f"adopted token {live['id']}, the one token with this description and expiry that this credential made" in (
        up.output
    )
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
    assert [t["description"] for t in local_api.live_tokens()] == ["own profile"]
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
    assert {t["description"] for t in local_api.live_tokens()} == {f"on {release}", "no end"}
    assert local_api.authenticates(stack.secret_outputs()["ci.token"])
    stack.preview("--expect-no-changes", "--refresh").ok()  # list output of this release reads back the same
    stack.destroy().ok()
    assert local_api.live_tokens() == []


# Release notes 2.10.0: "Ensure the management token description is a non-empty string".
def test_an_undescribed_token_stops_before_influxctl_2_10_mints_anything(make_stack, local_api: LocalApi):
    stack = make_stack({"tokens": {"bare": {"expires_in": "1d"}}}, extra_env={"INFLUXCTL_STANDIN_RELEASE": "2.10.5"})
    up = stack.up()
    assert up.returncode != 0
    assert (
        "A management token created with influxctl 2.10.0 or later needs a description (influxctl refuses an "
        "empty one): set `description` on the resource; nothing was created."
    ) in up.output
    assert local_api.live_tokens() == []
