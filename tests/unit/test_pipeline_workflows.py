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
    [install] = [step for step in job["steps"] if 'install-pinned" influxctl' in step.get("run", "")]
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
        and not command.startswith(("export PATH=", "influxdb3-tokens profile write ", "influxctl --config "))
    ]
    others = [job for key, job in jobs.items() if key != name]
    assert others and all("environment" not in job for job in others)
    assert any('install-pinned" influxctl' in command for job in others for command in job["script"])
    assert "needs" in tokens and set(tokens["needs"]) == {key for key in jobs if key != name}
    for job in jobs.values():
        assert not any("curl" in c and "influxctl" in c for c in job["script"])  # only through the checked script


@pytest.mark.parametrize("name", ["github-actions.yml", ".gitlab-ci.yml"])
def test_no_workflow_holds_a_credential(name):
    text = (PIPELINE / name).read_text()
    assert not re.search(r"M\.V1\.", text) and 'PASSPHRASE: "' not in text
    assert not re.search(r"\b[0-9a-fA-F]{64}\b", text)  # no checksum made up here: the user sets the pin


# --- install-pinned: the download is checked against the pinned SHA-256 --------------------------------

# Each tool's release archive as its makers lay it out: influxctl's a folder with the binary; pulumi's a
# folder `pulumi/` with the CLI and, beside it, its language hosts.
RELEASES = {
    "influxctl": ("2.12.0", "influxctl-v2.12.0-linux-x86_64.tar.gz", "influxctl-v2.12.0", ("influxctl",)),
    "pulumi": ("3.274.1", "pulumi-v3.274.1-linux-x64.tar.gz", "pulumi", ("pulumi", "pulumi-language-python")),
}


def fake_release(tmp_path: Path, tool: str = "influxctl") -> tuple[Path, str]:
    """A release archive laid out as the tool's, with programs that print their name, and its SHA-256."""
    version, name, top, programs = RELEASES[tool]
    folder = tmp_path / "release" / top
    folder.mkdir(parents=True)
    for program in programs:
        (folder / program).write_text(f"#!/bin/sh\necho '{program} {version} (fake) linux/amd64'\n")
        (folder / program).chmod(0o755)
    (folder / "LICENSE").write_text("not a program\n")
    archive = tmp_path / name
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(folder, arcname=folder.name)
    return archive, hashlib.sha256(archive.read_bytes()).hexdigest()


