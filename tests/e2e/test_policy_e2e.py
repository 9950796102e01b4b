"""The influxdb3-token-policies pack through the real engine: `--policy-pack policy/`."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from pulumi_influxdb3_tokens.core import timeutil
from support import markers
from support.engine import REPO, Stack
from support.local_api import LocalApi
from support.secrets_scan import assert_nowhere

# The pack judges inputs and never talks to the cluster: one transport is enough.
pytestmark = pytest.mark.http_only

PACK = ["--policy-pack", str(REPO / "policy")]


def with_config(tmp_path: Path, config: dict) -> list[str]:
    path = tmp_path / "policy-config.json"
    path.write_text(json.dumps(config))
    return [*PACK, "--policy-pack-config", str(path)]


@pytest.mark.parametrize("face", ["dynamic", "plugin"])  # the plugin's type meets the same policies
def test_preview_fails_on_a_non_expiring_token_and_passes_once_it_expires(make_stack, local_api: LocalApi):
    stack = make_stack({"tokens": {"forever": {"description": "CI deployer"}}})
    preview = stack.preview(*PACK)
    assert preview.returncode != 0
    assert "[mandatory]" in preview.output and "management-token-must-expire" in preview.output
    assert "ManagementToken 'forever': the token never expires" in preview.output
    assert "Fix: set expires_in" in preview.output

    stack.write_spec(
        {"tokens": {"forever": {"description": "CI deployer", "expires_in": "30d", "rotate_before": "7d"}}}
    )
    passing = stack.preview(*PACK).ok()
    assert "management-token-" not in passing.output  # not even an advisory finding
    assert_nowhere(stack, local_api.admin_token)


def test_a_config_file_lowering_max_lifetime_turns_a_passing_program_into_a_failing_one(make_stack, tmp_path: Path):
    stack = make_stack({"tokens": {"ci": {"description": "ci", "expires_in": "30d", "rotate_before": "7d"}}})
    stack.preview(*PACK).ok()

    failing = stack.preview(*with_config(tmp_path, {"management-token-max-lifetime": {"maxLifetimeDays": 14}}))
    assert failing.returncode != 0
    assert "management-token-max-lifetime" in failing.output
    assert "the token lives 30d (expires_in 30d), longer than maxLifetimeDays 14" in failing.output

    # The same file can also make the rule advisory: reported, no longer blocking.
    relaxed = {"management-token-max-lifetime": {"enforcementLevel": "advisory", "maxLifetimeDays": 14}}
    advisory = stack.preview(*with_config(tmp_path, relaxed)).ok()
    assert "[advisory]" in advisory.output and "maxLifetimeDays 14" in advisory.output


def test_config_outside_the_schema_is_refused_by_the_engine(make_stack, tmp_path: Path):
    stack = make_stack({"tokens": {"ci": {"description": "ci", "expires_in": "30d"}}})
    refused = stack.preview(*with_config(tmp_path, {"management-token-max-lifetime": {"maxLifetimeDays": 0}}))
    assert refused.returncode != 0 and "maxLifetimeDays" in refused.output


@pytest.mark.parametrize("face", ["dynamic", "plugin"])
def test_up_with_a_broken_mandatory_policy_creates_nothing(make_stack, local_api: LocalApi):
    stack = make_stack({"tokens": {"forever": {"description": "never expires"}}})
    up = stack.up(*PACK)
    assert up.returncode != 0 and "management-token-must-expire" in up.output
    assert [t for t in local_api.list_tokens() if t["createdBy"] != "bootstrap"] == []
    assert stack.resources() == []
    assert_nowhere(stack, local_api.admin_token)


def test_an_expiry_unknown_in_preview_is_reported_as_cannot_verify_and_checked_by_up(
    tmp_path: Path, local_api: LocalApi
):
    stack = Stack.create("policy_unknown", tmp_path, extra_env=local_api.env())
    preview = stack.preview(*PACK).ok()  # advisory: does not block
    for policy in ("management-token-must-expire", "management-token-max-lifetime"):
        assert f"[advisory] [severity: high]  {policy}" in preview.output
        assert f"can't run policy '{policy}'" in preview.output
    assert "ManagementToken 'derived': cannot verify" in preview.output

    up = stack.up(*PACK).ok()
    assert "cannot verify" not in up.output
    assert sorted(markers.unmarked(t["description"]) for t in local_api.live_tokens()) == ["base", "derived"]


def test_remediation_gives_a_missing_expiry_the_maximum_and_the_stack_policy_counts(
    make_stack, local_api: LocalApi, tmp_path: Path
):
    stack = make_stack({"tokens": {"forever": {"description": "no expiry declared"}}})
    config = {
        "management-token-default-expiry": {"enforcementLevel": "remediate", "maxLifetimeDays": 20},
        "management-token-max-per-stack": {"enforcementLevel": "advisory", "maxTokensPerStack": 0},
    }
    up = stack.up(*with_config(tmp_path, config)).ok()
    assert "management-token-default-expiry" in up.output
    assert "the stack holds 1 live management tokens, more than maxTokensPerStack 0 (forever)" in up.output

    [token] = local_api.live_tokens()
    expires = timeutil.parse_rfc3339(token["expiresAt"])
    assert timedelta(days=19, hours=23) < expires - datetime.now(timezone.utc) <= timedelta(days=20)
    # The remediated input is stable: the next preview with the pack shows no change.
    stack.preview("--expect-no-changes", *with_config(tmp_path, config)).ok()


@pytest.mark.parametrize("face", ["dynamic", "plugin"])
def test_an_exempted_break_glass_token_passes_and_nothing_else_does(make_stack, local_api: LocalApi, tmp_path: Path):
    """The engine validates `exemptions` against the policy's schema and hands it to the pack, which skips
    the resource it names by URN (the URN the engine itself reports); another non-expiring token still fails."""
    stack = make_stack({"tokens": {"glass": {"description": "break-glass"}, "other": {"description": "other"}}})
    failing = stack.preview(*PACK)
    assert failing.returncode != 0
    urns = {
        r["urn"].rsplit("::", 1)[1]: r["urn"]
        for r in json.loads(stack.run("preview", "--json", "--non-interactive").stdout)["steps"]
    }
    config = {
        rule: {"exemptions": [urns["glass"]]} for rule in ("management-token-must-expire", "management-token-rotation")
    }
    still = stack.preview(*with_config(tmp_path, config))
    assert still.returncode != 0
    assert "ManagementToken 'other': the token never expires" in still.output
    assert "ManagementToken 'glass'" not in still.output

    stack.write_spec({"tokens": {"glass": {"description": "break-glass"}}})
    stack.up(*with_config(tmp_path, config)).ok()
    assert [markers.unmarked(t["description"]) for t in local_api.live_tokens()] == ["break-glass"]
    assert_nowhere(stack, local_api.admin_token)
