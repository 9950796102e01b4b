"""docs/_index.md's TypeScript section on a team's road: the project committed as the docs say, cloned fresh into
another folder, installed with the docs' commands as written, then `pulumi up` and `pulumi destroy` against the
local server, with the plugin from the installed product.

Documented facts held here:
- docs/_index.md, "In git and CI": commit the program (index.ts, tsconfig.json, Pulumi.yaml) and `sdks/influxdb3`
  with package.json and package-lock.json (recipe `typescript-commit`, the only `git add` of them here); on a
  fresh clone `npm ci` installs and builds the SDK (recipe `typescript-fresh-clone`), after which `pulumi up` works;
  `pulumi install` stops on the `packages:` entry `pulumi package add` wrote, "installing `packages` from
  Pulumi.yaml: unable to resolve".
- The project is what `pulumi package add` makes: examples/typescript's Pulumi.yaml, package.json, lockfile and
  sdks/influxdb3 (held to the generator by tests/e2e/test_typescript_e2e.py), with docs/_index.md's TypeScript
  program as index.ts.
- npm's docs: `npm ci` installs exactly package-lock.json and runs the dependencies' install scripts.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from support.engine import REPO, Stack, engine_path
from support.local_api import LocalApi
from support.recipes import recipe
from support.secrets_scan import assert_nowhere
from support.typescript import EXAMPLE, npm_cache
from support.vault import SECRETS_PROVIDER
from support.wheel import Installed

DOC = REPO / "docs" / "_index.md"
TYPESCRIPT = re.compile(r"^### TypeScript\n\n```typescript\n(?P<code>.*?)^```", re.S | re.M)
GENERATED = ("Pulumi.yaml", "package.json", "package-lock.json", "tsconfig.json")


def run(commands: list[str], cwd: Path, env: dict[str, str]) -> str:
    """Each command with bash, as a user types it; the output of all."""
    said = []
    for command in commands:
        done = subprocess.run(
            ["bash", "-c", command], cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False
        )
        assert done.returncode == 0, f"{command} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
        said.append(done.stdout + done.stderr)
    return "\n".join(said)


@pytest.mark.engine
@pytest.mark.usefixtures("engine_ready")
def test_a_fresh_clone_installs_with_the_docs_commands_and_goes_up(
    product: Installed, local_api: LocalApi, tmp_path: Path
):
    # npm from the run's shared cache (the example's lockfile is this project's): only the environment says so.
    npm = {"npm_config_cache": str(npm_cache()), "npm_config_prefer_offline": "true", "npm_config_audit": "false"}
    user = {**product.env(), **npm, "npm_config_fund": "false", "npm_config_update_notifier": "false"}
    user["PATH"] = os.pathsep.join([*map(str, engine_path()), user["PATH"]])
    git = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_CONFIG_GLOBAL": os.devnull}
    git |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    user |= git

    # The team's project, as `pulumi package add` left it, with the docs' program; then committed as they say.
    team = tmp_path / "team"
    team.mkdir()
    for name in GENERATED:
        shutil.copy(EXAMPLE / name, team / name)
    shutil.copytree(EXAMPLE / "sdks", team / "sdks", ignore=shutil.ignore_patterns("node_modules", "bin"))
    program = TYPESCRIPT.search(DOC.read_text(encoding="utf-8"))
    assert program is not None
    (team / "index.ts").write_text(program.group("code"), encoding="utf-8")
    (team / ".gitignore").write_text("node_modules/\n", encoding="utf-8")
    run(["git init -q -b main", "git add .gitignore"], team, user)
    run(recipe(DOC, "typescript-commit"), team, user)  # commits the program and its tsconfig.json too

    clone = tmp_path / "clone"
    run([f"git clone -q {team} {clone}"], tmp_path, user)
    assert not (clone / "sdks" / "influxdb3" / "bin").exists()  # the build is not committed

    # The docs' reason for npm: `pulumi install` fails on a fresh clone. Its registry query goes to a proxy on
    # 127.0.0.1 that refuses it, so nothing leaves the machine and the answer is the same online and offline.
    refused_proxy = {"HTTPS_PROXY": "http://127.0.0.1:1", "HTTP_PROXY": "http://127.0.0.1:1"}
    refused = subprocess.run(
        ["pulumi", "install"],
        cwd=clone,
        env={**user, **refused_proxy},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert refused.returncode != 0
    assert "error: installing `packages` from Pulumi.yaml: unable to resolve" in refused.stdout + refused.stderr

    run(recipe(DOC, "typescript-fresh-clone"), clone, user)
    assert (clone / "sdks" / "influxdb3" / "bin" / "index.js").is_file()  # npm ci built the SDK

    (tmp_path / "backend").mkdir()
    # Types are held once by tests/e2e/test_typescript_e2e.py (tsc over the example); here ts-node only transpiles.
    stack_env = {**npm, "PATH": user["PATH"], "PULUMI_NODEJS_TRANSPILE_ONLY": "true"}
    stack = Stack(work_dir=clone, backend_dir=tmp_path / "backend", name="dev", extra_env=stack_env)
    stack.run("stack", "init", "dev", "--secrets-provider", SECRETS_PROVIDER).ok()
    stack.connect_to(local_api)
    stack.up().ok()
    assert stack.outputs()["ciToken"] == "[secret]"
    [live] = local_api.live_tokens()
    assert stack.resources("ManagementToken")[0]["id"] == live["id"]
    stack.destroy().ok()
    assert local_api.live_tokens() == []
    assert_nowhere(stack, local_api.admin_token)
