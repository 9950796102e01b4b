"""Each CI template's shell steps, in order, in a folder that holds no checkout: the road a pipeline author takes.

The folder holds only what the templates tell the user to copy (examples/pipeline's Pulumi.yaml,
__main__.py, ci-step and install-pinned). Every `run:` step (GitHub Actions) and `script:` line
(GitLab CI) runs as written under bash, with the template's own environment, against the built wheel,
the local server and the influxctl stand-in. What a CI system provides is played as follows, and
nothing else is changed:
- actions/checkout: the copied folder; actions/setup-python and GitLab's python image: a fresh
  virtualenv's python first on PATH; GitLab's `apt-get` line is skipped (the network beyond package
  registries is closed here); actions/cache and GitLab's cache: the journal folder stays where it is;
- `vars.*`, `secrets.*` and GitLab's CI/CD variables: the local server's ids and admin token, a file
  backend and a passphrase; the release archives install-pinned downloads: a tar.gz holding the
  influxctl stand-in and one holding the engine scripts/ensure-pulumi provides (`INFLUXCTL_URL` and
  `PULUMI_URL`, which install-pinned reads), each pinned by its real digest; the engine is on PATH only
  as the template installs it;
- a GitHub step with `if: always()` runs after a failed step, and GitLab's after_script after a failed
  script, as those systems do.
- INFLUXDB3_TOKENS_PACKAGE: the built wheel, installed with the versions constraints.txt pins
  (PIP_CONSTRAINT), as a user pins theirs.
The environment is built from nothing, as a CI runner's is: no PYTHONUNBUFFERED, which this machine sets
and which once hid a policy pack that hung under our own Python language host.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tarfile
import tomllib
from pathlib import Path
from typing import Any, Callable

import pytest
import yaml

from support import markers
from support.engine import REPO, engine_path
from support.local_api import LocalApi
from support.standin import STANDIN_DIR
from support.wheel import CONSTRAINTS, VERSION, uv_venv

PIPELINE = REPO / "examples" / "pipeline"
COPIED = ("Pulumi.yaml", "__main__.py", "ci-step", "install-pinned")
PASSPHRASE = "pipeline template passphrase"
NETWORK_ONLY = ("apt-get ",)
HANDOFF_CONFIG = "influxdb3-tokens-handoff/config.toml"  # the hand-off's folder and file in both templates


class Runner:
    """One CI job's machine: a workspace without a checkout, a home, a PATH, and a log of what ran."""

    def __init__(self, tmp: Path, local_api: LocalApi, dist: Path) -> None:
        self.tmp = tmp
        self.workspace = tmp / "repo"
        self.workspace.mkdir()
        for name in COPIED:
            shutil.copy2(PIPELINE / name, self.workspace / name)
        self.home = tmp / "home"
        self.home.mkdir()
        python = tmp / "python"
        uv_venv(python)  # what setup-python / the python image gives: a Python with pip
        [wheel] = dist.glob(f"pulumi_influxdb3_tokens-{VERSION}-*.whl")
        archive, digest = self.release("influxctl-v2.12.0-linux-x86_64.tar.gz", "influxctl-v2.12.0", influxctl_standin)
        pulumi_archive, pulumi_digest = self.release("pulumi-v3.274.1-linux-x64.tar.gz", "pulumi", engine_shims)
        self.values = {
            "PULUMI_BACKEND_URL": (tmp / "backend").as_uri(),
            "INFLUXDB3_ACCOUNT_ID": local_api.account_id,
            "INFLUXDB3_CLUSTER_ID": local_api.cluster_id,
            "INFLUXDB3_MANAGEMENT_TOKEN": local_api.admin_token,
            "PULUMI_CONFIG_PASSPHRASE": PASSPHRASE,
            "AWS_ACCESS_KEY_ID": "",
            "AWS_SECRET_ACCESS_KEY": "",
            "INFLUXCTL_SHA256": digest,
            "PULUMI_SHA256": pulumi_digest,
            "INFLUXDB3_TOKENS_PACKAGE": str(wheel),
        }
        (tmp / "backend").mkdir()
        self.env = {
            "PATH": os.pathsep.join([str(python / "bin"), "/usr/local/bin", "/usr/bin", "/bin"]),
            "HOME": str(self.home),
            "LANG": "C.UTF-8",
            "PIP_CONSTRAINT": str(CONSTRAINTS),
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
            "INFLUXCTL_URL": archive.as_uri(),
            "PULUMI_URL": pulumi_archive.as_uri(),
            "INFLUXCTL_STANDIN_API_URL": local_api.url,
        }
        self.log: list[str] = []
        self.failed: str | None = None  # the first step that failed: later ones run only if they always run
        self.handoff: dict[Path, tuple[str, int]] = {}  # the hand-off's config files, as the cleanup found them

    def release(self, name: str, top: str, fill: Callable[[Path], None]) -> tuple[Path, str]:
        """A release archive laid out as the tool's (its programs in the folder ``top``), and its SHA-256."""
        folder = self.tmp / "release" / top
        folder.mkdir(parents=True)
        fill(folder)
        archive = self.tmp / name
        with tarfile.open(archive, "w:gz") as tar:
            tar.add(folder, arcname=folder.name)
        return archive, hashlib.sha256(archive.read_bytes()).hexdigest()

    def before_cleanup(self) -> None:
        """Keep what the hand-off wrote (the test reads it after the cleanup step has removed it)."""
        for path in [*self.tmp.glob(f"runner-temp/{HANDOFF_CONFIG}"), *self.workspace.glob(f".{HANDOFF_CONFIG}")]:
            self.handoff[path] = (path.read_text(), path.stat().st_mode & 0o777)

    def run(self, script: str, env: dict[str, str], always: bool = False) -> None:
        if self.failed and not always:
            return
        print(f"--- step: {script[:200]}", flush=True)  # shown by pytest when the test fails or hangs
        done = subprocess.run(
            ["bash", "-e", "-o", "pipefail", "-c", script],
            cwd=self.workspace,
            env={**self.env, **env},
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=420,
            check=False,
        )
        self.log.append(f"$ {script}\n{done.stdout}{done.stderr}")
        if done.returncode != 0 and not self.failed:
            self.failed = f"step failed ({done.returncode}):\n{self.log[-1][-6000:]}"


