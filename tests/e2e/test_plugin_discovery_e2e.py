"""How the engine finds pulumi-resource-influxdb3, with plugin downloads switched off.

Documented facts held here: the engine runs a `pulumi-resource-<package>` it finds on PATH (an
"ambient" plugin; it warns "using ... from $PATH"), and a project's Pulumi.yaml can name a provider
plugin's folder under `plugins: providers: [{name, path}]`
(https://www.pulumi.com/docs/iac/concepts/projects/project-file/#plugins-options). The tests run
with PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true, so nothing may be downloaded either way.

And what the engine prints when it finds the plugin nowhere, as docs/installation-configuration.md quotes it
("The provider plugin"): with downloads on, the stable part of its download failure (a YAML program asks GitHub
for the latest release of pulumi/pulumi-influxdb3, a program on an SDK naming v0.1.0 asks get.pulumi.com); with
PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true, "no resource plugin ... found in the workspace". The download
goes to a proxy on 127.0.0.1 that refuses it, so nothing leaves the machine and the variable tail is the same.
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
DOC = REPO / "docs" / "installation-configuration.md"
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


def documented_plugin_errors() -> list[str]:
    """The quoted engine lines of the doc's "When neither finds it" paragraphs, without the variable `...` tail:
    downloads on (YAML, SDK), then off (YAML, SDK)."""
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index("When neither finds it") : text.index("names no `pluginDownloadURL`")]
    quoted = [line[4:].removesuffix("...") for line in section.splitlines() if line.startswith("    ")]
    assert len(quoted) == len(CASES) and all("influxdb3" in line for line in quoted), quoted
    return quoted


# The tail of the SDK's error line with downloads on: not the network's answer (that is in each attempt's warning)
# but the download's outcome (pulumi/pulumi v3.274.1 pkg/workspace/plugin.go "error downloading %s %s to file",
# sdk/go/common/workspace/plugins.go "failed all %d attempts").
SDK_DOWNLOAD_OUTCOME = (
    "error downloading provider influxdb3 to file: failed to download plugin: influxdb3-0.1.0: failed all 5 attempts"
)
CASES = [("yaml", True), ("sdk", True), ("yaml", False), ("sdk", False)]  # the doc's order: program, downloads on
YAML_PROGRAM = """name: lost-plugin
runtime: yaml
resources:
  lost:
    type: influxdb3:index:ManagementToken
    properties:
      description: no plugin anywhere
      expiresIn: 1d
"""


@pytest.mark.parametrize(("program", "downloads"), CASES)
def test_without_the_plugin_the_engine_prints_what_the_docs_quote(tmp_path: Path, program: str, downloads: bool):
    if program == "yaml":
        source = tmp_path / "src"
        source.mkdir()
        (source / "Pulumi.yaml").write_text(YAML_PROGRAM)
        stack = Stack.create("lost", tmp_path, source=source)
    else:  # the typed Python classes, an SDK naming the plugin's version as the generated TypeScript one does
        stack = Stack.create("tokens", tmp_path, spec=SPEC)
    stack.extra_env["PATH"] = os.pathsep.join([str(engine_bin()), "/usr/bin", "/bin"])  # no plugin on it
    if downloads:
        refused_proxy = "http://127.0.0.1:1"
        stack.extra_env.update(
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION="false", HTTPS_PROXY=refused_proxy, HTTP_PROXY=refused_proxy
        )
    failed = stack.preview()
    assert failed.returncode != 0
    expected = documented_plugin_errors()[CASES.index((program, downloads))]
    assert expected in failed.output
    if (program, downloads) == ("sdk", True):  # what follows the SDK's error line, as the doc quotes it
        assert f"{expected}{SDK_DOWNLOAD_OUTCOME}" in failed.output
        assert SDK_DOWNLOAD_OUTCOME in " ".join(DOC.read_text(encoding="utf-8").split())
