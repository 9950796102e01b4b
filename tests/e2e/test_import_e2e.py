"""`pulumi import` of a management token minted by hand, through the real engine and the plugin.

Documented facts held here: `pulumi import TYPE NAME ID` reads the resource with only its id and
writes it to the stack's state; by default it protects the resource (`--protect=false` lifts that)
and generates code (`--generate-code=false` skips it; our language host has no code generation)
(https://www.pulumi.com/docs/iac/cli/commands/pulumi_import/). Python dynamic resources cannot be
imported (pulumi/pulumi#16175): that is why the plugin exists.
"""

from __future__ import annotations

from typing import Mapping, Optional

import pytest

from support.engine import Result, Stack
from support.local_api import LocalApi
from support.secrets_scan import assert_nowhere

pytestmark = pytest.mark.parametrize("face", ["plugin"])

TYPE = "influxdb3:index:ManagementToken"


def run_import(stack: Stack, name: str, token_id: str, env: Optional[Mapping[str, str]] = None) -> Result:
    """`pulumi import` of one management token, as a user runs it in CI (no prompt, no generated code)."""
    return stack.run(
        "import",
        TYPE,
        name,
        token_id,
        "--yes",
        "--generate-code=false",
        "--protect=false",
        "--non-interactive",
        "--stack",
        stack.name,
        env=env,
    )


def pulumi_import(stack: Stack, name: str, token_id: str) -> str:
    done = run_import(stack, name, token_id)
    assert done.returncode == 0, done.output
    return done.output


def test_import_adopts_a_hand_minted_token_then_preview_shows_no_change_and_destroy_revokes_it(
    make_stack, local_api: LocalApi
):
    minted = local_api.mint("made by hand", "2031-06-01T00:00:00Z")
    stack = make_stack({"tokens": {}})
    pulumi_import(stack, "hand", minted["id"])

    [imported] = stack.resources()
    assert imported["type"] == TYPE and imported["id"] == minted["id"]
    assert imported["inputs"] == {"description": "made by hand", "expiresAt": "2031-06-01T00:00:00Z"}
    assert imported["outputs"]["tokenPrefix"] == minted["tokenPrefix"]
    assert imported["outputs"].get("token") is None  # the string is shown once, at minting, never again

    # The program declares the token as it is: nothing to do.
    stack.write_spec({"tokens": {"hand": {"description": "made by hand", "expires_at": "2031-06-01T00:00:00Z"}}})
    stack.preview("--expect-no-changes").ok()
    stack.up().ok()
    assert [t["id"] for t in local_api.live_tokens()] == [minted["id"]]  # nothing new was minted

    stack.destroy().ok()
    assert local_api.live_tokens() == []
    assert_nowhere(stack, minted["accessToken"], local_api.admin_token)


# The sentence is built above the transport (lifecycle.import_token) from what a get answers; influxctl's
# get of a revoked and an unknown id is pinned by tests/unit/test_influxctl_client.py
# (test_create_list_get_revoke_through_influxctl), its import end to end by the test above [influxctl].
@pytest.mark.http_only
@pytest.mark.parametrize("case", ["revoked", "expired", "unknown"])
def test_import_of_a_dead_or_unknown_token_fails_with_one_sentence(make_stack, local_api: LocalApi, case: str):
    env = None
    if case == "unknown":
        token_id, expected = "00000000-0000-4000-8000-000000000000", "the server does not know it"
    else:
        token_id = local_api.mint(case, "2031-06-01T00:00:00Z")["id"]
        if case == "revoked":
            local_api.revoke(token_id)
            expected = "it was revoked at"
        else:
            env = {"INFLUXDB3_TOKENS_FAKE_NOW": "2032-01-01T00:00:00Z"}  # the provider's clock, past the expiry
            expected = "it expired at"
    stack = make_stack({"tokens": {}})
    done = run_import(stack, "dead", token_id, env=env)
    assert done.returncode != 0
    sentence = f"Cannot import management token {token_id}: {expected}"
    assert sentence in done.output
    assert "Traceback" not in done.output
    assert stack.resources() == []
