"""docs/guides/policy-and-audit.md's pack recipes, run as written from the installed product, outside the checkout.

Documented facts these hold:
- A Python project's ``runtime.options.virtualenv`` runs its program with that virtualenv's Python (pulumi.com/docs,
  "Pulumi.yaml reference", runtime options), and the engine starts a local ``--policy-pack DIR`` with the runtime
  options of DIR's own ``PulumiPolicy.yaml``, rooted at DIR (pulumi/pulumi v3.274.1
  ``pkg/resource/plugin/plugin.go``, ExecPlugin): so the written pack runs with ``DIR/venv/bin/python``, which has
  only what its ``requirements.txt`` installed, while nothing on PATH has pulumi. Without that option the pack runs
  with the Python the engine finds for it (``PULUMI_PYTHON_CMD``, else PATH: the SDK's ``python/toolchain``), and
  fails with ``No module named 'pulumi'`` (issue 32, 7: what a user of a ``virtualenv`` project saw).
- ``pulumi up --policy-pack DIR``: a mandatory violation stops the update before the resource is created, and the
  engine names the pack and the policy (pulumi.com/docs, "Policy CLI Reference", running policies locally);
  ``--policy-pack-config FILE`` gives the pack's policies their config (pulumi.com/docs/iac/cli/commands/pulumi_up).
- ``pulumi policy enable <org-name>/<policy-pack-name> <latest|version>`` (pulumi.com/docs/iac/cli/commands/
  pulumi_policy_enable): the name is the one the pack declares (``PolicyPack(name=...)``), which the engine reads
  from the pack when it publishes it (pulumi/pulumi ``pkg/backend/httpstate/policypack.go``, Publish). Publishing
  needs Pulumi Cloud, which no test here reaches: only the steps before ``pulumi login`` run.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from pulumi_influxdb3_tokens.policy import catalog
from pulumi_influxdb3_tokens.policy.policies import PACK_NAME
from support.engine import REPO, engine_path
from support.local_api import LocalApi
from support.recipes import recipe
from support.wheel import CONSTRAINTS, VERSION, Installed

DOC = REPO / "docs" / "guides" / "policy-and-audit.md"

# The user's program: the tokens that tokens.json beside it declares.
PROGRAM = """\
import json
from pathlib import Path

from pulumi_influxdb3_tokens import ManagementToken

for name, inputs in json.loads((Path(__file__).parent / "tokens.json").read_text()).items():
    ManagementToken(name, **inputs)
"""


def user_env(product: Installed, tmp_path: Path, server: LocalApi) -> dict[str, str]:
    """A user who did not activate the project's virtualenv: the engine on PATH, no Python with pulumi there."""
    (tmp_path / "state").mkdir()
    env = product.env()
    path = [p for p in env["PATH"].split(os.pathsep) if p != str(product.bin)]
    env.pop("VIRTUAL_ENV")
    env.update(
        server.env(),
        PATH=os.pathsep.join([*map(str, engine_path()), *path]),
        PULUMI_BACKEND_URL=(tmp_path / "state").as_uri(),
        PULUMI_HOME=str(tmp_path / "pulumi-home"),
        PULUMI_CONFIG_PASSPHRASE="recipe-test-only",
        PULUMI_SKIP_UPDATE_CHECK="true",
        NO_COLOR="1",
        # The pack's pip resolves its requirements' ranges at the versions the tests use (pip reads this as -c),
        # found in pip's cache: constraints add no package, so the pack still gets only what requirements.txt asks.
        PIP_CONSTRAINT=str(CONSTRAINTS),
        PIP_DISABLE_PIP_VERSION_CHECK="1",
    )
    return env


def sh(command: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", command], cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False
    )


