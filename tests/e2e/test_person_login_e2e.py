"""Issue 18: a person at their desk runs `pulumi up` with the influxctl login they already have.

Nothing is configured but influxctl on PATH and the person's own influxctl profile (no mgmt_token: the
identity provider logs them in, and influxctl caches that login for about an hour; `influxctl auth login`
renews it). Both faces use that profile as it is; with the login expired, `up` stops with one sentence
naming `influxctl auth login` before anything is minted. The stand-in plays influxctl's login (its docstring).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from support import markers
from support.engine import Stack
from support.local_api import LocalApi
from support.secrets_scan import assert_nowhere
from support.standin import log_in, persons_profile, standin_env

pytestmark = pytest.mark.engine


def desk(tmp_path: Path, local_api: LocalApi, face: str) -> tuple[Stack, Path]:
    home = tmp_path / "home"
    persons_profile(home, local_api)
    stack = Stack.create("tokens", tmp_path, spec_defaults={"face": face})
    stack.extra_env.update(standin_env(local_api, stack.backend_dir))
    stack.extra_env.update(HOME=str(home), INFLUXCTL_STANDIN_LOGIN_WAIT_S="600")
    return stack, home


@pytest.mark.parametrize("face", ["dynamic", "plugin"])
def test_up_uses_the_persons_login_and_an_expired_one_stops_before_minting(
    tmp_path: Path, local_api: LocalApi, face: str
):
    stack, home = desk(tmp_path, local_api, face)
    log_in(home, local_api, 3600)
    stack.write_spec({"tokens": {"mine": {"description": "made at my desk", "expires_in": "7d"}}})
    stack.up().ok()
    assert [markers.declared(t["description"]) for t in local_api.live_tokens()] == ["made at my desk"]
    assert "managementToken" not in stack.run("config", "--stack", stack.name).ok().output

    log_in(home, local_api, -60)  # an hour later
    stack.write_spec(
        {
            "tokens": {
                "mine": {"description": "made at my desk", "expires_in": "7d"},
                "more": {"description": "another", "expires_in": "7d"},
            }
        }
    )
    failed = stack.up()
    assert failed.returncode != 0
    assert "influxctl profile 'default' has no valid login" in failed.output
    assert "run `influxctl --profile default auth login`, then run the command again." in failed.output
    assert "Traceback" not in failed.output
    assert [markers.declared(t["description"]) for t in local_api.live_tokens()] == [
        "made at my desk"
    ]  # nothing minted

    log_in(home, local_api, 3600)  # `influxctl auth login`
    stack.up().ok()
    assert sorted(markers.declared(t["description"]) for t in local_api.live_tokens()) == ["another", "made at my desk"]
    stack.destroy().ok()
    assert local_api.live_tokens() == []
    assert_nowhere(stack, local_api.admin_token)