def install(
    tmp_path: Path, archive: Path, pin: str | None, tool: str = "influxctl"
) -> subprocess.CompletedProcess[str]:
    upper = tool.upper()
    env = {"PATH": os.environ["PATH"], f"{upper}_VERSION": RELEASES[tool][0], f"{upper}_URL": archive.as_uri()}
    if pin is not None:
        env[f"{upper}_SHA256"] = pin
    return subprocess.run(
        [str(PIPELINE / "install-pinned"), tool, str(tmp_path / "bin")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("tool", RELEASES)
def test_install_pinned_installs_the_programs_of_an_archive_matching_the_pin(tmp_path: Path, tool: str):
    archive, digest = fake_release(tmp_path, tool)
    done = install(tmp_path, archive, digest.upper(), tool)
    assert done.returncode == 0, done.stderr
    assert sorted(path.name for path in (tmp_path / "bin").iterdir()) == list(RELEASES[tool][3])
    assert f"{tool} {RELEASES[tool][0]} (fake)" in done.stdout


@pytest.mark.parametrize(
    ("tool", "pin", "expected"),
    [
        (
            "influxctl",
            None,
            "install-pinned: the environment variable INFLUXCTL_SHA256 is not set; set it to the SHA-256 "
            "InfluxData publishes for influxctl 2.12.0's linux-x86_64 archive.",
        ),
        (
            "pulumi",
            None,
            "install-pinned: the environment variable PULUMI_SHA256 is not set; set it to the SHA-256 of "
            "pulumi-v3.274.1-linux-x64.tar.gz in pulumi-3.274.1-checksums.txt on Pulumi's release page.",
        ),
        (
            "influxctl",
            "abc123",
            "install-pinned: INFLUXCTL_SHA256 must be 64 hexadecimal characters (a SHA-256), got 6 characters.",
        ),
        (
            "influxctl",
            "0" * 64,
            "install-pinned: the downloaded influxctl-v2.12.0-linux-x86_64.tar.gz has SHA-256 {digest}, not "
            "the pinned INFLUXCTL_SHA256 {pin}; nothing was installed.",
        ),
        (
            "pulumi",
            "0" * 64,
            "install-pinned: the downloaded pulumi-v3.274.1-linux-x64.tar.gz has SHA-256 {digest}, not "
            "the pinned PULUMI_SHA256 {pin}; nothing was installed.",
        ),
    ],
    ids=["influxctl-missing", "pulumi-missing", "malformed", "influxctl-mismatched", "pulumi-mismatched"],
)
def test_install_pinned_refuses_without_a_matching_pin_in_one_sentence(tmp_path: Path, tool, pin, expected):
    archive, digest = fake_release(tmp_path, tool)
    done = install(tmp_path, archive, pin, tool)
    assert done.returncode == 2
    assert done.stderr.strip() == expected.format(digest=digest, pin=pin)
    assert not (tmp_path / "bin").exists()


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
    assert "influxdb3-tokens profile write deploy-databases --config " in text
    assert "--stack-output deploy-databases.token" in text and "--profile deploy-databases" in text
    assert "outputs:" not in text  # never a job output: GitHub drops outputs that hold a masked value


# --- issue 30 (a): the handed-off token does not outlive the job on the runner ---------------------------


def words_of(commands: list[str], first: str) -> list[list[str]]:
    """Every command (a continued line is one) of ``commands`` whose first word is ``first``."""
    found = []
    for command in commands:
        for line in command.replace("\\\n", " ").splitlines():
            words = shlex.split(line, comments=True)
            if words and words[0] == first:
                found.append(words)
    return found


def option(words: list[str], name: str) -> str:
    assert name in words, words
    return words[words.index(name) + 1]


def assert_hands_off_through(commands: list[str], config: str) -> None:
    """profile write and influxctl both name the template's own config file, never influxctl's default."""
    [write] = [w for w in words_of(commands, "influxdb3-tokens") if w[1:3] == ["profile", "write"]]
    assert option(write, "--config") == config
    uses = words_of(commands, "influxctl")
    assert uses and all(option(w, "--config") == config for w in uses)


def test_github_actions_removes_the_handed_off_profile_in_a_step_that_always_runs():
    """The profile holding the minted token lives in a file the job made under $RUNNER_TEMP, removed by the
    last step, which has `if: always()`. GitHub Actions docs (expressions, status check functions):
    `always()` makes a step run even when an earlier step failed or the run was cancelled; and (variables
    reference) RUNNER_TEMP is a per-job temporary folder. influxctl reads another config with its global
    `--config` flag."""
    [job] = load("github-actions.yml")["jobs"].values()
    [pulumi_step] = [step for step in job["steps"] if ci_step_calls([step.get("run", "")])]
    handoff = "$RUNNER_TEMP/influxdb3-tokens-handoff"
    assert_hands_off_through([pulumi_step["run"]], f"{handoff}/config.toml")
    cleanup = job["steps"][-1]
    assert cleanup["if"] == "always()" and "env" not in cleanup
    assert words_of([cleanup["run"]], "rm") == [["rm", "-rf", "--", handoff]]


def test_gitlab_ci_removes_the_handed_off_profile_in_after_script():
    """GitLab CI/CD YAML reference (after_script): after_script runs after the job's script also when the
    script failed, in a new shell that sees the job's variables (not what the script exported)."""
    jobs = [job for job in load(".gitlab-ci.yml").values() if isinstance(job, dict) and "script" in job]
    [tokens] = [job for job in jobs if ci_step_calls(job["script"])]
    handoff = tokens["variables"]["INFLUXDB3_TOKENS_HANDOFF"]
    assert handoff == "$CI_PROJECT_DIR/.influxdb3-tokens-handoff"
    assert_hands_off_through(tokens["script"], "$INFLUXDB3_TOKENS_HANDOFF/config.toml")
    assert tokens["after_script"] == ['rm -rf -- "$INFLUXDB3_TOKENS_HANDOFF"']
    kept = [*tokens.get("artifacts", {}).get("paths", []), *tokens["cache"]["paths"]]
    assert not [path for path in kept if ".influxdb3-tokens-handoff".startswith(path.rstrip("/"))]


# --- issue 30 (b): nothing the secret-holding step runs was installed unpinned or unchecked -------------

TEMPLATES = ("github-actions.yml", ".gitlab-ci.yml")
SHELL_SCRIPTS = ("ci-step", "install-pinned")


def test_every_action_is_pinned_by_a_full_commit_sha_naming_its_tag():
    """A tag (`@v4`) can be moved to other code by whoever controls the action's repository; a commit SHA
    cannot (GitHub's security hardening guide: "Pin actions to a full length commit SHA")."""
    text = (PIPELINE / "github-actions.yml").read_text()
    uses = re.findall(r"^\s*(?:-\s+)?uses:\s*(.*)$", text, re.MULTILINE)
    assert uses
    unpinned = [use for use in uses if not re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}\s+#\s+v\d+(\.\d+)*", use)]
    assert not unpinned, f"pin these by full commit SHA with a `# vX.Y.Z` comment: {unpinned}"


@pytest.mark.parametrize("name", [*TEMPLATES, *SHELL_SCRIPTS])
def test_nothing_is_downloaded_unchecked(name: str):
    """No `curl ... | sh`, and no download at all but install-pinned's, which installs nothing unless the
    archive matches the pinned SHA-256 (its own tests below)."""
    text = (PIPELINE / name).read_text()
    code = "\n".join(line.split(" #", 1)[0] for line in text.splitlines() if not line.lstrip().startswith("#"))
    assert not re.search(r"(curl|wget)[^\n]*\|\s*(sudo\s+)?(ba|z)?sh\b", code), name
    # A download: the command with an option or a URL after it (`apt-get install curl` is not one).
    downloads = re.findall(r"\b(curl|wget|Invoke-WebRequest)\b[^\n]*?(?:https?://|\s-)", code)
    if name == "install-pinned":
        assert downloads == ["curl"] and 'if [ "$actual" != "$pin" ]' in code
    else:
        assert not downloads, f"{name} downloads something itself; go through install-pinned"


def test_the_pulumi_cli_is_installed_by_version_and_checksum_in_both_templates():
    [job] = load("github-actions.yml")["jobs"].values()
    [install] = [step for step in job["steps"] if 'install-pinned" pulumi' in step.get("run", "")]
    assert install["env"] == {"PULUMI_SHA256": "${{ vars.PULUMI_SHA256 }}"} and job["env"]["PULUMI_VERSION"]
    assert not [step for step in job["steps"] if "pulumi/actions" in str(step.get("uses", ""))]
    gitlab = load(".gitlab-ci.yml")
    [prepare] = [job for job in gitlab.values() if isinstance(job, dict) and "install-pinned" in str(job)]
    assert any(line.startswith('"$PROJECT_DIR/install-pinned" pulumi ') for line in prepare["script"])
    assert prepare["variables"]["PULUMI_VERSION"] and "PULUMI_SHA256" not in prepare["variables"]
    for name in TEMPLATES:
        assert "PULUMI_SHA256" in (PIPELINE / name).read_text().split("\nname:", 1)[0].split("\nvariables:", 1)[0]
