"""ManagementToken through the real engine against the local Management API: the contract of both faces.

Every test holds the dynamic resource and the plugin's ``influxdb3:index:ManagementToken`` to the same
contract, so a behaviour cannot drift between the faces; only the spelling of property names differs
(snake_case in Python, camelCase in the plugin's schema). A test whose commands succeed declares both
faces side by side in one stack (``BOTH_IN_ONE_STACK``: each token once per face, as a program may mix
them) and asserts every outcome per face, so one set of engine commands runs both. A test of a failure
runs each face in a stack of its own: the engine stops scheduling steps at the first failure, so the
other face's error might never be shown.

Each face runs over HTTP. Both faces hand their settings to the same ``resolve_connection`` and
``client_for`` and call the same ``core.management_token.lifecycle`` functions with the client they get
(``dynamic/provider.py``, ``plugin/provider.py``), so the transport under a face is one shared path,
and what a transport does for a test is a mint, a get, a list or a revoke. The dynamic face runs over
influxctl too where the lifecycle meets the transport end to end: up (and a preview with no change
after it), refresh of a revoked token, destroy. The other tests decide above the transport (diff,
replace, update in place, check, adoption's prefix match) and run over HTTP alone; the influxctl part
of each is pinned by:
- mint, list, get, revoke on every supported release: tests/unit/test_influxctl_client.py
  (test_create_list_get_revoke_through_influxctl);
- the replace and rotation window's mint then revoke: the up and destroy tests here [dynamic-influxctl],
  the overlap timeline [dynamic-influxctl] in test_overlap_e2e.py, which mints on a moved clock;
- refresh keeping a live token's secret: test_yaml_e2e.py's up test [influxctl], which refreshes;
- a get by id of a hand-minted token (adoption, ``get``): test_import_e2e.py [influxctl-plugin];
- credentials from the environment alone: test_examples_e2e.py's pipeline CI step [influxctl].
The plugin face meets influxctl end to end in test_yaml_e2e.py and test_import_e2e.py.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest

from pulumi_influxdb3_tokens.core import timeutil
from support import markers
from support.faces import BOTH_IN_ONE_STACK, FACES, declared, spelled
from support.local_api import LocalApi
from support.secrets_scan import assert_nowhere
from support.times import in_days

# Where the lifecycle meets the transport end to end.
each_face = pytest.mark.parametrize(("face", "transport"), [(BOTH_IN_ONE_STACK, "http"), ("dynamic", "influxctl")])
# For what is decided above the transport (the docstring names what pins the influxctl part), or what
# only the HTTP transport shows.
each_face_over_http = pytest.mark.parametrize(("face", "transport"), [(BOTH_IN_ONE_STACK, "http")])
# A failure: each face in a stack of its own.
each_failing_face_over_http = pytest.mark.parametrize(("face", "transport"), [(face, "http") for face in FACES])


def parse(text: str) -> datetime:
    return timeutil.parse_rfc3339(text)


def ids_of(face: str, outputs: dict[str, str], name: str) -> dict[str, str]:
    """The id of the token ``name`` for each face the stack declares."""
    return {each: outputs[f"{prefix}{name}.id"] for each, prefix in declared(face)}


def replaced_in_preview(output: str) -> set[str]:
    """The types of the resources a ``preview --diff`` shows as replaced."""
    return set(re.findall(r"\+-(\S+): \(replace\)", output))


@each_face
def test_up_mints_a_working_token_and_no_secret_is_in_plaintext(make_stack, local_api: LocalApi, face: str):
    stack = make_stack({"tokens": {"ci": {"description": "CI deployer", "expires_in": "30d"}}})
    stack.up().ok()

    shown = stack.outputs()
    secret_outputs = stack.secret_outputs()
    live = {t["id"]: t for t in local_api.live_tokens()}
    tokens = []
    for _, at in declared(face):
        assert shown[f"{at}ci.token"] == "[secret]"
        token = secret_outputs[f"{at}ci.token"]
        assert token.startswith("M.V1.") and token.startswith(shown[f"{at}ci.token_prefix"])
        assert local_api.authenticates(token)
        assert markers.declared(live[shown[f"{at}ci.id"]]["description"]) == "CI deployer"
        expires = parse(shown[f"{at}ci.expires_at"])
        assert timedelta(days=29, hours=23) < expires - datetime.now(timezone.utc) <= timedelta(days=30)
        tokens.append(token)
    assert set(live) == set(ids_of(face, shown, "ci").values())  # one token per face, nothing else

    stack.preview("--expect-no-changes").ok()
    assert_nowhere(stack, *tokens, local_api.admin_token)


@each_face_over_http
def test_preview_after_up_shows_no_changes_run_after_run(make_stack):
    stack = make_stack({"tokens": {"fixed": {"description": "fixed", "expires_at": "2099-03-01T01:00:00+01:00"}}})
    stack.up().ok()
    for _ in range(2):
        stack.preview("--expect-no-changes").ok()
    # The same instant written another way is still no change.
    stack.write_spec({"tokens": {"fixed": {"description": "fixed", "expires_at": "2099-03-01T00:00:00Z"}}})
    stack.preview("--expect-no-changes").ok()


@each_face_over_http
def test_description_change_replaces_create_before_delete(make_stack, local_api: LocalApi, face: str):
    stack = make_stack({"tokens": {"ci": {"description": "old", "expires_in": "30d"}}})
    stack.up().ok()
    old_ids = ids_of(face, stack.outputs(), "ci")

    stack.write_spec({"tokens": {"ci": {"description": "new", "expires_in": "30d"}}})
    preview = stack.preview().ok()
    assert len(replaced_in_preview(preview.output)) == len(declared(face)), preview.output
    stack.up().ok()
    new_ids = ids_of(face, stack.outputs(), "ci")

    tokens = {t["id"]: t for t in local_api.list_tokens()}
    for each, _ in declared(face):
        old_id, new_id = old_ids[each], new_ids[each]
        assert new_id != old_id
        assert tokens[old_id]["revokedAt"] is not None
        assert tokens[new_id]["revokedAt"] is None and markers.declared(tokens[new_id]["description"]) == "new"
        # The new token existed before the old one was revoked.
        assert parse(tokens[new_id]["createdAt"]) <= parse(tokens[old_id]["revokedAt"])
    assert {t["id"] for t in local_api.live_tokens()} == set(new_ids.values())


@each_face
def test_token_revoked_out_of_band_is_dropped_by_refresh_and_reminted(make_stack, local_api: LocalApi, face: str):
    stack = make_stack({"tokens": {"ci": {"description": "ci", "expires_in": "30d"}}})
    stack.up().ok()
    first = ids_of(face, stack.outputs(), "ci")
    for token_id in first.values():
        local_api.revoke(token_id)

    refresh = stack.refresh().ok()
    assert "deleted" in refresh.output or "- " in refresh.output
    assert stack.resources() == []
    stack.up().ok()
    second = ids_of(face, stack.outputs(), "ci")
    assert all(second[each] != first[each] for each in first)
    assert {t["id"] for t in local_api.live_tokens()} == set(second.values())


@each_face_over_http
def test_refresh_keeps_the_secret_of_a_live_token(make_stack, face: str):
    stack = make_stack({"tokens": {"ci": {"description": "ci", "expires_in": "30d"}}})
    stack.up().ok()
    before = stack.secret_outputs()
    stack.refresh().ok()
    stack.up().ok()
    after = stack.secret_outputs()
    for _, at in declared(face):
        assert after[f"{at}ci.token"] == before[f"{at}ci.token"]
    stack.preview("--expect-no-changes").ok()


@each_face_over_http
def test_rotation_window_replaces_the_token(make_stack, local_api: LocalApi, face: str):
    stack = make_stack({"tokens": {"ci": {"description": "ci", "expires_in": "10d", "rotate_before": "3d"}}})
    stack.up().ok()
    first = ids_of(face, stack.outputs(), "ci")

    later = {"INFLUXDB3_TOKENS_FAKE_NOW": in_days(5)}
    stack.preview("--expect-no-changes", env=later).ok()  # outside the window

    inside = {"INFLUXDB3_TOKENS_FAKE_NOW": in_days(8)}
    preview = stack.preview(env=inside).ok()
    for each, _ in declared(face):
        assert f"within {spelled(each, 'rotate_before')} (3d)" in preview.output
    stack.up(env=inside).ok()
    second = ids_of(face, stack.outputs(), "ci")
    tokens = {t["id"]: t for t in local_api.list_tokens()}
    for each in first:
        assert second[each] != first[each]
        assert tokens[first[each]]["revokedAt"] is not None
        # The new token's 10 days count from the (moved) clock at which it was minted.
        assert parse(tokens[second[each]]["expiresAt"]) > datetime.now(timezone.utc) + timedelta(days=17)


@each_face_over_http
def test_rotate_before_change_alone_updates_in_place(make_stack, face: str):
    stack = make_stack({"tokens": {"ci": {"description": "ci", "expires_in": "30d", "rotate_before": "7d"}}})
    stack.up().ok()
    before = stack.secret_outputs()
    stack.write_spec({"tokens": {"ci": {"description": "ci", "expires_in": "30d", "rotate_before": "10d"}}})
    up = stack.up().ok()
    assert f"{len(declared(face))} updated" in up.output and "replaced" not in up.output
    after = stack.secret_outputs()
    for _, at in declared(face):
        for output in ("id", "token", "expires_at"):
            assert after[f"{at}ci.{output}"] == before[f"{at}ci.{output}"]


@each_face_over_http
def test_adoption_takes_over_a_token_minted_on_the_server(make_stack, local_api: LocalApi, face: str):
    expiry = in_days(20)
    minted = {each: local_api.mint("made by hand", expiry) for each, _ in declared(face)}
    adopted = {
        each: {
            "tokens": {
                "hand": {
                    "description": "made by hand",
                    "expires_at": expiry,
                    "adopt_token_id": token["id"],
                    "adopt_token": token["accessToken"],
                }
            }
        }
        for each, token in minted.items()
    }
    stack = make_stack({"of_face": adopted})
    stack.up().ok()
    outputs = stack.secret_outputs()
    for each, at in declared(face):
        assert outputs[f"{at}hand.id"] == minted[each]["id"]
        assert outputs[f"{at}hand.token"] == minted[each]["accessToken"]
    assert len(local_api.live_tokens()) == len(minted)  # nothing new was minted
    stack.preview("--expect-no-changes").ok()
    assert_nowhere(stack, *(token["accessToken"] for token in minted.values()), local_api.admin_token)

    stack.destroy().ok()
    assert local_api.live_tokens() == []


@each_failing_face_over_http
def test_adoption_refuses_a_token_whose_prefix_does_not_match(make_stack, local_api: LocalApi):
    minted = local_api.mint("made by hand")
    stack = make_stack(
        {
            "tokens": {
                "hand": {
                    "description": "made by hand",
                    "adopt_token_id": minted["id"],
                    "adopt_token": "M.V1.not-the-right-one",
                }
            }
        }
    )
    up = stack.up()
    assert up.returncode != 0
    assert "does not match its token prefix" in up.output
    assert "not-the-right-one" not in up.output


@each_face_over_http
def test_get_reads_an_existing_token_without_owning_it(make_stack, local_api: LocalApi, face: str):
    minted = local_api.mint("someone else's")
    stack = make_stack({"get": {"ref": minted["id"]}})
    stack.up().ok()
    outputs = stack.outputs()
    for _, at in declared(face):
        assert outputs[f"{at}ref.description"] == "someone else's"
        assert outputs[f"{at}ref.token_prefix"] == minted["tokenPrefix"]
    stack.destroy().ok()
    assert [t["id"] for t in local_api.live_tokens()] == [minted["id"]]  # get never revokes


@each_face
def test_destroy_revokes_everything(make_stack, local_api: LocalApi, face: str):
    stack = make_stack(
        {
            "tokens": {
                "a": {"description": "a", "expires_in": "30d"},
                "b": {"description": "b", "expires_at": in_days(40)},
            }
        }
    )
    stack.up().ok()
    assert len(local_api.live_tokens()) == 2 * len(declared(face))
    stack.destroy().ok()
    assert local_api.live_tokens() == []
    assert all(t["revokedAt"] for t in local_api.list_tokens() if markers.unmarked(t["description"]) in ("a", "b"))


@each_failing_face_over_http  # check refuses the inputs in preview, before any transport is chosen or run
def test_bad_inputs_fail_in_preview_with_the_check_failure(make_stack, local_api: LocalApi, face: str):
    stack = make_stack({"tokens": {"bad": {"description": "bad", "expires_at": "2027-03-01T00:00:00"}}})
    preview = stack.preview()
    assert preview.returncode != 0
    assert "has no time zone; add Z or an offset" in preview.output
    assert spelled(face, "expires_at") in preview.output
    assert local_api.live_tokens() == []


@each_failing_face_over_http  # the sentence names the HTTP status; influxctl's is in test_influxctl_e2e.py
def test_wrong_credentials_give_the_one_sentence_401(make_stack, local_api: LocalApi):
    stack = make_stack({"tokens": {"ci": {"description": "ci", "expires_in": "30d"}}})
    wrong = "M.V1.definitely-not-a-valid-token"
    stack.config_set("influxdb3:managementToken", wrong, secret=True)
    up = stack.up()
    assert up.returncode != 0
    assert "the management token was rejected" in up.output and "(HTTP 401)." in up.output
    assert wrong not in up.output
    assert_nowhere(stack, wrong, local_api.admin_token)


@each_face_over_http
def test_credentials_from_the_environment_only(make_stack, local_api: LocalApi, face: str):
    stack = make_stack({"tokens": {"ci": {"description": "from env", "expires_in": "1d"}}}, via="env")
    stack.up().ok()
    assert [markers.declared(t["description"]) for t in local_api.live_tokens()] == ["from env"] * len(declared(face))
    stack.destroy().ok()
    assert_nowhere(stack, local_api.admin_token)
