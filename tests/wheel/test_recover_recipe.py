"""docs/guides/failure-handling.md's recovery after a killed `pulumi up`, run as written after a real SIGKILL.

The product as a user has it (the built wheel with its server extra, tests/wheel/conftest.py ``product``), the
quickstart copied out of the checkout, a file backend, the local server the install ships. The create is kept in
flight by a stopped server (the HTTP transport retries it), the `pulumi` CLI is SIGKILLed, the server comes back,
and the recipe's commands run one by one with ``bash -c`` in the project folder.

Facts this holds:
- A killed CLI leaves its lock on a self-managed backend, a file under ``.pulumi/locks/`` of the backend, and the
  next command that takes it is refused until ``pulumi cancel`` deletes it (pulumi/pulumi v3.274.1
  pkg/backend/diy/lock.go ``checkForLock``: "the stack is currently locked by N lock(s) ... delete the lock file
  with `pulumi cancel`"; pkg/backend/diy/backend.go ``CancelCurrentUpdate`` deletes every lock file; and
  pkg/cmd/pulumi/cancel/cancel.go prints "The currently running update for 'STACK' has been canceled!").
- A second interrupt or a kill leaves ``pending_operations`` in the state that a non-interactive refresh keeps
  unless given ``--clear-pending-creates`` (Pulumi 3.274 ``pulumi refresh --help``), so the recipe ends with it.
- Issue 32 (1): after a killed CLI no process of ours outlives it by more than a few seconds: the language host
  ``scripts/ensure-pulumi`` builds, the dynamic provider (the SDK's ``pulumi-resource-pulumi-python`` shell and
  ``python -m pulumi.dynamic`` running our provider) and the program all end (a bounded wait, not a timing).
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
from pathlib import Path

import pytest

from pulumi_influxdb3_tokens.core.answered_creates import JOURNAL_ENV
from support.engine import REPO
from support.local_api import start_local_api
from support.processes import kill_session, running, session_processes, until, up_with_a_create_in_flight
from support.recipes import recipe
from support.wheel import Installed, installed_stack

GUIDE = REPO / "docs" / "guides" / "failure-handling.md"


@pytest.mark.engine
@pytest.mark.usefixtures("engine_ready")
def test_the_recovery_recipe_after_a_sigkilled_up_converges_with_no_orphan_and_nothing_of_ours_left_running(
    product: Installed, tmp_path: Path
):
    commands = recipe(GUIDE, "recover-killed-up")
    server = start_local_api(tmp_path / "server-data", python=product.python)
    try:
        quickstart = tmp_path / "src" / "quickstart"
        shutil.copytree(REPO / "examples" / "quickstart", quickstart)
        (quickstart / "Pulumi.yaml").write_text("name: influxdb3-tokens-quickstart\nruntime: python\n")
        stack = installed_stack(product, quickstart, tmp_path / "q", server)
        stack.run("stack", "select", stack.name).ok()  # a user's project has its stack selected
        journal = Path(stack.extra_env[JOURNAL_ENV])

        server.stop()  # the create retries (retryTimeout, 60 s by default) while the CLI is killed
        argv = ["pulumi", "up", "--yes", "--skip-preview", "--non-interactive"]
        up = up_with_a_create_in_flight(argv, stack.work_dir, stack.env(), journal)
        try:
            started = {pid: cmd for pid, cmd in session_processes(up.pid).items() if pid != up.pid}
            assert any("pulumi.dynamic" in cmd for cmd in started.values()), started
            assert any("pulumi-language-python" in cmd for cmd in started.values()), started
            up.send_signal(signal.SIGKILL)
            up.wait(10)
            until(f"every process the CLI started ends: {started}", lambda: not any(map(running, started)), 10)
        finally:
            kill_session(up.pid)
        locks = list((stack.backend_dir / ".pulumi" / "locks").rglob("*.json"))
        assert len(locks) == 1, "the killed CLI left no lock"

        server.start()
        for command in commands:
            done = subprocess.run(
                ["bash", "-c", command], cwd=stack.work_dir, env=stack.env(), capture_output=True, text=True
            )
            # The audit exits 1 when a live token breaks a mandatory rule, as the recipe's comment says: here the
            # local server's bootstrap admin token, which never expires. Anything else must succeed.
            allowed = (0, 1) if command.startswith("influxdb3-tokens audit") else (0,)
            assert done.returncode in allowed, f"{command} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
            if command.startswith("influxdb3-tokens audit"):
                audit = done.stdout
                failing = [line for line in audit.splitlines() if line.rstrip().endswith("FAIL")]
                assert done.returncode == 0 or all("bootstrap admin token" in line for line in failing), audit
            if command.startswith("pulumi cancel"):
                assert f"The currently running update for '{stack.name}' has been canceled!" in done.stdout
                assert list((stack.backend_dir / ".pulumi" / "locks").rglob("*.json")) == []
        assert json.loads((stack.work_dir / "state.json").read_text())["deployment"]["pending_operations"]
        state = stack.export()["deployment"]
        assert not state.get("pending_operations")  # the recipe's refresh cleared what the audit was given
        held = {r["id"] for r in state["resources"] if r["type"].endswith("ManagementToken")}
        assert len(held) == 2  # the quickstart's two tokens, each minted once
        assert {t["id"] for t in server.live_tokens()} == held  # converged: no orphan, nothing missing
        assert "No orphans" in audit
        stack.preview("--expect-no-changes").ok()
    finally:
        server.stop()
