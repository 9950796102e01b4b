"""The CI workflows shipped with the pipeline example are valid and run ci-step with the policy pack."""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
PIPELINE = ROOT / "examples" / "pipeline"
SECRETS = ("INFLUXDB3_MANAGEMENT_TOKEN", "PULUMI_CONFIG_PASSPHRASE")


def load(name: str) -> dict[str, Any]:
    document = yaml.safe_load((PIPELINE / name).read_text())
    assert isinstance(document, dict)
    return document


def ci_step_calls(commands: list[str]) -> list[list[str]]:
    calls = []
    for command in commands:
        for line in command.splitlines():
            words = shlex.split(line, comments=True)
            if words and words[0].endswith("ci-step"):
                calls.append(words)
    return calls


def assert_runs_ci_step_with_the_policy_pack(commands: list[str], workspace_variable: str) -> None:
    [call] = ci_step_calls(commands)
    assert (ROOT / call[0]).is_file() and call[0] == "examples/pipeline/ci-step"  # relative to the checkout
    assert call[1:] == ["--policy-pack", f"${workspace_variable}/policy"]
    assert (ROOT / "policy" / "PulumiPolicy.yaml").is_file()


def assert_valid_shell(commands: list[str]) -> None:
    for command in commands:
        subprocess.run(["bash", "-n", "-c", command], check=True, capture_output=True, text=True)


def test_github_actions_runs_ci_step_on_push_and_schedule_with_masked_secrets():
    workflow = load("github-actions.yml")
    # PyYAML reads the bare key `on` as the YAML 1.1 boolean true.
    triggers = workflow.get("on", workflow.get(True))
    assert set(triggers) >= {"push", "schedule"}
    [schedule] = triggers["schedule"]
    assert len(schedule["cron"].split()) == 5
    [job] = workflow["jobs"].values()
    env = job["env"]
    for name in SECRETS:
        assert env[name] == f"${{{{ secrets.{name} }}}}"  # GitHub masks secrets in the log
    assert env["PULUMI_BACKEND_URL"] == "${{ vars.PULUMI_BACKEND_URL }}"
    assert "INFLUXDB3_API_URL" not in env  # a real cluster is reached with influxctl
    runs = [step["run"] for step in job["steps"] if "run" in step]
    assert any("influxctl version" in run for run in runs)
    assert_valid_shell(runs)
    assert_runs_ci_step_with_the_policy_pack(runs, "GITHUB_WORKSPACE")


def test_gitlab_ci_runs_ci_step_on_push_and_schedule_with_secrets_from_settings():
    pipeline = load(".gitlab-ci.yml")
    [job] = [value for key, value in pipeline.items() if isinstance(value, dict) and "script" in value]
    sources = {m for rule in job["rules"] for m in re.findall(r'CI_PIPELINE_SOURCE == "(\w+)"', rule["if"])}
    assert sources == {"push", "schedule"}
    for name in (*SECRETS, "PULUMI_BACKEND_URL", "INFLUXDB3_ACCOUNT_ID"):
        assert name not in job.get("variables", {})  # masked CI/CD variables from the project settings
    commands = [*job["before_script"], *job["script"]]
    assert any("influxctl version" in command for command in commands)
    assert_valid_shell(["\n".join(commands)])
    assert_runs_ci_step_with_the_policy_pack(job["script"], "CI_PROJECT_DIR")


@pytest.mark.parametrize("name", ["github-actions.yml", ".gitlab-ci.yml"])
def test_no_workflow_holds_a_credential(name):
    text = (PIPELINE / name).read_text()
    assert not re.search(r"M\.V1\.", text) and 'PASSPHRASE: "' not in text
