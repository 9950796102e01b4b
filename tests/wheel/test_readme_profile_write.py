"""README's "A real cluster in five steps" on a stack configured for HTTP, from the installed product: step 4's
program, then step 5's `influxdb3-tokens profile write ci --stack-output token` as written, by a user who has no
influxctl profile of their own.

Documented facts held here:
- README step 3: the stack names the cluster with `influxdb3:accountId` and `influxdb3:clusterId` (and the
  admin token as a secret); step 5: `profile write ci --stack-output token` hands the `token` output to the
  influxctl profile `ci` without printing it.
- docs/guides/pipelines.md ("Where the token goes"): with --stack-output and no flag, a new profile's account_id
  and cluster_id come from the stack (the tokens' own outputs, then its config); with nothing to take them from,
  the command used to stop with "A new profile needs --account-id" (issue 32, 5).
- influxctl's docs ("Configure connection profiles"): its config.toml is ~/.config/influxctl/config.toml on
  Linux, a `[[profile]]` with name, product, account_id, cluster_id and mgmt_token.
"""

from __future__ import annotations

import os
import re
import subprocess
import tomllib
from pathlib import Path

import pytest

from support.engine import REPO, Stack, engine_path
from support.local_api import LocalApi
from support.secrets_scan import assert_nowhere, check
from support.wheel import Installed

PYTHON_BLOCK = re.compile(r"^```python\n(?P<code>.*?)^```", re.S | re.M)


def readme_project(folder: Path) -> Path:
    """A Python project whose program is the README's first one (step 4: `pulumi.export("token", ci.token)`)."""
    program = PYTHON_BLOCK.search((REPO / "README.md").read_text(encoding="utf-8"))
    assert program is not None
    project = folder / "readme"
    project.mkdir(parents=True)
    (project / "__main__.py").write_text(program.group("code"), encoding="utf-8")
    (project / "Pulumi.yaml").write_text("name: readme\nruntime: python\n", encoding="utf-8")
    return project


@pytest.mark.engine
@pytest.mark.usefixtures("engine_ready")
def test_readme_step_5_takes_the_account_and_cluster_from_an_http_stack(
    product: Installed, local_api: LocalApi, tmp_path: Path
):
    path = os.pathsep.join([*map(str, engine_path()), product.env()["PATH"]])
    env = {"PATH": path, "PULUMI_PYTHON_CMD": product.python, "VIRTUAL_ENV": str(product.root)}
    stack = Stack.create("readme", tmp_path / "stack", source=readme_project(tmp_path / "src"), extra_env=env)
    stack.connect_to(local_api)  # step 3: the stack names the cluster, over HTTP
    stack.up().ok()
    stack.run("stack", "select", stack.name).ok()  # as `pulumi stack init` leaves it for a user

    home = tmp_path / "home"  # a user with no influxctl config at all
    home.mkdir()
    user = {
        k: v for k, v in stack.env({"HOME": str(home)}).items() if k not in ("XDG_CONFIG_HOME", "INFLUXCTL_PROFILE")
    }
    done = subprocess.run(
        ["bash", "-c", "influxdb3-tokens profile write ci --stack-output token"],
        cwd=stack.work_dir,
        env=user,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    config = home / ".config" / "influxctl" / "config.toml"
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == f"influxdb3-tokens profile: wrote profile 'ci' in {config}."
    [ci] = tomllib.loads(config.read_text(encoding="utf-8"))["profile"]
    token = stack.secret_outputs()["token"]
    check(ci.pop("mgmt_token") == token, "the profile holds another token than the stack's output")
    assert ci == {
        "name": "ci",
        "account_id": local_api.account_id,
        "cluster_id": local_api.cluster_id,
        "product": "dedicated",
    }
    assert local_api.authenticates(token)
    check(token not in done.stdout + done.stderr, "profile write printed the token")
    assert_nowhere(stack, token, local_api.admin_token)
