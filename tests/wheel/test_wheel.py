"""The product as users get it: sdist and wheel from a standard front end, installed into a fresh virtualenv.

Nothing of the checkout is on that virtualenv's path: it has no .pth into the checkout, the engine
runs its Python (PULUMI_PYTHON_CMD, PATH without the checkout's .venv), and every program and the
server start from temporary folders. So a file the wheel forgot fails here.

Documented facts this holds:
- ``python -m build`` with no flags builds the sdist, then the wheel from that sdist
  (build docs, "Basic Usage"), so a file missing from either shows.
- Pulumi's Python ``virtualenv`` runtime option makes a virtualenv with ``requirements.txt``
  installed (pulumi.com/docs, Python language page), as it does for a published pack: installing
  exactly the pack's file into a fresh virtualenv, with our built distribution as the only source
  of the package, is what Pulumi does.
- A provider plugin is an executable that prints its gRPC port as the first stdout line and answers
  GetSchema with the package schema (pulumi/pulumi ``proto/pulumi/provider.proto``); the engine finds
  ``pulumi-resource-<package>`` on PATH, so the wheel's console script must land in the install's bin.
- ``pulumi up --policy-pack DIR`` runs the pack in DIR on every resource before it is created; a
  mandatory violation stops the update (pulumi.com/docs, "Policy CLI Reference", running policies
  locally).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Iterator

import pytest

from support.engine import PROGRAMS, REPO
from support.local_api import LocalApi, start_local_api
from support.wheel import DISTRIBUTION, PACK_REQUIREMENTS, VERSION, Installed, installed_stack

# Run by the install's own Python: start the plugin as the engine does, ask GetSchema, print the answer.
GET_SCHEMA = """
import subprocess, sys
import grpc
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc
plugin = subprocess.Popen([sys.argv[1], "127.0.0.1:1"], stdout=subprocess.PIPE)
try:
    port = int(plugin.stdout.readline())
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        grpc.channel_ready_future(channel).result(timeout=60)
        stub = provider_pb2_grpc.ResourceProviderStub(channel)
        sys.stdout.write(stub.GetSchema(provider_pb2.GetSchemaRequest(version=0)).schema)
finally:
    plugin.terminate()
    plugin.wait(10)
"""


@pytest.fixture
def installed(dist: Path, tmp_path: Path) -> Installed:
    """A fresh virtualenv without the package: the pack's requirements go into it as Pulumi installs them."""
    return Installed.create(tmp_path / "venv", dist)


def test_the_pack_requirements_install_into_a_fresh_virtualenv_and_the_server_needs_its_extra(
    installed: Installed, tmp_path: Path
):
    # What Pulumi does for a pack: pip install -r requirements.txt into the pack's own virtualenv.
    installed.pip_install("-r", str(PACK_REQUIREMENTS), cwd=tmp_path)
    assert installed.package_file(tmp_path).is_relative_to(installed.root)
    reported = installed.run(
        installed.python, "-P", "-c", "import pulumi_influxdb3_tokens as p; print(p.__version__)", cwd=tmp_path
    )
    assert reported.stdout.strip() == VERSION

    # The provider plugin: the console script is in the install's bin and serves the shipped schema.
    plugin = installed.bin / "pulumi-resource-influxdb3"
    assert plugin.is_file()
    schema = installed.run(installed.python, "-P", "-c", GET_SCHEMA, str(plugin), cwd=tmp_path).stdout
    assert schema == (REPO / "schema.json").read_text()

    # Without the [server] extra the local server says what to install, in one sentence.
    server = installed.run(str(installed.bin / "influxdb3-local-api"), "--help", cwd=tmp_path, check=False)
    assert server.returncode == 1
    assert server.stderr.strip() == (
        "influxdb3-local-api needs fastapi and uvicorn, which come with the server extra: "
        "pip install 'pulumi-influxdb3-tokens[server]'"
    )

    installed.pip_install(f"{DISTRIBUTION}[server]=={VERSION}", cwd=tmp_path)
    assert installed.run(str(installed.bin / "influxdb3-local-api"), "--help", cwd=tmp_path).returncode == 0

    # The installed pack: a folder inside the install, with its project file, entry point and requirements.
    folder = Path(installed.run(str(installed.bin / "influxdb3-tokens"), "policy-pack", cwd=tmp_path).stdout.strip())
    assert folder.is_relative_to(installed.root)
    assert f"version: {VERSION}" in (folder / "PulumiPolicy.yaml").read_text()
    assert (folder / "requirements.txt").read_text() == PACK_REQUIREMENTS.read_text()
    package = folder.parents[1]  # the pack is the package's policy/pack
    assert (package / "py.typed").is_file() and (package / "plugin" / "schema.json").is_file()


@pytest.fixture
def installed_server(product: Installed, tmp_path: Path) -> Iterator[LocalApi]:
    """The local server of the run's install of the package with its server extra (conftest.py ``product``)."""
    server = start_local_api(tmp_path / "server-data", python=product.python, hash_cost=None)  # as a user runs it
    yield server
    server.stop()


@pytest.mark.engine
@pytest.mark.usefixtures("engine_ready")
def test_quickstart_and_the_policy_pack_run_from_the_install_alone(
    product: Installed, installed_server: LocalApi, tmp_path: Path
):
    installed = product
    pack = installed.run(str(installed.bin / "influxdb3-tokens"), "policy-pack", cwd=tmp_path).stdout.strip()

    # The quickstart as a user would have it: its program in a folder of their own.
    quickstart = tmp_path / "quickstart-src" / "quickstart"
    shutil.copytree(REPO / "examples" / "quickstart", quickstart)
    (quickstart / "Pulumi.yaml").write_text("name: influxdb3-tokens-quickstart\nruntime: python\n")
    stack = installed_stack(installed, quickstart, tmp_path / "q", installed_server)
    up = stack.up("--policy-pack", pack).ok()
    assert "influxdb3-token-policies" in up.output
    assert "advisory" not in up.output and "mandatory" not in up.output
    outputs = stack.outputs()
    assert outputs["ci_deployer_token"] == "[secret]" and outputs["break_glass_token"] == "[secret]"
    assert {t["id"] for t in installed_server.live_tokens()} == {outputs["ci_deployer_id"], outputs["break_glass_id"]}
    stack.destroy().ok()
    assert installed_server.live_tokens() == []

    # The installed pack blocks a token that never expires before anything is minted.
    forever = tmp_path / "forever-src" / "tokens"
    shutil.copytree(PROGRAMS / "tokens", forever)
    (forever / "Pulumi.yaml").write_text("name: forever\nruntime: python\n")
    blocked = installed_stack(installed, forever, tmp_path / "f", installed_server)
    blocked.write_spec({"tokens": {"forever": {"description": "never expires"}}})
    refused = blocked.up("--policy-pack", pack)
    assert refused.returncode != 0
    assert "[mandatory]" in refused.output and "management-token-must-expire" in refused.output
    assert installed_server.live_tokens() == []
