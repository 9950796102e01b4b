"""docs/guides/rotation-with-overlap.md's "rotate now" and "a token leaked" recipes, run as written.

The product as a user has it (the built wheel with its server extra, tests/wheel/conftest.py ``product``), the
guide's own program in a folder outside the checkout, a file backend and the local server the install ships. The
recipes' commands run one by one with ``bash -c`` in the project folder, the stack selected.

Facts this holds:
- ``pulumi up --replace URN`` replaces the resource even though nothing changed, create before delete by default
  (pulumi.com/docs/iac/cli/commands/pulumi_up: "--replace: Specify a single resource URN to replace";
  pulumi.com/docs/iac/concepts/options/deletebeforereplace), so the old resource's delete runs in the same `up`:
  it revokes the old token and every retiring one (core/management_token/lifecycle.py ``delete``), with or without
  ``overlap``.
- ``pulumi stack --show-urns`` prints each resource's URN on a line ``URN: urn:...`` under it (pulumi/pulumi
  v3.274.1 pkg/cmd/pulumi/stack/stack.go ``renderResourceRow``), which the recipe greps for the resource name.
- With ``overlap``, a new ``expires_in`` rotates in place: the old token stays valid and is listed in ``retiring``
  until now plus ``overlap`` (core/tokens/overlap.py), which is what "rotate now with overlap" is.
- An output that is not a string prints as JSON from ``pulumi stack output NAME`` (pulumi stack output --help).
- For a replace target the engine neither diffs (pulumi/pulumi v3.274.1 pkg/resource/deploy/step_generator.go
  ``diff``: "If this resource is marked for replacement, just return a "replace" diff") nor hands check the old
  inputs (``generateSteps``: "if the resource has been targeted for replacement, ignore its old state"), so the
  replacement draws a create marker of its own, and only what the program settled keeps the token it replaces from
  being reported as a lost create (core/management_token/declared.py ``settle_once_recorded``).
"""

from __future__ import annotations

import json
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from support.engine import REPO, Stack
from support.local_api import start_local_api
from support.recipes import recipe
from support.wheel import Installed, installed_stack

GUIDE = REPO / "docs" / "guides" / "rotation-with-overlap.md"
# The guide's program, as printed under <!-- program: rotate-now --> (the test checks that it is).
PROGRAM = """import pulumi
from pulumi_influxdb3_tokens import ManagementToken

config = pulumi.Config()
ci = ManagementToken(
    "ci-deployer",
    description="CI deployer",
    expires_in=config.get("ciDeployerExpiresIn") or "30d",  # a new value rotates the token now
    rotate_before="7d",
    overlap="2d",
)
pulumi.export("token", ci.token)  # the current token, a secret
pulumi.export("tokenId", ci.token_id)
pulumi.export("retiring", ci.retiring)  # [{"id", "prefix", "until"}]: the old token while it overlaps
"""


def run_recipe(stack: Stack, name: str) -> list[str]:
    """Each command of the recipe as written, in the project folder; their outputs."""
    outputs = []
    for command in recipe(GUIDE, name):
        done = subprocess.run(
            ["bash", "-c", command], cwd=stack.work_dir, env=stack.env(), capture_output=True, text=True
        )
        assert done.returncode == 0, f"{command} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
        outputs.append(done.stdout + done.stderr)
    return outputs


def create_marker(stack: Stack) -> str | None:
    """The ci-deployer resource's create marker, as its state holds it (core/tokens/marker.py)."""
    [token] = [r for r in stack.export()["deployment"]["resources"] if r["urn"].endswith("::ci-deployer")]
    return token["inputs"].get("create_marker")


@pytest.mark.engine
@pytest.mark.usefixtures("engine_ready")
def test_rotate_now_with_overlap_keeps_the_old_token_retiring_and_replace_revokes_every_one_in_the_same_up(
    product: Installed, tmp_path: Path
):
    assert f"<!-- program: rotate-now -->\n```python\n{PROGRAM}```" in GUIDE.read_text(encoding="utf-8")
    server = start_local_api(tmp_path / "server-data", python=product.python)
    try:
        source = tmp_path / "src" / "rotate-now"
        source.mkdir(parents=True)
        (source / "Pulumi.yaml").write_text("name: rotate-now\nruntime: python\n")
        (source / "__main__.py").write_text(PROGRAM)
        stack = installed_stack(product, source, tmp_path / "s", server)
        stack.run("stack", "select", stack.name).ok()  # a user's project has its stack selected
        stack.up().ok()
        first = stack.outputs()["tokenId"]
        first_token = stack.secret_outputs()["token"]

        # Rotate now, with overlap: a new lifetime mints a new token, the old one stays valid and retiring.
        *ran, shown = run_recipe(stack, "rotate-now-with-overlap")
        # What the guide says the up prints.
        assert "rotate: expires_in changed from 30d to 31d; the previous token stays valid until" in ran[-1]
        second = stack.outputs()["tokenId"]
        [retiring] = json.loads(shown)
        assert second != first and retiring["id"] == first
        until = datetime.fromisoformat(retiring["until"].replace("Z", "+00:00")) - datetime.now(timezone.utc)
        assert timedelta(days=2) - timedelta(minutes=10) < until <= timedelta(days=2)
        assert server.authenticates(first_token)  # still valid until its end
        assert server.live_ids() == {first, second}
        second_token = stack.secret_outputs()["token"]

        # A leak: --replace mints a third token and revokes the current and the retiring one in the same up.
        marker = create_marker(stack)
        found, replaced = run_recipe(stack, "replace-leaked-token")
        assert "URN: urn:pulumi:" in found and found.rstrip().endswith("::ci-deployer")
        # Right after the up that minted the current token, the replace does not take it for a lost create.
        assert "an earlier create of this token" not in replaced, replaced
        assert create_marker(stack) not in (marker, None)  # the replacement proves itself with a marker of its own
        outputs = stack.outputs()
        third = outputs["tokenId"]
        assert third not in (first, second) and outputs["retiring"] == []
        assert server.live_ids() == {third}
        assert not server.authenticates(first_token) and not server.authenticates(second_token)
        assert server.authenticates(stack.secret_outputs()["token"])
    finally:
        server.stop()
