"""Pulumi YAML programs on the provider plugin (`influxdb3:index:ManagementToken`), through the real engine.

Documented facts these tests hold:
- Pulumi YAML declares a resource by its schema type token and reads outputs as `${name.property}`;
  an output built from a secret stays a secret (pulumi.com/docs/iac/languages-sdks/yaml/yaml-language-reference,
  "outputs"; pulumi.com/docs/iac/concepts/secrets: secretness flows through outputs).
- By default Pulumi creates a replacement before deleting the original
  (pulumi.com/docs/iac/concepts/options/deletebeforereplace).
- The engine runs a provider plugin found on PATH, unless PULUMI_IGNORE_AMBIENT_PLUGINS is set
  (pulumi/pulumi sdk/go/common/workspace/plugins.go, GetPluginPath), or the folder a project's
  `plugins: providers:` entry names (pulumi.com/docs/iac/concepts/projects/project-file, "plugins").
- `influxctl management revoke` revokes a token that still shows in listings (influxctl reference).

These tests are the plugin face's lifecycle over influxctl: up (previews with no change, a refresh
that keeps a live secret), refresh of a revoked token, destroy run over both transports. A replace and
a rotation with overlap are decided above the transport and run over HTTP alone: their influxctl part
is a mint then a revoke, which those lifecycle tests [influxctl] pin, with test_overlap_e2e.py's
timeline [dynamic-influxctl] for a rotation with overlap.
"""

from __future__ import annotations

import json
import shutil
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Mapping, Optional

import pytest

from support import markers
from support.engine import EXAMPLES, REPO, Stack
from support.local_api import LocalApi
from support.secrets_scan import assert_nowhere
from support.times import in_days

TOKEN_TYPE = "influxdb3:index:ManagementToken"
EXPORTS = {  # output suffix: property
    "Id": "id",
    "Token": "token",
    "Prefix": "tokenPrefix",
    "ExpiresAt": "expiresAt",
    "TokenId": "tokenId",
    "Retiring": "retiring",
}
PACK = ["--policy-pack", str(REPO / "policy")]
VENV_BIN = Path(sys.executable).parent


def write_program(
    stack: Stack, tokens: Mapping[str, Mapping[str, str]], plugins: Optional[list[dict[str, str]]] = None
) -> None:
    """Write the stack's Pulumi.yaml (JSON is YAML): one ManagementToken per entry of ``tokens``
    ({name: camelCased properties}), each exported as <name>Id, <name>Token, <name>Prefix, <name>ExpiresAt,
    <name>TokenId and <name>Retiring."""
    program: dict[str, Any] = {
        "name": "tokens-yaml-e2e",
        "runtime": "yaml",
        "resources": {name: {"type": TOKEN_TYPE, "properties": dict(props)} for name, props in tokens.items()},
        "outputs": {f"{name}{suffix}": f"${{{name}.{prop}}}" for name in tokens for suffix, prop in EXPORTS.items()},
    }
    if plugins is not None:
        program["plugins"] = {"providers": plugins}
    (stack.work_dir / "Pulumi.yaml").write_text(json.dumps(program, indent=2))


@pytest.fixture
def yaml_stack(make_stack: Callable[..., Stack]) -> Callable[[Mapping[str, Mapping[str, str]]], Stack]:
    """A configured stack (stack config, or the influxctl stand-in) of a YAML program declaring ``tokens``."""

    def make(tokens: Mapping[str, Mapping[str, str]]) -> Stack:
        stack = make_stack({}, program="yaml_tokens")
        write_program(stack, tokens)
        return stack

    return make


def parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_up_mints_working_secret_tokens_and_a_second_preview_has_no_changes(yaml_stack, local_api: LocalApi):
    stack = yaml_stack(
        {
            "ci": {"description": "CI deployer", "expiresIn": "30d", "rotateBefore": "7d"},
            "grafana": {"description": "Grafana", "expiresAt": "2099-03-01T01:00:00+01:00"},
        }
    )
    stack.up().ok()

    shown = stack.outputs()
    assert shown["ciToken"] == "[secret]" and shown["grafanaToken"] == "[secret]"
    secrets = stack.secret_outputs()
    tokens = [secrets["ciToken"], secrets["grafanaToken"]]
    for name, token in zip(("ci", "grafana"), tokens, strict=True):
        assert token.startswith("M.V1.") and token.startswith(shown[f"{name}Prefix"])
        assert local_api.authenticates(token)
    assert local_api.live_ids() == {shown["ciId"], shown["grafanaId"]}
    assert {r["type"] for r in stack.resources()} == {TOKEN_TYPE}
    assert timedelta(days=29, hours=23) < parse(shown["ciExpiresAt"]) - datetime.now(timezone.utc) <= timedelta(days=30)
    assert parse(shown["grafanaExpiresAt"]) == datetime(2099, 3, 1, tzinfo=timezone.utc)

    for _ in range(2):
        stack.preview("--expect-no-changes").ok()
    stack.refresh().ok()
    stack.preview("--expect-no-changes").ok()
    assert stack.secret_outputs()["ciToken"] == tokens[0]  # refresh keeps a live token's secret
    assert_nowhere(stack, *tokens, local_api.admin_token)


