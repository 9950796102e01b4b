"""The TypeScript example (examples/typescript) on the generated Node.js SDK, through the real engine and
our Node.js language host, against local servers; and SDK generation for Node.js and Python.

Documented facts these tests hold:
- A Node.js program runs through `@pulumi/pulumi/cmd/run` from the program's own node_modules, TypeScript
  included (pulumi/pulumi sdk/nodejs/cmd/pulumi-language-nodejs, Run; pulumi.com/docs/iac/languages-sdks/javascript).
- `pulumi package gen-sdk SCHEMA --language L` asks language L's host to generate the SDK (GeneratePackage);
  `pulumi package add` generates it into sdks/ and links it into the project (Link, then InstallDependencies)
  (pulumi.com/docs/iac/cli/commands/pulumi_package_add, pulumi_package_gen-sdk).
- A resource given `{ provider }` is managed by that explicit provider instance
  (pulumi.com/docs/iac/concepts/resources/providers/#explicit-provider-configuration).
- By default a replacement is created before the original is deleted
  (pulumi.com/docs/iac/concepts/options/deletebeforereplace).
"""

from __future__ import annotations

import filecmp
import json
import os
import shutil
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from support import markers
from support.engine import REPO, engine_env
from support.local_api import LocalApi
from support.secrets_scan import assert_nowhere
from support.typescript import EXAMPLE, installed_example, typescript_stack

TYPE = "influxdb3:index:ManagementToken"
PACK = ["--policy-pack", str(REPO / "policy")]
SCHEMA = REPO / "schema.json"
CI_DESCRIPTION = "CI deployer: creates databases and database tokens from the pipeline"


@pytest.fixture(scope="session")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return installed_example(tmp_path_factory)


def parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@pytest.mark.long
def test_the_example_type_checks_against_the_generated_sdk(installed: Path):
    # npm ci ran the SDK's postinstall (tsc): the generated SDK compiled to JavaScript
    assert (installed / "sdks" / "influxdb3" / "bin" / "index.js").is_file()
    done = subprocess.run(
        [str(installed / "node_modules" / ".bin" / "tsc"), "--noEmit", "-p", str(installed)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.long
def test_typescript_stack_lifecycle_on_two_clusters(
    installed: Path, tmp_path: Path, local_api: LocalApi, staging_api: LocalApi
):
    stack = typescript_stack(installed, tmp_path)
    stack.extra_env["INFLUXDB3_TOKENS_JOURNAL_DIR"] = str(tmp_path / "journal")
    stack.connect_to(local_api)
    stack.connect_to(staging_api, namespace="staging")
    stack.config_set_plain({"influxdb3:retryTimeout": "20"})

    # up: two expiring tokens on the stack's cluster, one on the second through the explicit provider
    stack.up().ok()
    shown = stack.outputs()
    assert {shown[k] for k in ("ciDeployerToken", "breakGlassToken", "stagingDeployerToken")} == {"[secret]"}
    assert local_api.live_ids() == {shown["ciDeployerId"], shown["breakGlassId"]}
    assert staging_api.live_ids() == {shown["stagingDeployerId"]}
    assert timedelta(days=29) < parse(shown["ciDeployerExpiresAt"]) - datetime.now(timezone.utc) <= timedelta(days=30)
    secrets = stack.secret_outputs()
    first_tokens = [secrets[k] for k in ("ciDeployerToken", "breakGlassToken")]
    assert all(local_api.authenticates(t) for t in first_tokens)
    assert staging_api.authenticates(secrets["stagingDeployerToken"])
    stack.preview("--expect-no-changes").ok()

    # revoked out of band: refresh drops it, up mints a new one, the others stay
    local_api.revoke(shown["breakGlassId"])
    stack.refresh().ok()
    assert shown["breakGlassId"] not in {r["id"] for r in stack.resources()}
    stack.up().ok()
    reminted = stack.outputs()
    assert reminted["breakGlassId"] != shown["breakGlassId"] and reminted["ciDeployerId"] == shown["ciDeployerId"]
    assert local_api.live_ids() == {reminted["ciDeployerId"], reminted["breakGlassId"]}
    reminted_token = stack.secret_outputs()["breakGlassToken"]
    assert local_api.authenticates(reminted_token)

    # a description change replaces the token: the new one minted before the old one is revoked
    index = stack.work_dir / "index.ts"
    index.write_text(index.read_text().replace(CI_DESCRIPTION, "CI deployer v2"))
    preview = stack.preview().ok()
    assert "replace" in preview.output and "description" in preview.output
    stack.up().ok()
    replaced = stack.outputs()
    old_id, new_id = shown["ciDeployerId"], replaced["ciDeployerId"]
    assert new_id != old_id
    tokens = {t["id"]: t for t in local_api.list_tokens()}
    assert markers.declared(tokens[new_id]["description"]) == "CI deployer v2"
    assert parse(tokens[new_id]["createdAt"]) <= parse(tokens[old_id]["revokedAt"])
    assert not local_api.authenticates(first_tokens[0])
    new_token = stack.secret_outputs()["ciDeployerToken"]

    # pulumi import of a token minted by hand, into the TypeScript project
    minted = local_api.mint(description="made by hand", expires_at="2031-06-01T00:00:00Z")
    stack.run(
        "import", TYPE, "hand", minted["id"], "--yes", "--generate-code=false", "--protect=false",
        "--non-interactive", "--stack", stack.name,
    ).ok()  # fmt: skip
    imported = [r for r in stack.resources() if r["id"] == minted["id"]]
    assert len(imported) == 1 and imported[0]["outputs"].get("token") is None

    # destroy revokes every token of the stack, on both clusters
    stack.destroy().ok()
    assert local_api.live_ids() == set() and staging_api.live_ids() == set()
    assert stack.resources() == []
    assert_nowhere(
        stack,
        *first_tokens,
        reminted_token,
        new_token,
        secrets["stagingDeployerToken"],
        minted["accessToken"],
        local_api.admin_token,
        staging_api.admin_token,
    )


NON_EXPIRING = """import * as influxdb3 from "pulumi-influxdb3";
export const id = new influxdb3.ManagementToken("forever", { description: "CI deployer" }).id;
"""


def test_policy_pack_blocks_a_non_expiring_token_declared_in_typescript(
    installed: Path, tmp_path: Path, local_api: LocalApi
):
    stack = typescript_stack(installed, tmp_path, program=NON_EXPIRING)
    stack.connect_to(local_api)
    blocked = stack.preview(*PACK)
    assert blocked.returncode != 0
    assert "[mandatory]" in blocked.output and "management-token-must-expire" in blocked.output
    assert "'forever'" in blocked.output and "never expires" in blocked.output
    assert local_api.live_ids() == set()
    assert_nowhere(stack, local_api.admin_token)


def gen_sdk(language: str, out: Path, *extra: str) -> Path:
    done = subprocess.run(
        ["pulumi", "package", "gen-sdk", str(SCHEMA), "--language", language, "--out", str(out), *extra],
        capture_output=True,
        text=True,
        check=False,
        env=engine_env(out.parent / "backend", "unused"),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return out / language


def differing_files(left: Path, right: Path) -> list[str]:
    """Files that differ between two trees (missing on either side included)."""
    cmp = filecmp.dircmp(left, right, ignore=["node_modules", "bin"])
    found = [*cmp.left_only, *cmp.right_only, *cmp.diff_files, *cmp.funny_files]
    for sub in cmp.subdirs:
        found += [f"{sub}/{name}" for name in differing_files(left / sub, right / sub)]
    return found


def test_gen_sdk_nodejs_is_the_committed_example_sdk(tmp_path: Path):
    generated = gen_sdk("nodejs", tmp_path / "out", "--local")
    assert (generated / "managementToken.ts").is_file()
    package = json.loads((generated / "package.json").read_text())
    assert package["name"] == "pulumi-influxdb3" and package["pulumi"] == {
        "resource": True,
        "name": "influxdb3",
        "version": "0.1.0",
    }
    # the SDK the example builds and type-checks (above) is exactly what the generator makes of schema.json
    assert differing_files(generated, EXAMPLE / "sdks" / "influxdb3") == []


# Prints, for our hand-written typed classes (pulumi_influxdb3_tokens.influxdb3) and for the generated
# ones, each resource's type token and constructor keywords: the two must agree.
SHAPES = """
import inspect, json, sys
import pulumi_influxdb3 as gen
from pulumi_influxdb3_tokens import influxdb3 as ours
def keywords(f, skip):
    return sorted(p for p in inspect.signature(f).parameters if p not in skip)
shapes = {}
for name in ("ManagementToken", "Database", "DatabaseToken", "Table", "Provider"):
    args = getattr(gen, name + "Args")
    shapes[name] = {
        "generated": keywords(args.__init__, {"self", "__self__"}),
        "ours": keywords(getattr(ours, name).__init__, {"self", "resource_name", "opts"}),
    }
json.dump(shapes, sys.stdout)
"""


def test_gen_sdk_python_imports_and_our_typed_classes_take_what_it_generates(tmp_path: Path):
    """The typed Python classes stay hand-written (they share input types and checks with the dynamic
    resource, e.g. expires_at accepts a datetime); this holds their keywords to the generator's."""
    generated = gen_sdk("python", tmp_path / "out")
    # Installed by hand (the package folder and its metadata, which the generated _utilities reads for
    # the version): a pip build needs setuptools' wheel support, which the test venv need not have.
    site = tmp_path / "site"
    shutil.copytree(generated / "pulumi_influxdb3", site / "pulumi_influxdb3")
    (site / "pulumi_influxdb3-0.1.0.dist-info").mkdir()
    (site / "pulumi_influxdb3-0.1.0.dist-info" / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: pulumi_influxdb3\nVersion: 0.1.0\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", SHAPES],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(site)},
    )
    assert done.returncode == 0, done.stderr
    for name, shape in json.loads(done.stdout).items():
        assert shape["ours"] == shape["generated"], name


def test_pulumi_package_add_links_the_generated_sdk_into_a_python_project(tmp_path: Path):
    project = tmp_path / "py"
    project.mkdir()
    (project / "Pulumi.yaml").write_text(
        f"name: pyadd\nruntime:\n  name: python\n  options:\n    virtualenv: {sys.prefix}\n"
    )
    (project / "requirements.txt").write_text("pulumi>=3.0.0\n")
    plugin = str(Path(sys.executable).parent / "pulumi-resource-influxdb3")  # installed with the package
    done = subprocess.run(
        ["pulumi", "package", "add", plugin],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        env=engine_env(tmp_path / "backend", "unused"),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "import pulumi_influxdb3 as influxdb3" in done.stdout
    assert (project / "requirements.txt").read_text().splitlines() == ["pulumi>=3.0.0", "sdks/influxdb3"]
    assert (project / "sdks" / "influxdb3" / "pulumi_influxdb3" / "management_token.py").is_file()