def influxctl_standin(folder: Path) -> None:
    """influxctl as its release archive has it, one program: a shim that runs the stand-in, whose package lives
    beside it in the checkout (as engine_shims does for pulumi's programs); exec keeps its process and parent."""
    shim = folder / "influxctl"
    shim.write_text(f'#!/bin/sh\nexec "{STANDIN_DIR / "influxctl"}" "$@"\n')
    shim.chmod(0o755)


def engine_shims(folder: Path) -> None:
    """pulumi's release folder: the CLI and its hosts, each a program that runs the engine's own (the
    engine is too big to pack for every test). The folder first on PATH wins, as on PATH."""
    for directory in reversed(engine_path()):
        for program in directory.glob("pulumi*"):
            if program.is_file() and os.access(program, os.X_OK):
                (folder / program.name).write_text(f'#!/bin/sh\nexec "{program}" "$@"\n')
                (folder / program.name).chmod(0o755)


def github_expressions(text: str, runner: Runner, env: dict[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        scope, name = match.group(1), match.group(2)
        if scope in ("vars", "secrets"):
            return runner.values[name]
        if scope == "env":
            return env[name]
        return {"workspace": str(runner.workspace), "run_id": "1"}[name]

    return re.sub(r"\$\{\{\s*(vars|secrets|github|env)\.(\w+)\s*\}\}", value, text)


def run_github_actions(runner: Runner) -> None:
    [job] = yaml.safe_load((PIPELINE / "github-actions.yml").read_text())["jobs"].values()
    job_env = {k: github_expressions(str(v), runner, {}) for k, v in job["env"].items()}
    github_path = runner.tmp / "github_path"
    github_path.touch()
    for step in job["steps"]:
        if "uses" in step:
            continue  # checkout, setup-python, pulumi/actions, cache: stood in (module docstring)
        env = {**job_env, **{k: github_expressions(str(v), runner, job_env) for k, v in step.get("env", {}).items()}}
        env |= {"RUNNER_TEMP": str(runner.tmp / "runner-temp"), "GITHUB_PATH": str(github_path)}
        (runner.tmp / "runner-temp").mkdir(exist_ok=True)
        always = step.get("if") == "always()"
        if always:
            runner.before_cleanup()
        runner.run(github_expressions(step["run"], runner, env), env, always)
        added = [line for line in github_path.read_text().splitlines() if line]
        runner.env["PATH"] = os.pathsep.join([*reversed(added), runner.env["PATH"]])
        github_path.write_text("")


def gitlab_variables(value: Any, runner: Runner) -> str:
    return str(value).replace("$CI_PROJECT_DIR", str(runner.workspace))


def run_gitlab_ci(runner: Runner) -> None:
    pipeline = yaml.safe_load((PIPELINE / ".gitlab-ci.yml").read_text())
    top = {k: gitlab_variables(v, runner) for k, v in pipeline.get("variables", {}).items()}
    jobs = [job for job in pipeline.values() if isinstance(job, dict) and "script" in job]
    jobs.sort(key=lambda job: ("build", "test", "deploy").index(job["stage"]))
    for job in jobs:
        env = {**runner.values, **top, "CI_PROJECT_DIR": str(runner.workspace)}
        env |= {k: gitlab_variables(v, runner) for k, v in job.get("variables", {}).items()}
        lines = [line for line in [*job.get("before_script", []), *job["script"]] if not line.startswith(NETWORK_ONLY)]
        runner.run("\n".join(lines), env)  # GitLab runs a job's lines in one shell, stopping at the first failure
        if "after_script" in job:
            runner.before_cleanup()
            runner.run("\n".join(job["after_script"]), env, always=True)  # a new shell, after success or failure


@pytest.mark.parametrize("template", ["github-actions.yml", ".gitlab-ci.yml"])
def test_a_template_runs_outside_a_checkout_mints_the_tokens_and_hands_one_to_influxctl(
    tmp_path: Path, local_api: LocalApi, dist: Path, template: str
):
    runner = Runner(tmp_path, local_api, dist)
    (run_github_actions if template == "github-actions.yml" else run_gitlab_ci)(runner)
    assert not runner.failed, runner.failed

    described = {markers.declared(t["description"]): t for t in local_api.live_tokens()}
    assert set(described) == {
        "CI job deploy-databases (influxdb3-tokens-pipeline/ci)",
        "CI job rotate-database-tokens (influxdb3-tokens-pipeline/ci)",
    }
    # The hand-off: the minted token sat in an influxctl profile of the job's own config file, which influxctl
    # then used (the step runs it), and which the cleanup removed: nothing is left in the runner's home.
    [(config, (text, mode))] = runner.handoff.items()
    assert not config.exists() and not config.parent.exists() and oct(mode) == "0o600"
    assert not (runner.home / ".config" / "influxctl").exists()
    [profile] = tomllib.loads(text)["profile"]
    assert profile["name"] == "deploy-databases" and profile["account_id"] == local_api.account_id
    minted = described["CI job deploy-databases (influxdb3-tokens-pipeline/ci)"]
    if not profile["mgmt_token"].startswith(minted["tokenPrefix"]):
        raise AssertionError("the profile does not hold the deploy-databases token")  # never print it
    log = "\n".join(runner.log)
    for secret in (local_api.admin_token, profile["mgmt_token"], PASSPHRASE):
        if secret in log:
            raise AssertionError("a secret appeared in the pipeline's output")