def test_token_revoked_out_of_band_is_dropped_by_refresh_and_reminted_by_up(yaml_stack, local_api: LocalApi):
    stack = yaml_stack(
        {
            "ci": {"description": "ci", "expiresIn": "30d"},
            "keep": {"description": "keep", "expiresIn": "30d"},
        }
    )
    stack.up().ok()
    first = stack.outputs()
    local_api.revoke(first["ciId"])

    stack.refresh().ok()
    assert [r["id"] for r in stack.resources()] == [first["keepId"]]
    stack.up().ok()
    second = stack.outputs()
    assert second["ciId"] != first["ciId"] and second["keepId"] == first["keepId"]
    assert local_api.live_ids() == {second["ciId"], first["keepId"]}
    secrets = stack.secret_outputs()
    assert local_api.authenticates(secrets["ciToken"])
    stack.preview("--expect-no-changes").ok()
    assert_nowhere(stack, secrets["ciToken"], secrets["keepToken"], local_api.admin_token)


@pytest.mark.http_only  # decided above the transport; the docstring names the influxctl pins
def test_description_change_replaces_the_token_new_minted_before_old_revoked(yaml_stack, local_api: LocalApi):
    stack = yaml_stack({"ci": {"description": "old", "expiresIn": "30d"}})
    stack.up().ok()
    old_id = stack.outputs()["ciId"]
    old_token = stack.secret_outputs()["ciToken"]

    write_program(stack, {"ci": {"description": "new", "expiresIn": "30d"}})
    preview = stack.preview().ok()
    assert "replace" in preview.output and "description" in preview.output
    stack.up().ok()
    new_id = stack.outputs()["ciId"]
    new_token = stack.secret_outputs()["ciToken"]
    assert new_id != old_id and new_token != old_token

    tokens = {t["id"]: t for t in local_api.list_tokens()}
    assert tokens[old_id]["revokedAt"] is not None and markers.declared(tokens[new_id]["description"]) == "new"
    assert parse(tokens[new_id]["createdAt"]) <= parse(tokens[old_id]["revokedAt"])
    assert local_api.live_ids() == {new_id}
    assert not local_api.authenticates(old_token)
    assert_nowhere(stack, old_token, new_token, local_api.admin_token)


@pytest.mark.http_only  # decided above the transport; the docstring names the influxctl pins
def test_with_overlap_a_description_change_rotates_in_place_and_the_old_token_stays_until_its_end(
    yaml_stack, local_api: LocalApi
):
    stack = yaml_stack({"ci": {"description": "ci", "expiresIn": "10d", "overlap": "2d"}})
    stack.up().ok()
    first = stack.outputs()
    write_program(stack, {"ci": {"description": "ci, rotated", "expiresIn": "10d", "overlap": "2d"}})
    preview = stack.preview().ok()
    assert "revoked by the first up after that" in preview.output and "replace" not in preview.output
    stack.up().ok()

    second = stack.outputs()
    assert second["ciId"] == first["ciId"] and second["ciTokenId"] != first["ciTokenId"]
    [retiring] = second["ciRetiring"]
    assert retiring["id"] == first["ciTokenId"] and retiring["prefix"] == first["ciPrefix"]
    assert timedelta(days=1, hours=23) < parse(retiring["until"]) - datetime.now(timezone.utc) <= timedelta(days=2)
    assert local_api.live_ids() == {first["ciTokenId"], second["ciTokenId"]}
    stack.preview("--expect-no-changes").ok()

    past_the_end = {"INFLUXDB3_TOKENS_FAKE_NOW": in_days(3)}
    stack.up(env=past_the_end).ok()
    assert local_api.live_ids() == {second["ciTokenId"]} and stack.outputs()["ciRetiring"] == []
    stack.destroy().ok()
    assert local_api.live_ids() == set()


