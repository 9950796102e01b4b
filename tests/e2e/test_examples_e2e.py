"""The shipped examples, run the way their READMEs and scripts say, through the real engine."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from support import markers
from support.engine import EXAMPLES, Stack
from support.local_api import LocalApi
from support.secrets_scan import assert_nowhere
from support.standin import STANDIN_DIR, standin_env

PIPELINE_DESCRIPTIONS = {
    "CI job deploy-databases (influxdb3-tokens-pipeline/ci)",
    "CI job rotate-database-tokens (influxdb3-tokens-pipeline/ci)",
}


def run_ci_step(work_dir: Path, stack: Stack, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """Run examples/pipeline/ci-step as a CI runner would: no TTY, nothing on stdin."""
    done = subprocess.run(
        [str(work_dir / "ci-step"), *args],
        cwd=work_dir,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    stack.log.append(done.stdout + done.stderr)
    return done


def pipeline(tmp_path: Path) -> tuple[Path, Stack]:
    work_dir = tmp_path / "pipeline"
    shutil.copytree(EXAMPLES / "pipeline", work_dir)
    backend = tmp_path / "backend"
    backend.mkdir()
    return work_dir, Stack(work_dir=work_dir, backend_dir=backend, name="ci")


def live_pipeline_ids(local_api: LocalApi) -> dict[str, str]:
    described = {markers.unmarked(t["description"]): t["id"] for t in local_api.live_tokens()}
    return {d: i for d, i in described.items() if d in PIPELINE_DESCRIPTIONS}


def pipeline_env(stack: Stack, local_api: LocalApi, transport: str) -> dict[str, str]:
    """What a CI runner provides: the HTTP variables, or influxctl on PATH and the three cluster variables."""
    env = stack.env() | local_api.env() | {"STACK": "ci"}
    if transport == "influxctl":
        del env["INFLUXDB3_API_URL"]
        env |= standin_env(local_api, stack.backend_dir)
    return env


POLICY_PACK = ["--policy-pack", str(EXAMPLES.parent / "policy")]  # as github-actions.yml and .gitlab-ci.yml pass it


@pytest.mark.parametrize("transport", ["http", "influxctl"])
def test_pipeline_ci_step_runs_on_environment_credentials_and_heals_revoked_tokens(
    tmp_path, local_api: LocalApi, transport
):
    work_dir, stack = pipeline(tmp_path)
    env = pipeline_env(stack, local_api, transport)

    first = run_ci_step(work_dir, stack, env, *POLICY_PACK)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "influxdb3-token-policies" in first.stdout  # the pack ran, and found nothing to report
    assert "mandatory" not in first.stdout and "advisory" not in first.stdout
    minted = live_pipeline_ids(local_api)
    assert set(minted) == PIPELINE_DESCRIPTIONS
    assert "[secret]" in first.stdout
    assert not any(
        name.startswith("Pulumi.ci") and "influxdb3" in (work_dir / name).read_text()
        for name in (p.name for p in work_dir.iterdir())
    )  # no cluster setting in stack config

    again = run_ci_step(work_dir, stack, env, *POLICY_PACK)
    assert again.returncode == 0, again.stdout + again.stderr
    assert live_pipeline_ids(local_api) == minted  # nothing re-minted
    assert re.search(r"\b3 unchanged\b", again.stdout)  # the stack and both tokens
    assert not re.search(r"\d+ (created|updated|replaced|deleted)", again.stdout)

    revoked_description = "CI job deploy-databases (influxdb3-tokens-pipeline/ci)"
    local_api.revoke(minted[revoked_description])
    healed = run_ci_step(work_dir, stack, env)
    assert healed.returncode == 0, healed.stdout + healed.stderr
    now_live = live_pipeline_ids(local_api)
    assert set(now_live) == PIPELINE_DESCRIPTIONS
    assert now_live[revoked_description] != minted[revoked_description]
    state_ids = {r["id"] for r in stack.resources()}
    assert state_ids == set(now_live.values())

    token = stack.secret_outputs()["deploy-databases.token"]
    assert local_api.authenticates(token)
    # What a consumer follows (pipelines.md): token_id names the current token; nothing retires after a heal.
    shown = stack.outputs()
    assert shown["deploy-databases.token_id"] == now_live[revoked_description]
    assert shown["deploy-databases.retiring"] == []
    stack.destroy(env=env).ok()
    assert live_pipeline_ids(local_api) == {}
    assert_nowhere(stack, token, local_api.admin_token)


def test_pipeline_ci_step_names_a_missing_variable(tmp_path, local_api: LocalApi):
    work_dir, stack = pipeline(tmp_path)
    env = stack.env() | local_api.env()
    del env["INFLUXDB3_MANAGEMENT_TOKEN"]
    done = run_ci_step(work_dir, stack, env)
    assert done.returncode == 2
    assert done.stderr.strip() == "ci-step: the environment variable INFLUXDB3_MANAGEMENT_TOKEN is not set."
    assert local_api.live_tokens() == []


def test_pipeline_ci_step_over_influxctl_names_what_is_missing(tmp_path, local_api: LocalApi):
    work_dir, stack = pipeline(tmp_path)
    env = pipeline_env(stack, local_api, "influxctl")
    del env["INFLUXDB3_MANAGEMENT_TOKEN"]
    done = run_ci_step(work_dir, stack, env)
    assert (done.returncode, done.stderr.strip()) == (
        2,
        (
            "ci-step: the environment variable INFLUXDB3_MANAGEMENT_TOKEN is not set (or name your own influxctl "
            "profile with INFLUXDB3_INFLUXCTL_PROFILE)."
        ),
    )
    env["PATH"] = env["PATH"].replace(str(STANDIN_DIR), "/nonexistent")
    env["INFLUXDB3_MANAGEMENT_TOKEN"] = local_api.admin_token
    done = run_ci_step(work_dir, stack, env)
    assert (done.returncode, done.stderr.strip()) == (
        2,
        (
            "ci-step: influxctl is not on PATH; install influxctl 2.7.0 or later, set INFLUXDB3_INFLUXCTL_PATH, or "
            "set INFLUXDB3_API_URL for the HTTP transport."
        ),
    )
    assert local_api.live_tokens() == []


def test_adopt_example_takes_over_a_hand_minted_token_and_references_another(tmp_path, local_api: LocalApi):
    expiry = "2099-01-31T12:00:00Z"
    by_hand = local_api.mint("made with influxctl by the on-call engineer", expiry)
    other = local_api.mint("owned by another team")
    stack = Stack.create("adopt", tmp_path, source=EXAMPLES / "adopt")
    stack.connect_to(local_api)
    stack.config_set("adopt:tokenId", by_hand["id"])
    stack.config_set("adopt:description", by_hand["description"])
    stack.config_set("adopt:expiresAt", expiry)
    stack.config_set("adopt:token", by_hand["accessToken"], secret=True)
    stack.config_set("adopt:referenceId", other["id"])

    stack.up().ok()
    outputs = stack.outputs()
    assert outputs["adopted.id"] == by_hand["id"]
    assert outputs["adopted.token"] == "[secret]"
    assert outputs["referenced.description"] == "owned by another team"
    assert stack.secret_outputs()["adopted.token"] == by_hand["accessToken"]
    assert {t["id"] for t in local_api.live_tokens()} == {by_hand["id"], other["id"]}  # nothing minted
    stack.preview("--expect-no-changes").ok()

    stack.destroy().ok()
    assert [t["id"] for t in local_api.live_tokens()] == [other["id"]]  # adopted: revoked; referenced: kept
    assert_nowhere(stack, by_hand["accessToken"], local_api.admin_token)


def test_adopt_example_says_what_differs_from_the_server(tmp_path, local_api: LocalApi):
    by_hand = local_api.mint("the real description")
    stack = Stack.create("adopt", tmp_path, source=EXAMPLES / "adopt", extra_env=local_api.env())
    stack.config_set("adopt:tokenId", by_hand["id"])
    stack.config_set("adopt:description", "what I remember")
    up = stack.up()
    assert up.returncode != 0
    assert (
        f"Cannot adopt management token {by_hand['id']}: declare it as it is on the server "
        "(description is 'the real description', the program says 'what I remember')."
    ) in up.output
    assert len(local_api.live_tokens()) == 1


def test_quickstart_passes_the_policy_pack_without_a_warning(tmp_path, local_api: LocalApi):
    """What scripts/demo runs: the root project's program under `--policy-pack policy/`."""
    source = tmp_path / "source"
    shutil.copytree(EXAMPLES / "quickstart", source)
    (source / "Pulumi.yaml").write_text("name: influxdb3-tokens-quickstart\nruntime: python\n")
    stack = Stack.create("quickstart", tmp_path, source=source, extra_env=local_api.env())

    up = stack.up("--policy-pack", str(EXAMPLES.parent / "policy")).ok()
    assert "influxdb3-token-policies" in up.output
    assert "advisory" not in up.output and "mandatory" not in up.output
    assert len(local_api.live_tokens()) == 2
    assert stack.outputs()["ci_deployer_token"] == "[secret]"
    stack.destroy().ok()
    assert local_api.live_tokens() == []
