"""The CI workflows shipped with the pipeline example are valid and run ci-step with the policy pack."""

from __future__ import annotations

import hashlib
import os
import re
import shlex
import subprocess
import tarfile
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
PIPELINE = ROOT / "examples" / "pipeline"
# Every secret the pipeline uses: the admin token, the state's passphrase and the backend's keys.
SECRET_VARIABLES = (
    "INFLUXDB3_MANAGEMENT_TOKEN",
    "PULUMI_CONFIG_PASSPHRASE",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
)


def load(name: str) -> dict[str, Any]:
    document = yaml.safe_load((PIPELINE / name).read_text())
    assert isinstance(document, dict)
    return document


def ci_step_calls(commands: list[str]) -> list[list[str]]:
    calls = []
    for command in commands:
        for line in command.replace("\\\n", " ").splitlines():  # a continued line is one command
            words = shlex.split(line, comments=True)
            if words and words[0].endswith("ci-step"):
                calls.append(words)
    return calls


def assert_runs_ci_step_with_the_policy_pack(commands: list[str]) -> None:
    """ci-step from the folder the user copied it to, with the pack that came with the installed package."""
    [call] = ci_step_calls(commands)
    assert call[0] == "$PROJECT_DIR/ci-step" and (PIPELINE / "ci-step").is_file()
    assert call[1:] == ["--policy-pack", "$(influxdb3-tokens policy-pack)"]


def assert_installs_outside_a_checkout(text: str) -> None:
    """Issue 18: nothing of this repository but the copied example folder; the package from an index or wheel."""
    assert "constraints.txt" not in text and "/policy" not in text and "examples/pipeline" not in text
    assert 'pip install "${INFLUXDB3_TOKENS_PACKAGE:-pulumi-influxdb3-tokens}"' in text


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
    assert env["PULUMI_BACKEND_URL"] == "${{ vars.PULUMI_BACKEND_URL }}"
    assert "INFLUXDB3_API_URL" not in env  # a real cluster is reached with influxctl
    runs = [step["run"] for step in job["steps"] if "run" in step]
    assert_valid_shell(runs)
    assert_runs_ci_step_with_the_policy_pack(runs)
    assert_installs_outside_a_checkout((PIPELINE / "github-actions.yml").read_text())


def test_github_actions_gives_the_secrets_to_the_pulumi_step_only():
    """Issue 17 (9): pip install, the influxctl download and every action run without a secret."""
    [job] = load("github-actions.yml")["jobs"].values()
    [pulumi_step] = [step for step in job["steps"] if ci_step_calls([step.get("run", "")])]
    for name in SECRET_VARIABLES:
        assert pulumi_step["env"][name] == f"${{{{ secrets.{name} }}}}"  # GitHub masks secrets in the log
    text = (PIPELINE / "github-actions.yml").read_text()
    assert text.count("${{ secrets.") == len(SECRET_VARIABLES)  # no secret is handed out anywhere else
    for where in [job.get("env", {}), *(step.get("env", {}) for step in job["steps"] if step is not pulumi_step)]:
        assert not [value for value in where.values() if "secrets." in str(value)], where
    for step in job["steps"]:
        if step is not pulumi_step:
            assert "secrets." not in str(step.get("with", {}))


def test_github_actions_installs_influxctl_checked_against_the_pinned_sha256():
    [job] = load("github-actions.yml")["jobs"].values()
    [install] = [step for step in job["steps"] if "install-influxctl" in step.get("run", "")]
    assert install["env"] == {"INFLUXCTL_SHA256": "${{ vars.INFLUXCTL_SHA256 }}"}
    assert "curl" not in install["run"]  # the script downloads and checks; nothing is fetched unchecked
    assert "INFLUXCTL_SHA256" in (PIPELINE / "github-actions.yml").read_text().split("name:", 1)[0]  # documented


def test_gitlab_ci_runs_ci_step_on_push_and_schedule_with_secrets_from_settings():
    pipeline = load(".gitlab-ci.yml")
    jobs = {key: value for key, value in pipeline.items() if isinstance(value, dict) and "script" in value}
    [tokens] = [job for job in jobs.values() if ci_step_calls(job["script"])]
    for job in jobs.values():
        sources = {m for rule in job["rules"] for m in re.findall(r'CI_PIPELINE_SOURCE == "(\w+)"', rule["if"])}
        assert sources == {"push", "schedule"}
        for name in (*SECRET_VARIABLES, "PULUMI_BACKEND_URL", "INFLUXDB3_ACCOUNT_ID", "INFLUXCTL_SHA256"):
            assert name not in job.get("variables", {})  # CI/CD variables from the project settings
        assert_valid_shell(["\n".join([*job.get("before_script", []), *job["script"]])])
    assert_runs_ci_step_with_the_policy_pack(tokens["script"])
    assert_installs_outside_a_checkout((PIPELINE / ".gitlab-ci.yml").read_text())


def test_gitlab_ci_gives_the_secrets_to_the_pulumi_job_only():
    """Issue 17 (9): GitLab scopes a variable to the jobs of one environment; only the ci-step job has it."""
    text = (PIPELINE / ".gitlab-ci.yml").read_text()
    pipeline = load(".gitlab-ci.yml")
    jobs = {key: value for key, value in pipeline.items() if isinstance(value, dict) and "script" in value}
    [(name, tokens)] = [(key, job) for key, job in jobs.items() if ci_step_calls(job["script"])]
    environment = tokens["environment"]["name"]
    assert f'Environment scope "{environment}"' in text  # the settings the header tells the user to make
    # The secrets are listed under that scope in the header, before any other scope.
    scoped = text.split(f'Environment scope "{environment}"', 1)[1].split("any scope:", 1)[0]
    assert all(secret in scoped for secret in SECRET_VARIABLES)
    # The job holding the secrets runs ci-step and the hand-off (and sets PATH); it installs and downloads nothing.
    assert "before_script" not in tokens and not [
        command
        for command in tokens["script"]
        if not ci_step_calls([command])
        and not command.startswith(("export PATH=", "influxdb3-tokens profile write ", "influxctl --profile "))
    ]
    others = [job for key, job in jobs.items() if key != name]
    assert others and all("environment" not in job for job in others)
    assert any("install-influxctl" in command for job in others for command in job["script"])
    assert "needs" in tokens and set(tokens["needs"]) == {key for key in jobs if key != name}
    for job in jobs.values():
        assert not any("curl" in c and "influxctl" in c for c in job["script"])  # only through the checked script