def ok(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, f"{done.args[-1]} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr


@pytest.mark.engine
@pytest.mark.usefixtures("engine_ready")
def test_the_written_pack_enforces_on_a_virtualenv_project_from_its_own_virtualenv(
    product: Installed, local_api: LocalApi, tmp_path: Path
):
    project = tmp_path / "work" / "tokens"
    project.mkdir(parents=True)
    (project / "venv").symlink_to(product.root)  # the project's own virtualenv, which has the package
    (project / "Pulumi.yaml").write_text("name: tokens\nruntime:\n  name: python\n  options:\n    virtualenv: venv\n")
    (project / "__main__.py").write_text(PROGRAM)
    declare = lambda tokens: (project / "tokens.json").write_text(json.dumps(tokens))  # noqa: E731
    declare({"ci": {"description": "CI deployer", "expires_in": "30d", "rotate_before": "7d"}})
    env = user_env(product, tmp_path, local_api)
    assert sh("python3 -c 'import pulumi'", project, env).returncode != 0, "a Python on PATH has pulumi"
    ok(sh("pulumi stack init dev", project, env))

    # What issue 32 (7) saw: the installed pack runs with the Python on PATH, which lacks pulumi.
    installed_pack = sh('pulumi preview --policy-pack "$(venv/bin/influxdb3-tokens policy-pack)"', project, env)
    assert installed_pack.returncode != 0
    assert "No module named 'pulumi'" in installed_pack.stdout + installed_pack.stderr

    commands = recipe(DOC, "virtualenv-project")
    for command in commands:
        output = ok(sh(command, project, env))
    pack = tmp_path / "work" / "influxdb3-token-policies"
    assert (pack / "venv" / "bin" / "python").is_file()
    in_pack = "import importlib.util as u; print(u.find_spec('pulumi_influxdb3_tokens'), u.find_spec('pulumi_policy'))"
    found = ok(sh(f"venv/bin/python -c {in_pack!r}", pack, env)).split()
    assert found[0] == "None" and found[1] != "None", "the pack's virtualenv is not what requirements.txt makes"
    assert f"{PACK_NAME}@v{VERSION} (local: ../influxdb3-token-policies)" in output  # the engine ran it
    [(ci_id, ci)] = [(t["id"], t) for t in local_api.live_tokens()]
    assert ci["description"].startswith("CI deployer")

    # A token that never expires: the recipe's `up` stops before minting it, naming the mandatory policy.
    declare({"ci": {"description": "CI deployer", "expires_in": "30d", "rotate_before": "7d"}, "forever": {}})
    refused = sh(commands[-1], project, env)
    assert refused.returncode != 0
    assert "[mandatory]" in refused.stdout and catalog.MUST_EXPIRE in refused.stdout
    assert "ManagementToken 'forever': the token never expires" in refused.stdout
    assert [t["id"] for t in local_api.live_tokens()] == [ci_id]

    # The pack's config file sets its numbers as for the installed pack: the 30-day token outlives 14 days.
    declare({"ci": {"description": "CI deployer", "expires_in": "30d", "rotate_before": "7d"}})
    (tmp_path / "work" / "policy-config.json").write_text(json.dumps({catalog.MAX_LIFETIME: {"maxLifetimeDays": 14}}))
    configured = sh(f"{commands[-1]} --policy-pack-config ../policy-config.json", project, env)
    assert configured.returncode != 0 and "[mandatory]" in configured.stdout
    assert "the token lives 30d (expires_in 30d), longer than maxLifetimeDays 14" in configured.stdout


def test_the_pulumi_cloud_recipe_publishes_the_written_pack_under_its_own_name():
    """Publishing and enabling need Pulumi Cloud: this holds what can be told offline, that the recipe publishes
    from the folder it wrote and enables the pack by the name the pack declares."""
    commands = recipe(DOC, "pulumi-cloud")
    [write] = [c for c in commands if "policy-pack --write" in c]
    folder = write.split("--write", 1)[1].split()[0]
    [publish] = [c for c in commands if c.startswith("pulumi policy publish")]
    assert publish.endswith(f"--cwd {folder}")
    [enable] = [c for c in commands if c.startswith("pulumi policy enable")]
    org = publish.split()[3]
    assert enable.split()[3] == f"{org}/{PACK_NAME}" and enable.split()[4] == "latest"
    assert f"{folder}/venv/bin/python -m pip install -r {folder}/requirements.txt" in commands