def test_destroy_revokes_every_token_of_the_stack(yaml_stack, local_api: LocalApi):
    stack = yaml_stack(
        {
            "a": {"description": "a", "expiresIn": "30d"},
            "b": {"description": "b", "expiresAt": in_days(40)},
        }
    )
    stack.up().ok()
    ids = {stack.outputs()["aId"], stack.outputs()["bId"]}
    secrets = stack.secret_outputs()
    assert local_api.live_ids() == ids

    stack.destroy().ok()
    assert local_api.live_ids() == set()
    assert all(t["revokedAt"] for t in local_api.list_tokens() if t["id"] in ids)
    assert stack.resources() == []
    assert_nowhere(stack, secrets["aToken"], secrets["bToken"], local_api.admin_token)


@pytest.mark.http_only  # what is judged is the program's inputs, not the transport
def test_bad_input_fails_the_preview_with_one_sentence_and_mints_nothing(yaml_stack, local_api: LocalApi):
    stack = yaml_stack({"bad": {"description": "bad", "expiresAt": "2027-03-01T00:00:00"}})
    preview = stack.preview()
    assert preview.returncode != 0
    assert "has no time zone; add Z or an offset" in preview.output
    assert "Traceback" not in preview.output
    assert local_api.live_ids() == set()


@pytest.mark.http_only  # the pack judges inputs and never talks to the cluster
def test_policy_pack_blocks_a_non_expiring_yaml_token_and_passes_once_it_expires(yaml_stack, local_api: LocalApi):
    stack = yaml_stack({"forever": {"description": "CI deployer"}})
    blocked = stack.preview(*PACK)
    assert blocked.returncode != 0
    assert "[mandatory]" in blocked.output and "management-token-must-expire" in blocked.output
    assert "'forever'" in blocked.output and "never expires" in blocked.output

    up = stack.up(*PACK)
    assert up.returncode != 0 and "management-token-must-expire" in up.output
    assert local_api.live_ids() == set() and stack.resources() == []

    write_program(stack, {"forever": {"description": "CI deployer", "expiresIn": "30d", "rotateBefore": "7d"}})
    passing = stack.preview(*PACK).ok()
    assert "management-token-" not in passing.output
    assert_nowhere(stack, local_api.admin_token)


@pytest.mark.http_only  # how the engine finds the plugin does not depend on the transport
def test_the_plugin_is_found_through_plugins_providers_in_pulumi_yaml(yaml_stack, local_api: LocalApi):
    tokens = {"ci": {"description": "ci", "expiresIn": "30d"}}
    stack = yaml_stack(tokens)
    not_on_path = {"PULUMI_IGNORE_AMBIENT_PLUGINS": "true"}  # the virtualenv's bin no longer counts
    missing = stack.preview(env=not_on_path)
    assert missing.returncode != 0
    assert "no resource plugin 'pulumi-resource-influxdb3' found" in missing.output  # and none was downloaded
    assert local_api.live_ids() == set()

    write_program(stack, tokens, plugins=[{"name": "influxdb3", "path": str(VENV_BIN)}])
    up = stack.up(env=not_on_path).ok()
    assert "from $PATH" not in up.output  # the engine warns only about plugins it found on PATH
    assert local_api.live_ids() == {stack.outputs()["ciId"]}
    stack.destroy(env=not_on_path).ok()
    assert local_api.live_ids() == set()


@pytest.mark.http_only  # the example's own file, run as its README says
def test_the_yaml_example_mints_two_expiring_tokens_with_secret_outputs(tmp_path: Path, local_api: LocalApi):
    work_dir = tmp_path / "yaml"
    shutil.copytree(EXAMPLES / "yaml", work_dir)
    (tmp_path / "backend").mkdir()
    stack = Stack(work_dir=work_dir, backend_dir=tmp_path / "backend", name="dev")
    stack.run("stack", "init", "dev").ok()
    stack.connect_to(local_api)

    stack.up().ok()
    shown = stack.outputs()
    assert shown["ciDeployerToken"] == "[secret]" and shown["breakGlassToken"] == "[secret]"
    assert local_api.live_ids() == {shown["ciDeployerId"], shown["breakGlassId"]}
    now = datetime.now(timezone.utc)
    assert timedelta(days=29) < parse(shown["ciDeployerExpiresAt"]) - now <= timedelta(days=30)
    assert timedelta(days=13) < parse(shown["breakGlassExpiresAt"]) - now <= timedelta(days=14)
    secrets = stack.secret_outputs()
    assert all(local_api.authenticates(secrets[k]) for k in ("ciDeployerToken", "breakGlassToken"))
    stack.preview("--expect-no-changes").ok()

    stack.destroy().ok()
    assert local_api.live_ids() == set()
    assert_nowhere(stack, secrets["ciDeployerToken"], secrets["breakGlassToken"], local_api.admin_token)