@pytest.mark.parametrize("name", ["github-actions.yml", ".gitlab-ci.yml"])
def test_no_workflow_holds_a_credential(name):
    text = (PIPELINE / name).read_text()
    assert not re.search(r"M\.V1\.", text) and 'PASSPHRASE: "' not in text
    assert not re.search(r"\b[0-9a-fA-F]{64}\b", text)  # no checksum made up here: the user sets the pin


# --- install-influxctl: the download is checked against the pinned SHA-256 ------------------------


def fake_release(tmp_path: Path, version: str = "2.12.0") -> tuple[Path, str]:
    """A release archive laid out as influxctl's (a folder holding the binary), and its SHA-256."""
    folder = tmp_path / "release" / f"influxctl-v{version}"
    folder.mkdir(parents=True)
    binary = folder / "influxctl"
    binary.write_text(f"#!/bin/sh\necho 'influxctl {version} (fake) linux/amd64'\n")
    binary.chmod(0o755)
    archive = tmp_path / f"influxctl-v{version}-linux-x86_64.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(folder, arcname=folder.name)
    return archive, hashlib.sha256(archive.read_bytes()).hexdigest()


def install(tmp_path: Path, archive: Path, pin: str | None) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ["PATH"], "INFLUXCTL_VERSION": "2.12.0", "INFLUXCTL_URL": archive.as_uri()}
    if pin is not None:
        env["INFLUXCTL_SHA256"] = pin
    return subprocess.run(
        [str(PIPELINE / "install-influxctl"), str(tmp_path / "bin")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_install_influxctl_installs_an_archive_matching_the_pin(tmp_path: Path):
    archive, digest = fake_release(tmp_path)
    done = install(tmp_path, archive, digest.upper())
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "bin" / "influxctl").is_file() and "influxctl 2.12.0 (fake)" in done.stdout


@pytest.mark.parametrize(
    ("pin", "expected"),
    [
        (
            None,
            "install-influxctl: the environment variable INFLUXCTL_SHA256 is not set; set it to the SHA-256 "
            "InfluxData publishes for influxctl 2.12.0's linux-x86_64 archive.",
        ),
        (
            "abc123",
            "install-influxctl: INFLUXCTL_SHA256 must be 64 hexadecimal characters (a SHA-256), got 6 characters.",
        ),
        (
            "0" * 64,
            "install-influxctl: the downloaded influxctl-v2.12.0-linux-x86_64.tar.gz has SHA-256 {digest}, not "
            "the pinned INFLUXCTL_SHA256 {pin}; nothing was installed.",
        ),
    ],
    ids=["missing", "malformed", "mismatched"],
)
def test_install_influxctl_refuses_without_a_matching_pin_in_one_sentence(tmp_path: Path, pin, expected):
    archive, digest = fake_release(tmp_path)
    done = install(tmp_path, archive, pin)
    assert done.returncode == 2
    assert done.stderr.strip() == expected.format(digest=digest, pin=pin)
    assert not (tmp_path / "bin" / "influxctl").exists()


# --- issue 18: the journal survives ephemeral runners, the token goes to an influxctl profile ------------


def test_github_actions_keeps_the_journal_in_the_cache():
    [job] = load("github-actions.yml")["jobs"].values()
    assert job["env"]["INFLUXDB3_TOKENS_JOURNAL_DIR"] == "${{ github.workspace }}/.influxdb3-tokens-journal"
    [cache] = [step for step in job["steps"] if str(step.get("uses", "")).startswith("actions/cache@")]
    assert cache["with"]["path"] == ".influxdb3-tokens-journal"
    # A key per run (entries are immutable), restored from the newest of the same stack.
    assert "${{ github.run_id }}" in cache["with"]["key"]
    assert cache["with"]["key"].startswith(cache["with"]["restore-keys"])
    steps = job["steps"]
    assert steps.index(cache) < next(i for i, step in enumerate(steps) if ci_step_calls([step.get("run", "")]))


def test_gitlab_ci_keeps_the_journal_in_the_cache_even_after_a_failed_run():
    [tokens] = [
        job for job in load(".gitlab-ci.yml").values() if isinstance(job, dict) and ci_step_calls(job.get("script", []))
    ]
    assert tokens["variables"]["INFLUXDB3_TOKENS_JOURNAL_DIR"] == "$CI_PROJECT_DIR/.influxdb3-tokens-journal"
    assert tokens["cache"]["paths"] == [".influxdb3-tokens-journal/"] and tokens["cache"]["when"] == "always"
    assert "$STACK" in tokens["cache"]["key"]


@pytest.mark.parametrize("name", ["github-actions.yml", ".gitlab-ci.yml"])
def test_each_template_hands_the_token_to_an_influxctl_profile_in_the_job_that_minted_it(name):
    text = (PIPELINE / name).read_text()
    write = "influxdb3-tokens profile write deploy-databases --stack-output deploy-databases.token"
    assert write in text and "influxctl --profile deploy-databases" in text
    assert "outputs:" not in text  # never a job output: GitHub drops outputs that hold a masked value
