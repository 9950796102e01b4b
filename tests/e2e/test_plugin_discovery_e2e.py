"""How the engine finds pulumi-resource-influxdb3, with plugin downloads switched off.

Documented facts held here: the engine runs a `pulumi-resource-<package>` it finds on PATH (an
"ambient" plugin; it warns "using ... from $PATH"), and a project's Pulumi.yaml can name a provider
plugin's folder under `plugins: providers: [{name, path}]`
(https://www.pulumi.com/docs/iac/concepts/projects/project-file/#plugins-options). The tests run
with PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true, so nothing may be downloaded either way.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from support import markers
from support.engine import REPO, Stack, engine_bin, engine_env
from support.local_api import LocalApi

VENV_BIN = Path(sys.executable).parent
SPEC = {"face": "plugin", "tokens": {"found": {"description": "found the plugin", "expires_in": "1d"}}}


@pytest.mark.parametrize("how", ["path", "project"])
def test_the_engine_finds_the_plugin_without_downloading_it(tmp_path: Path, local_api: LocalApi, how: str):
    stack = Stack.create(
        "tokens",
        tmp_path,
        spec=SPEC,
        extra_env=local_api.env(),
    )
    if how == "project":
        # The virtualenv's bin is not on PATH: only Pulumi.yaml says where the plugin is.
        stack.extra_env["PATH"] = os.pathsep.join([str(engine_bin()), "/usr/bin", "/bin"])
        with (stack.work_dir / "Pulumi.yaml").open("a") as project:
            project.write(f"plugins:\n  providers:\n    - name: influxdb3\n      path: {VENV_BIN}\n")
    up = stack.up().ok()
    assert [markers.declared(t["description"]) for t in local_api.live_tokens()] == ["found the plugin"]
    ambient = f"using pulumi-resource-influxdb3 from $PATH at {VENV_BIN / 'pulumi-resource-influxdb3'}"
    assert (ambient in up.output) is (how == "path")
    assert "download" not in up.output.lower()
    stack.destroy().ok()
    assert local_api.live_tokens() == []


def test_the_engine_reads_the_package_schema_from_the_plugin(tmp_path: Path):
    """`pulumi package get-schema <plugin>` asks the plugin (GetSchema): the answer is schema.json."""
    plugin = VENV_BIN / "pulumi-resource-influxdb3"
    done = subprocess.run(
        ["pulumi", "package", "get-schema", str(plugin)],
        cwd=tmp_path,
        env=engine_env(tmp_path, "unused"),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == json.loads((REPO / "schema.json").read_text())
